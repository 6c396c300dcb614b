"""What a database says about a table's columns: the rules it enforces, read from its catalog.

``NOT NULL`` -> required, ``varchar(n)``/``char(n)`` -> max_length n (characters), ``numeric(p,s)`` ->
decimal with scale s and the largest value p digits allow, primary key and unique constraints ->
unique, ``CHECK (col IN (...))`` -> allowed, a foreign key -> a lookup. PostgreSQL from ``pg_catalog``,
SQLite from ``pragma table_info``, its unique indexes and the CHECKs of its DDL, DuckDB from
``duckdb_constraints()``. A target read from a database takes these instead of guessing them from
its data, and each says it came from the catalog (``TargetField.catalog``).

>>> rules = {r.name: r for r in catalog("sqlite:///sample_data/erp.sqlite", "customers")}
>>> rules["name"].required, rules["name"].max_length, rules["status_code"].allowed[:2], rules["customer_no"].unique
(True, 40, ['ACT', 'INA'], True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kit.load.database import DEFAULT_TIMEOUT, NUMERIC, DatabaseError, DatabaseSource, _literal, _session
from kit.profiling.alerts import declared_kind

_QUOTED = re.compile(r"'((?:[^']|'')*)'")


@dataclass
class ColumnRules:
    """One column's enforced rules. ``enforced`` names the ones the catalog states (for provenance)."""

    name: str
    declared: str
    required: bool = False
    unique: bool = False
    max_length: int | None = None
    precision: int | None = None
    scale: int | None = None
    allowed: list[str] | None = None
    references: str | None = None  # "table.column" of a foreign key

    @property
    def kind(self) -> str:
        """The target field type these rules imply (``string`` for what the kit has no type for)."""
        kind, _ = declared_kind(self.declared)
        if kind == "date" and "time" in self.declared.lower():
            return "datetime"
        return {"integer": "integer", "decimal": "decimal", "date": "date", "boolean": "boolean"}.get(
            kind or "", "string"
        )

    @property
    def largest(self) -> str | None:
        """The largest value ``numeric(p,s)`` can hold (``numeric(5,2)`` -> 999.99)."""
        if self.precision is None:
            return None
        whole = "9" * (self.precision - (self.scale or 0)) or "0"
        return whole + ("." + "9" * self.scale if self.scale else "")

    def constraints(self) -> dict[str, object]:
        """The target-field constraints stated by the catalog, in mapping-file terms."""
        out: dict[str, object] = {"type": self.kind}
        if self.required:
            out["required"] = True
        if self.unique:
            out["unique"] = True
        if self.max_length is not None and self.kind == "string":
            out["max_length"] = self.max_length
        if self.scale is not None and self.kind == "decimal":
            out["scale"] = self.scale
        if self.allowed:
            out["allowed"] = list(self.allowed)
        return out


@dataclass
class _Found:
    rules: dict[str, ColumnRules] = field(default_factory=dict)

    def add_declared(self, name: str, declared: str, required: bool) -> None:
        r = ColumnRules(name, declared, required=required)
        _, length = declared_kind(declared)
        r.max_length = length
        m = NUMERIC.search(declared)
        if m:
            r.precision = int(m.group(1))
            r.scale = int(m.group(2) or 0)
        self.rules[name] = r

    def check(self, definition: str, columns: list[str] | None = None) -> None:
        """``CHECK (col IN ('A', 'B'))`` or PostgreSQL's ``CHECK ((col = ANY (ARRAY['A'::text, ...])))``."""
        targets = columns or [n for n in self.rules if re.search(rf'\b"?{re.escape(n)}"?\b', definition)]
        if len(targets) != 1 or targets[0] not in self.rules:
            return
        if not re.search(r"\bIN\s*\(|=\s*ANY\s*\(", definition, re.I):
            return
        values = [v.replace("''", "'") for v in _QUOTED.findall(definition)]
        if values:
            self.rules[targets[0]].allowed = values


def _pg(session, table: str) -> list[ColumnRules]:
    oid = session.oid()
    found = _Found()
    cols = session._arrow(
        "SELECT attnum, attname::text, format_type(atttypid, atttypmod), attnotnull FROM pg_attribute "
        f"WHERE attrelid = {oid} AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
    ).to_pylist()
    by_num = {}
    for row in cols:
        num, name, declared, notnull = row.values()
        by_num[num] = name
        found.add_declared(name, declared, bool(notnull))
    cons = session._arrow(
        "SELECT contype::text AS t, conkey::int[] AS k, pg_get_constraintdef(oid) AS d, "
        "confrelid::regclass::text AS ft, confkey::int[] AS fk, confrelid AS fo "
        f"FROM pg_constraint WHERE conrelid = {oid}"
    ).to_pylist()
    for c in cons:
        names = [by_num[k] for k in (c["k"] or []) if k in by_num]
        if c["t"] in ("p", "u") and len(names) == 1:
            found.rules[names[0]].unique = True
            found.rules[names[0]].required |= c["t"] == "p"
        elif c["t"] == "c":
            found.check(c["d"], names)
        elif c["t"] == "f" and len(names) == 1 and c["fk"]:
            other = (
                session._arrow(
                    f"SELECT attname::text FROM pg_attribute WHERE attrelid = {int(c['fo'])} "
                    f"AND attnum = {int(c['fk'][0])}"
                )
                .column(0)[0]
                .as_py()
            )
            found.rules[names[0]].references = f"{c['ft']}.{other}"
    indexes = (
        session._arrow(
            f"SELECT indkey::text AS k FROM pg_index WHERE indrelid = {oid} AND indisunique AND indnkeyatts = 1"
        )
        .column(0)
        .to_pylist()
    )
    for k in indexes:
        num = int(str(k).split()[0])
        if num in by_num:
            found.rules[by_num[num]].unique = True
    return list(found.rules.values())


def _sqlite(session, table: str) -> list[ColumnRules]:
    found = _Found()
    cols = session._arrow(f'SELECT name, type, "notnull", pk FROM pragma_table_info({_literal(table)})').to_pylist()
    if not cols:
        raise DatabaseError(f"{session.source.label}: no such table")
    pks = [c["name"] for c in cols if c["pk"]]
    for c in cols:
        found.add_declared(c["name"], c["type"] or "", bool(c["notnull"]))
    if len(pks) == 1:
        found.rules[pks[0]].unique = found.rules[pks[0]].required = True
    for index in session._arrow(f'SELECT name, "unique" FROM pragma_index_list({_literal(table)})').to_pylist():
        if not index["unique"]:
            continue
        keys = session._arrow(f"SELECT name FROM pragma_index_info({_literal(index['name'])})").column(0).to_pylist()
        if len(keys) == 1 and keys[0] in found.rules:
            found.rules[keys[0]].unique = True
    ddl = (
        session._arrow(f"SELECT sql FROM sqlite_master WHERE type = 'table' AND name = {_literal(table)}")
        .column(0)[0]
        .as_py()
        or ""
    )
    for m in re.finditer(r"CHECK\s*\(((?:[^()]|\([^()]*\))*)\)", ddl, re.I):
        found.check(m.group(1))
    for fk in session._arrow(
        f'SELECT "from", "table", "to" FROM pragma_foreign_key_list({_literal(table)})'
    ).to_pylist():
        if fk["from"] in found.rules:
            found.rules[fk["from"]].references = f"{fk['table']}.{fk['to']}"
    return list(found.rules.values())


def _duckdb(session, table: str) -> list[ColumnRules]:
    found = _Found()
    for name, declared in session.columns():
        found.add_declared(name, declared, False)
    schema, _, name = table.rpartition(".")
    where = f"table_name = {_literal(name)}" + (f" AND schema_name = {_literal(schema)}" if schema else "")
    cons = session._arrow(
        f"SELECT constraint_type, constraint_column_names, expression FROM duckdb_constraints() WHERE {where}"
    ).to_pylist()
    for c in cons:
        names = [n for n in c["constraint_column_names"] or [] if n in found.rules]
        kind = c["constraint_type"]
        if kind == "NOT NULL" and len(names) == 1:
            found.rules[names[0]].required = True
        elif kind in ("PRIMARY KEY", "UNIQUE") and len(names) == 1:
            found.rules[names[0]].unique = True
            found.rules[names[0]].required |= kind == "PRIMARY KEY"
        elif kind == "CHECK" and c["expression"]:
            found.check(c["expression"], names or None)
    return list(found.rules.values())


_READERS = {"postgresql": _pg, "sqlite": _sqlite, "duckdb": _duckdb}


def catalog(url: str, table: str, timeout: float = DEFAULT_TIMEOUT) -> list[ColumnRules]:
    """The rules the database enforces on each column of ``table``, in column order."""
    source = DatabaseSource(url, table, None, timeout)
    with _session(source) as session:
        return _READERS[source.dialect](session, table)


def describe(rules: list[ColumnRules]) -> list[str]:
    """One line per column that has rules: ``name: NOT NULL, varchar(40)`` (for ``kit profile``)."""
    lines = []
    for r in rules:
        said = []
        if r.unique:
            said.append("unique")
        if r.required:
            said.append("NOT NULL")
        if r.max_length is not None:
            said.append(f"at most {r.max_length} characters")
        if r.precision is not None:
            said.append(f"decimal({r.precision},{r.scale or 0}), at most {r.largest}")
        if r.allowed:
            said.append(f"one of {', '.join(r.allowed)}")
        if r.references:
            said.append(f"references {r.references}")
        if said:
            lines.append(f"{r.name} ({r.declared}): {'; '.join(said)}")
    return lines

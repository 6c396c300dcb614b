"""A first draft of a mapping from two extracts: ``kit init SOURCE TARGET``.

Every line of the draft is a proposal, never a decision: target fields with constraints read off the
target extract, the best-supported source for each (``status: proposed`` with the suggestion's method
and score), ``status: open`` where no candidate is credible, steps for what the two profiles disagree
on, and the source columns no target field wants. A header comment says when and from which files
(with their sha256) it was drafted. The analyst takes it from there in the editor.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from kit.errors import KitError
from kit.files import sha256, write_atomic
from kit.load import read_extract
from kit.load.catalog import ColumnRules, catalog
from kit.load.database import has_password, is_database_url, read_database
from kit.load.report import Extract
from kit.mapping.spec import Mapping, MappingError, _yaml
from kit.profiling import ColumnProfile, Profile, profile
from kit.profiling.measures import DEFAULT_PSEUDO_NULLS, shape_values
from kit.suggestions import Candidate, Suggestions, suggest

CREDIBLE = 0.4  # a candidate below this score is no proposal: the field stays open
ASSIGNED = 0.3  # ... unless the one-to-one assignment chose it, its type fits and its name is related
SECOND_SOURCE = 0.08  # a second candidate this close to the first, alike in name and type, is an n:1 source
MAX_ALLOWED = 30  # a code column with at most this many distinct values gets an ``allowed`` list
SINGLE_BYTE = {"cp1252", "latin-1", "iso8859-1", "iso8859-15", "cp1250", "cp1251", "cp850", "mac_roman"}
ID_NAME = re.compile(r"(^|_|\b)(id|no|nr|num|number|code|key|ref|sku|ean|isbn)$|id$", re.I)
TYPES = {"integer": "integer", "decimal": "decimal", "boolean": "boolean", "date": "date"}


@dataclass
class Side:
    """One extract as the draft needs it: its rows (when loaded here), profile, path and load options."""

    profile: Profile
    extract: Extract | None = None
    path: Path | None = None
    load: dict[str, Any] = field(default_factory=dict)
    key: list[str] = field(default_factory=list)
    database: dict[str, str] = field(default_factory=dict)  # url and table or query, when read from a database
    catalog: dict[str, ColumnRules] = field(default_factory=dict)  # a database table's enforced rules


def _side(
    given: str | Path | Extract | Profile, key: list[str] | None, table: str | None = None, query: str | None = None
) -> Side:
    if isinstance(given, Profile):
        return Side(given, path=Path(given.source) if Path(given.source).exists() else None, key=list(key or []))
    if isinstance(given, str) and is_database_url(given):
        extract = read_database(given, table, query)
        prof = profile(extract, near=False)
        rules = {r.name: r for r in catalog(given, table)} if table else {}
        declared = [name for name, r in rules.items() if r.unique and r.required]
        chosen = list(key) if key else declared[:1] or detect_key(prof)
        database = {"url": given, **({"table": table} if table else {"query": query or ""})}
        return Side(prof, extract, None, {}, chosen, database, rules)
    if table is not None or query is not None:
        raise KitError(f"{given}: a table or query is for a database URL (postgresql://, sqlite:///, duckdb:///)")
    extract = given if isinstance(given, Extract) else read_extract(given)
    prof = profile(extract, near=False)
    chosen = list(key) if key else detect_key(prof)
    missing = [k for k in chosen if k not in extract.frame.columns]
    if missing:
        raise KitError(f"{extract.report.path}: key column(s) {missing} not found; columns are {extract.frame.columns}")
    return Side(prof, extract, Path(extract.report.path), load_options(extract), chosen)


def load_options(extract: Extract) -> dict[str, Any]:
    """What the loader had to decide about a delimited file and a later run must decide the same way:
    a legacy encoding, a delimiter other than a comma, a missing header, lines above the header."""
    r = extract.report
    if r.delimiter is None:
        return {}
    out: dict[str, Any] = {}
    if r.encoding and r.encoding.lower() not in ("utf-8", "ascii", "utf-8-sig"):
        out["encoding"] = r.encoding
    if r.delimiter != ",":
        out["delimiter"] = r.delimiter
    if not r.has_header:
        out["has_header"] = False
    if r.preamble_lines:
        out["skip_lines"] = len(r.preamble_lines)
    return out


def _best_key(candidates: list[tuple[int, str, str]]) -> list[str]:
    """Among complete, unique columns (position, name, shape of a value): an id-like name first, then an
    id-like shape (digits, or letters and digits without spaces), then the leftmost: keys come first."""

    def rank(c: tuple[int, str, str]) -> tuple:
        i, name, shape = c
        id_shape = bool(shape) and " " not in shape and "9" in shape
        return (not ID_NAME.search(name), not id_shape, i)

    return [min(candidates, key=rank)[1]] if candidates else []


def detect_key(prof: Profile) -> list[str]:
    """The column of a profile that identifies a record: complete and unique, by ``_best_key``; none
    when no column is both.

    >>> import polars as pl
    >>> detect_key(profile(pl.DataFrame({"name": ["a", "b"], "cust_no": ["01", "02"]}), near=False))
    ['cust_no']
    """
    return _best_key(
        [
            (i, c.name, c.shapes[0].shape if c.shapes else "")
            for i, c in enumerate(prof.columns)
            if c.rows and c.present == c.rows and c.distinct == c.rows
        ]
    )


def detect_key_in(frame: pl.DataFrame) -> list[str]:
    """``detect_key`` from the rows themselves, in one pass and without profiling them.

    >>> detect_key_in(pl.DataFrame({"name": ["a", "b"], "cust_no": ["01", "02"]}))
    ['cust_no']
    """
    if frame.height == 0 or frame.width == 0:
        return []
    text = [pl.col(c).cast(pl.String) for c in frame.columns]
    # Missing as a profile counts it: null, empty or blank, or a placeholder token.
    missing = [(t.is_null() | (t.str.strip_chars() == "") | t.is_in(DEFAULT_PSEUDO_NULLS)).sum() for t in text]
    row = frame.select(
        *[t.n_unique().alias(f"u{i}") for i, t in enumerate(text)],
        *[m.alias(f"m{i}") for i, m in enumerate(missing)],
    ).row(0)
    width = frame.width
    unique = [i for i in range(width) if row[i] == frame.height and row[width + i] == 0]
    first = frame.row(0)
    return _best_key([(i, frame.columns[i], shape_values(pl.Series([str(first[i])]))[0]) for i in unique])


def _pattern(c: ColumnProfile) -> str | None:
    """A regex for a code column whose values all share one shape (``AB-1234``), else None."""
    if not c.shapes or c.type.type not in ("text", "integer", "postal_code") or c.outside_dominant_shapes:
        return None
    top = c.shapes[0]
    if top.count != c.present or " " in top.shape or len(top.shape) > 24 or c.present < 10:
        return None
    parts = []
    for run in re.finditer(r"(A+|a+|9+|[^Aa9])", top.shape):
        text = run.group(0)
        cls = {"A": "[A-Z]", "a": "[a-z]", "9": r"\d"}.get(text[0])
        parts.append(f"{cls}{{{len(text)}}}" if cls and len(text) > 1 else cls if cls else re.escape(text))
    return "^" + "".join(parts) + "$"


def _scale(c: ColumnProfile) -> int:
    digits = [len(s.shape.rsplit(m, 1)[1]) for s in c.shapes for m in ".," if m in s.shape]
    return max([d for d in digits if d <= 6], default=2)


CODE = re.compile(r"^[A-Za-z0-9_.-]{1,12}$")


def _allowed(c: ColumnProfile, extract: Extract | None) -> list[str] | None:
    """The codes of a code column (few distinct values, each a short token without spaces), else None."""
    if not c.categorical or c.distinct > MAX_ALLOWED or c.type.type not in ("text", "integer"):
        return None
    if extract is not None:
        values = extract.frame[c.name].drop_nulls().unique().to_list()
    elif c.distinct <= len(c.top):
        values = [v for v, _ in c.top]
    else:
        return None
    codes = {str(v).strip() for v in values} - set(c.pseudo_nulls) - {""}
    return sorted(codes) if codes and all(CODE.match(v) for v in codes) else None


def _date_format(c: ColumnProfile) -> str | None:
    if c.dates.share < 0.5 or not c.dates.formats:
        return None
    return next(iter(c.dates.formats)).split("|")[0]


def _constraints(t: ColumnProfile, target: Side, unique: bool) -> CommentedMap:
    out = CommentedMap()
    kind = TYPES.get(t.type.type, "string") if t.type.fit >= 0.95 else "string"
    fmt = _date_format(t)
    if kind == "date" and fmt != "%Y-%m-%d":
        kind = "string"  # dates the target writes its own way: parse_date, then format_date
    out["type"] = kind
    if t.present == t.rows and t.rows:
        out["required"] = True
    if unique:
        out["unique"] = True
    if kind == "string" and t.len_max:
        out["max_length"] = t.len_max
    if kind == "decimal":
        out["scale"] = _scale(t)
    encoding = target.extract.report.encoding if target.extract is not None else None
    if kind == "string" and encoding and encoding.lower() in SINGLE_BYTE:
        out["code_page"] = encoding
    allowed = _allowed(t, target.extract) if kind == "string" else None
    if allowed:
        out["allowed"] = allowed
    pattern = _pattern(t) if kind == "string" and not allowed and not fmt else None
    if pattern:
        out["pattern"] = pattern
    rules = target.catalog.get(t.name)
    if rules is not None:
        _from_catalog(out, rules)
    return out


def _from_catalog(out: CommentedMap, rules: ColumnRules) -> None:
    """What the target database enforces replaces what its data suggested, and says it came from there."""
    stated = rules.constraints()
    out["type"] = stated["type"]  # a varchar of digits stays text: the database says so
    if out["type"] != "string":
        for k in ("max_length", "pattern", "code_page"):
            out.pop(k, None)
    if out["type"] != "decimal":
        out.pop("scale", None)
    for k in ("required", "unique", "max_length", "scale", "allowed"):
        if k in stated:
            out[k] = stated[k]
    if "allowed" in stated:
        out.pop("pattern", None)
        seq = CommentedSeq(out["allowed"])
        seq.fa.set_flow_style()
        out["allowed"] = seq
    names = CommentedSeq([k for k in ("required", "unique", "max_length", "scale", "allowed") if k in stated])
    names.fa.set_flow_style()
    if names:
        out["catalog"] = names
    if rules.references:
        out["notes"] = f"the target database references {rules.references}: fill it by a lookup there"


def _credible(c: Candidate) -> bool:
    """A proposal worth a reviewer's time: a good score, or the one-to-one assignment of all fields with a
    compatible type and a name that is not unrelated (``Status`` for ``state``)."""
    ev = c.evidence
    assigned = ev.get("assigned") and c.score >= ASSIGNED and ev["type"] >= 0.7 and ev["name"] >= 0.35
    return c.score >= CREDIBLE or bool(assigned)


def _sources(t: str, found: Suggestions, used: set[str], src: dict[str, ColumnProfile]) -> list[Candidate]:
    """The credible source(s) of a target field: the best candidate, and a second one when the evidence
    says two source columns feed it (``billing_city`` and ``shipping_city`` into ``city``)."""
    cands = next((s.candidates for s in found.targets if s.target == t), [])
    cands = [c for c in cands if c.source not in used]
    if not cands or not _credible(cands[0]):
        return []
    first = cands[0]
    for second in cands[1:2]:
        close = first.score - second.score <= SECOND_SOURCE and second.evidence["name"] >= 0.5
        same_type = src[first.source].type.type == src[second.source].type.type
        if close and same_type and second.evidence["name"] >= first.evidence["name"] - 0.15:
            return [first, second]
    return [first]


def _steps(s: ColumnProfile, t: ColumnProfile, target: CommentedMap, value_map: dict | None) -> CommentedSeq:
    steps = CommentedSeq()
    if s.padded or s.nbsp:
        steps.append("strip")
    if s.pseudo_nulls:
        flow = CommentedSeq(sorted(s.pseudo_nulls))
        flow.fa.set_flow_style()
        steps.append(CommentedMap([("null_if", flow)]))
    kind = target["type"]
    source_fmt, target_fmt = _date_format(s), _date_format(t)
    if source_fmt and target_fmt:
        formats = CommentedSeq(sorted(f.split("|")[0] for f in s.dates.formats))
        formats.fa.set_flow_style()
        steps.append(CommentedMap([("parse_date", formats)]))
        if kind == "string":
            steps.append(CommentedMap([("format_date", target_fmt)]))
    elif kind in ("integer", "decimal", "boolean") and s.type.type != kind:
        params = CommentedMap([("to", kind)])
        forms = s.type.number_forms
        if kind == "decimal":
            params["scale"] = target.get("scale", 2)
            if forms.get("decimal_comma", 0) + forms.get("grouped_comma", 0) > forms.get("decimal_point", 0):
                params["decimal_mark"] = ","
        params.fa.set_flow_style()
        steps.append(CommentedMap([("cast", params)]))
    elif kind in ("integer", "decimal", "boolean"):
        steps.append(CommentedMap([("cast", kind)]))
    if value_map and "allowed" in target:
        fold = bool(s.variants)  # the source spells one value several ways: match them case-insensitively
        table = {}
        for value, code in value_map.items():
            if value in s.pseudo_nulls or not value.strip():
                continue
            table.setdefault(value.strip().lower() if fold else value.strip(), code)
        if not set(table) <= set(target["allowed"]) or any(k != v for k, v in table.items()):
            params = CommentedMap([("map", CommentedMap(sorted(table.items())))])
            params["map"].fa.set_flow_style()
            if fold:
                params["case_insensitive"] = True
            params["unmapped"] = "quarantine"
            steps.append(CommentedMap([("value_map", params)]))
    return steps


def _relative(path: Path | None, folder: Path) -> str | None:
    if path is None:
        return None
    return Path(os.path.relpath(path.resolve(), folder.resolve())).as_posix()


def _database(side: Side, label: str, folder: Path) -> CommentedMap:
    """The ``database:`` entry: a URL holding a password becomes ``${<SIDE>_DB_URL}`` (the file is
    committed), a SQLite or DuckDB file is written relative to the mapping like an extract."""
    url = side.database["url"]
    variable = None
    if has_password(url):
        variable = f"{label.upper()}_DB_URL"
        url = "${" + variable + "}"
    else:
        scheme, _, rest = url.partition(":///")
        if scheme in ("sqlite", "duckdb") and rest:
            url = f"{scheme}:///{os.path.relpath(Path(rest).resolve(), folder.resolve())}"
    out = CommentedMap([("url", url)])
    for k in ("table", "query"):
        if k in side.database:
            out[k] = side.database[k]
    if variable:
        out.yaml_add_eol_comment(f"set {variable} to the URL, password included, before each run", "url")
    return out


def _system(name: str, side: Side, folder: Path, label: str = "source") -> CommentedMap:
    out = CommentedMap([("system", name)])
    if side.database:
        out["database"] = _database(side, label, folder)
    extract = _relative(side.path, folder)
    if extract:
        out["extract"] = extract
    if side.key:
        key = CommentedSeq(side.key)
        key.fa.set_flow_style()
        out["key"] = key
    if side.load:
        load = CommentedMap(side.load)
        load.fa.set_flow_style()
        out["load"] = load
    return out


def draft(
    source: Side,
    target: Side,
    name: str,
    folder: Path,
    source_system: str,
    target_system: str,
    today: dt.date | None = None,
) -> CommentedMap:
    """The draft as a YAML document (comments included) from two prepared sides."""
    src = {c.name: c for c in source.profile.columns}
    found = suggest(source.profile, target.profile)
    doc = CommentedMap()
    doc["name"] = name
    doc["version"] = 1
    doc["outcome"] = f"To be written: what connecting {source_system} to {target_system} must achieve."
    doc["source"] = _system(source_system, source, folder, "source")
    doc["target"] = _system(target_system, target, folder, "target")
    doc["source_of_truth"] = "source"
    doc["on_failure"] = "quarantine"
    fields = CommentedMap()
    used: set[str] = set()
    # The surest fields choose their sources first, so a weak candidate never takes a strong one's source.
    best = {s.target: (s.candidates[0].score if s.candidates else 0.0) for s in found.targets}
    chosen_for = {}
    for t in sorted(target.profile.columns, key=lambda c: -best.get(c.name, 0.0)):
        chosen_for[t.name] = _sources(t.name, found, used, src)
        used.update(c.source for c in chosen_for[t.name])
    for t in target.profile.columns:
        entry = _constraints(t, target, unique=t.name in target.key)
        chosen = chosen_for[t.name]
        if chosen:
            sources = CommentedSeq([c.source for c in chosen])
            sources.fa.set_flow_style()
            entry["from"] = sources
            first = src[chosen[0].source]
            steps = _steps(first, t, entry, chosen[0].evidence.get("value_map"))
            if len(chosen) > 1:
                steps.append("coalesce")
                entry["cardinality"] = f"{len(chosen)}:1, {chosen[0].source} wins, the others fill its gaps (drafted)"
            if steps:
                entry["steps"] = steps
            if entry.get("max_length") and (first.len_max or 0) > entry["max_length"]:
                entry.yaml_add_eol_comment(
                    f"source values reach {first.len_max}: truncate (a business decision) or widen the field",
                    "max_length",
                )
            entry["status"] = "proposed"
            entry["decided_by"] = "kit init"
            when = today or dt.date.today()
            entry["decided_on"] = dt.date(when.year, when.month, when.day)  # its own object: no YAML alias
            evidence = chosen[0].evidence
            entry["why"] = (
                f"drafted: name {evidence['name']:.2f}, values {evidence['values']:.2f}, "
                f"types {evidence['types'][0]} -> {evidence['types'][1]}"
            )
            entry["confidence"] = round(min(max(chosen[0].score, 0.0), 1.0), 2)
            suggestion = CommentedMap([("method", "kit suggest"), ("score", round(chosen[0].score, 3))])
            suggestion.fa.set_flow_style()
            entry["suggestion"] = suggestion
        else:
            entry["status"] = "open"
            best = next((s.candidates[0] for s in found.targets if s.target == t.name and s.candidates), None)
            entry["why"] = "no credible source candidate" + (
                f" (best: {best.source} at {best.score:.2f})" if best else ""
            )
        fields[t.name] = entry
        if len(fields) > 1:  # a blank line between fields, as in a hand-written mapping
            fields.yaml_set_comment_before_after_key(t.name, before="\n", indent=2)
    doc["fields"] = fields
    leftover = CommentedMap((c.name, "no target candidate") for c in source.profile.columns if c.name not in used)
    if leftover:
        doc["unmapped_source"] = leftover
    return doc


def _header(source: Side, target: Side, when: dt.date) -> str:
    lines = [f"Drafted by kit init on {when.isoformat()} from"]
    for label, side in (("source", source), ("target", target)):
        where = side.path if side.path else side.profile.source
        digest = sha256(side.path)[:16] if side.path and side.path.exists() else "(a profile, no file)"
        if side.database and side.extract is not None:  # the rows read, not a file
            digest = f"{side.extract.report.sha256[:16]} of the {side.extract.report.rows_loaded:,} rows read"
        lines.append(f"  {label}: {where} (sha256 {digest})")
    lines += [
        "Every decision below is a proposal: 'proposed' lines need a person to approve or change them,",
        "'open' lines need a source. Review them in the editor (make lab, notebooks/02_map_fields).",
    ]
    return "\n".join(lines)


def _stem(side: Side) -> str:
    if side.database:
        base = side.database.get("table", "query").rsplit(".", 1)[-1]
        return re.sub(r"[^a-z0-9]+", "_", base.lower()).strip("_") or "query"
    base = side.path.stem if side.path else Path(side.profile.source).stem or "extract"
    return re.sub(r"[^a-z0-9]+", "_", base.lower()).strip("_") or "extract"


def init_mapping(
    source: str | Path | Extract | Profile,
    target: str | Path | Extract | Profile,
    name: str | None = None,
    out: str | Path | None = None,
    source_key: list[str] | None = None,
    target_key: list[str] | None = None,
    source_system: str | None = None,
    target_system: str | None = None,
    force: bool = False,
    today: dt.date | None = None,
    keep_existing: bool = False,
    folder: str | Path = "mappings",
    source_table: str | None = None,
    source_query: str | None = None,
    target_table: str | None = None,
    target_query: str | None = None,
) -> Mapping:
    """Draft ``mappings/<name>.yaml`` from two extracts (paths, loaded extracts or profiles), write it and
    return it loaded. ``name`` defaults to ``<source>_to_<target>``; ``out`` to ``<folder>/<name>.yaml``.
    An existing file is refused unless ``force`` (replace it) or ``keep_existing`` (load it instead: a
    notebook run again does not lose the decisions made since the draft). A side given as a database URL
    is read from ``<side>_table`` or ``<side>_query``; a target table's catalog (NOT NULL, lengths,
    CHECK lists, keys) gives its fields' constraints, each listed under ``catalog:``.

    >>> import tempfile
    >>> m = init_mapping("sample_data/crm_contacts.csv", "sample_data/erp_customers.csv",
    ...                  out=Path(tempfile.mkdtemp()) / "draft.yaml")
    >>> m.fields["email"].from_, m.fields["email"].status
    (['email'], 'proposed')
    """
    s = _side(source, source_key, source_table, source_query)
    t = _side(target, target_key, target_table, target_query)
    name = name or f"{_stem(s)}_to_{_stem(t)}"
    path = Path(out) if out else Path(folder) / f"{name}.yaml"
    if path.exists() and keep_existing and not force:
        return Mapping.load(path)
    if path.exists() and not force:
        raise MappingError(f"{path}: exists already; choose another name or out, or pass force=True")
    when = today or dt.date.today()
    doc = draft(s, t, name, path.parent, source_system or _stem(s), target_system or _stem(t), when)
    doc.yaml_set_start_comment(_header(s, t, when))
    buf = io.StringIO()
    _yaml().dump(doc, buf)
    text = buf.getvalue()
    Mapping.loads(text, path)  # the draft is checked like any mapping file before it is written
    write_atomic(path, text)
    return Mapping.load(path)

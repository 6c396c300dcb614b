"""Extracts straight from a database: PostgreSQL over ADBC (libpq), SQLite over ADBC, DuckDB files.

The same contract as a file: an all-text frame (each value cast to text *in the database*, so a
``numeric(12,2)`` keeps its scale, a ``timestamptz`` is ISO 8601 in UTC, a boolean is ``true``/``false``,
bytes are ``\\x``-prefixed hex, NULL stays null) and a ``LoadReport`` that accounts for the rows (a
table's ``count(*)`` is compared with the rows read), names the source without its password, and keeps
each column's declared type.

Results arrive as Arrow record batches, never row by row; a table too large to hold is written batch
by batch to a Parquet file and profiled from a scan (``spill``). The kit never writes to a source:
PostgreSQL sessions are read-only (``default_transaction_read_only``) with a statement timeout, SQLite
files are opened ``mode=ro``, DuckDB files ``read_only``. Every failure is a one-line ``DatabaseError``
naming the source without its secrets.

>>> safe_url("postgresql://erp:s3cret@db.example.com:5432/erp")
'postgresql://erp@db.example.com:5432/erp'
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import polars as pl
import pyarrow as pa

from kit.errors import KitError
from kit.load.report import Extract, LoadReport

SCHEMES = {"postgresql": "postgresql", "postgres": "postgresql", "sqlite": "sqlite", "duckdb": "duckdb"}
DEFAULT_TIMEOUT = 300.0  # seconds a statement may run before the database stops it
BATCH_ROWS = 100_000
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
NUMERIC = re.compile(r"(?:numeric|decimal)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)", re.I)  # precision, scale


class DatabaseError(KitError):
    """A database source could not be read: unreachable, refused, missing, failing or too slow."""


def is_database_url(text: str | Path) -> bool:
    """Whether ``text`` is a database URL the kit reads (``postgresql://``, ``sqlite:///``, ``duckdb:///``).

    >>> is_database_url("sqlite:///sample_data/erp.sqlite"), is_database_url("sample_data/erp.csv")
    (True, False)
    """
    return isinstance(text, str) and "://" in text and text.split("://", 1)[0].lower() in SCHEMES


def expand_env(url: str, where: str = "database URL") -> str:
    """``${NAME}`` replaced by the environment variable's value (a mapping file keeps only the name)."""

    def value(m: re.Match) -> str:
        if m.group(1) not in os.environ:
            raise DatabaseError(f"{where}: the environment variable {m.group(1)} is not set (it holds the URL)")
        return os.environ[m.group(1)]

    return _ENV.sub(value, url)


def has_password(url: str) -> bool:
    """Whether a URL carries a password (in its user part or as a ``password=`` parameter)."""
    if not is_database_url(url):
        return False
    parts = urlsplit(url)
    return bool(parts.password) or any(k.lower() == "password" for k, _ in parse_qsl(parts.query))


def safe_url(url: str) -> str:
    """The URL without its password, for messages and reports."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        user, host = netloc.rsplit("@", 1)
        netloc = f"{user.split(':', 1)[0]}@{host}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k.lower() != "password"], safe="/")
    # Not urlunsplit: it writes sqlite:///file.db (no host) as sqlite:/file.db.
    return f"{parts.scheme}://{netloc}{parts.path}" + (f"?{query}" if query else "")


@dataclass(frozen=True)
class DatabaseSource:
    """A table or a query of a database, as an extract. ``url`` may hold ``${NAME}`` variables."""

    url: str
    table: str | None = None
    query: str | None = None
    timeout: float = DEFAULT_TIMEOUT

    def __post_init__(self) -> None:
        if (self.table is None) == (self.query is None):
            raise DatabaseError(f"{safe_url(self.url)}: give a table or a query (one of them)")
        if self.query is not None:  # it is read as a subquery: a closing ';' would end the statement early
            object.__setattr__(self, "query", self.query.strip().rstrip(";").rstrip())

    @property
    def dialect(self) -> str:
        """``postgresql``, ``sqlite`` or ``duckdb``, from the URL's scheme."""
        return SCHEMES[self.url.split("://", 1)[0].lower()]

    @property
    def label(self) -> str:
        """The source in messages and reports: the URL without password, and the table or 'query'."""
        what = f"table {self.table}" if self.table else "query"
        return f"{safe_url(self.url)} {what}"


# -- dialects ---------------------------------------------------------------------------------------


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table_sql(table: str) -> str:
    """``schema.name`` quoted part by part (a name holding a dot can be given already quoted)."""
    if table.startswith('"'):
        return table
    return ".".join(_ident(p) for p in table.split("."))


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class _Session:
    """One read-only connection: the columns of a table with their declared types, a row count, and a
    query's results as Arrow batches. Subclasses speak one dialect."""

    dialect = ""

    def __init__(self, source: DatabaseSource, url: str) -> None:
        self.source, self.url = source, url

    def close(self) -> None:
        self.conn.close()

    def _arrow(self, sql: str) -> pa.Table:
        cur = self.conn.cursor()
        try:
            cur.execute(sql)
            return cur.fetch_arrow_table()
        finally:
            cur.close()

    def columns(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    def text_expr(self, name: str, declared: str) -> str:
        raise NotImplementedError

    def count(self) -> int:
        return int(self._arrow(f"SELECT count(*) AS n FROM {_table_sql(self.source.table or '')}").column(0)[0].as_py())

    def query_columns(self) -> list[tuple[str, str]]:
        schema = self._arrow(f"SELECT * FROM ({self.source.query}) AS q LIMIT 0").schema
        return [(f.name, str(f.type)) for f in schema]

    def batches(self, sql: str) -> Iterator[pa.RecordBatch]:
        cur = self.conn.cursor()
        try:
            cur.execute(sql)
            yield from cur.fetch_record_batch()
        finally:
            cur.close()


class _Postgres(_Session):
    dialect = "postgresql"

    def __init__(self, source: DatabaseSource, url: str) -> None:
        super().__init__(source, url)
        import adbc_driver_postgresql.dbapi as driver

        # Values printed the same way whatever the server's settings (the session is read-only and timed
        # by _pg_session).
        printing = {"TimeZone": "UTC", "DateStyle": "ISO", "bytea_output": "hex", "extra_float_digits": "1"}
        self.conn = driver.connect(_pg_session(url, source.timeout, printing))

    def oid(self) -> int:
        """The table's oid; a one-line error when there is no such table."""
        table = self.source.table or ""
        found = self._arrow(f"SELECT to_regclass({_literal(_table_sql(table))})::oid AS oid").column(0)[0].as_py()
        if found is None:
            raise DatabaseError(f"{self.source.label}: no such table")
        return int(found)

    def columns(self) -> list[tuple[str, str]]:
        rows = self._arrow(
            "SELECT attname::text AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute "
            f"WHERE attrelid = {self.oid()} AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
        )
        return list(zip(rows.column(0).to_pylist(), rows.column(1).to_pylist(), strict=True))

    def text_expr(self, name: str, declared: str) -> str:
        return f"{_ident(name)}::text"


class _Sqlite(_Session):
    dialect = "sqlite"

    def __init__(self, source: DatabaseSource, url: str) -> None:
        super().__init__(source, url)
        import adbc_driver_sqlite.dbapi as driver

        path = _database_file(source, url)
        with path.open("rb") as f:
            if not f.read(16).startswith(b"SQLite format 3"):
                raise DatabaseError(f"{source.label}: {path} is not a SQLite database")
        self.conn = driver.connect(f"file:{path.resolve()}?mode=ro")

    def columns(self) -> list[tuple[str, str]]:
        table = self.source.table or ""
        rows = self._arrow(f"SELECT name, type FROM pragma_table_info({_literal(table)})")
        if not rows.num_rows:
            raise DatabaseError(f"{self.source.label}: no such table")
        return list(zip(rows.column(0).to_pylist(), [t or "" for t in rows.column(1).to_pylist()], strict=True))

    def text_expr(self, name: str, declared: str) -> str:
        c = _ident(name)
        kind = declared.upper()
        text = f"CAST({c} AS TEXT)"
        scale = NUMERIC.search(kind)
        if scale and scale.group(2):  # SQLite keeps 12.50 as the REAL 12.5: the declared scale gives it back
            digits = f"printf('%.{int(scale.group(2))}f', {c})"
            text = f"CASE WHEN typeof({c}) IN ('real', 'integer') THEN {digits} ELSE {text} END"
        elif kind.startswith("BOOL"):  # stored as 1/0
            text = f"CASE {c} WHEN 1 THEN 'true' WHEN 0 THEN 'false' ELSE {text} END"
        return f"CASE WHEN typeof({c}) = 'blob' THEN '\\x' || lower(hex({c})) ELSE {text} END"


class _Duckdb(_Session):
    dialect = "duckdb"

    def __init__(self, source: DatabaseSource, url: str) -> None:
        super().__init__(source, url)
        import duckdb

        self.conn = duckdb.connect(str(_database_file(source, url)), read_only=True)

    def _arrow(self, sql: str) -> pa.Table:
        with self._timed():
            return self.conn.sql(sql).to_arrow_table()

    def columns(self) -> list[tuple[str, str]]:
        table = self.source.table or ""
        schema, _, name = table.rpartition(".")
        where = f"table_name = {_literal(name)}" + (f" AND table_schema = {_literal(schema)}" if schema else "")
        rows = self._arrow(
            f"SELECT column_name, data_type FROM information_schema.columns WHERE {where} ORDER BY ordinal_position"
        )
        if not rows.num_rows:
            raise DatabaseError(f"{self.source.label}: no such table")
        return list(zip(rows.column(0).to_pylist(), rows.column(1).to_pylist(), strict=True))

    def text_expr(self, name: str, declared: str) -> str:
        c = _ident(name)
        if declared.upper() in ("BLOB", "BYTEA", "VARBINARY"):
            return f"'\\x' || lower(hex({c}))"
        return f"CAST({c} AS VARCHAR)"

    @contextmanager
    def _timed(self) -> Iterator[None]:
        # DuckDB has no statement timeout: a timer interrupts the statement instead.
        timer = threading.Timer(self.source.timeout, self.conn.interrupt)
        timer.start()
        try:
            yield
        finally:
            timer.cancel()

    def batches(self, sql: str) -> Iterator[pa.RecordBatch]:
        with self._timed():
            yield from self.conn.sql(sql).to_arrow_reader(BATCH_ROWS)


def _database_file(source: DatabaseSource, url: str) -> Path:
    """The file of an embedded database (SQLite, DuckDB), which must exist: opening a missing one would
    create it, and the kit never writes to a source."""
    path = Path(_file_path(url))
    if not path.is_file():
        raise DatabaseError(f"{source.label}: no such database file {path}")
    return path


def _pg_session(url: str, timeout: float, settings: dict[str, str] | None = None) -> str:
    """The URL with libpq ``options`` that make every session read-only and bounded in time (plus
    ``settings``), after any options the URL already has: the kit's reads and the checks run inside the
    database (``sqlalchemy_url``) connect the same way."""
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query))
    own = {"default_transaction_read_only": "on", "statement_timeout": str(int(timeout * 1000)), **(settings or {})}
    params["options"] = (params.get("options", "") + " " + " ".join(f"-c {k}={v}" for k, v in own.items())).strip()
    query = "&".join(f"{k}={quote(v, safe='/')}" for k, v in params.items())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _file_path(url: str) -> str:
    """``sqlite:///relative/path.db`` is relative to the working folder, ``sqlite:////abs/path.db`` absolute."""
    rest = url.split("://", 1)[1]
    return rest[1:] if rest.startswith("/") else rest


_SESSIONS = {"postgresql": _Postgres, "sqlite": _Sqlite, "duckdb": _Duckdb}


def _reason(exc: Exception, source: DatabaseSource, secrets: list[str]) -> str:
    """A driver's error as one line a person acts on, without the URL's password."""
    text = str(exc).strip()
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    low = text.lower()
    if "password authentication failed" in low or "authentication failed" in low:
        return "the server refused the login (wrong user or password)"
    if any(w in low for w in ("could not connect", "failed to connect", "connection refused", "translate host")):
        return "cannot reach the server (is it running, and are host and port right?)"
    if "statement timeout" in low or "interrupt" in low:
        return f"stopped after {source.timeout:g} s (the statement timeout); raise it with timeout= or --timeout"
    if "read-only" in low or "read only" in low:
        return "the kit reads only: the database refused a write"
    if "does not exist" in low or "no such table" in low or "catalog error" in low:
        first = next((line for line in text.splitlines() if "ERROR" in line or "rror" in line), text.splitlines()[0])
        return "not found: " + first.split("ERROR:", 1)[-1].strip()[:200]
    first = text.splitlines()[0] if text else type(exc).__name__
    return "failed: " + first.split("ERROR:", 1)[-1].strip()[:300]


@contextmanager
def _session(source: DatabaseSource) -> Iterator[_Session]:
    url = expand_env(source.url, safe_url(source.url))
    parts = urlsplit(url)
    secrets = [parts.password or "", *[v for k, v in parse_qsl(parts.query) if k.lower() == "password"]]
    session = None
    try:
        session = _SESSIONS[source.dialect](source, url)
        yield session
    except DatabaseError:
        raise
    except KitError:
        raise
    except Exception as exc:  # every driver has its own exception tree; each becomes one line
        raise DatabaseError(f"{source.label}: {_reason(exc, source, secrets)}") from None
    finally:
        if session is not None and getattr(session, "conn", None) is not None:
            # Closing after a failure may fail too; the first error is the one to tell.
            with suppress(Exception):
                session.close()


def _plan(session: _Session) -> tuple[str, list[tuple[str, str]]]:
    """The SELECT that casts every column to text in the database, and the declared types."""
    source = session.source
    if source.table:
        declared = session.columns()
        if not declared:
            raise DatabaseError(f"{source.label}: the table has no columns")
        cast = ", ".join(f"{session.text_expr(n, t)} AS {_ident(n)}" for n, t in declared)
        return f"SELECT {cast} FROM {_table_sql(source.table)}", declared
    declared = session.query_columns()
    names = [n for n, _ in declared]
    if len(set(names)) != len(names):
        raise DatabaseError(f"{source.label}: the query returns duplicate column names {names}; alias them")
    cast = ", ".join(f"{session.text_expr(n, t)} AS {_ident(n)}" for n, t in declared)
    return f"SELECT {cast} FROM ({source.query}) AS q", declared


def _text(batch: pa.RecordBatch | pa.Table) -> pl.DataFrame:
    frame = pl.from_arrow(batch)
    assert isinstance(frame, pl.DataFrame)
    return frame.with_columns(pl.col(c).cast(pl.String) for c, t in frame.schema.items() if t != pl.String)


def read_database(
    url: str,
    table: str | None = None,
    query: str | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    spill: str | Path | None = None,
) -> Extract:
    """A database table or query as an extract: every value as text, every row accounted for.

    ``spill``: a Parquet file to write the rows to, batch by batch, instead of holding them: the
    extract's frame is then empty and ``scan_spilled(spill)`` profiles it (a table larger than memory).

    >>> ex = read_database("sqlite:///sample_data/erp.sqlite", table="customers")
    >>> ex.report.rows_loaded == ex.frame.height and ex.report.declared_types["customer_no"]
    'VARCHAR(10)'
    """
    source = DatabaseSource(url, table, query, timeout)
    with _session(source) as session:
        sql, declared = _plan(session)
        expected = session.count() if table else None
        digest = hashlib.sha256()
        rows, batches, parts = 0, 0, []
        writer = None
        try:
            for batch in session.batches(sql):
                frame = _text(batch)
                rows += frame.height
                batches += 1
                digest.update(frame.hash_rows(seed=0).to_numpy().tobytes())
                if spill is None:
                    parts.append(frame)
                    continue
                if writer is None:
                    import pyarrow.parquet as pq

                    writer = pq.ParquetWriter(str(spill), frame.to_arrow().schema)
                writer.write_table(frame.to_arrow())
        finally:
            if writer is not None:
                writer.close()
    names = [n for n, _ in declared]
    empty = pl.DataFrame(schema=dict.fromkeys(names, pl.String))
    frame = pl.concat(parts) if parts else empty
    if spill is not None and writer is None:
        empty.write_parquet(spill)
    report = LoadReport(
        path=source.label,
        sha256=digest.hexdigest(),
        format=source.dialect,
        records_seen=rows,
        rows_loaded=rows,
        columns=names,
        declared_types=dict(declared),
    )
    report.decisions["read"] = (
        f"{source.dialect} over {'DuckDB' if source.dialect == 'duckdb' else 'ADBC'}: every value cast to "
        f"text in the database, {batches} Arrow batches" + (f", written to {spill}" if spill else "")
    )
    report.decisions["read_only"] = {
        "postgresql": f"read-only session (default_transaction_read_only), statement timeout {timeout:g} s",
        "sqlite": "opened mode=ro (no statement timeout in SQLite)",
        "duckdb": f"opened read_only, interrupted after {timeout:g} s",
    }[source.dialect]
    if expected is not None and expected != rows:
        report.warnings.append(
            f"count(*) said {expected:,} rows but {rows:,} were read: the table changed while it was read"
        )
    return Extract(frame, report)


def scan_spilled(path: str | Path) -> pl.LazyFrame:
    """The rows ``read_database(..., spill=path)`` wrote, as a scan (never held whole)."""
    return pl.scan_parquet(path)


def database_row_count(url: str, table: str, timeout: float = DEFAULT_TIMEOUT) -> int:
    """A table's ``count(*)``: to choose between holding it and spilling it."""
    source = DatabaseSource(url, table, None, timeout)
    with _session(source) as session:
        session.columns()  # a missing table is named as such, not as a failing count
        return session.count()


def text_query(url: str, table: str | None = None, query: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> str:
    """The SELECT the kit reads a table or query with (every column cast to text in the database): what a
    check run inside the database must see to give the same results as one on the loaded extract."""
    source = DatabaseSource(url, table, query, timeout)
    with _session(source) as session:
        return _plan(session)[0]


def sqlalchemy_url(url: str, timeout: float = DEFAULT_TIMEOUT) -> str:
    """The URL for SQLAlchemy (great-expectations' SQL data source): psycopg2 for PostgreSQL, with the
    same read-only session and statement timeout the kit's own reads have."""
    scheme = url.partition("://")[0]
    if SCHEMES.get(scheme.lower()) == "postgresql":
        return "postgresql+psycopg2" + _pg_session(url, timeout)[len(scheme) :]
    if SCHEMES.get(scheme.lower()) == "sqlite":
        return url
    raise DatabaseError(f"{safe_url(url)}: checks inside the database run on PostgreSQL or SQLite, not {scheme}")

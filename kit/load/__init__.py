"""read_extract(): any extract file into an all-text polars frame and a LoadReport.

Every column is text (Parquet stays typed, and says so): types are a finding of the profiler,
not a guess of the parser, so leading zeros, pseudo-nulls and mixed date formats survive.
"""

from __future__ import annotations

import gzip
import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import polars as pl

from kit.errors import EmptyFileError, InputFileError, KitError, UnsupportedFormatError
from kit.load.delimited import RAGGED_POLICIES, read_delimited
from kit.load.dialect import wildcard
from kit.load.excel import read_excel
from kit.load.jsonfile import read_json
from kit.load.report import Extract, LoadReport, Reject, Undecodable

FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".tab": "csv",
    ".txt": "csv",
    ".dat": "csv",
    ".psv": "csv",
    ".ssv": "csv",
    ".asc": "csv",
    ".prn": "csv",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".xls": "excel",
    ".xlsb": "excel",
    ".ods": "excel",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
    ".parquet": "parquet",
    ".pq": "parquet",
}

__all__ = [
    "FORMATS",
    "RAGGED_POLICIES",
    "Extract",
    "LoadReport",
    "Opened",
    "Reject",
    "Undecodable",
    "open_extract",
    "read_extract",
]


def _format_of(path: Path, override: str | None) -> str:
    if override:
        if override not in set(FORMATS.values()):
            raise UnsupportedFormatError(
                f"{path}: unknown format {override!r}; use one of {sorted(set(FORMATS.values()))}"
            )
        return override
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    ext = suffixes[-1] if suffixes else ""
    return FORMATS.get(ext, "sniff")


def _sniff_format(path: Path, raw: bytes) -> str:
    """The format of a file whose extension says nothing (``.out``, ``.export``, none): by its content.
    Binary files are refused by name; text is JSON when it parses as JSON, else delimited text."""
    from kit.load.encoding import check_binary

    head = raw[:65536]
    if head.startswith(b"PAR1"):
        return "parquet"
    check_binary(head, str(path))  # a zip, a PDF, an image ... named in a one-line error
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] in (b"{", b"["):
        import json

        try:
            json.loads(raw.decode("utf-8"))
            return "json"
        except (UnicodeDecodeError, ValueError):
            lines = [line for line in raw.decode("utf-8", "replace").splitlines()[:20] if line.strip()]
            try:
                for line in lines:
                    json.loads(line)
                return "ndjson"
            except ValueError:
                pass
    return "csv"


_HASHING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kit-sha256")


def read_extract(
    path: str | Path,
    *,
    format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    quote_char: str | None = "",
    escape_char: str | None = "",
    has_header: bool | None = None,
    skip_lines: int | None = None,
    sheet: str | int | None = None,
    ragged: str = "reject",
    table: str | None = None,
    query: str | None = None,
    timeout: float | None = None,
) -> Extract:
    """Load an extract file (or a database table or query) without losing or silently altering a row.

    A database URL (``postgresql://user@host/db``, ``sqlite:///path.db``, ``duckdb:///path.duckdb``,
    ``${NAME}`` read from the environment) is read with ``table=`` or ``query=``
    (``kit.load.database.read_database``; ``timeout`` in seconds bounds each statement).

    Everything is detected (encoding, delimiter, quote, preamble, header, footer) and every choice
    is in ``extract.report``; each keyword overrides one detection. ``quote_char=None`` means no
    quoting; ``ragged`` is what happens to rows with the wrong number of fields: ``reject`` (the
    default: listed with line number and raw text), ``pad`` (short rows filled with nulls) or
    ``truncate`` (extra fields cut).

    >>> ex = read_extract("sample_data/crm_contacts.csv")
    >>> ex.report.records_seen == ex.report.rows_loaded + len(ex.report.rejects)
    True
    """
    from kit.load.database import DEFAULT_TIMEOUT, is_database_url, read_database

    if is_database_url(str(path)):
        return read_database(str(path), table, query, timeout=timeout or DEFAULT_TIMEOUT)
    if table is not None or query is not None:
        raise KitError(f"{path}: table= and query= are for a database URL (postgresql://, sqlite:///, duckdb:///)")
    p = Path(path)
    if not p.exists():
        raise InputFileError(f"{p}: no such file")
    if p.is_dir():
        raise InputFileError(f"{p}: is a directory, not an extract file")
    fmt = _format_of(p, format)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{p}: cannot be read: {exc.strerror}") from None
    if p.suffix.lower() == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise InputFileError(f"{p}: not a valid gzip file: {exc}") from None
    # The fingerprint is computed beside the parse: hashlib and polars' reader both let go of the GIL.
    digest = _HASHING.submit(lambda: hashlib.sha256(raw).hexdigest())
    report = LoadReport(path=str(p), sha256="", format=fmt, size_bytes=len(raw))
    report.overrides = {
        k: v
        for k, v in dict(
            format=format,
            encoding=encoding,
            delimiter=delimiter,
            has_header=has_header,
            skip_lines=skip_lines,
            sheet=sheet,
        ).items()
        if v is not None
    }
    if quote_char != "":
        report.overrides["quote_char"] = quote_char
    if escape_char != "":
        report.overrides["escape_char"] = escape_char
    if ragged != "reject":
        report.overrides["ragged"] = ragged
    if not raw:
        raise EmptyFileError(f"{p}: is empty (0 bytes)")
    if fmt == "sniff":
        fmt = report.format = _sniff_format(p, raw)
        report.decisions["format"] = (
            f"{fmt}: read from the content (the extension {p.suffix or '(none)'!r} says nothing)"
        )

    if fmt == "csv":
        frame = read_delimited(
            str(p),
            raw,
            report,
            encoding=encoding,
            delimiter=delimiter,
            quote_char=quote_char,
            escape_char=escape_char,
            has_header=has_header,
            skip_lines=skip_lines,
            ragged=ragged,
        )
    elif fmt == "excel":
        frame = read_excel(
            str(p), raw, report, sheet=sheet, has_header=has_header, skip_lines=skip_lines, ragged=ragged
        )
    elif fmt in ("json", "ndjson"):
        frame = _plain_names(read_json(str(p), raw, report, encoding=encoding, lines=fmt == "ndjson"), report)
    else:
        try:
            frame = pl.read_parquet(p)
        except Exception as exc:  # polars raises several untyped errors for corrupt files
            raise InputFileError(f"{p}: cannot be read as Parquet: {exc}") from None
        report.typed = True
        frame = _nested_as_text(_plain_names(frame, report), report)
        report.rows_loaded = report.records_seen = frame.height
        report.columns = list(frame.columns)
        typed = [f"{c} ({t})" for c, t in frame.schema.items() if t != pl.String]
        if typed:
            report.warnings.append(f"Parquet keeps its types: {', '.join(typed)}")
    assert report.records_seen == report.rows_loaded + len(report.rejects)
    report.sha256 = digest.result()
    return Extract(frame, report)


def _plain_names(frame: pl.DataFrame, report: LoadReport) -> pl.DataFrame:
    """JSON keys and Parquet names as they are, except what polars would read as a pattern of names."""
    renamed = {c: f"{c}_" for c in frame.columns if wildcard(c) and f"{c}_" not in frame.columns}
    if not renamed:
        return frame
    report.warnings += [f"column {c!r} reads as a pattern of column names; named it {n!r}" for c, n in renamed.items()]
    frame = frame.rename(renamed)
    report.columns = list(frame.columns)
    return frame


def _nested_as_text(frame: pl.DataFrame, report: LoadReport) -> pl.DataFrame:
    """Lists, arrays and structs as their JSON text, bytes as hex, durations as ISO 8601: what an export
    of them would write, and what every text measure can read (they have no cast to text of their own)."""

    def nested(t: pl.DataType) -> bool:
        return isinstance(t, (pl.List, pl.Array, pl.Struct))

    exprs, changed = [], []
    for c, t in frame.schema.items():
        if nested(t):
            # Wrapped in a one-field struct so any value (a list too) is JSON-encoded, then unwrapped.
            encoded = pl.struct(pl.col(c).alias("v")).struct.json_encode().str.slice(5).str.head(-1)
            exprs.append(pl.when(pl.col(c).is_null()).then(None).otherwise(encoded).alias(c))
            changed.append(f"{c} ({t}) as JSON")
        elif t == pl.Binary:
            exprs.append(pl.col(c).bin.encode("hex").alias(c))
            changed.append(f"{c} (bytes) as hex")
        elif isinstance(t, pl.Duration):
            exprs.append(pl.col(c).dt.to_string("iso").alias(c))
            changed.append(f"{c} (duration) as ISO 8601")
        elif t == pl.Object:
            raise InputFileError(f"{report.path}: column {c!r} holds Python objects, which a file cannot carry")
    if changed:
        report.warnings.append(f"Parquet columns read as text: {', '.join(changed)}")
    return frame.with_columns(exprs) if exprs else frame


@dataclass
class Opened:
    """An extract opened for profiling: loaded (an ``Extract``) or scanned (a ``pl.LazyFrame``), the
    report's summary, and why a large file was loaded whole when a scan was declined."""

    data: Extract | pl.LazyFrame
    scanned: bool
    summary: str
    note: str | None = None
    declared_types: dict[str, str] | None = None  # a database table's column types (a scan has no report)


def open_extract(path: str | Path, mode: Literal["auto", "scan", "load"] = "auto", **load_options: Any) -> Opened:
    """Open an extract to profile it: ``"load"`` reads it whole (every line accounted for), ``"scan"``
    streams a delimited UTF-8 file without holding it (``ScanRefused`` when it cannot be read faithfully),
    ``"auto"`` scans delimited files from ``SCAN_ABOVE`` bytes and loads the rest, or what a scan declines.

    >>> opened = open_extract("sample_data/erp_customers.csv")
    >>> opened.scanned, opened.data.frame.height > 0
    (False, True)
    """
    from kit.load.database import is_database_url
    from kit.load.scan import SCAN_ABOVE, ScanRefused, scan_extract

    if mode not in ("auto", "scan", "load"):
        raise KitError(f"mode= is auto, scan or load, not {mode!r}")
    if is_database_url(str(path)):
        return _open_database(str(path), mode, load_options)
    p = Path(path)
    large = p.suffix.lower() in (".csv", ".tsv", ".txt") and p.is_file() and p.stat().st_size >= SCAN_ABOVE
    note = None
    if mode == "scan" or (mode == "auto" and large):
        try:
            lazy, report = scan_extract(p, **load_options)
            return Opened(lazy, True, report.summary())
        except ScanRefused as exc:
            if mode == "scan":
                raise
            note = f"not scanned ({exc.reason}); loading it whole"
    extract = read_extract(p, **load_options)
    return Opened(extract, False, extract.report.summary(), note)


SPILL_ROWS = 5_000_000  # a database table above this many rows is profiled from a spilled scan


def _open_database(url: str, mode: str, options: dict[str, Any]) -> Opened:
    """A table is held when it is small; above ``SPILL_ROWS`` (or with ``mode="scan"``) its rows are
    written batch by batch to a temporary Parquet file and profiled from a scan, in bounded memory."""
    import atexit
    import shutil
    import tempfile

    from kit.load.database import DEFAULT_TIMEOUT, database_row_count, read_database, scan_spilled

    table, query = options.get("table"), options.get("query")
    timeout = options.get("timeout") or DEFAULT_TIMEOUT
    spill = mode == "scan" or (
        mode == "auto" and table is not None and database_row_count(url, table, timeout) > SPILL_ROWS
    )
    if not spill:
        extract = read_database(url, table, query, timeout=timeout)
        return Opened(extract, False, extract.report.summary())
    folder = tempfile.mkdtemp(prefix="kit-spill-")
    atexit.register(shutil.rmtree, folder, True)
    path = Path(folder) / "rows.parquet"
    extract = read_database(url, table, query, timeout=timeout, spill=path)
    note = f"read in batches into {path} and scanned"
    return Opened(scan_spilled(path), True, extract.report.summary(), note, extract.report.declared_types)

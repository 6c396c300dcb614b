"""Delimited text (CSV, TSV, ...) into an all-text polars frame, with every record accounted for.

Arrow's CSV reader does the bulk parse: it handles CR, LF and CRLF, quoted newlines, and hands
every record with the wrong number of fields to a callback instead of padding or truncating it.
That callback is where rejects, footers and repairs are decided; nothing is dropped without a
line number and a reason.
"""

from __future__ import annotations

import codecs
import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv

from kit.errors import DialectError, EmptyFileError, EncodingError
from kit.load.dialect import (
    Dialect,
    csv_reader,
    keep_backslashes,
    parse_records,
    sniff,
    split_lines,
    stray_quote_repair,
)
from kit.load.encoding import Decoded, decode, record_decoding
from kit.load.report import LoadReport, Reject

SAMPLE_BYTES = 1 << 20
SAMPLE_LINES = 5000
MAX_FOOTER = 5
RAGGED_POLICIES = ("reject", "pad", "truncate")
_FOOTER_WORDS = re.compile(r"(?i)\b(total|rows|records|count|sum|end of|generated|exported|page)\b")


@dataclass
class _Bad:
    number: int  # 1-based record number within the body
    fields: int
    text: str


class _Locator:
    """Finds raw record text in the body, front to back, and turns byte offsets into line numbers."""

    def __init__(self, body: bytes | memoryview, first_line: int, cr_only: bool):
        self.view = body
        self.newline = b"\r" if cr_only else b"\n"
        self.cursor = 0
        self.line = first_line

    @cached_property
    def body(self) -> bytes:
        # Copied only when a record must be found: most files have none.
        return self.view if isinstance(self.view, bytes) else bytes(self.view)

    def find(self, text: str) -> int:
        needle = text.encode("utf-8")
        pos = self.body.find(needle, self.cursor) if needle else -1
        while pos > 0 and self.body[pos - 1 : pos] not in (b"\n", b"\r"):
            pos = self.body.find(needle, pos + 1)  # a record starts a line; "1,2,3" is not inside "0,1,2,3,4"
        if pos < 0:
            return self.line
        self.line += self.body.count(self.newline, self.cursor, pos)
        self.cursor = pos
        return self.line


def _parse_arrow(body: pa.Buffer, names: list[str], d: Dialect, newlines: bool = True) -> tuple[pa.Table, list[_Bad]]:
    bad: list[_Bad] = []

    def handler(row: pacsv.InvalidRow) -> str:
        bad.append(_Bad(row.number or 0, row.actual_columns, row.text))
        return "skip"

    # Arrow needs each record inside one block: 16 MB covers ordinary files; a record holding a larger
    # field (a document, an image as base64) is read again with one block for the whole body.
    # Threads first: a file with no bad record (the usual case) is read on every core. Arrow knows a
    # bad record's number only when reading on one thread, so a file with any is read again so.
    for threads in (True, False):
        bad.clear()
        try:
            table = _read_arrow(body, names, d, newlines, handler, 1 << 24, threads)
        except pa.ArrowInvalid as exc:
            if "straddl" not in str(exc) or body.size < 1 << 24:
                raise
            bad.clear()
            table = _read_arrow(body, names, d, newlines, handler, min(body.size + 1, (1 << 31) - 1), threads)
        if not bad:
            break
    return table, bad


@dataclass
class _Fast:
    """What the fast path read: the frame, and the columns whose values hold a line end (only these can
    hide records a stray quote swallowed)."""

    frame: pl.DataFrame
    broken: list[str]


def _parse_polars(
    body: bytes, names: list[str], d: Dialect, newline: bytes, counted: Future, start: int = 0, skip: int = 0
) -> _Fast | None:
    """The body read by polars' reader, several times faster than Arrow's with a handler per bad
    record, when the counts prove every record was read whole; None to read it with Arrow.

    polars raises on a record with too many fields but pads a short one with nulls, and reads a blank
    line as a record. So the body's delimiters must be exactly ``width - 1`` per record plus those
    inside values, and its line ends one per record plus those inside values: a short record, a blank
    line or a record swallowed by a stray quote breaks one of the two counts. ``counted`` gives the
    body's (line ends, delimiters), counted on another thread while polars parses.
    """
    if d.escape_char or d.skip_space or len(d.delimiter) != 1:
        return None
    try:
        frame = pl.read_csv(
            body,
            has_header=False,
            new_columns=names,
            schema=dict.fromkeys(names, pl.String),
            separator=d.delimiter,
            quote_char=d.quote_char or None,
            eol_char=newline.decode(),
            raise_if_empty=False,
            skip_lines=skip,
        )
    except (pl.exceptions.PolarsError, ValueError):
        return None
    broken: list[str] = []
    ends, delimiters = counted.result()
    # A short record and a blank line both leave the last column null: with none there, the
    # delimiters need no counting (it takes a pass over every value).
    short_possible = frame.height > 0 and frame[names[-1]].null_count() > 0
    if d.quote_char and body.find(d.quote_char.encode(), start) >= 0:  # unquoted, no value can hold either

        def inside_values(char: str, tag: str) -> list[pl.Expr]:
            sums = (pl.col(c).str.count_matches(char, literal=True).sum() for c in names)
            return [e.alias(f"{tag}{i}") for i, e in enumerate(sums)]

        # Where every line end closes a record, no value holds one: had one done so after all, a
        # record would lack its line end, and so its delimiters, and the count below would not add up.
        counts = [
            *(inside_values(d.delimiter, "d") if short_possible else []),
            *(inside_values(newline.decode(), "n") if ends != frame.height else []),
        ]
        found = frame.lazy().select(counts).collect().row(0, named=True) if counts else {}  # lazy: in parallel
        broken = [c for i, c in enumerate(names) if found.get(f"n{i}")]
        in_values = sum(v for k, v in found.items() if k[0] == "d"), sum(v for k, v in found.items() if k[0] == "n")
    else:
        in_values = (0, 0)
    if short_possible and delimiters != frame.height * (len(names) - 1) + in_values[0]:
        return None
    if ends != frame.height + in_values[1]:
        return None
    return _Fast(frame, broken)


_COUNTING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kit-count")


COUNT_CHUNK = 1 << 22


def _count(body: bytes, start: int, newline: bytes, delimiter: bytes | None) -> tuple[int, int]:
    """Line ends in the body (plus one for a last record without one) and, when asked, delimiters.

    Counted by numpy in chunks of 4 MB, which stay in the CPU's cache: five times faster than
    ``bytes.count`` over a whole body."""
    octets = np.frombuffer(body, np.uint8)
    by_byte = delimiter is not None and len(delimiter) == 1  # "¦" is two bytes in UTF-8
    ends = delimiters = 0
    for at in range(start, len(octets), COUNT_CHUNK):
        chunk = octets[at : at + COUNT_CHUNK]
        ends += int(np.count_nonzero(chunk == newline[0]))
        if by_byte:
            delimiters += int(np.count_nonzero(chunk == delimiter[0]))
    if delimiter and not by_byte:
        delimiters = body.count(delimiter, start)
    return ends + (not body.endswith(newline)), delimiters


def _read_arrow(
    body: pa.Buffer, names: list[str], d: Dialect, newlines: bool, handler, block_size: int, threads: bool
) -> pa.Table:
    return pacsv.read_csv(
        pa.BufferReader(body),
        read_options=pacsv.ReadOptions(use_threads=threads, column_names=names, block_size=block_size),
        parse_options=pacsv.ParseOptions(
            delimiter=d.delimiter,
            quote_char=d.quote_char or False,
            escape_char=d.escape_char or False,
            double_quote=True,
            newlines_in_values=bool(d.quote_char) and newlines,
            ignore_empty_lines=False,
            invalid_row_handler=handler,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )


def _parse_python(body: bytes, names: list[str], d: Dialect) -> tuple[pa.Table, list[_Bad]]:
    """Python's csv for what Arrow's reader cannot do (a space after each delimiter); same results."""
    lines = split_lines(body.decode("utf-8"))
    reader = csv_reader(iter(lines), d.delimiter, d.quote_char, d.escape_char, d.skip_space)
    columns: list[list[str | None]] = [[] for _ in names]
    bad: list[_Bad] = []
    prev = 0
    for number, row in enumerate(reader, start=1):
        raw = "".join(lines[prev : reader.line_num]).rstrip("\r\n")
        prev = reader.line_num
        if len(row) == len(names):
            for column, value in zip(columns, row, strict=True):
                column.append(value if value != "" else None)
        else:
            bad.append(_Bad(number, len(row), raw))
    return pa.table({n: pa.array(c, pa.string()) for n, c in zip(names, columns, strict=True)}), bad


def _split_fields(text: str, d: Dialect) -> list[str]:
    records = parse_records([text], d.delimiter, d.quote_char, d.escape_char, d.skip_space)
    return records[0].fields if records else []


def _sample(data: bytes | memoryview) -> tuple[list[str], bool]:
    chunk = bytes(data[:SAMPLE_BYTES])
    complete = len(data) <= SAMPLE_BYTES
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(chunk, final=complete)
    lines = split_lines(text)
    if len(lines) > SAMPLE_LINES:
        return lines[:SAMPLE_LINES], False
    return lines, complete


def read_delimited(
    path: str,
    raw: bytes,
    report: LoadReport,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    quote_char: str | None = "",
    escape_char: str | None = "",
    has_header: bool | None = None,
    skip_lines: int | None = None,
    ragged: str = "reject",
) -> pl.DataFrame:
    """Parse delimited text, filling ``report``; returns the all-text frame."""
    if ragged not in RAGGED_POLICIES:
        raise DialectError(f"{path}: ragged must be one of {', '.join(RAGGED_POLICIES)}, not {ragged!r}")
    if delimiter is not None and len(delimiter) != 1:
        raise DialectError(f"{path}: the delimiter must be one character, got {delimiter!r}")
    decoded = _fast_utf8(raw, path) if encoding is None else None
    if decoded is None:
        decoded = decode(raw, path, encoding)

    def parse(decoded: Decoded) -> pl.DataFrame:
        report.warnings.clear()  # a second attempt starts from a clean account
        report.blank_lines = 0
        report.blank_line_numbers = []
        return _read_decoded(path, decoded, report, delimiter, quote_char, escape_char, has_header, skip_lines, ragged)

    try:
        return parse(decoded)
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) and decoded.encoding == "utf-8" and decoded.confidence < 1.0 and encoding is None:
            # The head looked like UTF-8 but the body is not: detect over the whole file and parse again.
            return parse(decode(raw, path, None))
        raise DialectError(f"{path}: cannot be parsed as delimited text: {exc}") from None


def _fast_utf8(raw: bytes, path: str) -> Decoded | None:
    """Large plain UTF-8 files skip a full Python decode: Arrow validates UTF-8 while it parses.

    The confidence below 1.0 marks the result as provisional, so an invalid byte later in the file
    sends the load back through full detection.
    """
    if len(raw) <= SAMPLE_BYTES or raw[:3] == codecs.BOM_UTF8:
        return None
    head = raw[:SAMPLE_BYTES]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the sample's end
            return None
    if b"\x00" in head:
        return None
    return Decoded(memoryview(raw), "utf-8", 0.98, False)


def _read_decoded(
    path: str,
    decoded: Decoded,
    report: LoadReport,
    delimiter: str | None,
    quote_char: str | None,
    escape_char: str | None,
    has_header: bool | None,
    skip_lines: int | None,
    ragged: str,
) -> pl.DataFrame:
    data = decoded.data
    record_decoding(decoded, report)
    report.ragged = ragged

    lines, complete = _sample(data)
    if not any(line.strip() for line in lines):
        raise EmptyFileError(f"{path}: holds only blank lines; there is no header and no data")
    d = sniff(
        lines,
        complete=complete,
        delimiter=delimiter,
        quote_char=quote_char,
        escape_char=escape_char,
        has_header=has_header,
        skip_lines=skip_lines,
    )
    report.delimiter, report.quote_char, report.escape_char = d.delimiter, d.quote_char, d.escape_char
    report.line_terminator = d.line_terminator
    report.has_header = d.has_header
    report.header_row = d.header_line
    report.header_lines = list(d.header_lines)
    report.delimiter_space = d.skip_space
    report.preamble_lines = d.preamble_lines
    report.warnings.extend(d.warnings)
    report.decisions.update(d.decisions)
    if d.preamble_lines:
        report.decisions["preamble"] = (
            f"{len(d.preamble_lines)} lines above the header skipped: titles, notes or lines of delimiters only"
        )
    if not d.columns:
        report.columns = []
        return pl.DataFrame()

    body_offset = len("".join(lines[: d.body_line]).encode("utf-8"))
    body_end = len(data) if d.end_line is None else len("".join(lines[: d.end_line]).encode("utf-8"))
    if d.end_line is not None:
        _account_other_tables(d, data, body_end, report)
    raw_body = bytes(memoryview(data)[body_offset:body_end]) if d.escape_char or d.skip_space else None
    if d.escape_char and raw_body is not None:
        # The backslash escapes quotes here; elsewhere (8\'9") it is data and stays.
        raw_body = keep_backslashes(raw_body.decode("utf-8"), d.quote_char, d.delimiter).encode("utf-8")
    body = pa.py_buffer(raw_body) if raw_body is not None else pa.py_buffer(data)[body_offset:body_end]
    internal = [f"f{i}" for i in range(len(d.columns))]
    if not bytes(body[:65536]).strip(b"\r\n"):
        report.blank_lines += sum(1 for line in lines[d.body_line :] if not line.strip())
        report.columns = list(d.columns)
        return pl.DataFrame(schema=dict.fromkeys(d.columns, pl.String))
    newline = b"\r" if d.line_terminator == "CR" else b"\n"
    body_bytes, start, skip = _body_source(data, raw_body, body, body_offset, body_end, newline, d.body_line)
    fast_path = raw_body is None
    # Counted beside the parse: the counts hold the GIL, polars' reader lets go of it.
    counted = _COUNTING.submit(_count, body_bytes, start, newline, d.delimiter.encode() if fast_path else None)
    fast = _parse_polars(body_bytes, internal, d, newline, counted, start, skip) if fast_path else None
    ends = counted.result()[0]
    frame = fast.frame if fast is not None else None
    bad: list[_Bad] = []
    if frame is None:
        try:
            table, bad = (
                _parse_python(raw_body, internal, d)
                if d.skip_space and raw_body is not None
                else _parse_arrow(body, internal, d)
            )
        except pa.ArrowInvalid as exc:
            if "UTF8" in str(exc) and decoded.confidence >= 1.0:
                raise EncodingError(f"{path}: invalid UTF-8 in the data: {exc}") from None
            raise
        frame = pl.from_arrow(table)
        assert isinstance(frame, pl.DataFrame)

    merged: pl.Series | None = None
    # As many line ends as records: no value holds a line break, so none can hide swallowed records.
    one_per_line = ends == frame.height + len(bad)
    if one_per_line:
        merged = pl.repeat(False, frame.height, eager=True)  # nothing a line break could have swallowed
    elif d.quote_char and not d.skip_space and frame.height:
        merged = _merged_rows(frame, d, fast.broken if fast is not None else None)
        if merged.any() and not _multiline_values(frame.filter(~merged)):
            # Line breaks appear only where a stray quote swallowed whole records, never in a value of
            # their own: the records are one per line, and the damaged lines are read one by one.
            table, bad = _parse_arrow(body, internal, d, newlines=False)
            frame = pl.from_arrow(table)
            assert isinstance(frame, pl.DataFrame)
            merged = None
            report.decisions["records"] = (
                "one per line: no value holds a line break except where a stray quote swallowed records"
            )
    locator = _Locator(memoryview(data)[body_offset:], d.body_line + 1, d.line_terminator == "CR")
    width = len(d.columns)
    rejects: list[Reject] = []
    repaired: list[tuple[int, list[str | None]]] = []
    skipped: set[int] = set()
    footer_candidates: list[tuple[_Bad, int]] = []
    total_records = frame.height + len(bad)

    bad_lines: dict[int, tuple[_Bad, int]] = {}
    for b in bad:
        line = locator.find(b.text)
        skipped.add(b.number)
        bad_lines[b.number] = (b, line)
        if not b.text.strip():
            report.blank_lines += 1
            continue
        footer_candidates.append((b, line))

    # Records with every field empty are blank lines as far as data goes: counted, not loaded.
    all_null = frame.select(pl.all_horizontal(pl.all().is_null())).to_series()
    footer = _footer(bad_lines, all_null, total_records, width, d.delimiter)
    footer_numbers = {b.number for b, _ in footer}
    report.footer_lines = [b.text for b, _ in reversed(footer)]

    quote_repairs: list[tuple[int, str]] = []
    single_line_fixes = 0
    for b, line in footer_candidates:
        if b.number in footer_numbers:
            continue
        if "\n" in b.text or "\r" in b.text:
            rec, rej, fixed = _recover_merged(b, line, d, width)
            repaired.extend(rec)
            rejects.extend(rej)
            quote_repairs.extend(fixed)
            continue
        fix = stray_quote_repair(b.text, d.delimiter, d.quote_char, d.escape_char, d.skip_space, width)
        if fix is not None:
            repaired.append((b.number, list(fix[0])))
            quote_repairs.append((line, fix[1]))
            single_line_fixes += 1
            continue
        reason = f"{b.fields} fields, expected {width}"
        if ragged != "reject":
            fields: list[str | None] = list(_split_fields(b.text, d))
            if ragged == "pad" and len(fields) < width:
                repaired.append((b.number, fields + [None] * (width - len(fields))))
                continue
            if ragged == "truncate" and len(fields) > width:
                repaired.append((b.number, fields[:width]))
                continue
        rejects.append(Reject(line=line, reason=reason, raw=b.text))

    if all_null.any():
        report.blank_lines += int(all_null.sum())
        keep = ~all_null
    else:
        keep = None

    if quote_repairs:
        line, how = min(quote_repairs)
        report.warnings.append(
            f"{len(quote_repairs)} records read with a quote taken literally (first at line {line}: {how}); "
            "check them in the source"
        )
        report.quote_repairs = sorted(line for line, _ in quote_repairs)
    if repaired:
        frame = _insert_repaired(frame, keep, repaired, skipped, total_records, internal)
        report.repaired_rows = sum(1 for n, _ in repaired if n > 0) - single_line_fixes
    elif keep is not None:
        frame = frame.filter(keep)

    frame.columns = d.columns
    if report.blank_lines and d.line_terminator != "CR":
        report.blank_line_numbers = _blank_line_numbers(memoryview(data)[body_offset:body_end], d.body_line + 1)
    # The rows checked for merged records above are these rows when none was dropped or put back.
    _warn_merged_records(frame, d, report, merged if keep is None and not repaired else None)
    if d.has_header:
        header_text = lines[d.header_line].rstrip("\r\n") if d.header_line is not None else ""
        frame, repeated = _drop_repeated_headers(frame, d, header_text, data, body_offset)
        rejects.extend(repeated)
    rejects.sort(key=lambda r: r.line)
    report.rejects = rejects
    report.rows_loaded = frame.height
    report.records_seen = frame.height + len(rejects)
    report.columns = list(frame.columns)
    if rejects:
        report.warnings.append(
            f"{len(rejects)} records rejected (first at line {rejects[0].line}: {rejects[0].reason}); "
            "see rejects in the report"
        )
    return frame


def _body_source(
    data: bytes | memoryview,
    raw_body: bytes | None,
    body: pa.Buffer,
    body_offset: int,
    body_end: int,
    newline: bytes,
    body_line: int,
) -> tuple[bytes, int, int]:
    """The bytes the fast path reads, where the body starts in them, and how many lines above it the
    reader skips. The file's own bytes when the body runs to the end and starts after ``body_line``
    whole lines: a copy of a body of gigabytes costs more than its parse's bookkeeping."""
    if raw_body is not None:
        return raw_body, 0, 0
    base = data.obj if isinstance(data, memoryview) else data
    if (
        isinstance(base, bytes)
        and len(base) == len(data)
        and body_end == len(base)
        and newline == b"\n"
        and base.count(b"\n", 0, body_offset) == body_line
        and (body_offset == 0 or base[body_offset - 1 : body_offset] == b"\n")
    ):
        return base, body_offset, body_line
    return body.to_pybytes(), 0, 0


def _blank_line_numbers(body: bytes | memoryview, first_line: int, limit: int = 100) -> list[int]:
    """Where the blank lines (or lines of delimiters only) of the body are, the first ``limit`` of them."""
    text = bytes(body)
    out = []
    for m in re.finditer(rb"(?m)^[ \t,;|]*\r?$", text):
        if m.start() == len(text):
            break
        out.append(first_line + text.count(b"\n", 0, m.start()))
        if len(out) >= limit:
            break
    return out


def _account_other_tables(d: Dialect, data: bytes | memoryview, body_end: int, report: LoadReport) -> None:
    """A second table is not loaded into the first: its lines are counted and named in the report."""
    rest = bytes(memoryview(data)[body_end:])
    n = len(split_lines(rest.decode("utf-8", "replace")))
    for line, header in d.other_tables:
        report.other_tables.append({"line": line, "header": header, "lines": n})
        report.warnings.append(
            f"a second table starts at line {line} ({header[:60]!r}); its {n} lines are not loaded with the "
            f"first: load them with skip_lines={line - 1}"
        )


def _footer(
    bad_lines: dict[int, tuple[_Bad, int]], all_null: pl.Series, total: int, width: int, delimiter: str
) -> list[tuple[_Bad, int]]:
    """The last records of the file when they are narrower than the data and few: totals, "end of report".

    Walks back from the last record, stepping over blank lines, and stops at the first real data row.
    """
    footer: list[tuple[_Bad, int]] = []
    idx = all_null.len() - 1
    n = total
    while n > 0 and len(footer) < MAX_FOOTER:
        if n in bad_lines:
            b, line = bad_lines[n]
            if b.text.strip():
                if b.fields >= width or "\n" in b.text or not (b.fields == 1 or _FOOTER_WORDS.search(b.text)):
                    break
                footer.append((b, line))
        elif idx >= 0 and all_null[idx]:
            idx -= 1
        else:
            break
        n -= 1
    return footer


def _merged_rows(frame: pl.DataFrame, d: Dialect, columns: list[str] | None = None) -> pl.Series:
    """Rows with a field holding a line break followed by a line with as many delimiters as a record has:
    what a stray quote leaves when it swallows whole records into one field. ``columns``: the columns
    known to hold the records' line end (the fast path counted them); by default every column is looked at.
    """
    if frame.width < 2:
        return pl.Series([False] * frame.height)
    # Only columns holding a line break at all are looked at (one cheap pass); a line after a break
    # with at least width - 1 delimiters is a swallowed record. Counted, not matched by one regex:
    # a repetition count of thousands (a wide header) is beyond what a regex engine compiles.
    if columns is None:
        broken = frame.select(pl.col(c).str.contains("[\r\n]").any() for c in frame.columns).row(0)
        columns = [c for c, hit in zip(frame.columns, broken, strict=True) if hit]
    if not columns:
        return pl.Series([False] * frame.height)

    def swallowed(c: str) -> pl.Expr:
        after_break = pl.col(c).str.replace_all("\r\n?", "\n").str.split("\n").list.slice(1)
        most = after_break.list.eval(pl.element().str.count_matches(d.delimiter, literal=True)).list.max()
        return (most >= frame.width - 1).fill_null(False)

    # Split only the values holding a break (a notes column of a million rows has few).
    hits = pl.concat(
        [
            frame.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("\x1fi"), c)
            .filter(pl.col(c).str.contains("\n", literal=True) | pl.col(c).str.contains("\r", literal=True))
            .filter(swallowed(c))
            .select("\x1fi")
            for c in columns
        ]
    )["\x1fi"]
    merged = np.zeros(frame.height, dtype=bool)
    merged[hits.to_numpy()] = True  # not np.isin over every row: its hash table costs more than the scan
    return pl.Series(merged)


def _multiline_values(frame: pl.DataFrame) -> bool:
    return bool(
        frame.select(pl.any_horizontal(pl.col(c).str.contains("[\r\n]").fill_null(False) for c in frame.columns))
        .to_series()
        .any()
    )


def _warn_merged_records(frame: pl.DataFrame, d: Dialect, report: LoadReport, hits: pl.Series | None = None) -> None:
    """A stray quote can swallow whole records into one field and still leave a valid-looking row."""
    if not d.quote_char or frame.height == 0:
        return
    hits = _merged_rows(frame, d) if hits is None or hits.len() != frame.height else hits
    if hits.any():
        first = int(hits.arg_true()[0])
        report.warnings.append(
            f"{int(hits.sum())} rows hold line breaks followed by text shaped like whole records (first: data "
            f"row {first}); an unbalanced quote may have merged records: check, or reload with quote_char=None"
        )


def _recover_merged(
    b: _Bad, line: int, d: Dialect, width: int
) -> tuple[list[tuple[int, list[str | None]]], list[Reject], list[tuple[int, str]]]:
    """A record spanning lines with the wrong field count: usually one stray quote swallowed the lines
    after it. Re-read those lines one by one so the good ones are loaded, the one with the stray quote
    read with that quote taken literally, and only what still does not fit is rejected."""
    pieces = split_lines(b.text)
    rows: list[tuple[int, list[str | None]]] = []
    rejects: list[Reject] = []
    fixed: list[tuple[int, str]] = []
    for k, piece in enumerate(pieces):
        text = piece.rstrip("\r\n")
        fields = _split_fields(text, d) if text.strip() else []
        if not text.strip():
            continue
        if len(fields) != width:
            fix = stray_quote_repair(text, d.delimiter, d.quote_char, d.escape_char, d.skip_space, width)
            if fix is not None:
                fields = fix[0]
                fixed.append((line + k, fix[1]))
        if len(fields) == width:
            # Negative numbers keep recovered rows in file order just before the next parsed record.
            rows.append((-(b.number * 10_000 + k), list(fields)))
        else:
            rejects.append(
                Reject(line=line + k, reason=f"{len(fields)} fields, expected {width} (unbalanced quote?)", raw=text)
            )
    return rows, rejects, fixed


def _insert_repaired(
    frame: pl.DataFrame,
    keep: pl.Series | None,
    repaired: list[tuple[int, list[str | None]]],
    skipped: set[int],
    total: int,
    names: list[str],
) -> pl.DataFrame:
    """Put repaired rows back where they were in the file."""
    numbers = [n for n in range(1, total + 1) if n not in skipped]
    ordered = frame.with_columns(pl.Series("__rec", numbers, dtype=pl.Float64))
    if keep is not None:
        ordered = ordered.filter(keep)
    extra_pos = []
    for n, _ in repaired:
        # Recovered rows carry -(number*10000+k): place them inside the merged record's slot, in order.
        extra_pos.append(n if n > 0 else (-n // 10_000) + (-n % 10_000) / 10_000)
    extra = pl.DataFrame(
        {name: [r[i] for _, r in repaired] for i, name in enumerate(names)}, schema=dict.fromkeys(names, pl.String)
    ).with_columns(pl.Series("__rec", extra_pos, dtype=pl.Float64))
    return pl.concat([ordered, extra]).sort("__rec").drop("__rec")


def _drop_repeated_headers(
    frame: pl.DataFrame, d: Dialect, header_text: str, data: bytes | memoryview, body_offset: int
) -> tuple[pl.DataFrame, list[Reject]]:
    """Rows equal to the header (files concatenated from several exports) are rejects, not data."""
    if frame.height == 0 or len(d.raw_header) != frame.width:
        return frame, []
    is_header = pl.all_horizontal(
        [pl.col(c).eq_missing(pl.lit(h if h != "" else None)) for c, h in zip(frame.columns, d.raw_header, strict=True)]
    )
    mask = frame.select(is_header).to_series()
    if not mask.any():
        return frame, []
    locator = _Locator(memoryview(data)[body_offset:], d.body_line + 1, d.line_terminator == "CR")
    rejects = []
    for _ in range(int(mask.sum())):
        line = locator.find(header_text)
        locator.cursor += 1
        rejects.append(Reject(line=line, reason="repeated header row", raw=header_text))
    return frame.filter(~mask), rejects


__all__ = ["RAGGED_POLICIES", "read_delimited"]

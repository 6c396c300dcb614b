"""Dialect sniffing: delimiter, quote, escape, line endings, preamble, header.

The delimiter and quote are chosen the way CleverCSV does it (a data consistency measure): the
dialect under which rows have the most consistent number of fields *and* cells look like values
(numbers, dates, words) rather than fragments wins. Python's ``csv`` parses the sample; the full
file is parsed elsewhere with the chosen dialect.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from dataclasses import dataclass, field

csv.field_size_limit(sys.maxsize)

DELIMITERS = [",", ";", "\t", "|", ":", "^", "~"]
QUOTES = ['"', "'", None]
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")

_NUMBER = re.compile(r"^[-+]?(\d+|\d{1,3}([,.' \u00a0]\d{3})+)([.,]\d+)?%?$|^[-+]?[.,]\d+$")
_DATE = re.compile(
    r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?( ?[AaPp][Mm])?(Z|[+-]\d{2}:?\d{2})?)?$"
    r"|^\d{1,2}:\d{2}(:\d{2})?$|^\d{8}$"
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_URL = re.compile(r"^(https?|ftp)://\S+$")
_WORDS = re.compile(r"""^[\w\u00a0 .,'"&()/#+@%\-]*[\w)"]\.?$""")


@dataclass
class Record:
    fields: list[str]
    first_line: int  # 0-based index of the record's first physical line
    last_line: int  # 0-based index one past the record's last physical line


@dataclass
class Dialect:
    """What the sniffer decided, and what it saw above and around the header."""

    delimiter: str
    quote_char: str | None
    escape_char: str | None
    line_terminator: str
    has_header: bool
    header_line: int | None  # 0-based physical line of the header
    body_line: int  # 0-based physical line where data starts
    columns: list[str]
    raw_header: list[str]
    preamble_lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def split_lines(text: str) -> list[str]:
    """Physical lines with their terminators; CR, LF and CRLF all end a line (nothing else does)."""
    return _LINE_RE.findall(text)


def line_terminator(text: str) -> str:
    r"""The line endings of ``text``: CRLF, LF, CR, or mixed (the counts of each).

    >>> line_terminator("a\r\nb\r\n")
    'CRLF'
    """
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    kinds = [(n, name) for n, name in ((crlf, "CRLF"), (lf, "LF"), (cr, "CR")) if n]
    if not kinds:
        return "none"
    if len(kinds) == 1:
        return kinds[0][1]
    return "mixed (" + ", ".join(f"{name} {n}" for n, name in kinds) + ")"


def parse_records(lines: list[str], delimiter: str, quote: str | None, escape: str | None) -> list[Record]:
    """Parse physical lines into records with Python's csv, keeping each record's line span."""
    reader = csv.reader(
        iter(lines),
        delimiter=delimiter,
        quotechar=quote or '"',
        quoting=csv.QUOTE_MINIMAL if quote else csv.QUOTE_NONE,
        escapechar=escape,
        doublequote=True,
        strict=False,
    )
    out: list[Record] = []
    prev = 0
    try:
        for row in reader:
            out.append(Record(row, prev, reader.line_num))
            prev = reader.line_num
    except csv.Error:
        pass
    return out


def _cell_is_value(cell: str) -> bool:
    # A quoted note with a line break in it is one value; judged as words, its break is a space.
    c = " ".join(cell.split())
    if not c:
        return True
    return bool(_NUMBER.match(c) or _DATE.match(c) or _EMAIL.match(c) or _URL.match(c) or _WORDS.match(c))


def _consistency(records: list[Record]) -> float:
    lengths = Counter(len(r.fields) for r in records if r.fields and r.fields != [""])
    if not lengths:
        return 0.0
    pattern = sum(n * (length - 1) / length for length, n in lengths.items()) / len(lengths)
    cells = [c for r in records for c in r.fields]
    typed = sum(1 for c in cells if _cell_is_value(c)) / len(cells) if cells else 0.0
    return pattern * max(typed, 1e-3)


def _modal_length(records: list[Record]) -> int:
    lengths = Counter(len(r.fields) for r in records if r.fields and r.fields != [""])
    if not lengths:
        return 1
    multi = {k: v for k, v in lengths.items() if k > 1}
    pool = multi or lengths
    # Most frequent; on a tie the wider one (a header is rarely narrower than its data).
    return max(pool.items(), key=lambda kv: (kv[1], kv[0]))[0]


def choose_dialect(lines: list[str]) -> tuple[str, str | None, str | None]:
    """Pick (delimiter, quote, escape) for the sample lines."""
    text = "".join(lines)
    quotes = [q for q in QUOTES if q is None or q in text] or [None]
    if '"' not in quotes:
        quotes.insert(0, '"')
    escapes: list[str | None] = [None]
    if re.search(r"\\[\"']", text):
        escapes.append("\\")
    best: tuple[float, int, str, str | None, str | None] | None = None
    for d_rank, delim in enumerate(DELIMITERS):
        if delim not in text:
            continue
        for q_rank, quote in enumerate(quotes):
            for escape in escapes:
                records = parse_records(lines, delim, quote, escape)
                score = _consistency(records)
                if quote is None and '"' in text:
                    # Cells that open or close with a double quote are a quoted field cut in pieces:
                    # splitting every multi-line note in two looks consistent, but it is wrong.
                    cells = [c.strip() for r in records for c in r.fields]
                    stray = sum(1 for c in cells if c[:1] == '"' or c[-1:] == '"') / max(len(cells), 1)
                    score *= 1 - stray
                key = (score, -(d_rank * 10 + q_rank), delim, quote, escape)
                if best is None or key[:2] > best[:2]:
                    best = key
    if best is None or best[0] <= 0:
        # Nothing splits the lines consistently: a single-column file (or spaces as separators).
        if " " in text and _consistency(parse_records(lines, " ", '"', None)) > 1.0 and _space_aligned(lines):
            return " ", '"', None
        return ",", '"', None
    return best[2], best[3], best[4]


def _space_aligned(lines: list[str]) -> bool:
    counts = Counter(len(line.split()) for line in lines if line.strip())
    if not counts:
        return False
    length, n = counts.most_common(1)[0]
    return length > 1 and n / sum(counts.values()) > 0.9


def _kind(value: str) -> str:
    v = value.strip()
    if not v:
        return "empty"
    if _NUMBER.match(v):
        return "number"
    if _DATE.match(v):
        return "date"
    return "text"


def looks_like_header(header: list[str], data: list[list[str]]) -> bool:
    """Does ``header`` name the columns of ``data`` rather than being a first data row?"""
    if not data:
        return all(_kind(h) == "text" for h in header)
    votes = 0.0
    for j, name in enumerate(header):
        column = [row[j] for row in data if j < len(row)]
        kinds = Counter(_kind(v) for v in column if v.strip())
        dominant = kinds.most_common(1)[0][0] if kinds else "empty"
        hk = _kind(name)
        if hk == "empty":
            votes -= 0.5
        elif dominant in ("number", "date"):
            votes += 1 if hk == "text" else -1
        elif dominant == "text":
            if hk in ("number", "date") or name in set(column):
                votes -= 0.5
            else:
                votes += 0.25
    non_empty = [h.strip() for h in header if h.strip()]
    if len(non_empty) == len(header) and len(set(non_empty)) == len(non_empty):
        votes += 0.5
    return votes > 0


def unique_names(raw: list[str]) -> tuple[list[str], list[str]]:
    """Column names made unique and non-blank, with a warning for each change."""
    names: list[str] = []
    warnings: list[str] = []
    seen: Counter[str] = Counter()
    taken = {r.strip() for r in raw}
    for j, r in enumerate(raw):
        name = r.strip().lstrip("\ufeff")
        if not name:
            name = f"column_{j + 1}"
            warnings.append(f"column {j + 1} has a blank header; named it {name!r}")
        elif name != r:
            warnings.append(f"column {j + 1} header {r!r} had surrounding spaces; named it {name!r}")
        seen[name] += 1
        if seen[name] > 1:
            base, k = name, seen[name]
            while f"{base}_{k}" in taken or f"{base}_{k}" in names:
                k += 1
            name = f"{base}_{k}"
            warnings.append(f"column {j + 1} repeats the header {base!r}; named it {name!r}")
        names.append(name)
    return names, warnings


def sniff(
    lines: list[str],
    *,
    complete: bool,
    delimiter: str | None = None,
    quote_char: str | None = "",
    escape_char: str | None = "",
    has_header: bool | None = None,
    skip_lines: int | None = None,
) -> Dialect:
    """Decide the dialect from the first physical lines of a file.

    ``quote_char``/``escape_char`` of ``""`` mean "detect"; ``None`` means "none".

    >>> d = sniff(["id;name\\r\\n", "1;Ann\\r\\n", "2;Bob\\r\\n"], complete=True)
    >>> (d.delimiter, d.columns, d.line_terminator)
    (';', ['id', 'name'], 'CRLF')
    """
    usable = lines if complete or len(lines) < 2 else lines[:-1]
    scoring = usable[skip_lines or 0 :][:400]
    auto_delim, auto_quote, auto_escape = choose_dialect(scoring)
    delim = delimiter or auto_delim
    quote = auto_quote if quote_char == "" else quote_char
    escape = auto_escape if escape_char == "" else escape_char
    records = parse_records(usable, delim, quote, escape)
    terminator = line_terminator("".join(usable))
    warnings: list[str] = []

    nonblank = [r for r in records if r.fields and r.fields != [""]]
    if not nonblank:
        return Dialect(delim, quote, escape, terminator, False, None, 0, [], [], [], warnings)

    if skip_lines is not None:
        start = next((i for i, r in enumerate(records) if r.first_line >= skip_lines and r.fields), len(records))
    else:
        width = _modal_length(nonblank[skip_lines or 0 :])
        start = _first_consistent(records, width)
    preamble = [line.rstrip("\r\n") for line in usable[: records[start].first_line]] if start < len(records) else []
    first = records[start] if start < len(records) else None
    if first is None:
        return Dialect(delim, quote, escape, terminator, False, None, len(usable), [], [], preamble, warnings)
    if start > 0 and not skip_lines:
        # A header without the trailing delimiter every data row carries: one field short, and the
        # data's extra last field is always empty.
        prev = max((i for i in range(start) if records[i].fields), default=None)
        rows_after = [r.fields for r in records[start:] if r.fields and r.fields != [""]]
        if (
            prev is not None
            and len(records[prev].fields) == len(first.fields) - 1
            and len(first.fields) > 2
            and all(f[-1] == "" for f in rows_after if len(f) == len(first.fields))
        ):
            start, first = prev, records[prev]
            preamble = [line.rstrip("\r\n") for line in usable[: first.first_line]]
    following = [r.fields for r in records[start + 1 : start + 201] if r.fields and r.fields != [""]]
    header_present = looks_like_header(first.fields, following) if has_header is None else has_header
    width = max(len(first.fields), _modal_length(records[start:]))
    if header_present:
        raw_header = first.fields
        names, warnings = unique_names(raw_header)
        if len(names) < width:
            extra = [f"column_{j + 1}" for j in range(len(names), width)]
            warnings.append(f"data rows have {width} fields but the header names {len(names)}; added {extra}")
            names += extra
        return Dialect(
            delim,
            quote,
            escape,
            terminator,
            True,
            first.first_line,
            first.last_line,
            names,
            raw_header,
            preamble,
            warnings,
        )
    names = [f"column_{j + 1}" for j in range(width)]
    return Dialect(delim, quote, escape, terminator, False, None, first.first_line, names, [], preamble, warnings)


def _first_consistent(records: list[Record], width: int) -> int:
    """Index of the first record of ``width`` fields that the following records confirm.

    Only narrow records (titles, "exported by ..." lines) may stand above it as preamble: once a
    wide record has been passed, it was data, and the first record of the modal width is the start.
    """
    candidates = [i for i, r in enumerate(records) if len(r.fields) == width]
    for i in candidates:
        if any(len(r.fields) > max(2, width // 2) for r in records[:i]):
            break
        window = [r for r in records[i + 1 : i + 11] if r.fields and r.fields != [""]]
        if window and sum(len(r.fields) == width for r in window) / len(window) >= 0.6:
            return i
    return candidates[0] if candidates else 0

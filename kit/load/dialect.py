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
from functools import lru_cache

csv.field_size_limit(sys.maxsize)

DELIMITERS = [",", ";", "\t", "|", ":", "^", "~", " "]
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
    skip_space: bool = False  # a space follows every delimiter (", "): stripped, as csv's skipinitialspace
    header_lines: list[int] = field(default_factory=list)  # 0-based physical lines of a multi-row header
    end_line: int | None = None  # 0-based physical line where a second table starts
    other_tables: list[tuple[int, str]] = field(default_factory=list)  # (1-based line, header text)
    decisions: dict[str, str] = field(default_factory=dict)  # what was decided, and the evidence


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


def keep_backslashes(text: str, quote: str | None, delimiter: str) -> str:
    r"""Double each backslash that escapes nothing the dialect needs escaped (the quote, the delimiter,
    a backslash), so that a parser whose escape character is the backslash keeps it in the value.

    >>> print(keep_backslashes(r'8\'9\" rod', '"', ","))
    8\\'9\" rod
    """
    specials = re.escape((quote or "") + delimiter + "\\")
    return re.sub(rf"\\(?=[^{specials}]|$)", lambda m: "\\\\", text)


def csv_reader(lines, delimiter: str, quote: str | None, escape: str | None, skip_space: bool = False):
    """Python's csv reader for a dialect: the sniffer's parser, and the loader's where Arrow's cannot go."""
    return csv.reader(
        lines,
        delimiter=delimiter,
        quotechar=quote or '"',
        quoting=csv.QUOTE_MINIMAL if quote else csv.QUOTE_NONE,
        escapechar=escape,
        doublequote=True,
        skipinitialspace=skip_space,
        strict=False,
    )


def parse_records(
    lines: list[str], delimiter: str, quote: str | None, escape: str | None, skip_space: bool = False
) -> list[Record]:
    """Parse physical lines into records with Python's csv, keeping each record's line span."""
    if escape:
        lines = [keep_backslashes(line, quote, delimiter) for line in lines]
    reader = csv_reader(iter(lines), delimiter, quote, escape, skip_space)
    out: list[Record] = []
    prev = 0
    try:
        for row in reader:
            out.append(Record(row, prev, reader.line_num))
            prev = reader.line_num
    except csv.Error:
        pass
    return out


def parse_relaxed(text: str, delimiter: str, quote: str, skip_space: bool = False) -> list[str]:
    """One record's fields where quotes inside a quoted value were not doubled: a quote closes the
    value only when a delimiter or the end of the record follows it (``"5" Inseam"`` is ``5" Inseam``).

    >>> parse_relaxed('1,"Boxer, 5" Inseam",x', ",", '"')
    ['1', 'Boxer, 5" Inseam', 'x']
    """
    fields: list[str] = []
    i, n = 0, len(text)
    while True:
        if skip_space:
            while i < n and text[i] == " ":
                i += 1
        closed = False
        if i < n and text[i] == quote:
            j, value = i + 1, []
            while j < n:
                ch = text[j]
                if ch == quote:
                    after = text[j + 1] if j + 1 < n else ""
                    if after in ("", delimiter, "\r", "\n"):
                        closed = True
                        break
                    if after == quote and (j + 2 >= n or text[j + 2] not in (delimiter, "\r", "\n")):
                        value.append(quote)
                        j += 2
                        continue
                value.append(ch)
                j += 1
            if closed:
                fields.append("".join(value))
                i = j + 1
        if not closed:
            # Unquoted, or an opening quote that never closes: then that quote is data.
            j = text.find(delimiter, i + 1 if i < n and text[i] == quote else i)
            j = n if j < 0 else j
            fields.append(text[i:j].rstrip("\r\n"))
            i = j
        if i >= n or text[i] != delimiter:
            return fields
        i += 1


# Each candidate dialect splits the same sample: most cells recur from one candidate to the next.
@lru_cache(maxsize=1 << 16)
def _cell_is_value(cell: str) -> bool:
    # A quoted note with a line break in it is one value; judged as words, its break is a space.
    c = " ".join(cell.split())
    if not c:
        return True
    return bool(_NUMBER.match(c) or _DATE.match(c) or _EMAIL.match(c) or _URL.match(c) or _WORDS.match(c))


def _consistency(records: list[Record]) -> float:
    pattern = _pattern(records)
    if not pattern:
        return 0.0
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


@dataclass(frozen=True)
class Choice:
    """The separators decided for a file, and the evidence in words."""

    delimiter: str
    quote: str | None
    escape: str | None
    skip_space: bool
    why: dict[str, str]


def _spaced(text: str, delim: str) -> bool:
    # ", " as the separator: nearly every delimiter is followed by a space.
    total = text.count(delim)
    return delim != " " and total >= 3 and text.count(delim + " ") >= 0.8 * total


def _one_column(lines: list[str]) -> str | None:
    """The quote of a one-column file whose values are quoted text holding delimiters and quotes."""
    body = [line.strip() for line in lines if line.strip()]
    body = body[1:] if len(body) > 1 else body
    for q in ('"', "'"):
        if not body or sum(1 for line in body if len(line) > 1 and line[0] == q and line[-1] == q) < 0.8 * len(body):
            continue
        splits = False
        for delim in DELIMITERS:
            if delim in "".join(body):
                records = [r for r in parse_records(lines, delim, q, None) if r.fields and r.fields != [""]]
                if records and sum(len(r.fields) > 1 for r in records) > 0.05 * len(records):
                    splits = True
                    break
        if not splits:
            return q
    return None


def choose_dialect(lines: list[str]) -> Choice:
    """Pick delimiter, quote, escape and whether a space follows each delimiter, for the sample lines."""
    text = "".join(lines)
    quotes = [q for q in QUOTES if q is None or q in text] or [None]
    if '"' not in quotes:
        quotes.insert(0, '"')
    one = _one_column(lines)
    if one:
        return Choice(
            ",", one, None, False, {"delimiter": f"none: one column; every line is a value quoted with {one}"}
        )
    best: tuple[float, int, str, str | None, bool] | None = None
    nonblank = [line for line in lines if line.strip()]
    clean_split = 0  # DELIMITERS ends with the space, so this is known before spaces are tried
    for d_rank, delim in enumerate(DELIMITERS):
        if delim not in text:
            continue
        if delim == " " and sum(" " in line.strip() for line in nonblank) < 0.9 * len(nonblank):
            continue  # words with spaces in a few values are not space-separated columns
        for q_rank, quote in enumerate(quotes):
            for skip in (True, False) if _spaced(text, delim) else (False,):
                records = parse_records(lines, delim, quote, None, skip)
                score = _consistency(records)
                if quote is None and '"' in text:
                    # Cells that open or close with a double quote are a quoted field cut in pieces:
                    # splitting every multi-line note in two looks consistent, but it is wrong.
                    cells = [c.strip() for r in records for c in r.fields]
                    stray = sum(1 for c in cells if c[:1] == '"' or c[-1:] == '"') / max(len(cells), 1)
                    score *= 1 - stray
                rank = -(d_rank * 10 + q_rank) + (0.5 if skip else 0)
                if delim != " " and _share_modal(records) >= 0.9 and _modal_length(records) > 1:
                    clean_split = max(clean_split, _modal_length(records))
                if delim == " " and clean_split >= _modal_length(records):
                    continue  # spaces inside the values of a file another delimiter splits as cleanly
                if best is None or (score, rank) > best[:2]:
                    best = (score, rank, delim, quote, skip)
    if best is None or best[0] <= 0:
        # Nothing splits the lines consistently: a single-column file (or spaces as separators).
        if " " in text and _consistency(parse_records(lines, " ", '"', None)) > 1.0 and _space_aligned(lines):
            return Choice(" ", '"', None, True, {"delimiter": "runs of spaces: the columns are aligned"})
        return Choice(",", '"', None, False, {"delimiter": "none found: one column"})
    _, _, delim, quote, skip = best
    records = parse_records(lines, delim, quote, None, skip)
    why = {
        "delimiter": f"{delim!r}{' followed by a space (stripped)' if skip else ''}: "
        f"{_share_modal(records):.0%} of the sample's records have the same number of fields",
        "quote": f"{quote!r}" if quote else "none: no value is quoted",
    }
    escape = None
    why["escape"] = "none: RFC 4180 has no escape character, and no backslash escapes a quote here"
    if quote and re.search(r"\\" + re.escape(quote), text):
        # RFC 4180 has no escape character: take the backslash as one only when the file needs it, where
        # a quote after a backslash cannot end a value (a letter follows it) or the records break without it.
        escaped = parse_records(lines, delim, quote, "\\", skip)
        inside = re.search(r"\\" + re.escape(quote) + r"[^" + re.escape(delim) + r"\r\n]", text)
        if _pattern(escaped) > _pattern(records) + 1e-9 or (inside and _pattern(escaped) >= _pattern(records)):
            escape = "\\"
            why["escape"] = "backslash: quotes escaped with a backslash would break records otherwise"
        else:
            why["escape"] = "none: backslashes before quotes are data (the records are whole without an escape)"
    return Choice(delim, quote, escape, skip, why)


def _pattern(records: list[Record]) -> float:
    lengths = Counter(len(r.fields) for r in records if r.fields and r.fields != [""])
    if not lengths:
        return 0.0
    return sum(n * (length - 1) / length for length, n in lengths.items()) / len(lengths)


def _share_modal(records: list[Record]) -> float:
    lengths = Counter(len(r.fields) for r in records if not _blank(r))
    return max(lengths.values()) / sum(lengths.values()) if lengths else 0.0


def _blank(r: Record) -> bool:
    return not any(f.strip() for f in r.fields)


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


def wildcard(name: str) -> bool:
    """Whether polars reads ``pl.col(name)`` as several columns: ``*`` (every column) or ``^...$`` (a regex)."""
    return name == "*" or (len(name) > 1 and name.startswith("^") and name.endswith("$"))


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
        if wildcard(name):
            name, was = f"{name}_", name
            warnings.append(f"column {j + 1} header {was!r} reads as a pattern of column names; named it {name!r}")
        seen[name] += 1
        if seen[name] > 1:
            base, k = name, seen[name]
            while f"{base}_{k}" in taken or f"{base}_{k}" in names:
                k += 1
            name = f"{base}_{k}"
            warnings.append(f"column {j + 1} repeats the header {base!r}; named it {name!r}")
        names.append(name)
    return names, warnings


def _kinds(row: list[str]) -> list[str]:
    return [_kind(v) for v in row]


def _wordy(value: str) -> bool:
    """Text with a letter in it: a cell of punctuation only ("@", "-", "#") names nothing."""
    return _kind(value) == "text" and any(ch.isalpha() for ch in value)


def _name_like(row: list[str]) -> bool:
    """Cells that could name columns: some words, no numbers or dates."""
    return any(_wordy(v) for v in row) and not any(k in ("number", "date") for k in _kinds(row))


def _typed_evidence(row: list[str], data: list[list[str]]) -> int:
    """Columns whose values are numbers or dates where ``row`` holds a word: strong header evidence."""
    votes = 0
    for j, name in enumerate(row):
        column = [r[j] for r in data if j < len(r) and r[j].strip()]
        if not column:
            continue
        dominant = Counter(_kind(v) for v in column).most_common(1)[0][0]
        if dominant in ("number", "date"):
            votes += 1 if _wordy(name) else (-1 if _kind(name) == dominant else 0)
    return votes


def _sparse(r: Record) -> bool:
    """A title line padded with delimiters ("PREAMBLE,,,,,,,,"), or only delimiters."""
    return sum(1 for f in r.fields if f.strip()) <= 1


def stray_quote_repair(text: str, d_delim: str, quote: str | None, escape: str | None, skip: bool, width: int):
    """The fields of one damaged line, read so that it has ``width`` fields: quotes inside quoted values
    taken literally, or one stray quote taken literally. None when no reading fits."""
    line = text.rstrip("\r\n")
    if not quote or line.count(quote) % 2 == 0:
        return None  # balanced quotes: the damage is elsewhere (a separator too few or too many)
    fields = parse_relaxed(line, d_delim, quote, skip)
    if len(fields) == width:
        return fields, "a quote inside a quoted value that was not doubled, read literally"
    positions = [i for i, ch in enumerate(line) if ch == quote]
    # A stray quote most often opens a value that was never quoted: try those first.
    positions.sort(key=lambda i: (not (i == 0 or line[i - 1] == d_delim), i))
    for pos in positions[:20]:
        masked = line[:pos] + "\x00" + line[pos + 1 :]
        records = parse_records([masked], d_delim, quote, escape, skip)
        if records and len(records[0].fields) == width:
            return [f.replace("\x00", quote) for f in records[0].fields], "a stray quote read literally"
    return None


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
    choice = choose_dialect(scoring)
    why = dict(choice.why)
    delim = delimiter or choice.delimiter
    skip = choice.skip_space and delim == choice.delimiter
    quote = choice.quote if quote_char == "" else quote_char
    escape = choice.escape if escape_char == "" else escape_char
    if delimiter:
        why["delimiter"] = f"{delimiter!r}: given"
    if quote_char != "":
        why["quote"] = f"{quote_char!r}: given"
    if escape_char != "":
        why["escape"] = f"{escape_char!r}: given"
    records = parse_records(usable, delim, quote, escape, skip)
    terminator = line_terminator("".join(usable))
    warnings: list[str] = []

    def dialect(**kw) -> Dialect:
        base = dict(
            delimiter=delim,
            quote_char=quote,
            escape_char=escape,
            line_terminator=terminator,
            skip_space=skip,
            warnings=warnings,
            decisions=why,
        )
        return Dialect(**{**base, **kw})

    nonblank = [r for r in records if not _blank(r)]
    if not nonblank:
        return dialect(has_header=False, header_line=None, body_line=0, columns=[], raw_header=[])

    width = _modal_length(nonblank)
    if skip_lines is not None:
        start = next((i for i, r in enumerate(records) if r.first_line >= skip_lines and r.fields), len(records))
    else:
        start = _first_consistent(records, width)
        # Title lines padded with delimiters to the full width ("PREAMBLE,,,,,,,,") and lines of
        # delimiters only stand above the header like any preamble.
        while start + 1 < len(records) and (_sparse(records[start]) or _blank(records[start])) and width > 2:
            start += 1
    if start >= len(records):
        preamble = [line.rstrip("\r\n") for line in usable]
        return dialect(
            has_header=False,
            header_line=None,
            body_line=len(usable),
            columns=[],
            raw_header=[],
            preamble_lines=preamble,
        )
    first = records[start]
    if (
        skip_lines is None
        and has_header is not False
        and quote
        and first.last_line - first.first_line > 1
        and usable[first.first_line].count(quote) % 2
    ):
        # The first record runs over several lines because of one stray quote on its first line
        # (a damaged header swallowing records): read that line alone, the quote taken literally.
        data = [r.fields for r in records[start + 1 : start + 201] if not _blank(r)]
        damaged = _damaged_header(usable, first, data, width, delim, quote, escape, skip)
        if damaged is not None:
            first = Record(damaged[0], first.first_line, first.first_line + 1)
            records = [*records[:start], first, *parse_records(usable[first.last_line :], delim, quote, escape, skip)]
            for r in records[start + 1 :]:
                r.first_line += first.last_line
                r.last_line += first.last_line
            warnings.append(f"header line {first.first_line + 1} is damaged ({damaged[1]}); its names are kept")
            why["header"] = f"line {first.first_line + 1}: words over the values below, but {damaged[1]}"
    data = [r.fields for r in records[start + 1 : start + 201] if not _blank(r)]
    header_present = looks_like_header(first.fields, data) if has_header is None else has_header
    header_line: int | None = first.first_line
    raw_header = first.fields
    header_lines = [first.first_line]
    body_line = first.last_line
    if start > 0 and skip_lines is None:
        prev = max((i for i in range(start) if not _blank(records[i])), default=None)
        rows_after = [r.fields for r in records[start:] if not _blank(r)]
        if (
            prev is not None
            and len(records[prev].fields) == len(first.fields) - 1
            and len(first.fields) > 2
            and all(f[-1] == "" for f in rows_after if len(f) == len(first.fields))
        ):
            # A header without the trailing delimiter every data row carries: one field short, and
            # the data's extra last field is always empty.
            start, first = prev, records[prev]
            raw_header, header_line, header_lines, body_line = (
                first.fields,
                first.first_line,
                [first.first_line],
                first.last_line,
            )
            header_present = looks_like_header(first.fields, data) if has_header is None else has_header
        elif prev is not None and has_header is not False and not (has_header is None and header_present):
            damaged = _damaged_header(usable, records[prev], rows_after[:200], width, delim, quote, escape, skip)
            if damaged is not None:
                raw_header, note = damaged
                header_present, header_line = True, records[prev].first_line
                header_lines, body_line = [header_line], header_line + 1
                warnings.append(f"header line {header_line + 1} is damaged ({note}); its names are kept")
                why["header"] = f"line {header_line + 1}: words over the numbers and dates below, but {note}"
                start = prev
    preamble = [line.rstrip("\r\n") for line in usable[: header_lines[0] if header_present else first.first_line]]
    if not header_present:
        names = [f"column_{j + 1}" for j in range(max(len(first.fields), width))]
        why.setdefault("header", "none: the first record is like the records below it (no words over numbers or dates)")
        end, others = _other_tables(records, start - 1, width, None, usable)
        return dialect(
            has_header=False,
            header_line=None,
            body_line=first.first_line,
            columns=names,
            raw_header=[],
            preamble_lines=preamble,
            end_line=end,
            other_tables=others,
        )
    # More header rows right below the first: words again where the records hold numbers and dates.
    k = start + 1
    block = [raw_header]
    while has_header is None and k < len(records) and len(block) < 3 and not _blank(records[k]):
        row = records[k].fields
        below = [r.fields for r in records[k + 1 : k + 201] if not _blank(r)]
        if len(row) == len(raw_header) and _name_like(row) and len(below) >= 3 and _typed_evidence(row, below) >= 2:
            block.append(row)
            header_lines.append(records[k].first_line)
            body_line = records[k].last_line
            k += 1
        else:
            break
    if len(block) > 1:
        raw_header = [" ".join(p.strip() for p in parts if p.strip()) for parts in zip(*block, strict=True)]
        warnings.append(
            f"the header spans {len(block)} lines ({header_lines[0] + 1}-{header_lines[-1] + 1}); "
            "their names are joined"
        )
        why["header"] = (
            f"lines {header_lines[0] + 1}-{header_lines[-1] + 1}: {len(block)} rows of words over the data, joined"
        )
    why.setdefault(
        "header",
        f"line {header_line + 1}: "
        + ("given" if has_header else "its cells are words unlike the values below (names over numbers and dates)"),
    )
    names, name_warnings = unique_names(raw_header)
    warnings.extend(name_warnings)
    if len(names) < width:
        extra = [f"column_{j + 1}" for j in range(len(names), width)]
        warnings.append(f"data rows have {width} fields but the header names {len(names)}; added {extra}")
        names += extra
    end, others = _other_tables(records, k - 1, width, raw_header, usable)
    return dialect(
        has_header=True,
        header_line=header_line,
        body_line=body_line,
        columns=names,
        raw_header=raw_header,
        preamble_lines=preamble,
        header_lines=header_lines,
        end_line=end,
        other_tables=others,
    )


def _damaged_header(
    lines: list[str], rec: Record, data: list[list[str]], width: int, delim: str, quote, escape, skip: bool
) -> tuple[list[str], str] | None:
    """The names of a header line with a stray quote or a separator too few or too many, repaired as
    far as the evidence allows; None when the line is a title, not a header."""
    text = lines[rec.first_line]
    if not text.strip():
        return None
    fields = parse_records([text], delim, quote, escape, skip)[0].fields
    if len(fields) != width or (quote and text.count(quote) % 2):
        repaired = stray_quote_repair(text, delim, quote, escape, skip, width)
        if repaired and _name_like(repaired[0]) and _typed_evidence(repaired[0], data) >= 1:
            return repaired
    if len(fields) < 2 or abs(len(fields) - width) > 2:
        return None
    if not _name_like(fields) or _typed_evidence(fields[:width], data) < 1:
        return None
    if len(fields) == width + 1 and sum(1 for f in fields if not f.strip()) == 1:
        return [f for f in fields if f.strip()], "a separator too many, around an empty name"
    if len(fields) < width:
        return fields, f"{len(fields)} names for {width} fields, a separator missing"
    if len(fields) > width:
        return fields[:width], f"{len(fields)} names for {width} fields; the last {len(fields) - width} dropped"
    return fields, "it was taken for a title at first"


def _other_tables(
    records: list[Record], last_header: int, width: int, header: list[str] | None, lines: list[str]
) -> tuple[int | None, list[tuple[int, str]]]:
    """Where a second table starts: after a blank line, a header of other names over records of their own."""
    first_data = [r.fields for r in records[last_header + 1 : last_header + 201] if not _blank(r)]
    for j in range(last_header + 2, len(records)):
        if not _blank(records[j - 1]) or _blank(records[j]):
            continue
        cand = records[j].fields
        if header is not None and [c.strip() for c in cand] == [h.strip() for h in header]:
            continue  # the same header again: a repeated header row, rejected as such
        block = []
        for r in records[j + 1 : j + 12]:
            if _blank(r):
                break
            block.append(r.fields)
        if not block or len(cand) < 2 or not _name_like(cand):
            continue
        own = sum(len(b) == len(cand) for b in block) / len(block) >= 0.6
        if own and (len(cand) != width or _typed_evidence(cand, first_data) >= 2 or _typed_evidence(cand, block) >= 1):
            start = records[j].first_line
            return start, [(start + 1, lines[start].rstrip("\r\n"))]
    return None, []


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

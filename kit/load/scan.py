"""A delimited extract as a polars scan, for files too large to load: the loader's detections on the
head of the file, then ``pl.scan_csv`` with them, every column text.

The loader reads the whole file to account for every line (encodings, ragged rows, footers). A scan
cannot do that, so this refuses what it cannot read faithfully instead of reading it wrongly: a file
that is not UTF-8, or whose head has ragged rows, or whose last line is a footer, is an error that
says to use the loader. One thing a scan cannot tell is a row that is short by its last fields, which
polars fills with nulls; ``ScanReport.warnings`` says so.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from kit.errors import InputFileError, KitError

SCAN_ABOVE = 256 << 20  # kit profile scans delimited files from this size (the loader holds several times it)
HEAD_BYTES = 4 << 20
TAIL_BYTES = 64 << 10
TAIL_RECORD_LINES = 100  # a record cut by the end of the head spans at most this many lines
UTF8 = {"utf-8", "utf-8-sig", "ascii"}


class ScanRefused(KitError):
    """What a scan cannot read faithfully; ``reason`` without the advice to load the file instead."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"{reason}; load it whole instead (mode='load')")
        self.reason = reason


@dataclass
class ScanReport:
    path: str
    encoding: str
    delimiter: str
    quote_char: str | None
    skip_lines: int
    columns: list[str]
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line saying how the file is scanned, with the scan's warnings."""
        return (
            f"scanning {self.path}: {self.encoding}, delimiter {self.delimiter!r}, {len(self.columns)} columns, "
            f"{self.skip_lines} line(s) before the header; " + "; ".join(self.warnings)
        )


def _detect(path: Path, head: bytes, load_options: dict):
    """The loader's report on the first lines of ``path``."""
    from kit.load import read_extract

    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / path.name
        sample.write_bytes(head)
        try:
            return read_extract(sample, **load_options).report
        except KitError as exc:  # about the file, not the copy of its head
            raise type(exc)(str(exc).replace(str(sample), str(path))) from None


def scan_extract(path: str | Path, **load_options) -> tuple[pl.LazyFrame, ScanReport]:
    """``(lazy frame, report)`` for a large delimited text file; every column is read as text.

    >>> lazy, report = scan_extract("sample_data/erp_customers.csv")
    >>> report.delimiter, lazy.select(pl.len()).collect().item() > 10_000
    (',', True)
    """
    p = Path(path)
    if not p.is_file():
        raise InputFileError(f"{p}: no such file")
    if p.suffix.lower() not in (".csv", ".tsv", ".txt"):
        raise ScanRefused(f"{p}: a scan reads delimited text (.csv, .tsv, .txt)")
    with p.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
        fh.seek(max(0, p.stat().st_size - TAIL_BYTES))
        tail = fh.read()
    cut = len(head) == HEAD_BYTES
    if cut:
        head = head[: head.rfind(b"\n") + 1]  # whole lines only
    report = _detect(p, head, load_options)
    if cut and report.rejects and report.rejects[0].line > head.count(b"\n") - TAIL_RECORD_LINES:
        # The cut fell inside a record whose quoted field spans lines: detect on the lines before it.
        head = b"\n".join(head.split(b"\n")[: report.rejects[0].line - 1]) + b"\n"
        report = _detect(p, head, load_options)
    where = f"{p} (first {len(head):,} bytes)"
    if (report.encoding or "").lower() not in UTF8:
        raise ScanRefused(f"{where}: encoded {report.encoding}; a scan reads UTF-8 only (or convert it first)")
    if report.rejects:
        first = report.rejects[0]
        raise ScanRefused(f"{p}:{first.line}: {first.reason}; a scan cannot account for ragged rows")
    if report.footer_lines:
        raise ScanRefused(f"{where}: ends with a footer line")
    if (
        report.other_tables
        or report.quote_repairs
        or report.escape_char
        or "followed by a space" in str(report.decisions.get("delimiter", ""))
    ):
        raise ScanRefused(f"{where}: a second table, stray quotes, an escape or ', ' need the loader")
    if len(report.decisions.get("header", "").split(":")[0].split("-")) > 1:
        raise ScanRefused(f"{where}: the header spans several lines")
    last = next((line for line in reversed(tail.decode("utf-8", "replace").splitlines()) if line.strip()), "")
    delimiter = report.delimiter or ","
    unquoted = report.quote_char is None or report.quote_char not in last
    if unquoted and last.count(delimiter) + 1 != len(report.columns):
        raise ScanRefused(f"{p}: the last line has another number of fields than the header ({last[:80]!r})")
    skip = report.header_row or 0  # the lines before the header (a preamble)
    lazy = pl.scan_csv(
        p,
        separator=delimiter,
        quote_char=report.quote_char,
        has_header=report.has_header,
        skip_rows=skip,
        new_columns=report.columns,
        schema_overrides=dict.fromkeys(report.columns, pl.String),
        infer_schema=False,
    )
    out = ScanReport(str(p), report.encoding or "utf-8", delimiter, report.quote_char, skip, report.columns)
    out.warnings.append("rows short by their last fields are read with nulls there (only the loader can tell)")
    return lazy, out

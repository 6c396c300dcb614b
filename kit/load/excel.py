"""Excel sheets into all-text frames: title rows above the header, merged group headers, footers."""

from __future__ import annotations

from collections import Counter

import fastexcel
import polars as pl

from kit.errors import InputFileError, SheetNotFoundError
from kit.load.dialect import looks_like_header, unique_names
from kit.load.report import LoadReport, Reject


def _width(row: list[str | None]) -> int:
    """Index of the last filled cell + 1: what a row would be as a CSV record."""
    for j in range(len(row) - 1, -1, -1):
        if row[j] is not None and str(row[j]).strip():
            return j + 1
    return 0


# What a workbook may expand to: the XML of a sheet of a million rows of 20 columns is a few hundred
# MB; a decompression bomb (a few KB that inflate to many GB) is refused before anything is inflated.
MAX_XLSX_UNCOMPRESSED = 1 << 30


def _check_archive(path: str, raw: bytes) -> None:
    """An .xlsx is a zip of XML: refuse a broken zip or one that would inflate beyond the bound."""
    import io
    import zipfile

    if not raw.startswith(b"PK"):
        return  # an .xls (BIFF) or not a workbook at all: fastexcel says which
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            members = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise InputFileError(f"{path}: a damaged zip archive, so not a readable workbook ({exc})") from None
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise InputFileError(f"{path}: a zip archive but not an Excel workbook (no xl/ parts in it)")
    total = sum(m.file_size for m in members)
    if total > MAX_XLSX_UNCOMPRESSED:
        raise InputFileError(
            f"{path}: would inflate to {total / (1 << 30):.1f} GiB ({len(raw):,} bytes on disk); the kit reads "
            f"workbooks up to {MAX_XLSX_UNCOMPRESSED >> 30} GiB uncompressed: export the sheet as CSV"
        )


def read_excel(
    path: str,
    raw: bytes,
    report: LoadReport,
    *,
    sheet: str | int | None = None,
    has_header: bool | None = None,
    skip_lines: int | None = None,
    ragged: str = "reject",
) -> pl.DataFrame:
    """Read one sheet as text. Sheet rows are the "lines" of the report (1-based, as Excel shows them)."""
    _check_archive(path, raw)
    try:
        reader = fastexcel.read_excel(raw)
    except Exception as exc:  # fastexcel raises its own untyped errors for corrupt workbooks
        raise InputFileError(f"{path}: cannot be read as an Excel workbook: {exc}") from None
    names = reader.sheet_names
    if sheet is None:
        chosen = names[0]
        if len(names) > 1:
            report.warnings.append(f"workbook has {len(names)} sheets; read {chosen!r} (others: {names[1:]})")
    elif isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit() and sheet not in names):
        idx = int(sheet)
        if not 0 <= idx < len(names):
            raise SheetNotFoundError(f"{path}: no sheet number {idx}; the workbook has {len(names)}: {names}")
        chosen = names[idx]
    elif sheet in names:
        chosen = sheet
    else:
        raise SheetNotFoundError(f"{path}: no sheet named {sheet!r}; sheets are {names}")
    report.sheet = chosen
    try:
        grid = reader.load_sheet(chosen, header_row=None, dtypes="string").to_polars()
    except Exception as exc:  # a sheet part that is damaged, while the workbook's index was readable
        raise InputFileError(f"{path}: sheet {chosen!r} cannot be read: {exc}") from None
    rows: list[list[str | None]] = [list(r) for r in grid.rows()]
    widths = [_width(r) for r in rows]
    filled = [i for i, w in enumerate(widths) if w]
    if not filled:
        report.columns = []
        report.warnings.append(f"sheet {chosen!r} is empty")
        return pl.DataFrame()

    if skip_lines is not None:
        start = next((i for i in filled if i >= skip_lines), len(rows))
    else:
        modal = Counter(widths[i] for i in filled).most_common()
        top = max(modal, key=lambda kv: (kv[1], kv[0]))[0] if modal else 1
        start = next(
            (i for i in filled if widths[i] >= top and _confirmed(widths, i, top)),
            filled[0],
        )
    header_cells = [("" if v is None else str(v)) for v in rows[start]]
    later = Counter(widths[i] for i in filled if i > start)
    # The header's width, or the data's usual width when the header names fewer columns; a stray
    # cell in one row does not widen the table, it makes that row a reject.
    width = max(widths[start], max(later.items(), key=lambda kv: (kv[1], kv[0]))[0] if later else 0)
    following = [[("" if v is None else v) for v in r[:width]] for r in rows[start + 1 : start + 201] if _width(r)]
    header = looks_like_header(header_cells[:width], following) if has_header is None else has_header
    report.preamble_lines = [" | ".join(str(v) for v in rows[i] if v is not None) for i in range(start) if widths[i]]
    report.blank_lines = sum(1 for i in range(start) if not widths[i])
    if header:
        raw_names = header_cells[:width]
        group = _group_row(rows[start - 1], width) if start > 0 and widths[start - 1] else None
        if group:
            raw_names = [f"{g} {n}".strip() if g else n for g, n in zip(group, raw_names, strict=True)]
            report.warnings.append(f"row {start} holds group headings over merged cells; joined them into the names")
            report.preamble_lines = report.preamble_lines[:-1]
        columns, warns = unique_names(raw_names)
        report.warnings.extend(warns)
        report.header_row = start
        body_start = start + 1
    else:
        columns = [f"column_{j + 1}" for j in range(width)]
        body_start = start
    report.has_header = header

    data: list[list[str | None]] = []
    rejects: list[Reject] = []
    body = list(range(body_start, len(rows)))
    last_filled = max(filled)
    footer_from = last_filled + 1
    # Footer: a few trailing rows that fill only their first cell ("Total", "Generated by ...").
    k = last_filled
    while k >= body_start and last_filled - k < 5 and widths[k] == 1 and width > 1:
        footer_from = k
        k -= 1
        while k >= body_start and not widths[k]:
            k -= 1
    for i in body:
        w = widths[i]
        if not w:
            if i < last_filled:
                report.blank_lines += 1
            continue
        if i >= footer_from:
            report.footer_lines.append(" | ".join(str(v) for v in rows[i] if v is not None))
            continue
        row = rows[i][:w]
        if w > width:
            if ragged == "truncate":
                report.repaired_rows += 1
            else:
                raw_text = " | ".join("" if v is None else str(v) for v in row)
                rejects.append(Reject(line=i + 1, reason=f"cells beyond the last column ({w} > {width})", raw=raw_text))
                continue
        data.append((row + [None] * width)[:width])
    frame = pl.DataFrame(data, schema=dict.fromkeys(columns, pl.String), orient="row")
    report.rejects = rejects
    report.rows_loaded = frame.height
    report.records_seen = frame.height + len(rejects)
    report.columns = columns
    report.ragged = ragged
    return frame


def _confirmed(widths: list[int], i: int, top: int) -> bool:
    window = [w for w in widths[i + 1 : i + 11] if w]
    return not window or sum(w >= top - 1 for w in window) / len(window) >= 0.6


def _group_row(row: list[str | None], width: int) -> list[str] | None:
    """Forward-filled group headings when the row above the header is sparse (merged cells)."""
    cells = [(None if v is None or not str(v).strip() else str(v).strip()) for v in (row + [None] * width)[:width]]
    filled = [c for c in cells if c]
    if len(filled) < 2 or len(filled) == width:
        return None
    out, current = [], ""
    for c in cells:
        current = c or current
        out.append(current)
    return out

"""Date formats seen in a text column, and which values are ambiguous between day and month order.

Computed on distinct values with regexes (one polars pass per family), weighted by counts.
"""

from __future__ import annotations

import polars as pl

from kit.profiling.measures import COUNT

FAMILY, AMB = "\x1ffamily", "\x1fambiguous"

# (family, regex, strftime). A slash date with both parts <= 12 fits both day-first and month-first.
FAMILIES: list[tuple[str, str, str]] = [
    ("iso", r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d"),
    ("iso_time", r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?", "%Y-%m-%d %H:%M:%S"),
    ("slash_dmy_or_mdy", r"^\d{1,2}/\d{1,2}/\d{4}$", "%d/%m/%Y|%m/%d/%Y"),
    ("dot_dmy", r"^\d{1,2}\.\d{1,2}\.\d{4}$", "%d.%m.%Y"),
    ("slash_ymd", r"^\d{4}/\d{1,2}/\d{1,2}$", "%Y/%m/%d"),
    ("compact", r"^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$", "%Y%m%d"),
    ("time", r"^\d{1,2}:\d{2}(:\d{2})?$", "%H:%M"),
    ("time_ampm", r"^\d{1,2}:\d{2}(:\d{2})?\s?[aApP]\.?[mM]\.?$", "%I:%M %p"),
]
# Families are recognised on value shapes (letters a/A, digits 9); these need another regex there, and
# "compact" (20240131) cannot be told from any 8-digit number by its shape, so it is checked on values.
SHAPE_REGEX = {"time_ampm": r"^\d{1,2}:\d{2}(:\d{2})?\s?[aA]\.?[aA]\.?$", "compact": None}
# A compact date as a whole value, spaces around it allowed: one regex pass over a column of
# millions of 8-digit ids, which no strip or date parse needs to follow.
COMPACT_VALUE = rf"^\s*(?:{dict((f, r) for f, r, _ in FAMILIES)['compact'][1:-1]})\s*$"
SLASH = r"^(\d{1,2})/(\d{1,2})/\d{4}$"
NUMERIC_DATE = r"^\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\s*$"  # every value the date checks can flag


def family_expr(col: str, on_shapes: bool = False) -> pl.Expr:
    """The date family of each value (or of each shape, with ``on_shapes``), or null."""
    expr = pl.lit(None, dtype=pl.String)
    for name, regex, _ in reversed(FAMILIES):
        if on_shapes:
            regex = SHAPE_REGEX.get(name, regex)
            if regex is None:
                continue
        expr = pl.when(pl.col(col).str.contains(regex)).then(pl.lit(name)).otherwise(expr)
    return expr


def ambiguous_expr(col: str) -> pl.Expr:
    """True where a slash date reads as a valid date both day-first and month-first, with day != month."""
    first = pl.col(col).str.extract(SLASH, 1).cast(pl.Int32, strict=False)
    second = pl.col(col).str.extract(SLASH, 2).cast(pl.Int32, strict=False)
    return ((first <= 12) & (second <= 12) & (first != second)).fill_null(False)


def order_exprs(col: str) -> tuple[pl.Expr, pl.Expr]:
    """(day-first only, month-first only): slash dates that can be read only one way (25/12, 12/25)."""
    first = pl.col(col).str.extract(SLASH, 1).cast(pl.Int32, strict=False)
    second = pl.col(col).str.extract(SLASH, 2).cast(pl.Int32, strict=False)
    return ((first > 12) & (second <= 12)).fill_null(False), ((second > 12) & (first <= 12)).fill_null(False)


def invalid_date_expr(col: str) -> pl.Expr:
    """True where a value is written like a date but is no date (2024-02-30, 13/13/2024, 2024-13-01)."""
    v = pl.col(col).str.strip_chars()

    def fails(fmt: str) -> pl.Expr:
        return v.str.to_date(fmt, strict=False).is_null()

    checks = [
        v.str.contains(FAMILIES[0][1]) & fails("%Y-%m-%d"),
        v.str.contains(FAMILIES[2][1]) & fails("%d/%m/%Y") & fails("%m/%d/%Y"),
        v.str.contains(FAMILIES[3][1]) & fails("%d.%m.%Y"),
        v.str.contains(FAMILIES[4][1]) & fails("%Y/%m/%d"),
    ]
    return pl.any_horizontal(checks).fill_null(False)


def date_formats(
    counts: pl.DataFrame, name: str, table: pl.DataFrame | None = None, present: pl.Series | None = None
) -> dict:
    """Date formats from value counts: {"share", "formats": {strftime: n}, "ambiguous": n, "invalid": n}.

    Families are recognised on the shape table (``9999-99-99`` is as ISO as the value); ambiguity and
    validity need the values, and are only checked in columns that hold dates. Only the values
    ``present`` is true for are counted (a mask over ``counts``; missing ones are left out of ``table``).

    >>> date_formats(pl.DataFrame({"d": ["2024-01-31", "2024-02-30"], COUNT: [3, 1]}), "d")["invalid"]
    1
    """
    from kit.profiling.measures import SHAPE, shape_table

    keep = pl.lit(True) if present is None else pl.lit(present)
    total = int(counts.select(pl.col(COUNT).filter(keep).sum()).item() or 0) if counts.height else 0
    if not total:
        return {"share": 0.0, "formats": {}, "ambiguous": 0, "invalid": 0}
    shaped = (table if table is not None else shape_table(counts.filter(keep), name)).select(
        pl.col(SHAPE).alias(name), COUNT
    )
    fam = shaped.with_columns(family_expr(name, on_shapes=True).alias(FAMILY)).filter(pl.col(FAMILY).is_not_null())
    by = fam.group_by(FAMILY).agg(pl.col(COUNT).sum())
    # Compact dates (20240131) are eight digits: only values of that shape are parsed.
    compact = 0
    if shaped.select(pl.col(name).str.contains(r"^\s*9{8}\s*$").any()).item():
        dated = pl.col(COUNT).filter(keep & pl.col(name).str.contains(COMPACT_VALUE)).sum()
        compact = int(counts.select(dated).item() or 0)
    if compact:
        by = pl.concat([by, pl.DataFrame({FAMILY: ["compact"], COUNT: [compact]}, schema=by.schema)])
    fmt = {f: s for f, _, s in FAMILIES}
    formats = {fmt[f]: int(n) for f, n in by.sort([COUNT, FAMILY], descending=[True, False]).iter_rows()}
    dated = sum(formats.values())
    if not dated:
        return {"share": 0.0, "formats": {}, "ambiguous": 0, "invalid": 0}
    # The checks below concern numeric dates with separators only; other values are left out first, so a
    # column of ten million ids with a few date-like values is not parsed as dates ten million times.
    checked = (
        counts.filter(keep & pl.col(name).str.contains(NUMERIC_DATE))
        .select(
            pl.col(COUNT).filter(ambiguous_expr(name)).sum().alias("ambiguous"),
            pl.col(COUNT).filter(invalid_date_expr(name)).sum().alias("invalid"),
            pl.col(COUNT).filter(order_exprs(name)[0]).sum().alias("day_first"),
            pl.col(COUNT).filter(order_exprs(name)[1]).sum().alias("month_first"),
        )
        .row(0, named=True)
    )
    return {
        "share": round(dated / total, 6),
        "formats": formats,
        "ambiguous": int(checked["ambiguous"] or 0),
        "invalid": int(checked["invalid"] or 0),
        "day_first_only": int(checked["day_first"] or 0),
        "month_first_only": int(checked["month_first"] or 0),
    }

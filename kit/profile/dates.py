"""Date formats seen in a text column, and which values are ambiguous between day and month order.

Computed on distinct values with regexes (one polars pass per family), weighted by counts.
"""

from __future__ import annotations

import polars as pl

# (family, regex, strftime). A slash date with both parts <= 12 fits both day-first and month-first.
FAMILIES: list[tuple[str, str, str]] = [
    ("iso", r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d"),
    ("iso_time", r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?", "%Y-%m-%d %H:%M:%S"),
    ("slash_dmy_or_mdy", r"^\d{1,2}/\d{1,2}/\d{4}$", "%d/%m/%Y|%m/%d/%Y"),
    ("dot_dmy", r"^\d{1,2}\.\d{1,2}\.\d{4}$", "%d.%m.%Y"),
    ("slash_ymd", r"^\d{4}/\d{1,2}/\d{1,2}$", "%Y/%m/%d"),
    ("compact", r"^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$", "%Y%m%d"),
]
SLASH = r"^(\d{1,2})/(\d{1,2})/\d{4}$"


def family_expr(col: str) -> pl.Expr:
    """The date family of each value, or null."""
    expr = pl.lit(None, dtype=pl.String)
    for name, regex, _ in reversed(FAMILIES):
        expr = pl.when(pl.col(col).str.contains(regex)).then(pl.lit(name)).otherwise(expr)
    return expr


def ambiguous_expr(col: str) -> pl.Expr:
    """True where a slash date reads as a valid date both day-first and month-first, with day != month."""
    first = pl.col(col).str.extract(SLASH, 1).cast(pl.Int32, strict=False)
    second = pl.col(col).str.extract(SLASH, 2).cast(pl.Int32, strict=False)
    return ((first <= 12) & (second <= 12) & (first != second)).fill_null(False)


def date_formats(series: pl.Series) -> dict:
    """{"share": fraction of non-null values that are dates, "formats": {strftime: count}, "ambiguous": n}."""
    name = series.name
    vc = series.drop_nulls().value_counts(name="n")
    total = int(vc["n"].sum()) if vc.height else 0
    if not total:
        return {"share": 0.0, "formats": {}, "ambiguous": 0}
    fam = vc.with_columns(family_expr(name).alias("family"), ambiguous_expr(name).alias("amb"))
    by = fam.filter(pl.col("family").is_not_null()).group_by("family").agg(pl.col("n").sum()).sort(["n", "family"])
    fmt = {f: s for f, _, s in FAMILIES}
    formats = {fmt[f]: int(n) for f, n in by.sort("n", descending=True).iter_rows()}
    dated = sum(formats.values())
    ambiguous = int(fam.filter(pl.col("amb"))["n"].sum())
    return {"share": round(dated / total, 6), "formats": formats, "ambiguous": ambiguous}

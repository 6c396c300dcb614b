"""Date formats seen in a text column, and which values are ambiguous between day and month order.

Computed on distinct values with regexes (one polars pass per family), weighted by counts.
"""

from __future__ import annotations

import polars as pl

from kit.profiling.measures import COUNT

FAMILY, AMB = "\x1ffamily", "\x1fambiguous"

# (family, regex, strftime). A slash date with both parts <= 12 fits both day-first and month-first.
# Timestamps are told apart by what a parse needs (seconds or not, a fraction, a zone, 'T' or a space).
_DAY = r"\d{4}-\d{2}-\d{2}"
FAMILIES: list[tuple[str, str, str]] = [
    ("iso", rf"^{_DAY}$", "%Y-%m-%d"),
    ("iso_time", rf"^{_DAY} \d{{2}}:\d{{2}}:\d{{2}}$", "%Y-%m-%d %H:%M:%S"),
    ("iso_minutes", rf"^{_DAY} \d{{2}}:\d{{2}}$", "%Y-%m-%d %H:%M"),
    ("iso_fraction", rf"^{_DAY} \d{{2}}:\d{{2}}:\d{{2}}\.\d+$", "%Y-%m-%d %H:%M:%S%.f"),
    ("iso_zone", rf"^{_DAY} \d{{2}}:\d{{2}}:\d{{2}}(\.\d+)?(Z|[+-]\d{{2}}:?\d{{2}})$", "%Y-%m-%d %H:%M:%S%.f%#z"),
    ("iso_t", rf"^{_DAY}T\d{{2}}:\d{{2}}:\d{{2}}(\.\d+)?$", "%Y-%m-%dT%H:%M:%S%.f"),
    ("iso_t_minutes", rf"^{_DAY}T\d{{2}}:\d{{2}}$", "%Y-%m-%dT%H:%M"),
    ("iso_t_zone", rf"^{_DAY}T\d{{2}}:\d{{2}}:\d{{2}}(\.\d+)?(Z|[+-]\d{{2}}:?\d{{2}})$", "%Y-%m-%dT%H:%M:%S%.f%#z"),
    ("slash_dmy_or_mdy", r"^\d{1,2}/\d{1,2}/\d{4}$", "%d/%m/%Y|%m/%d/%Y"),
    ("dot_dmy", r"^\d{1,2}\.\d{1,2}\.\d{4}$", "%d.%m.%Y"),
    ("slash_ymd", r"^\d{4}/\d{1,2}/\d{1,2}$", "%Y/%m/%d"),
    ("compact", r"^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$", "%Y%m%d"),
    ("time", r"^\d{1,2}:\d{2}(:\d{2})?$", "%H:%M"),
    ("time_ampm", r"^\d{1,2}:\d{2}(:\d{2})?\s?[aApP]\.?[mM]\.?$", "%I:%M %p"),
]
_REGEX = {f: r for f, r, _ in FAMILIES}
# Families are recognised on value shapes (letters a/A, digits 9: ``9999-99-99`` is as ISO as the value),
# except those whose regex names particular letters or digits ('T', 'am', compact dates' 19/20 and
# months), which a shape has lost: a wider pattern finds the shapes such a value can have, and only the
# values of those shapes are tested, with the family's own regex (spaces around a value allowed).
_T_SHAPE = r"^\s*9{4}-99-99A99:99"  # a 'T' is an 'A' on a shape
ON_VALUES = {
    "iso_zone": r"^\s*9{4}-99-99 99:99:99\S+\s*$",  # the zone may be a 'Z'
    "iso_t": _T_SHAPE,
    "iso_t_minutes": _T_SHAPE,
    "iso_t_zone": _T_SHAPE,
    "compact": r"^\s*9{8}\s*$",
    "time_ampm": r"^\s*9{1,2}:99(:99)?\s?[aA]\.?[aA]\.?\s*$",
}
# Each such family's test on a value, spaces around it allowed.
VALUE_REGEX = {f: rf"^\s*(?:{_REGEX[f][1:-1]})\s*$" for f in ON_VALUES}
# A compact date as a whole value, spaces around it allowed: one regex pass over a column of
# millions of 8-digit ids, which no strip or date parse needs to follow.
COMPACT_VALUE = VALUE_REGEX["compact"]
SLASH = r"^(\d{1,2})/(\d{1,2})/\d{4}$"
NUMERIC_DATE = r"^\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\s*$"  # every value the date checks can flag


def family_expr(col: str, on_shapes: bool = False) -> pl.Expr:
    """The date family of each value (or of each shape, with ``on_shapes``: the families ``ON_VALUES``
    left out), or null."""
    expr = pl.lit(None, dtype=pl.String)
    for name, regex, _ in reversed(FAMILIES):
        if on_shapes and name in ON_VALUES:
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
        v.str.contains(_REGEX["iso"]) & fails("%Y-%m-%d"),
        v.str.contains(_REGEX["slash_dmy_or_mdy"]) & fails("%d/%m/%Y") & fails("%m/%d/%Y"),
        v.str.contains(_REGEX["dot_dmy"]) & fails("%d.%m.%Y"),
        v.str.contains(_REGEX["slash_ymd"]) & fails("%Y/%m/%d"),
    ]
    return pl.any_horizontal(checks).fill_null(False)


def dated_on_values(shaped: pl.DataFrame, counts: pl.DataFrame, name: str, keep: pl.Expr) -> dict[str, int]:
    """How many values (of those ``keep`` is true for) are in each family of ``ON_VALUES``, tested only in
    a column whose shape table (``shaped``, shapes in ``name``) has a shape such a value can have.

    >>> counts = pl.DataFrame({"d": ["2024-01-31T10:00", "2024-01-31X10:00"], COUNT: [3, 1]})
    >>> shaped = pl.DataFrame({"d": ["9999-99-99A99:99"], COUNT: [4]})
    >>> dated_on_values(shaped, counts, "d", pl.lit(True))
    {'iso_t_minutes': 3}
    """
    wider = list(dict.fromkeys(ON_VALUES.values()))
    seen = shaped.select(pl.col(name).str.contains(w).any().alias(str(i)) for i, w in enumerate(wider)).row(0)
    families = [f for f, w in ON_VALUES.items() if seen[wider.index(w)]]
    if not families:
        return {}
    # The families are exclusive (each regex is anchored at both ends): counted side by side.
    row = counts.select(
        pl.col(COUNT).filter(keep & pl.col(name).str.contains(VALUE_REGEX[f])).sum().alias(f) for f in families
    ).row(0, named=True)
    return {f: int(n) for f, n in row.items() if n}


def date_formats(
    counts: pl.DataFrame,
    name: str,
    table: pl.DataFrame | None = None,
    present: pl.Series | None = None,
    dated: dict[str, int] | None = None,
) -> dict:
    """Date formats from value counts: {"share", "formats": {strftime: n}, "ambiguous": n, "invalid": n}.

    Families are recognised on the shape table (``9999-99-99`` is as ISO as the value); ambiguity and
    validity need the values, and are only checked in columns that hold dates. Only the values
    ``present`` is true for are counted (a mask over ``counts``; missing ones are left out of ``table``).
    ``dated``: what ``dated_on_values`` gives for them, when the caller has it (``infer_type`` needs it too).

    >>> date_formats(pl.DataFrame({"d": ["2024-01-31", "2024-02-30"], COUNT: [3, 1]}), "d")["invalid"]
    1
    """
    from kit.profiling.measures import SHAPE, shape_table

    keep = pl.lit(True) if present is None else pl.lit(present)
    total = int(counts.select(pl.col(COUNT).filter(keep).sum()).item() or 0) if counts.height else 0
    if not total:
        return {"share": 0.0, "formats": {}, "ambiguous": 0, "invalid": 0}
    # Spaces around a date are left out, as the type's share of dates leaves them out.
    shaped = (table if table is not None else shape_table(counts.filter(keep), name)).select(
        pl.col(SHAPE).str.strip_chars().alias(name), COUNT
    )
    fam = shaped.with_columns(family_expr(name, on_shapes=True).alias(FAMILY)).filter(pl.col(FAMILY).is_not_null())
    by = fam.group_by(FAMILY).agg(pl.col(COUNT).sum())
    on_values = dated if dated is not None else dated_on_values(shaped, counts, name, keep)
    if on_values:
        found = pl.DataFrame({FAMILY: list(on_values), COUNT: list(on_values.values())}, schema=by.schema)
        by = pl.concat([by, found])
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

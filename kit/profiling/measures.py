"""Per-column measures: polars expressions over a column's value counts, and shape tables."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa

from kit.profiling.bytewise import gathered, squeezed, text_buffers

DEFAULT_PSEUDO_NULLS = (
    "N/A",
    "NA",
    "n/a",
    "na",
    "NULL",
    "null",
    "Null",
    "None",
    "none",
    "-",
    "--",
    "?",
    "empty",
    "unknown",
    "Unknown",
    "UNKNOWN",
    "0000-00-00",
    "1900-01-01",
    "#N/A",
    "nan",
    "NaN",
)

# Internal column names of value-count frames; \x1f keeps them apart from any real column name.
COUNT, SHAPE, EXAMPLES, MISSING = "\x1fn", "\x1fshape", "\x1fexamples", "\x1fmissing"

# Patterns shared by the measures and the alert rules that point at rows.
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
MOJIBAKE = r"Ã[\x80-\xbf©¨¼¶¤§¡¢£¥ª«®°±²³´µ·¸¹º»½¾¿\u0080-\u00bf]|â€|Â[\u00a0-\u00bf]"
HTML_ENTITY = r"&(?:[a-zA-Z]{2,8}|#\d{2,5}|#x[0-9a-fA-F]{2,4});"
ZERO_WIDTH = "[\u200b\u200c\u200d\ufeff\u2060]"
LEADING_ZERO = r"^0\d+$"
# A binary float printed in full: a run of 0s or 9s then one to three last digits (0.059000000000000004,
# 0.30000000000000004, 1.0999999999999999), optionally with a unit or percent sign after it.
FLOAT_NOISE = r"^\s*[+-]?\d*[.,]\d*?(?:0{6,}|9{6,})\d{1,3}(?:\s?[%A-Za-z]{0,5}\.?)?\s*$"


def float_noise_expr(col: str) -> pl.Expr:
    """True where a value is a float printed in full (15 or more digits, ``FLOAT_NOISE``): 1.0000001
    is a precise decimal, 1.0000000000000002 is noise."""
    c = pl.col(col)
    return c.str.contains(FLOAT_NOISE) & (c.str.count_matches(r"\d") >= 15)


MARKUP = r"(?i)<\s*/?\s*(script|iframe|img|a|b|i|div|span|p|br|style|table|font|svg)\b[^>]*>"

SHAPE_FROM = [*"abcdefghijklmnopqrstuvwxyz", *"ABCDEFGHIJKLMNOPQRSTUVWXYZ", *"0123456789"]
SHAPE_TO = ["a"] * 26 + ["A"] * 26 + ["9"] * 10


def _weighted(cond: pl.Expr) -> pl.Expr:
    return pl.col(COUNT).filter(cond).sum()


def screen_measures(col: str) -> list[pl.Expr]:
    """Single-class scans over a column's shape table (``col`` holds shapes) that decide which costly
    checks the values need, and the counts a shape settles exactly.

    A shape keeps every character but ASCII letters and digits, so a value is empty or blank exactly
    when its shape is, and a value can only carry floating-point noise or leading zeros when its
    shape can (digits become 9: the tests on shapes pass a superset of the values)."""
    c = pl.col(col)
    return [
        _weighted(c.str.contains(r"[^\x00-\x7f]")).alias("non_ascii"),
        _weighted(c.str.contains("&", literal=True)).alias("ampersand"),
        _weighted(c.str.contains("<", literal=True)).alias("angle"),
        _weighted(c.str.contains(r"[\x00-\x1f\x7f]")).alias("control"),
        _weighted(c.str.contains(r"^9{2,}$")).alias("digits"),
        _weighted(float_noise_expr(col)).alias("float_noise"),
        _weighted(c == "").alias("empty"),
        _weighted((c.str.strip_chars() == "") & (c != "")).alias("whitespace"),
    ]


def text_measures(col: str, pseudo_nulls: list[str], screen: dict[str, int]) -> list[pl.Expr]:
    """Measures of one column that need its values, evaluated over its value counts (``col``, ``COUNT``).

    Every count is weighted by how often each distinct value occurs, so a column of 50 statuses
    costs 50 evaluations whatever its length. Checks that need a non-ASCII character, an '&', a '<',
    a control character, a run of digits or a float's shape are skipped (counted as 0) when ``screen``
    (``screen_measures`` over the shape table) found none in the column; empty and blank values are
    counted there. Lengths, padding and case come from the shape table too (``shape_measures``).
    """
    c = pl.col(col)
    zero = pl.lit(0, dtype=pl.UInt32)
    non_ascii, control = screen["non_ascii"] > 0, screen["control"] > 0
    # Normalising is costly even on ASCII text, which is always NFC: only other values are normalised.
    beyond_ascii = c.str.contains(r"[^\x00-\x7f]")
    wide = c.filter(beyond_ascii)
    exprs = {
        "empty": pl.lit(screen["empty"]),
        "whitespace": pl.lit(screen["whitespace"]),
        "pseudo_null_total": _weighted(c.is_in(pseudo_nulls)),
        "leading_zeros": _weighted(c.str.contains(LEADING_ZERO)) if screen["digits"] else zero,
        "non_ascii": pl.lit(screen["non_ascii"]),
        "control_chars": _weighted(c.str.contains(CONTROL)) if control else zero,
        "line_breaks": _weighted(c.str.contains(r"\n|\r")) if control else zero,
        "replacement_chars": _weighted(c.str.contains("\ufffd", literal=True)) if non_ascii else zero,
        "mojibake": _weighted(c.str.contains(MOJIBAKE)) if non_ascii else zero,
        "html_entities": _weighted(c.str.contains(HTML_ENTITY)) if screen["ampersand"] else zero,
        "nbsp": _weighted(c.str.contains("\u00a0", literal=True)) if non_ascii else zero,
        "zero_width": _weighted(c.str.contains(ZERO_WIDTH)) if non_ascii else zero,
        "markup": _weighted(c.str.contains(MARKUP)) if screen["angle"] else zero,
        "not_nfc": (
            pl.col(COUNT).filter(beyond_ascii).filter(wide != wide.str.normalize("NFC")).sum() if non_ascii else zero
        ),
        "float_noise": _weighted(float_noise_expr(col)) if screen["float_noise"] else zero,
    }
    return [e.alias(k) for k, e in exprs.items()]


def shape_measures(table: pl.DataFrame) -> dict[str, Any]:
    """Lengths, padding and case mix from a shape table: a shape has the value's length in characters
    and bytes, its spaces, and its letter case (A/a), so none of these needs the values again.

    Case is judged on ASCII letters (the shape keeps other letters as they are).
    """
    if table.height == 0:
        return {
            "len_min": None,
            "len_max": None,
            "len_p50": None,
            "len_p95": None,
            "bytes_max": None,
            "padded": 0,
            "case_upper": 0,
            "case_lower": 0,
            "case_title": 0,
        }
    sh, n = pl.col(SHAPE), pl.col(COUNT)
    chars = sh.str.len_chars()
    lengths = table.group_by(chars.alias("len")).agg(n.sum()).sort("len")
    total = lengths[COUNT].sum()
    cum = lengths[COUNT].cum_sum()

    def quantile(q: float) -> int:
        return int(lengths["len"].filter(cum >= q * total)[0])

    has_upper, has_lower = sh.str.contains("A", literal=True), sh.str.contains("a", literal=True)
    row = table.select(
        sh.str.len_bytes().max().alias("bytes_max"),
        n.filter(sh != sh.str.strip_chars(" \t\u00a0")).sum().alias("padded"),
        n.filter(has_upper & ~has_lower).sum().alias("case_upper"),
        n.filter(has_lower & ~has_upper).sum().alias("case_lower"),
        n.filter(has_upper & ~sh.str.contains(r"(^|[^aA])a|[aA]A")).sum().alias("case_title"),
    ).row(0, named=True)
    return {
        "len_min": int(lengths["len"][0]),
        "len_max": int(lengths["len"][-1]),
        "len_p50": quantile(0.5),
        "len_p95": quantile(0.95),
        **{k: int(v or 0) for k, v in row.items()},
    }


def _shape_table_bytes() -> np.ndarray:
    table = np.arange(256, dtype=np.uint8)
    for src, dst in zip(SHAPE_FROM, SHAPE_TO, strict=True):
        table[ord(src)] = ord(dst)
    return table


_SHAPE_BYTES = _shape_table_bytes()


def shape_values(values: pl.Series) -> pl.Series:
    """``shape_expr`` on a Series, as one byte-table lookup over the column's whole text buffer.

    ASCII bytes never occur inside a multi-byte UTF-8 character, so translating bytes translates
    characters. It is several times faster than ``str.replace_many`` with 62 patterns, which was the
    largest single cost of profiling a column of ten million distinct values.

    >>> shape_values(pl.Series(["(555) 123-4567", "Zoë 7", None])).to_list()
    ['(999) 999-9999', 'Aaë 9', None]
    """
    held = text_buffers(values)
    if held is None:
        return values.cast(pl.String)
    arr, _, data = held
    validity, offsets, _ = arr.buffers()
    out = pa.LargeStringArray.from_buffers(
        len(arr),
        offsets,
        pa.py_buffer(gathered(_SHAPE_BYTES, data)),
        null_bitmap=validity,
        null_count=arr.null_count,
        offset=arr.offset,
    )
    return pl.Series(values.name, out, dtype=pl.String)


_RUNS = np.zeros(256, dtype=bool)
_RUNS[[ord("a"), ord("A"), ord("9")]] = True


def collapse_values(shapes: pl.Series) -> pl.Series:
    """Runs of ``a``, ``A`` and ``9`` in shapes made one (``Aaaa 99`` -> ``Aa 9``), over the whole text
    buffer at once: a byte is dropped when it repeats the byte before it in the same value. The three
    regex replacements it stands for took 0.2 s over the 76,000 shapes of a column of free text.

    >>> collapse_values(pl.Series(["Aaaa 99-99", "aA9", "", None])).to_list()
    ['Aa 9-9', 'aA9', '', None]
    """
    held = text_buffers(shapes)
    if held is None:
        return shapes.cast(pl.String)
    arr, offsets, data = held
    text = data[offsets[0] : offsets[-1]]
    starts = offsets - offsets[0]
    repeat = np.zeros(len(text), dtype=bool)
    repeat[1:] = (text[1:] == text[:-1]) & _RUNS[text[1:]]
    repeat[starts[:-1][starts[:-1] < len(text)]] = False  # a run never continues into the next value
    return squeezed(arr, offsets, text, repeat, shapes.name)


def shape_expr(expr: pl.Expr, collapse: bool = False) -> pl.Expr:
    """Letters to A/a, digits to 9, everything else kept: ``(555) 123-4567`` -> ``(999) 999-9999``."""
    shaped = expr.map_batches(shape_values, return_dtype=pl.String, is_elementwise=True)
    return _collapsed(shaped) if collapse else shaped


# Examples are what a reader sees of the top shapes: only the shapes shown get them. Grouping a million
# values of free text into tens of thousands of example lists was most of the cost of a notes column.
SHOWN_SHAPES = 8


def _collapsed(shape: pl.Expr) -> pl.Expr:
    return shape.map_batches(collapse_values, return_dtype=pl.String, is_elementwise=True)


def _shown(sums: pl.LazyFrame, missing: bool) -> pl.LazyFrame:
    """The shapes whose examples a profile shows: the top ``SHOWN_SHAPES`` (``shapes``) of the present
    values, and the first three, in table order, of each top collapsed shape (``collapse_table``)."""
    present = sums.filter(~pl.col(MISSING)) if missing else sums
    ordered = present.sort([COUNT, SHAPE], descending=[True, False])
    keyed = ordered.with_columns(_collapsed(pl.col(SHAPE)).alias("\x1fc"))
    top_collapsed = (
        keyed.group_by("\x1fc")
        .agg(pl.col(COUNT).sum())
        .sort([COUNT, "\x1fc"], descending=[True, False])
        .head(SHOWN_SHAPES)
    )
    # In table order: a join does not keep it unless asked.
    constituents = keyed.join(top_collapsed.select("\x1fc"), on="\x1fc", maintain_order="left")
    constituents = constituents.group_by("\x1fc").head(3)
    return pl.concat([ordered.select(SHAPE).head(SHOWN_SHAPES), constituents.select(SHAPE)]).unique()


# A column whose first FEW_SHAPES_SAMPLE values have at most FEW_SHAPES shapes has its examples made
# with its totals (``shape_table``): examples for a few shapes cost little, for the tens of thousands
# of a column of free text more than a second grouping of the values.
FEW_SHAPES_SAMPLE = 10_000
FEW_SHAPES = 1_000

# Above this many distinct values, a column's shape table is made a slice of values at a time: the
# examples of a shape are gathered per group, and a column of ten million emails in nine shapes held
# 1.4 GB of them at once (its value counts themselves were 1.1 GB).
SLICE_ROWS = 2_000_000


def _flagged(counts: pl.LazyFrame, name: str, missing: pl.Expr | None) -> pl.LazyFrame:
    flagged = counts.with_columns(shape_expr(pl.col(name)).alias(SHAPE))
    return flagged.with_columns(missing.alias(MISSING)) if missing is not None else flagged


def _top3(name: str) -> pl.Expr:
    """The 3 most common values (``n``, ``v``), ties by value, so the same data gives the same profile."""
    value = pl.struct(pl.col(COUNT).alias("n"), pl.col(name).alias("v"))
    return value.top_k_by([COUNT, name], 3, reverse=[False, True])


def _in_order(examples: pl.Expr) -> pl.Expr:
    return examples.list.eval(
        pl.element()
        .sort_by(pl.element().struct.field("n"), pl.element().struct.field("v"), descending=[True, False])
        .struct.field("v")
    )


_ABOVE, _TIES = "\x1fabove", "\x1fties"


def _example_parts(name: str) -> list[pl.Expr]:
    """Aggregations of a group's 3 most common values, ties by value (``_top3``), made into a list by
    ``_example_list``: the values above the group's third count (at most two) and the least of those at
    it, so the tied values (all of them, in a column of distinct values) are only compared as text,
    never sorted with their counts: half the cost of ``_top3`` on a million distinct values."""
    n = pl.col(COUNT)
    third = n.top_k(3).min()
    above = pl.struct(n.alias("n"), pl.col(name).alias("v")).filter(n > third)
    return [above.alias(_ABOVE), pl.col(name).filter(n == third).bottom_k(3).alias(_TIES)]


def _example_list() -> pl.Expr:
    """The examples of ``_example_parts``, most common first."""
    return pl.concat_list(_in_order(pl.col(_ABOVE)), pl.col(_TIES).list.sort()).list.head(3).alias(EXAMPLES)


def _examples(flagged: pl.LazyFrame, keys: list[str], name: str) -> pl.LazyFrame:
    """Per group of ``keys``, the 3 most common values, ties by value, most common first."""
    return flagged.group_by(keys).agg(_example_parts(name)).select(*keys, _example_list())


def _table(sums: pl.LazyFrame, examples: pl.LazyFrame, keys: list[str]) -> pl.LazyFrame:
    return (
        sums.join(examples, on=keys, how="left", nulls_equal=True)
        .with_columns(pl.col(EXAMPLES).fill_null(pl.lit([], dtype=pl.List(pl.String))))
        .sort([COUNT, SHAPE], descending=[True, False])
        .select(*keys, COUNT, EXAMPLES)
    )


def shape_table(
    counts: pl.DataFrame | pl.LazyFrame, name: str, missing: pl.Expr | pl.Series | None = None, cache: bool = True
) -> pl.DataFrame:
    """Shapes of a column's values with their total counts and, for the shapes a profile shows (the
    top ones, and the top of each collapsed shape), up to 3 examples, most common first (the other
    shapes: an empty list). A LazyFrame gives a LazyFrame.

    Computed on distinct values: one byte-table lookup per distinct value, not per row. With
    ``missing``, rows are also split by that flag (column ``MISSING``) so one pass serves both the
    shapes of present values and the lengths of all values. The shaped values are read twice (totals,
    then examples): ``cache`` holds them in between, ``cache=False`` shapes them twice instead, for
    a column of tens of millions of distinct values that should not be held twice (``shape_table_sliced``
    also bounds what the examples hold). ``missing`` given as a mask over ``counts`` (a Series) makes
    the table eagerly, each value shaped once, with the same result.

    >>> counts = pl.DataFrame({"z": ["12345", "N/A", "1234A"], COUNT: [5, 3, 1]})
    >>> missing = pl.col("z") == "N/A"
    >>> shape_table(counts, "z", missing).equals(shape_table(counts, "z", counts.select(missing).to_series()))
    True
    """
    keys = [SHAPE] if missing is None else [SHAPE, MISSING]
    if isinstance(missing, pl.Series) and isinstance(counts, pl.DataFrame):
        flagged = _flagged(counts.lazy(), name, missing).collect()
        if flagged[SHAPE].head(FEW_SHAPES_SAMPLE).n_unique() <= FEW_SHAPES:
            # Few shapes: totals and every shape's examples in one grouping (the values are hashed once);
            # the examples of the shapes not shown are then dropped.
            both = flagged.group_by(keys).agg(pl.col(COUNT).sum(), *_example_parts(name))
            shown = _shown(both.lazy().select(*keys, COUNT), True).collect()[SHAPE]
            listed = pl.when(pl.col(SHAPE).is_in(shown.implode())).then(_example_list())
            return (
                both.lazy()
                .with_columns(listed.otherwise(pl.lit([], dtype=pl.List(pl.String))).alias(EXAMPLES))
                .sort([COUNT, SHAPE], descending=[True, False])
                .select(*keys, COUNT, EXAMPLES)
                .collect()
            )
        sums = flagged.group_by(keys).agg(pl.col(COUNT).sum())
        shown = _shown(sums.lazy(), True).collect()[SHAPE]
        examples = _examples(flagged.lazy().filter(pl.col(SHAPE).is_in(shown.implode())), keys, name)
        return _table(sums.lazy(), examples, keys).collect()
    flagged = _flagged(counts.lazy(), name, missing)
    if cache:  # the optimiser does not see that the two reads share the shaping
        flagged = flagged.cache()
    sums = flagged.group_by(keys).agg(pl.col(COUNT).sum())
    examples = _examples(flagged.join(_shown(sums, missing is not None), on=SHAPE, how="semi"), keys, name)
    out = _table(sums, examples, keys)
    return out.collect() if isinstance(counts, pl.DataFrame) else out


def by_slices(frame: pl.DataFrame, expr: pl.Expr) -> pl.Series:
    """``frame.select(expr)`` as a Series, made ``SLICE_ROWS`` rows at a time: what the expression makes on
    the way (a stripped copy of every value, say) is held for one slice, not for tens of millions.

    >>> by_slices(pl.DataFrame({"x": [" a", "b "]}), pl.col("x").str.strip_chars() == "a").to_list()
    [True, False]
    """
    if frame.height <= SLICE_ROWS:
        return frame.select(expr).to_series()
    parts = [frame.slice(start, SLICE_ROWS).select(expr).to_series() for start in range(0, frame.height, SLICE_ROWS)]
    return pl.concat(parts)


def shape_table_sliced(
    counts: pl.DataFrame, name: str, missing: pl.Expr | None = None, rows: int | None = None
) -> pl.DataFrame:
    """``shape_table`` of a large column made ``rows`` values at a time, with the same result: totals are
    summed over the slices, and the 3 examples of a shape are the top 3 of each slice's top 3. Memory
    holds one slice's shapes, never every value of a shape at once.

    >>> counts = pl.DataFrame({"z": ["12345", "02134", "1234A"], COUNT: [5, 3, 1]})
    >>> shape_table_sliced(counts, "z", rows=2).equals(shape_table(counts, "z"))
    True
    """
    keys = [SHAPE] if missing is None else [SHAPE, MISSING]
    rows = rows or SLICE_ROWS
    slices = [counts.slice(start, rows) for start in range(0, max(counts.height, 1), rows)]
    sums = (
        pl.concat([_flagged(part.lazy(), name, missing).group_by(keys).agg(pl.col(COUNT).sum()) for part in slices])
        .group_by(keys)
        .agg(pl.col(COUNT).sum())
        .collect()
    )
    shown = _shown(sums.lazy(), missing is not None).collect()
    tops = [
        _flagged(part.lazy(), name, missing)
        .join(shown.lazy(), on=SHAPE, how="semi")
        .group_by(keys)
        .agg(_top3(name).alias(EXAMPLES))
        .explode(EXAMPLES)
        .unnest(EXAMPLES)
        .collect()
        for part in slices
    ]
    best = pl.concat(tops).rename({"n": COUNT, "v": name}) if tops else pl.DataFrame()
    examples = (
        best.lazy().group_by(keys).agg(_top3(name).alias(EXAMPLES)).with_columns(_in_order(pl.col(EXAMPLES)))
        if best.height
        else sums.lazy().select(keys).head(0).with_columns(pl.lit([], dtype=pl.List(pl.String)).alias(EXAMPLES))
    )
    return _table(sums.lazy(), examples, keys).collect()


def collapse_table(table: pl.DataFrame) -> pl.DataFrame:
    """The shape table with runs collapsed (``Aaaa 99`` -> ``Aa 9``), regrouped: no pass over values."""
    return (
        table.with_columns(_collapsed(pl.col(SHAPE)))
        .group_by(SHAPE)
        .agg(pl.col(COUNT).sum(), pl.col(EXAMPLES).list.explode(keep_nulls=False, empty_as_null=False).head(3))
        .sort([COUNT, SHAPE], descending=[True, False])
    )


def shapes(table: pl.DataFrame, top: int = 8) -> tuple[list[dict], float]:
    """The top shapes of a shape table, and the share of values outside the shapes covering 95% of them.

    >>> shapes(shape_table(pl.DataFrame({"z": ["12345", "02134", "1234A"], COUNT: [5, 3, 1]}), "z"))[0][0]["shape"]
    '99999'
    """
    if table.height == 0:
        return [], 0.0
    total = int(table[COUNT].sum())
    cumulative = table[COUNT].cum_sum()
    dominant = int((cumulative < 0.95 * total).sum()) + 1
    outside = (total - int(table[COUNT].head(dominant).sum())) / total if total else 0.0
    rows = [{"shape": s, "count": int(n), "examples": list(ex)} for s, n, ex in table.head(top).iter_rows()]
    return rows, round(outside, 6)

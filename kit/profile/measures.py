"""Per-column measures, all computed as polars expressions in one pass over every column."""

from __future__ import annotations

import polars as pl

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

# Patterns shared by the measures and the alert rules that point at rows.
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
MOJIBAKE = r"Ã[\x80-\xbf©¨¼¶¤§¡¢£¥ª«®°±²³´µ·¸¹º»½¾¿\u0080-\u00bf]|â€|Â[\u00a0-\u00bf]"
HTML_ENTITY = r"&(?:[a-zA-Z]{2,8}|#\d{2,5}|#x[0-9a-fA-F]{2,4});"
ZERO_WIDTH = "[\u200b\u200c\u200d\ufeff\u2060]"
LEADING_ZERO = r"^0\d+$"

SHAPE_FROM = [*"abcdefghijklmnopqrstuvwxyz", *"ABCDEFGHIJKLMNOPQRSTUVWXYZ", *"0123456789"]
SHAPE_TO = ["a"] * 26 + ["A"] * 26 + ["9"] * 10


def text_measures(col: str, pseudo_nulls: list[str]) -> list[pl.Expr]:
    """Expressions for one text column; aliases are ``col\\x1fmeasure``."""
    c = pl.col(col)
    stripped = c.str.strip_chars()

    def m(expr: pl.Expr, name: str) -> pl.Expr:
        return expr.alias(f"{col}\x1f{name}")

    chars = c.str.len_chars()
    nbytes = c.str.len_bytes()
    return [
        m(c.null_count(), "nulls"),
        m((c == "").sum(), "empty"),
        m(((stripped == "") & (c != "")).sum(), "whitespace"),
        m(c.is_in(pseudo_nulls).sum(), "pseudo_null_total"),
        m(c.n_unique(), "distinct"),
        m(chars.min(), "len_min"),
        m(chars.max(), "len_max"),
        m(chars.quantile(0.5), "len_p50"),
        m(chars.quantile(0.95), "len_p95"),
        m(nbytes.max(), "bytes_max"),
        m((c != c.str.strip_chars(" \t\u00a0")).sum(), "padded"),
        m(c.str.contains(LEADING_ZERO).sum(), "leading_zeros"),
        m(c.str.contains(r"[^\x00-\x7f]").sum(), "non_ascii"),
        m(c.str.contains(CONTROL).sum(), "control_chars"),
        m(c.str.contains("\ufffd", literal=True).sum(), "replacement_chars"),
        m(c.str.contains(MOJIBAKE).sum(), "mojibake"),
        m(c.str.contains(HTML_ENTITY).sum(), "html_entities"),
        m(c.str.contains("\u00a0", literal=True).sum(), "nbsp"),
        m(c.str.contains(ZERO_WIDTH).sum(), "zero_width"),
        m(c.str.contains(r"\n|\r").sum(), "line_breaks"),
    ]


def shape_expr(expr: pl.Expr, collapse: bool = False) -> pl.Expr:
    """Letters to A/a, digits to 9, everything else kept: ``(555) 123-4567`` -> ``(999) 999-9999``."""
    shaped = expr.str.replace_many(SHAPE_FROM, SHAPE_TO)
    if collapse:
        shaped = shaped.str.replace_all(r"(a)a+", "${1}").str.replace_all(r"(A)A+", "${1}")
        shaped = shaped.str.replace_all(r"(9)9+", "${1}")
    return shaped


def shapes(series: pl.Series, top: int = 8) -> tuple[list[dict], float]:
    """Value shapes with counts and examples, computed on distinct values and weighted by counts.

    Returns (shapes, share of non-null values outside the shapes that cover 95% of values).
    """
    vc = series.drop_nulls().value_counts(name="n")
    if vc.height == 0:
        return [], 0.0
    name = series.name
    shaped = vc.with_columns(shape_expr(pl.col(name)).alias("shape"))
    grouped = (
        shaped.group_by("shape")
        .agg(pl.col("n").sum(), pl.col(name).sort_by("n", descending=True).head(3).alias("examples"))
        .sort(["n", "shape"], descending=[True, False])
    )
    total = int(grouped["n"].sum())
    cumulative = grouped["n"].cum_sum()
    dominant = int((cumulative < 0.95 * total).sum()) + 1
    outside = (total - int(grouped["n"].head(dominant).sum())) / total if total else 0.0
    rows = [{"shape": s, "count": int(n), "examples": list(ex)} for s, n, ex in grouped.head(top).iter_rows()]
    return rows, round(outside, 6)

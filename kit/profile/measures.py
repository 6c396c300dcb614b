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

# Internal column names of value-count frames; \x1f keeps them apart from any real column name.
COUNT, SHAPE, EXAMPLES = "\x1fn", "\x1fshape", "\x1fexamples"

# Patterns shared by the measures and the alert rules that point at rows.
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
MOJIBAKE = r"Ã[\x80-\xbf©¨¼¶¤§¡¢£¥ª«®°±²³´µ·¸¹º»½¾¿\u0080-\u00bf]|â€|Â[\u00a0-\u00bf]"
HTML_ENTITY = r"&(?:[a-zA-Z]{2,8}|#\d{2,5}|#x[0-9a-fA-F]{2,4});"
ZERO_WIDTH = "[\u200b\u200c\u200d\ufeff\u2060]"
LEADING_ZERO = r"^0\d+$"
MARKUP = r"(?i)<\s*/?\s*(script|iframe|img|a|b|i|div|span|p|br|style|table|font|svg)\b[^>]*>"

SHAPE_FROM = [*"abcdefghijklmnopqrstuvwxyz", *"ABCDEFGHIJKLMNOPQRSTUVWXYZ", *"0123456789"]
SHAPE_TO = ["a"] * 26 + ["A"] * 26 + ["9"] * 10


def text_measures(col: str, pseudo_nulls: list[str]) -> list[pl.Expr]:
    """Expressions for one text column; aliases are ``col\\x1fmeasure``."""
    c = pl.col(col)
    stripped = c.str.strip_chars()

    def m(expr: pl.Expr, name: str) -> pl.Expr:
        return expr.alias(f"{col}\x1f{name}")

    lettered = c.str.contains(r"\p{Lu}|\p{Ll}")
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
        m(c.str.contains(MARKUP).sum(), "markup"),
        m((c != c.str.normalize("NFC")).sum(), "not_nfc"),
        m((lettered & (c == c.str.to_uppercase())).sum(), "case_upper"),
        m((lettered & (c == c.str.to_lowercase())).sum(), "case_lower"),
        m((lettered & (c == c.str.to_titlecase())).sum(), "case_title"),
    ]


def shape_expr(expr: pl.Expr, collapse: bool = False) -> pl.Expr:
    """Letters to A/a, digits to 9, everything else kept: ``(555) 123-4567`` -> ``(999) 999-9999``."""
    shaped = expr.str.replace_many(SHAPE_FROM, SHAPE_TO)
    if collapse:
        shaped = shaped.str.replace_all(r"(a)a+", "${1}").str.replace_all(r"(A)A+", "${1}")
        shaped = shaped.str.replace_all(r"(9)9+", "${1}")
    return shaped


def shapes(counts: pl.DataFrame, name: str, top: int = 8, collapse: bool = False) -> tuple[list[dict], float]:
    """Value shapes with counts and examples, from a column's value counts (columns ``name``, ``n``).

    Returns (shapes, share of non-null values outside the shapes that cover 95% of values).

    >>> shapes(pl.DataFrame({"z": ["12345", "02134", "1234A"], COUNT: [5, 3, 1]}), "z")[0][0]["shape"]
    '99999'
    """
    vc = counts
    if vc.height == 0:
        return [], 0.0
    shaped = vc.with_columns(shape_expr(pl.col(name), collapse).alias(SHAPE))
    grouped = (
        shaped.group_by(SHAPE)
        .agg(pl.col(COUNT).sum(), pl.col(name).sort_by(COUNT, descending=True).head(3).alias(EXAMPLES))
        .sort([COUNT, SHAPE], descending=[True, False])
        .select(SHAPE, COUNT, EXAMPLES)
    )
    total = int(grouped[COUNT].sum())
    cumulative = grouped[COUNT].cum_sum()
    dominant = int((cumulative < 0.95 * total).sum()) + 1
    outside = (total - int(grouped[COUNT].head(dominant).sum())) / total if total else 0.0
    rows = [{"shape": s, "count": int(n), "examples": list(ex)} for s, n, ex in grouped.head(top).iter_rows()]
    return rows, round(outside, 6)

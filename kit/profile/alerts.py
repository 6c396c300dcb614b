"""Alert rules: small registered functions with stable codes.

Each rule looks at one column's profile and, when it fires, returns an ``AlertSpec``: the message a
business reader understands and a polars mask selecting the rows concerned. The engine in
``kit.profile`` turns masks into row indices and examples; rules never loop over rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from kit.profile.dates import FAMILIES, ambiguous_expr, family_expr
from kit.profile.measures import CONTROL, HTML_ENTITY, LEADING_ZERO, MOJIBAKE, ZERO_WIDTH, shape_expr


@dataclass
class AlertSpec:
    message: str
    mask: pl.Expr


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    description: str
    check: Callable[[dict], AlertSpec | None]


RULES: dict[str, Rule] = {}


def rule(code: str, severity: str, description: str):
    """Register a column rule under a stable code."""

    def wrap(fn: Callable[[dict], AlertSpec | None]) -> Callable[[dict], AlertSpec | None]:
        RULES[code] = Rule(code, severity, description, fn)
        return fn

    return wrap


def _pct(n: int, rows: int) -> str:
    return f"{n:,} values ({100 * n / rows:.1f}%)" if rows else f"{n} values"


@rule("PSEUDO_NULL", "warning", "text tokens that mean 'no value' (N/A, -, NULL, 0000-00-00 ...)")
def pseudo_null(c: dict) -> AlertSpec | None:
    n = c["pseudo_null_total"]
    if not n:
        return None
    tokens = ", ".join(f"{k!r} x{v}" for k, v in c["pseudo_nulls"].items())
    return AlertSpec(
        f"{_pct(n, c['rows'])} are placeholders for a missing value ({tokens}); decide whether they become null",
        pl.col(c["name"]).is_in(list(c["pseudo_nulls"])),
    )


@rule("WHITESPACE_ONLY", "warning", "values that are only spaces")
def whitespace_only(c: dict) -> AlertSpec | None:
    if not c["whitespace"]:
        return None
    col = pl.col(c["name"])
    return AlertSpec(
        f"{_pct(c['whitespace'], c['rows'])} hold only spaces", (col.str.strip_chars() == "") & (col != "")
    )


@rule("PADDED_SPACES", "warning", "leading or trailing spaces")
def padded(c: dict) -> AlertSpec | None:
    if not c["padded"]:
        return None
    col = pl.col(c["name"])
    return AlertSpec(
        f"{_pct(c['padded'], c['rows'])} have leading or trailing spaces; comparisons and lookups will miss them",
        col != col.str.strip_chars(" \t\u00a0"),
    )


@rule("NON_BREAKING_SPACE", "warning", "non-breaking spaces (look like spaces, compare differently)")
def nbsp(c: dict) -> AlertSpec | None:
    if not c["nbsp"]:
        return None
    return AlertSpec(
        f"{_pct(c['nbsp'], c['rows'])} contain non-breaking spaces, which look like spaces but do not match them",
        pl.col(c["name"]).str.contains("\u00a0", literal=True),
    )


@rule("ZERO_WIDTH", "warning", "invisible zero-width characters")
def zero_width(c: dict) -> AlertSpec | None:
    if not c["zero_width"]:
        return None
    return AlertSpec(
        f"{_pct(c['zero_width'], c['rows'])} contain invisible zero-width characters",
        pl.col(c["name"]).str.contains(ZERO_WIDTH),
    )


@rule("CONTROL_CHARS", "error", "control characters (bell, escape, vertical tab ...)")
def control(c: dict) -> AlertSpec | None:
    if not c["control_chars"]:
        return None
    return AlertSpec(
        f"{_pct(c['control_chars'], c['rows'])} contain control characters that most target systems reject",
        pl.col(c["name"]).str.contains(CONTROL),
    )


@rule("REPLACEMENT_CHAR", "error", "U+FFFD: characters already lost by an earlier conversion")
def replacement(c: dict) -> AlertSpec | None:
    if not c["replacement_chars"]:
        return None
    return AlertSpec(
        f"{_pct(c['replacement_chars'], c['rows'])} contain '\ufffd': characters lost in an earlier conversion",
        pl.col(c["name"]).str.contains("\ufffd", literal=True),
    )


@rule("MOJIBAKE", "error", "UTF-8 text decoded with the wrong code page ('JosÃ©')")
def mojibake(c: dict) -> AlertSpec | None:
    if not c["mojibake"]:
        return None
    return AlertSpec(
        f"{_pct(c['mojibake'], c['rows'])} look like UTF-8 read as cp1252 (e.g. 'Ã©' for 'é'); they need repair",
        pl.col(c["name"]).str.contains(MOJIBAKE),
    )


@rule("HTML_ENTITIES", "warning", "HTML entities stored as text (&amp;)")
def html_entities(c: dict) -> AlertSpec | None:
    if not c["html_entities"]:
        return None
    return AlertSpec(
        f"{_pct(c['html_entities'], c['rows'])} contain HTML entities such as '&amp;' instead of the character",
        pl.col(c["name"]).str.contains(HTML_ENTITY),
    )


@rule("LEADING_ZEROS", "info", "numeric codes with leading zeros (an integer cast loses them)")
def leading_zeros(c: dict) -> AlertSpec | None:
    if not c["leading_zeros"]:
        return None
    return AlertSpec(
        f"{_pct(c['leading_zeros'], c['rows'])} are digits with leading zeros; storing them as numbers loses the zeros",
        pl.col(c["name"]).str.contains(LEADING_ZERO),
    )


@rule("MIXED_SHAPES", "warning", "a minority of values with a different shape from the rest")
def mixed_shapes(c: dict) -> AlertSpec | None:
    shapes = c["shapes"]
    non_null = c["rows"] - c["nulls"]
    if not shapes or non_null < 20 or c["outside_dominant_shapes"] == 0 or c["distinct"] < 5:
        return None
    if shapes[0]["count"] / non_null < 0.5 or c["outside_dominant_shapes"] > 0.05:
        return None
    top = [s["shape"] for s in shapes if s["count"] / non_null >= 0.05] or [shapes[0]["shape"]]
    return AlertSpec(
        f"most values look like {top[0]!r} but {100 * c['outside_dominant_shapes']:.1f}% have another shape",
        ~shape_expr(pl.col(c["name"])).is_in(top) & pl.col(c["name"]).is_not_null(),
    )


@rule("MIXED_DATE_FORMATS", "warning", "dates written in more than one format")
def mixed_date_formats(c: dict) -> AlertSpec | None:
    dates = c["dates"]
    if dates["share"] < 0.5 or len(dates["formats"]) < 2:
        return None
    main = next(iter(dates["formats"]))
    listing = ", ".join(f"{f} x{n}" for f, n in dates["formats"].items())
    main_family = next(f for f, _, s in FAMILIES if s == main)
    return AlertSpec(
        f"dates come in {len(dates['formats'])} formats ({listing}); every format needs a parse rule",
        family_expr(c["name"]).is_not_null() & (family_expr(c["name"]) != main_family),
    )


@rule("AMBIGUOUS_DATE", "error", "dates that read differently day-first and month-first (03/04/2024)")
def ambiguous_date(c: dict) -> AlertSpec | None:
    if not c["dates"]["ambiguous"] or c["dates"]["share"] < 0.5:
        return None
    return AlertSpec(
        f"{_pct(c['dates']['ambiguous'], c['rows'])} could be day-first or month-first (e.g. 03/04 = 3 April or "
        "4 March); the source system's convention must be confirmed",
        ambiguous_expr(c["name"]),
    )

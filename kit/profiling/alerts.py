"""Alert rules: small registered functions with stable codes.

Each rule looks at one column's profile and, when it fires, returns an ``AlertSpec``: the message a
business reader understands and a polars mask selecting the rows concerned. The engine in
``kit.profiling`` turns masks into row indices and examples; rules never loop over rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from kit.profiling.between import Appended, Dependency
from kit.profiling.dates import FAMILIES, ambiguous_expr, family_expr, invalid_date_expr, order_exprs
from kit.profiling.measures import (
    CONTROL,
    HTML_ENTITY,
    LEADING_ZERO,
    MARKUP,
    MOJIBAKE,
    ZERO_WIDTH,
    float_noise_expr,
    shape_expr,
)
from kit.profiling.model import ColumnProfile, Duplicates
from kit.profiling.types import COMMA_FORMS, GROUPED_FORMS, NUMBER_FORMS, POINT_FORMS, fits_expr, missing_expr


@dataclass
class AlertSpec:
    message: str
    mask: pl.Expr
    severity: str | None = None  # overrides the rule's severity when the evidence is weaker or stronger
    nulls: bool = False  # the null rows are concerned too (a mask over values never sees them)
    listed: bool = True  # False: a fact about the whole column, its rows are not listed one by one
    # A cheap test true wherever ``mask`` is: the mask's costly tests run only on the values it lets by.
    narrow: pl.Expr | None = None


@dataclass(frozen=True)
class AlertRule:
    code: str
    severity: str
    description: str
    check: Callable[[ColumnProfile], AlertSpec | None]


RULES: dict[str, AlertRule] = {}


def rule(code: str, severity: str, description: str):
    """Register a column rule under a stable code."""

    def wrap(fn: Callable[[ColumnProfile], AlertSpec | None]) -> Callable[[ColumnProfile], AlertSpec | None]:
        RULES[code] = AlertRule(code, severity, description, fn)
        fn.__doc__ = fn.__doc__ or f"{code} ({severity}): {description}."
        return fn

    return wrap


@dataclass
class ExtractFacts:
    """What the extract-level rules look at: the duplicates found, the key, and the rows sharing a key."""

    duplicates: Duplicates
    keys: list[str]
    key_rows: pl.DataFrame | None = None  # ``__row`` and the key columns of rows whose key repeats
    dependencies: list[Dependency] = field(default_factory=list)  # broken by some rows (``between``)
    appended: list[Appended] = field(default_factory=list)  # another column's value appended to a value


@dataclass
class RowsSpec:
    """An extract-level rule's finding: the message, every row concerned (in order), and where it points."""

    message: str
    rows: list[int]
    column: str | None = None
    examples: list[str] = field(default_factory=list)
    severity: str | None = None  # milder than registered when the evidence is weaker
    total: int | None = None  # rows concerned when ``rows`` lists only the first of them


@dataclass(frozen=True)
class ExtractRule:
    code: str
    severity: str
    description: str
    check: Callable[[ExtractFacts], RowsSpec | list[RowsSpec] | None]


EXTRACT_RULES: dict[str, ExtractRule] = {}


def extract_rule(code: str, severity: str, description: str):
    """Register a rule about the extract as a whole (rows, not one column) under a stable code."""

    def wrap(fn: Callable[[ExtractFacts], Any]) -> Callable[[ExtractFacts], Any]:
        EXTRACT_RULES[code] = ExtractRule(code, severity, description, fn)
        fn.__doc__ = fn.__doc__ or f"{code} ({severity}): {description}."
        return fn

    return wrap


@extract_rule("NEAR_DUPLICATES", "warning", "records that look like the same entity entered more than once")
def near_duplicate_rows(x: ExtractFacts) -> RowsSpec | None:
    d = x.duplicates
    if not d.near:
        return None
    rows = sorted(i for c in d.near for i in c.rows)
    return RowsSpec(
        f"{d.near_clusters:,} groups of records ({len(rows):,} rows) look like the same "
        f"{'entity' if not x.keys else 'record'} entered more than once with small differences "
        f"(compared on {', '.join(d.near_fields or [])}); decide which record survives",
        rows,
    )


@extract_rule("EXACT_DUPLICATE_ROWS", "warning", "rows that are exact copies of another row")
def exact_duplicate_rows(x: ExtractFacts) -> RowsSpec | None:
    d = x.duplicates
    if not d.exact:
        return None
    rows = [i for g in d.exact for i in g]
    return RowsSpec(f"{d.exact_groups:,} groups of rows are exact copies ({len(rows):,} rows); load each once", rows)


@extract_rule("DUPLICATE_KEY", "error", "key values that appear more than once (a warning when the records agree)")
def duplicate_key(x: ExtractFacts) -> RowsSpec | None:
    kd = x.duplicates.key
    if kd is None or not kd.groups or x.key_rows is None:
        return None
    msg = f"{kd.groups:,} key values appear more than once ({kd.rows:,} rows)"
    if kd.conflicting_groups:
        conflicting = ", ".join(f"{k} ({v})" for k, v in kd.conflicting_columns.items())
        msg += f"; {kd.conflicting_groups:,} of them disagree in {conflicting}: decide which record wins"
    column = x.keys[0] if len(x.keys) == 1 else None
    examples = [str(v) for v in x.key_rows[column].unique(maintain_order=True).head(5).to_list()] if column else []
    return RowsSpec(msg, x.key_rows["__row"].to_list(), column, examples, None if kd.conflicting_groups else "warning")


@extract_rule(
    "DEPENDENCY_VIOLATION", "warning", "values that break a dependency the other rows keep (zip -> city, code -> name)"
)
def dependency_violation(x: ExtractFacts) -> list[RowsSpec]:
    # One alert per dependent column: a misspelt city breaks zip -> city and street -> city on the same rows.
    by_right: dict[str, list[Dependency]] = {}
    for d in x.dependencies:
        by_right.setdefault(d.right, []).append(d)
    out = []
    for right, deps in by_right.items():
        rows = sorted({r for d in deps for r in d.rows})
        best = max(deps, key=lambda d: (d.total, d.holds, d.left))
        left, bad, usual = best.examples[0] if best.examples else ("", "", "")
        others = [d.left for d in deps if d is not best]
        also = f" (also against {', '.join(others[:3])})" if others else ""
        out.append(
            RowsSpec(
                f"{max(d.total for d in deps):,} rows break {best.left} -> {right}{also}: for "
                f"{100 * best.holds:.0f}% of the {best.groups:,} {best.left} values seen 3 times or more, one "
                f"{right} covers at least 2/3 of their rows; e.g. {best.left} {left!r} has {right} {bad!r} where "
                f"most of its rows have {usual!r}",
                rows,
                right,
                [b for _, b, _ in best.examples],
                total=max(max(d.total for d in deps), len(rows)),
            )
        )
    return out


@extract_rule("APPENDED_VALUE", "warning", "a value of another column appended to a value ('Denver CO' in city)")
def appended_value(x: ExtractFacts) -> list[RowsSpec]:
    out = []
    for a in x.appended:
        value, (own, other) = next(iter(a.values.items()))
        out.append(
            RowsSpec(
                f"{len(a.rows):,} values hold a {a.other} appended to the {a.column} (e.g. {value!r} = {own!r} + "
                f"{other!r}); split them, and check the {a.other} of those rows",
                a.rows,
                a.column,
                list(a.values)[:5],
            )
        )
    return out


def _pct(n: int, rows: int) -> str:
    return f"{n:,} values ({100 * n / rows:.1f}%)" if rows else f"{n} values"


@rule("NO_DATA", "info", "columns that hold no data: every value is null, blank or a placeholder")
def no_data(c: ColumnProfile) -> AlertSpec | None:
    if c.present or not c.rows:
        return None
    what = [f"{k!r}" for k in c.pseudo_nulls] + ["null"] * bool(c.nulls) + ["blank"] * bool(c.empty + c.whitespace)
    every = what[0] if len(what) == 1 else " or ".join([", ".join(what[:-1]), what[-1]])
    return AlertSpec(
        f"holds no data: every value is {every}; map it only if the target needs a default",
        pl.lit(True),
        nulls=True,
        listed=False,
    )


@rule("PSEUDO_NULL", "warning", "text tokens that mean 'no value' (N/A, -, NULL, 0000-00-00 ...)")
def pseudo_null(c: ColumnProfile) -> AlertSpec | None:
    n = c.pseudo_null_total
    if not n or not c.present:  # a column of nothing but placeholders is NO_DATA
        return None
    tokens = ", ".join(f"{k!r} x{v}" for k, v in c.pseudo_nulls.items())
    # In a mostly empty column the placeholders are the column's normal state, not suspect values.
    mostly_empty = 2 * c.present < c.rows
    return AlertSpec(
        f"{_pct(n, c.rows)} are placeholders for a missing value ({tokens}); decide whether they become null"
        + ("; the column is mostly empty" if mostly_empty else ""),
        pl.col(c.name).is_in(list(c.pseudo_nulls)),
        severity="info" if mostly_empty else None,
    )


FILLED = 0.95  # a column at least this filled is treated as one whose gaps are suspect


@rule("MISSING_VALUES", "warning", "nulls or blanks in a column that is otherwise filled (95% or more)")
def missing_values(c: ColumnProfile) -> AlertSpec | None:
    blank = c.nulls + c.empty
    if not blank or not c.rows or c.present < FILLED * c.rows:
        return None
    return AlertSpec(
        f"{_pct(blank, c.rows)} are empty in a column that is {100 * c.present / c.rows:.1f}% filled; "
        "if the target field is required they will be rejected",
        pl.col(c.name) == "",
        nulls=True,
    )


@rule("WHITESPACE_ONLY", "warning", "values that are only spaces")
def whitespace_only(c: ColumnProfile) -> AlertSpec | None:
    if not c.whitespace:
        return None
    col = pl.col(c.name)
    return AlertSpec(f"{_pct(c.whitespace, c.rows)} hold only spaces", (col.str.strip_chars() == "") & (col != ""))


@rule("PADDED_SPACES", "warning", "leading or trailing spaces")
def padded(c: ColumnProfile) -> AlertSpec | None:
    if not c.padded:
        return None
    col = pl.col(c.name)
    return AlertSpec(
        f"{_pct(c.padded, c.rows)} have leading or trailing spaces; comparisons and lookups will miss them",
        col != col.str.strip_chars(" \t\u00a0"),
    )


@rule("NON_BREAKING_SPACE", "warning", "non-breaking spaces (look like spaces, compare differently)")
def nbsp(c: ColumnProfile) -> AlertSpec | None:
    if not c.nbsp:
        return None
    return AlertSpec(
        f"{_pct(c.nbsp, c.rows)} contain non-breaking spaces, which look like spaces but do not match them",
        pl.col(c.name).str.contains("\u00a0", literal=True),
    )


@rule("ZERO_WIDTH", "warning", "invisible zero-width characters")
def zero_width(c: ColumnProfile) -> AlertSpec | None:
    if not c.zero_width:
        return None
    return AlertSpec(
        f"{_pct(c.zero_width, c.rows)} contain invisible zero-width characters",
        pl.col(c.name).str.contains(ZERO_WIDTH),
    )


@rule("CONTROL_CHARS", "error", "control characters (bell, escape, vertical tab ...)")
def control(c: ColumnProfile) -> AlertSpec | None:
    if not c.control_chars:
        return None
    return AlertSpec(
        f"{_pct(c.control_chars, c.rows)} contain control characters that most target systems reject",
        pl.col(c.name).str.contains(CONTROL),
    )


@rule("REPLACEMENT_CHAR", "error", "U+FFFD: characters already lost by an earlier conversion")
def replacement(c: ColumnProfile) -> AlertSpec | None:
    if not c.replacement_chars:
        return None
    return AlertSpec(
        f"{_pct(c.replacement_chars, c.rows)} contain '\ufffd': characters lost in an earlier conversion",
        pl.col(c.name).str.contains("\ufffd", literal=True),
    )


@rule("MOJIBAKE", "error", "UTF-8 text decoded with the wrong code page ('JosÃ©')")
def mojibake(c: ColumnProfile) -> AlertSpec | None:
    if not c.mojibake:
        return None
    return AlertSpec(
        f"{_pct(c.mojibake, c.rows)} look like UTF-8 read as cp1252 (e.g. 'Ã©' for 'é'); they need repair",
        pl.col(c.name).str.contains(MOJIBAKE),
    )


@rule("HTML_ENTITIES", "warning", "HTML entities stored as text (&amp;)")
def html_entities(c: ColumnProfile) -> AlertSpec | None:
    if not c.html_entities:
        return None
    return AlertSpec(
        f"{_pct(c.html_entities, c.rows)} contain HTML entities such as '&amp;' instead of the character",
        pl.col(c.name).str.contains(HTML_ENTITY),
    )


@rule("LEADING_ZEROS", "info", "numeric codes with leading zeros (an integer cast loses them)")
def leading_zeros(c: ColumnProfile) -> AlertSpec | None:
    if not c.leading_zeros:
        return None
    return AlertSpec(
        f"{_pct(c.leading_zeros, c.rows)} are digits with leading zeros; storing them as numbers loses the zeros",
        pl.col(c.name).str.contains(LEADING_ZERO),
    )


@rule("MIXED_DATE_FORMATS", "warning", "dates written in more than one format")
def mixed_date_formats(c: ColumnProfile) -> AlertSpec | None:
    dates = c.dates
    if dates.share < 0.5 or len(dates.formats) < 2:
        return None
    main = next(iter(dates.formats))
    listing = ", ".join(f"{f} x{n}" for f, n in dates.formats.items())
    main_family = next(f for f, _, s in FAMILIES if s == main)
    return AlertSpec(
        f"dates come in {len(dates.formats)} formats ({listing}); every format needs a parse rule",
        family_expr(c.name).is_not_null() & (family_expr(c.name) != main_family),
    )


ORDER_SETTLED = 0.25  # one order settles a column when the other has at most this share of its count


_ORDER_EXAMPLE = {"day-first": "25/12/2024", "month-first": "12/25/2024"}


def _orders(c: ColumnProfile) -> tuple[int, int]:
    return c.dates.day_first_only or 0, c.dates.month_first_only or 0


@rule("AMBIGUOUS_DATE", "error", "dates that read differently day-first and month-first (03/04/2024)")
def ambiguous_date(c: ColumnProfile) -> AlertSpec | None:
    dates = c.dates
    if not dates.ambiguous or dates.share < 0.5:
        return None
    day, month = _orders(c)
    base = f"{_pct(dates.ambiguous, c.rows)} could be day-first or month-first (e.g. 03/04 = 3 April or 4 March)"
    if day and month and min(day, month) > ORDER_SETTLED * max(day, month):
        return AlertSpec(
            f"{base}, and the column holds both orders ({day:,} only day-first, {month:,} only month-first): "
            "each source's convention must be confirmed",
            ambiguous_expr(c.name),
        )
    if (day or month) and dates.formats and next(iter(dates.formats)).startswith("%d/%m/%Y|"):
        # The column's other slash dates settle the order (DATE_ORDER points at the few written the other
        # way), and slash dates are its main format.
        order = "day-first" if day > month else "month-first"
        return AlertSpec(
            f"{base}; {max(day, month):,} other slash dates of this column can only be {order}, so read them {order}",
            ambiguous_expr(c.name),
            severity="info",
        )
    return AlertSpec(f"{base}; the source system's convention must be confirmed", ambiguous_expr(c.name))


@rule("DATE_ORDER", "warning", "dates written day-first where the column is month-first (or the reverse)")
def date_order(c: ColumnProfile) -> AlertSpec | None:
    day, month = _orders(c)
    if not day or not month or c.dates.share < 0.5:
        return None
    minority, order, other = (0, "day-first", "month-first") if day <= month else (1, "month-first", "day-first")
    close = min(day, month) > ORDER_SETTLED * max(day, month)
    return AlertSpec(
        f"{_pct(min(day, month), c.rows)} can only be read {order} (like {_ORDER_EXAMPLE[order]}) while "
        f"{max(day, month):,} can only be read {other}"
        + ("; the two are about as common, so the column's order is not settled" if close else "")
        + "; they were entered in another order than the rest",
        order_exprs(c.name)[minority],
    )


def _present(c: ColumnProfile) -> pl.Expr:
    return ~missing_expr(c.name, list(c.pseudo_nulls))


@rule("INVALID_DATE", "error", "values written like dates that are no date (2024-02-30)")
def invalid_date(c: ColumnProfile) -> AlertSpec | None:
    if not c.dates.invalid or c.dates.share < 0.5:
        return None
    return AlertSpec(
        f"{_pct(c.dates.invalid, c.rows)} look like dates but do not exist (e.g. 30 February or month 13)",
        _present(c) & invalid_date_expr(c.name),
    )


# Types whose misfits other rules name more precisely, or that carry no format to violate.
_TYPE_MESSAGES = {
    "integer": "whole numbers",
    "decimal": "numbers",
    "date": "dates",
    "uuid": "UUIDs",
    "url": "web addresses",
    "currency": "money amounts",
    "phone": "phone numbers",
    "postal_code": "postal codes",
}


@rule("TYPE_MISMATCH", "warning", "values that do not fit the column's type (text in a number column)")
def type_mismatch(c: ColumnProfile) -> AlertSpec | None:
    kind, fit = c.type.type, c.type.fit
    if kind not in _TYPE_MESSAGES or not 0.8 <= fit < 1:
        return None
    if kind == "integer":
        kind = "decimal"  # "1.5" in a count column is a value to check, not a format error
    n = round((1 - fit) * c.present)
    return AlertSpec(
        f"{100 * fit:.1f}% of the values are {_TYPE_MESSAGES[kind]} but about {n:,} {'is' if n == 1 else 'are'} not; "
        f"{'it' if n == 1 else 'they'} will fail a "
        "type conversion",
        _present(c) & ~fits_expr(c.name, kind),
    )


@rule("INVALID_EMAIL", "error", "malformed email addresses in an email column")
def invalid_email(c: ColumnProfile) -> AlertSpec | None:
    if c.type.type != "email" or c.type.fit >= 1:
        return None
    n = round((1 - c.type.fit) * c.present)
    return AlertSpec(
        f"about {n:,} values are not valid email addresses (missing '@' or domain, spaces, '@@')",
        _present(c) & ~fits_expr(c.name, "email"),
    )


@rule("PHONE_FORMATS", "warning", "phone numbers written in more than one format")
def phone_formats(c: ColumnProfile) -> AlertSpec | None:
    if c.type.type != "phone" or not c.shapes:
        return None
    main = c.shapes[0]
    non_missing = c.present
    if not non_missing or main.count / non_missing < 0.5 or main.count >= non_missing:
        return None
    other_shape = shape_expr(pl.col(c.name)) != main.shape
    return AlertSpec(
        f"most phone numbers look like {main.shape!r} but others use other formats (international prefix, "
        "dots, no separators); normalise them (e.g. to E.164) before loading",
        _present(c) & fits_expr(c.name, "phone") & other_shape,
        narrow=other_shape,
    )


def _forms(c: ColumnProfile, names: tuple[str, ...]) -> pl.Expr:
    v = pl.col(c.name).str.strip_chars()
    regexes = dict(NUMBER_FORMS)
    return pl.any_horizontal([v.str.contains(regexes[n]) for n in names])


@rule("MIXED_DECIMAL_MARKS", "warning", "numbers with a decimal comma among numbers with a decimal point (or reverse)")
def mixed_decimal_marks(c: ColumnProfile) -> AlertSpec | None:
    if c.type.type not in ("decimal", "integer", "currency"):
        return None
    forms = c.type.number_forms
    comma, point = sum(forms.get(f, 0) for f in COMMA_FORMS), sum(forms.get(f, 0) for f in POINT_FORMS)
    if not comma or not point:
        return None
    minority, mark, other = (COMMA_FORMS, "comma", "point") if comma <= point else (POINT_FORMS, "point", "comma")
    return AlertSpec(
        f"{_pct(min(comma, point), c.rows)} use a decimal {mark} where the rest use a decimal {other} "
        "(1234,56 vs 1234.56); a single parse rule would misread them",
        _forms(c, minority),
    )


@rule("THOUSANDS_SEPARATOR", "warning", "numbers written with thousands separators (1,234.50)")
def thousands(c: ColumnProfile) -> AlertSpec | None:
    if c.type.type not in ("decimal", "integer", "currency"):
        return None
    n = sum(c.type.number_forms.get(f, 0) for f in GROUPED_FORMS)
    if not n or n == sum(c.type.number_forms.values()):
        return None
    return AlertSpec(
        f"{_pct(n, c.rows)} contain thousands separators (e.g. 1,234.50); a plain number conversion fails on them",
        _forms(c, GROUPED_FORMS),
    )


@rule("NUMBER_WITH_UNIT", "warning", "numbers written with a unit or symbol inside the value (12 oz, 0.05%)")
def number_with_unit(c: ColumnProfile) -> AlertSpec | None:
    from kit.profiling.types import NUMBER, NUMBER_THEN_TEXT, UNIT_NUMBER

    units, plain = c.type.unit_numbers, sum(c.type.number_forms.values())
    present = c.present
    if not units or units + plain < 0.9 * present:
        return None
    v = pl.col(c.name).str.strip_chars()
    spellings = c.type.units or {}
    listing = ", ".join(f"{u!r} x{n}" for u, n in list(spellings.items())[:5])
    if not plain:
        if len(spellings) == 1:  # one unit, always written the same: a fact about the column
            return AlertSpec(
                f"every number carries the unit {next(iter(spellings))!r}; strip it before a number conversion",
                _present(c),
                severity="info",
                listed=False,
            )
        # Every value carries its unit, spelled several ways: each one needs the unit taken out.
        return AlertSpec(
            f"{_pct(units, c.rows)} are numbers with a unit inside the value, spelled {len(spellings)} ways "
            f"({listing}); strip the unit (and check it is one unit) before a number conversion",
            _present(c) & v.str.contains(NUMBER_THEN_TEXT),
        )
    minority, what = (
        (v.str.contains(UNIT_NUMBER), "with a unit") if units <= plain else (v.str.contains(NUMBER), "without a unit")
    )
    close = (
        " (the two forms are about as common; the smaller is listed)"
        if min(units, plain) > 0.4 * (units + plain)
        else ""
    )
    return AlertSpec(
        f"{_pct(min(units, plain), c.rows)} are written {what} ({listing}) while the rest are not{close}; "
        "one number format is needed before a conversion",
        _present(c) & minority,
    )


@rule("FLOAT_NOISE", "warning", "numbers printed with binary floating-point noise (0.059000000000000004)")
def float_noise(c: ColumnProfile) -> AlertSpec | None:
    if not c.float_noise:
        return None
    return AlertSpec(
        f"{_pct(c.float_noise, c.rows)} carry floating-point noise (e.g. 0.059000000000000004 for 0.059): "
        "an export printed binary floats in full; round them to the column's precision",
        float_noise_expr(c.name),
    )


@rule("BOOLEAN_VARIANTS", "warning", "yes/no values spelled more than two ways (Y, yes, TRUE, 1)")
def boolean_variants(c: ColumnProfile) -> AlertSpec | None:
    spellings = c.type.booleans
    if c.type.type != "boolean" or len(spellings) <= 2:
        return None
    from kit.profiling.types import BOOLEAN_TRUE

    main: dict[bool, str] = {}
    for v, _ in sorted(spellings.items(), key=lambda kv: -kv[1]):
        main.setdefault(v.strip().lower() in BOOLEAN_TRUE, v)
    listing = ", ".join(f"{v!r} x{n}" for v, n in spellings.items())
    return AlertSpec(
        f"yes/no is written {len(spellings)} ways ({listing}); map each to {main[True]!r}/{main[False]!r}",
        _present(c) & ~pl.col(c.name).is_in(list(main.values())),
    )


@rule("VARIANT_SPELLINGS", "warning", "one value spelled several ways (Active, ACTIVE, ' active')")
def variant_spellings(c: ColumnProfile) -> AlertSpec | None:
    groups = c.variants
    if not groups or c.type.type == "boolean":  # BOOLEAN_VARIANTS says it better
        return None
    rare = [v for g in groups for v in g.variants]
    n = sum(n for g in groups for n in g.variants.values())
    example = groups[0]
    listing = ", ".join(repr(v) for v in list(example.variants)[:4])
    return AlertSpec(
        f"{_pct(n, c.rows)} are other spellings of a more common value (e.g. {listing} for "
        f"{example.value!r}; {len(groups)} values affected); they will not match a lookup",
        pl.col(c.name).is_in(rare),
    )


@rule("LIKELY_TYPO", "warning", "rare values a keystroke or two away from a common one (Birmingxam)")
def likely_typo(c: ColumnProfile) -> AlertSpec | None:
    typos = c.typos
    if not typos:
        return None
    listing = ", ".join(f"{t.value!r} ~ {t.likely!r}" for t in typos[:3])
    return AlertSpec(
        f"{len(typos):,} rare values look like misspellings of common ones ({listing})",
        pl.col(c.name).is_in([t.value for t in typos]),
    )


@rule("CODE_SHAPE_OUTLIERS", "warning", "codes whose pattern differs from the column's format (AB-1234 vs AB1234)")
def code_shape_outliers(c: ColumnProfile) -> AlertSpec | None:
    kind = c.type.type
    if kind not in ("text", "postal_code") or c.categorical:
        return None
    non_missing = c.present
    collapsed = c.collapsed_shapes
    if non_missing < 20 or not collapsed:
        return None
    # Codes, not prose: single tokens with a handful of patterns covering nearly every value.
    spaced = sum(s.count for s in collapsed if " " in s.shape)
    if spaced > 0.1 * non_missing and kind != "postal_code":
        return None
    major = [s for s in collapsed if s.count >= 0.02 * non_missing]
    covered = sum(s.count for s in major)
    if len(major) > 3 or covered < 0.95 * non_missing or covered == non_missing:
        return None
    shapes = [s.shape for s in major]
    return AlertSpec(
        f"{100 * covered / non_missing:.1f}% of the values follow {' or '.join(repr(s) for s in shapes)}; "
        f"{non_missing - covered:,} do not",
        _present(c) & ~shape_expr(pl.col(c.name), collapse=True).is_in(shapes),
    )


@rule("MIXED_NORMALISATION", "warning", "accented letters stored decomposed (e + combining accent)")
def mixed_normalisation(c: ColumnProfile) -> AlertSpec | None:
    if not c.not_nfc:
        return None
    col = pl.col(c.name)
    return AlertSpec(
        f"{_pct(c.not_nfc, c.rows)} store accents as separate combining marks; they look the same but do not "
        "compare equal to the composed form",
        col != col.str.normalize("NFC"),
    )


@rule("NOT_ENCODABLE", "error", "characters the target code page cannot store")
def not_encodable_rule(c: ColumnProfile) -> AlertSpec | None:
    found = c.not_encodable
    if not found:
        return None
    chars = "".join(found.characters[:10])
    return AlertSpec(
        f"values contain characters {found.encoding} cannot store ({chars}); the target will replace or reject them",
        pl.col(c.name).str.normalize("NFC").str.contains(found.pattern),
    )


def declared_kind(declared: str) -> tuple[str | None, int | None]:
    """The kind of a database type and its length: ``varchar(40)`` -> ("string", 40), ``numeric(12,2)``
    -> ("decimal", None), an unknown type -> (None, None).

    >>> declared_kind("character varying(40)"), declared_kind("NUMERIC(12,2)"), declared_kind("timestamptz")
    (('string', 40), ('decimal', None), ('date', None))
    """
    t = declared.lower()
    length = re.search(r"\((\d+)\)", t)
    for kind, pattern in _DECLARED:
        if re.search(pattern, t):
            return kind, int(length.group(1)) if length and kind == "string" else None
    return None, None


_DECLARED = [
    ("string", r"char|text|clob|string|json|uuid"),
    ("boolean", r"^bool"),
    ("date", r"date|time"),
    ("integer", r"int|serial"),
    ("decimal", r"numeric|decimal|real|double|float|money|number"),
]
# What the profile's inferred types are, in the words of a database type's kind.
_INFERRED_KIND = {
    "integer": "integer",
    "decimal": "decimal",
    "currency": "decimal",
    "date": "date",
    "boolean": "boolean",
}


@rule("DECLARED_TYPE", "warning", "a database column whose values do not match its declared type")
def declared_type(c: ColumnProfile) -> AlertSpec | None:
    if not c.declared_type or not c.present:
        return None
    kind, length = declared_kind(c.declared_type)
    inferred = _INFERRED_KIND.get(c.type.type)
    if kind == "string":
        if length is not None and c.len_max is not None and c.len_max > length:
            return AlertSpec(
                f"declared {c.declared_type} but values are up to {c.len_max} characters (the database does not "
                "enforce the length)",
                pl.col(c.name).str.len_chars() > length,
                severity="error",
            )
        if inferred and c.type.fit >= 0.95:
            what = _TYPE_MESSAGES.get(c.type.type, c.type.type)
            return AlertSpec(
                f"declared {c.declared_type} but {100 * c.type.fit:.1f}% of its values are {what}: a typed target "
                "column takes them only after a conversion rule",
                pl.lit(True),
                # Whole numbers in a text column are most often codes kept as text (leading zeros): a fact.
                severity="info" if inferred == "integer" else None,
                listed=False,
            )
        if length is not None and length >= 50 and c.len_max is not None and 4 * c.len_max <= length:
            return AlertSpec(
                f"declared {c.declared_type} but the longest value is {c.len_max} characters: the declared limit says "
                "little about the data",
                pl.lit(True),
                severity="info",
                listed=False,
            )
        return None
    if kind in ("integer", "decimal", "date", "boolean") and (c.type.fit < 1 or inferred != kind):
        # SQLite stores any value in any column: text in an INTEGER column is possible, and found here.
        check = "decimal" if kind == "integer" else kind
        return AlertSpec(
            f"declared {c.declared_type} but some values are not {_TYPE_MESSAGES.get(check, check)}",
            _present(c) & ~fits_expr(c.name, check),
        )
    return None


@rule("MARKUP", "warning", "HTML or script tags inside values")
def markup(c: ColumnProfile) -> AlertSpec | None:
    if not c.markup:
        return None
    return AlertSpec(
        f"{_pct(c.markup, c.rows)} contain HTML or script tags; a system that displays them may run them",
        pl.col(c.name).str.contains(MARKUP),
    )


@rule("LINE_BREAKS", "info", "values spanning several lines")
def line_breaks(c: ColumnProfile) -> AlertSpec | None:
    if not c.line_breaks:
        return None
    return AlertSpec(
        f"{_pct(c.line_breaks, c.rows)} span several lines; single-line target fields need a rule for them",
        pl.col(c.name).str.contains(r"\n|\r"),
    )

"""Semantic types: what kind of value each column holds, and the share of values that fit it.

Computed on distinct values (weighted by their counts) with one polars ``select`` of regex tests, so
a 1M-row column of 50 statuses costs 50 regex evaluations, not a million. Missing values (null,
empty, whitespace-only, pseudo-null tokens) are left out of every share: a column of emails with 10%
"N/A" is still 100% email, and the N/A tokens are a separate finding.
"""

from __future__ import annotations

import re

import polars as pl

from kit.profiling.dates import FAMILIES, ON_VALUES, dated_on_values
from kit.profiling.measures import COUNT

# Number forms. A value belongs to the first form it matches, so "1,250" is read as a decimal comma
# and "1.250" as a decimal point; the column's majority convention tells the analyst which is right.
NUMBER_FORMS: list[tuple[str, str]] = [
    ("integer", r"^[+-]?\d+$"),
    ("decimal_point", r"^[+-]?\d*\.\d+$"),
    ("decimal_comma", r"^[+-]?\d*,\d+$"),
    ("grouped_point", r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$"),
    ("grouped_comma", r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$"),
    ("grouped_space", r"^[+-]?\d{1,3}([ \u00a0\u202f']\d{3})+([.,]\d+)?$"),
    ("scientific", r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$"),
]
NUMBER = "|".join(f"(?:{r})" for _, r in NUMBER_FORMS)
# On a shape the exponent's "e" is a letter like any other ("1.5e3" -> "9.9a9"): numbers are told apart
# there without the scientific form, which is then counted on the values whose shape could be one.
NUMBER_ON_SHAPES = "|".join(f"(?:{r})" for n, r in NUMBER_FORMS if n != "scientific")
SCIENTIFIC_SHAPE = r"^\s*[+-]?9+(\.9+)?[aA][+-]?9+\s*$"
# A number written with a unit ("12 oz", "5%", "3.5 kg"); on shapes the unit's letters are a/A.
UNIT_NUMBER = r"^[+-]?\d[\d.,]*\s?(?:[A-Za-z]{1,5}\.?|%|°[CF]?)$"
UNIT = r"^[+-]?\d[\d.,]*\s?([A-Za-z]{1,5}\.?|%|°[CF]?)$"  # UNIT_NUMBER, the unit captured
# A value that starts as a number and goes on with something else: '12.0 oz. Alumi-Tek', '5 kg net'.
NUMBER_THEN_TEXT = r"^\s*[+-]?\d[\d.,]*\s?[^\d\s.,]"
UNIT_NUMBER_SHAPE = r"^[+-]?\d[\d.,]*\s?(?:[aA]{1,5}\.?|%|°[CF]?)$"
COMMA_FORMS = ("decimal_comma", "grouped_comma")
POINT_FORMS = ("decimal_point", "grouped_point")
GROUPED_FORMS = ("grouped_point", "grouped_comma", "grouped_space")

CURRENCY_SYMBOL = r"(?:[$€£¥₹]|EUR|USD|GBP|CHF|JPY)"
_AMOUNT = r"[+-]?\d[\d.,' \u00a0]*"
CURRENCY = rf"^(?:[+-]?{CURRENCY_SYMBOL}\s?{_AMOUNT}|{_AMOUNT}\s?{CURRENCY_SYMBOL})$"
# Letters beyond ASCII are allowed (internationalised addresses, RFC 6531): "müller@" is not a typo.
EMAIL = r"^[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)*\.\p{L}{2,}$"
URL = r"^(?i)(https?://|ftp://|www\.)[^\s/$.?#][^\s]*$"
UUID = r"^(?i)\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$"
# 7-15 digits (E.164 allows 15) with the usual separators; the digit count is checked separately. The
# two characters an international prefix ("00") may add are allowed after any two digits, so that the
# test gives the same answer on a value's shape (digits all 9) as on the value.
PHONE = r"^(\+|\d\d)?[\d\s().\-/]{7,24}$"
POSTAL = (
    r"^(\d{4,5}(-\d{4})?"  # US ZIP(+4), most of continental Europe
    r"|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}"  # UK
    r"|[A-Z]\d[A-Z] ?\d[A-Z]\d"  # Canada
    r"|\d{4} ?[A-Z]{2}"  # Netherlands
    r"|\d{3}-\d{4}"  # Japan
    r"|\d{4}-\d{3}"  # Portugal
    r"|\d{2}-\d{3}"  # Poland
    r"|[A-Z]{1,2}-\d{4,5})$"  # D-80331 style
)
BOOLEAN_TRUE = ("true", "yes", "y", "t", "1", "on", "x", "ja", "oui", "si", "sí", "wahr", "vrai")
BOOLEAN_FALSE = ("false", "no", "n", "f", "0", "off", "nein", "non", "falsch", "faux")
BOOLEAN = [*BOOLEAN_TRUE, *BOOLEAN_FALSE]
DATE = "|".join(f"(?:{r})" for _, r, _ in FAMILIES)
DATE_SHAPES = "|".join(f"(?:{r})" for f, r, _ in FAMILIES if f not in ON_VALUES)  # the others: ON_VALUES

# Priority breaks ties: a column of 7-digit numbers fits integer and phone equally and is an integer.
TYPES: list[tuple[str, str]] = [
    ("boolean", ""),
    ("integer", NUMBER_FORMS[0][1]),
    ("decimal", NUMBER),
    ("date", DATE),
    ("uuid", UUID),
    ("email", EMAIL),
    ("url", URL),
    ("currency", CURRENCY),
    ("phone", PHONE),
    ("postal_code", POSTAL),
]
NAME_HINTS = {
    "phone": re.compile(r"phone|tel|mobile|fax|gsm", re.I),
    "postal_code": re.compile(r"post|zip|plz|postal|cp$", re.I),
}
MIN_TYPE_SHARE = 0.6


def missing_expr(col: str, tokens: list[str]) -> pl.Expr:
    """True for null, empty, whitespace-only and pseudo-null values: excluded from type shares."""
    c = pl.col(col)
    # Blank is "no character that is not whitespace": the same test as stripping (both use Unicode's
    # White_Space), without making a stripped copy of every value.
    return c.is_null() | ~c.str.contains(r"\S") | c.is_in(tokens)


def fits_expr(col: str, kind: str, on_shapes: bool = False) -> pl.Expr:
    """True where a (stripped) value fits ``kind``; the same test the rules use to point at rows.

    ``on_shapes``: the column holds value shapes, not values (see ``SHAPE_SAFE``)."""
    v = pl.col(col).str.strip_chars()
    if kind == "date" and on_shapes:
        return v.str.contains(DATE_SHAPES)
    if kind == "boolean":
        return v.str.to_lowercase().is_in(BOOLEAN)
    if kind == "phone":
        digits = v.str.count_matches(r"\d")
        return v.str.contains(PHONE) & digits.is_between(7, 15)
    if kind == "decimal":
        return v.str.contains(NUMBER_ON_SHAPES if on_shapes else NUMBER)
    return v.str.contains(dict(TYPES)[kind])


def number_form_expr(col: str, on_shapes: bool = False) -> pl.Expr:
    """The number form of each value (``integer``, ``decimal_comma`` ...), or null; ``on_shapes``: of each
    shape, the scientific form left out (see ``NUMBER_ON_SHAPES``)."""
    v = pl.col(col).str.strip_chars()
    expr = pl.lit(None, dtype=pl.String)
    for name, regex in reversed(NUMBER_FORMS):
        if on_shapes and name == "scientific":
            continue
        expr = pl.when(v.str.contains(regex)).then(pl.lit(name)).otherwise(expr)
    return expr


# Types whose regexes test only character classes, so they give the same answer on a value's shape
# ("(999) 999-9999") as on the value: tested once per distinct shape instead of per distinct value.
# Not a UUID: its letters are hex digits, and on a shape every letter is 'a' or 'A'.
SHAPE_SAFE = ("integer", "decimal", "date", "email", "phone", "postal_code")
# A UUID's shape, its hex letters any letters: only values of such shapes are tested as UUIDs.
UUID_SHAPE = r"^\s*\{?[9aA]{8}-[9aA]{4}-[9aA]{4}-[9aA]{4}-[9aA]{12}\}?\s*$"


def _weighted_fits(frame: pl.DataFrame, name: str, kinds: list[str], on_shapes: bool = False) -> dict[str, int]:
    if not kinds:
        return {}
    row = frame.select(pl.col(COUNT).filter(fits_expr(name, k, on_shapes)).sum().alias(k) for k in kinds).row(
        0, named=True
    )
    return {k: int(v or 0) for k, v in row.items()}


def infer_type(
    counts: pl.DataFrame,
    name: str,
    tokens: list[str],
    table: pl.DataFrame | None = None,
    present: pl.Series | None = None,
    dated: dict[str, int] | None = None,
) -> dict:
    """Infer the semantic type of a column from its value counts (columns ``name`` and ``COUNT``).

    ``table`` is the shape table of the present values (``shape_table``), computed here if not given;
    ``present``, a mask over ``counts`` of the values that are not missing, likewise; ``dated``, what
    ``dated_on_values`` gives for them, when the caller has it (``date_formats`` needs it too).
    Returns ``{"type", "fit", "fits": {type: share}, "number_forms": {form: n}, "booleans": {value: n}}``.

    >>> vc = pl.DataFrame({"x": ["12", "7", "1,5", "N/A"], COUNT: [10, 5, 1, 2]})
    >>> infer_type(vc, "x", ["N/A"])["type"], infer_type(vc, "x", ["N/A"])["number_forms"]
    ('decimal', {'integer': 15, 'decimal_comma': 1})
    """
    from kit.profiling.measures import SHAPE, shape_table

    # The present values are a mask, not a copy: a column's counts can be tens of millions of values.
    keep = ~missing_expr(name, tokens) if present is None else pl.lit(present)
    height, total = counts.select(keep.sum(), pl.col(COUNT).filter(keep).sum()).row(0)
    height, total = int(height or 0), int(total or 0)
    if not total:
        return {"type": "empty", "fit": 0.0, "fits": {}, "number_forms": {}, "booleans": {}, "unit_numbers": 0}
    shaped = (table if table is not None else shape_table(counts.filter(keep), name)).select(
        pl.col(SHAPE).alias(name), COUNT
    )
    fits = _weighted_fits(shaped, name, list(SHAPE_SAFE), on_shapes=True)
    unit_numbers = int(
        shaped.select(pl.col(COUNT).filter(pl.col(name).str.contains(UNIT_NUMBER_SHAPE)).sum()).item() or 0
    )
    units: dict[str, int] | None = None
    if unit_numbers:  # how the unit is spelled ('oz', 'oz.', 'OZ.', 'ounce' is four spellings of one unit)
        spelled = (
            counts.select(pl.col(name).str.strip_chars().str.extract(UNIT, 1).alias("u"), COUNT, keep.alias("k"))
            .filter(pl.col("u").is_not_null() & pl.col("k"))
            .group_by("u")
            .agg(pl.col(COUNT).sum())
            .sort([COUNT, "u"], descending=[True, False])
        )
        units = {u: int(n) for u, n in spelled.head(20).rows()}
    # Compact dates (20240131) look like any 8-digit number on their shape, "10:05 pm" like "10:05 xy",
    # a timestamp's 'T' like any capital: counted on the values of such shapes (``ON_VALUES``).
    fits["date"] += sum((dated if dated is not None else dated_on_values(shaped, counts, name, keep)).values())
    scientific = 0
    if shaped.select(pl.col(name).str.contains(SCIENTIFIC_SHAPE).any()).item():
        written = pl.col(name).str.strip_chars().str.contains(dict(NUMBER_FORMS)["scientific"])
        scientific = int(counts.select(pl.col(COUNT).filter(keep & written).sum()).item() or 0)
        fits["decimal"] += scientific
    # The rest need the values themselves; a look at the shapes says whether they can fit at all.
    # Only the values a plain search finds could fit (a URL has "://" or "www.", an amount a currency
    # symbol or code): a column of millions of emails is not stripped and matched as URLs.
    could = {}
    if shaped.select(pl.col(name).str.contains(UUID_SHAPE).any()).item():
        could["uuid"] = r"^\s*\{?[0-9a-fA-F]{8}-"
    if shaped.select(pl.col(name).str.contains(r"://|^\s*aaa\.").any()).item():
        could["url"] = r"(?i)://|www\."
    # An amount has a digit: a column of names in capitals is not searched for currency codes.
    marked = pl.col(name).str.contains(r"[$€£¥₹]|AAA") & pl.col(name).str.contains("9", literal=True)
    if shaped.select(marked.any()).item():
        could["currency"] = CURRENCY_SYMBOL
    for kind, search in could.items():
        fits.update(_weighted_fits(counts.filter(keep & pl.col(name).str.contains(search)), name, [kind]))
    if height <= 64:
        fits.update(_weighted_fits(counts.filter(keep), name, ["boolean"]))  # 64 present values at most
    forms = (
        shaped.select(number_form_expr(name, on_shapes=True).alias("__form"), COUNT)
        .filter(pl.col("__form").is_not_null())
        .group_by("__form")
        .agg(pl.col(COUNT).sum())
    )
    order = {f: i for i, (f, _) in enumerate(NUMBER_FORMS)}
    found = forms.rows() + ([("scientific", scientific)] if scientific else [])
    number_forms = {f: int(n) for f, n in sorted(found, key=lambda r: order[r[0]])}
    booleans: dict[str, int] = {}
    # A boolean column has both truth values; all-"1" or all-"Y" is a constant, not a flag.
    if fits.get("boolean") == total:
        present = counts.filter(keep)
        lowered = present.group_by(pl.col(name).str.strip_chars().str.to_lowercase()).agg(pl.col(COUNT).sum())
        truth = {v in BOOLEAN_TRUE for v in lowered[name].to_list()}
        if truth != {True, False}:
            fits["boolean"] = 0
        else:
            booleans = {v: int(n) for v, n in present.sort([COUNT, name], descending=[True, False]).rows()}
    else:
        fits["boolean"] = 0
    shares = {kind: n / total for kind, n in fits.items() if n}
    best, best_share = "text", 0.0
    for kind, _ in TYPES:
        share = shares.get(kind, 0.0)
        hinted = kind in NAME_HINTS and NAME_HINTS[kind].search(name) and share >= best_share - 0.02
        if share > best_share + 1e-9 or (hinted and share >= MIN_TYPE_SHARE):
            best, best_share = kind, share
    if best_share < MIN_TYPE_SHARE:
        best, best_share = "text", 1.0
    # Integers are a subset of decimals: a column of whole numbers with a few fractions is decimal.
    if best == "integer" and shares.get("decimal", 0) > best_share:
        best, best_share = "decimal", shares["decimal"]
    return {
        "type": best,
        "fit": round(best_share, 6),
        "fits": {k: round(v, 6) for k, v in sorted(shares.items())},
        "number_forms": number_forms,
        "booleans": booleans,
        "unit_numbers": unit_numbers,
        "units": units,
    }

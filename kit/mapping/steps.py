"""The step vocabulary: each step compiles to polars expressions, never to a loop over rows.

A step receives the current value(s) of a field and its parameters and returns the new value and,
where the step can fail, a boolean expression saying on which rows it failed and why (those rows go
to the quarantine, or get the field's default, per the mapping's ``on_failure``). Most steps work on
one value; ``coalesce`` and ``concat`` combine the values of several source fields into one.

Projects add their own steps with ``@register_step("name", "what it does")``; a mapping file only
names steps, it never holds code.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from kit.errors import KitError


class StepError(KitError):
    """A step with unknown name or bad parameters; the message names the field and the step."""


@dataclass
class Outcome:
    """What a step did: the new value and, if it can fail, where and why."""

    value: pl.Expr
    failed: pl.Expr | None = None
    reason: str = ""


@dataclass
class Context:
    """What steps may need beyond the value: the mapping's folder (for lookups) and the field name."""

    field: str = ""
    base: Path = dataclasses.field(default_factory=Path.cwd)


StepFn = Callable[[pl.Expr, Any, Context], Outcome]
CombineFn = Callable[[list[pl.Expr], Any, Context], Outcome]


@dataclass(frozen=True)
class StepDef:
    name: str
    description: str
    fn: StepFn | CombineFn
    combines: bool = False  # takes all source values and returns one


STEPS: dict[str, StepDef] = {}


def register_step(name: str, description: str, combines: bool = False):
    """Register a step under ``name`` (a project's own steps too).

    >>> @register_step("reverse", "reverse the text")
    ... def reverse(value, params, ctx):
    ...     return Outcome(value.str.reverse())
    >>> "reverse" in STEPS
    True
    """

    def wrap(fn):
        STEPS[name] = StepDef(name, description, fn, combines)
        return fn

    return wrap


def _params(params: Any, step: str, ctx: Context, scalar: str | None = None, **defaults: Any) -> dict[str, Any]:
    """Parameters as a dict: ``- truncate: 40`` means ``{length: 40}`` when ``scalar="length"``."""
    if params is None:
        out = {}
    elif isinstance(params, dict):
        out = dict(params)
    elif scalar is not None:
        out = {scalar: params}
    else:
        raise StepError(f"field {ctx.field!r}: step {step!r} takes named parameters, not {params!r}")
    unknown = set(out) - set(defaults) - ({scalar} if scalar else set())
    if unknown:
        raise StepError(f"field {ctx.field!r}: step {step!r} has no parameter(s) {sorted(unknown)}")
    return {**defaults, **out}


def _needs(p: dict[str, Any], key: str, step: str, ctx: Context) -> Any:
    if p.get(key) is None:
        raise StepError(f"field {ctx.field!r}: step {step!r} needs {key!r}")
    return p[key]


def _failed_where(before: pl.Expr, after: pl.Expr) -> pl.Expr:
    """A conversion failed where there was a value before and none after."""
    return before.is_not_null() & after.is_null()


# --- text -----------------------------------------------------------------------------------


@register_step("strip", "remove leading and trailing spaces (including non-breaking spaces)")
def _strip(v: pl.Expr, params: Any, ctx: Context) -> Outcome:
    return Outcome(v.str.strip_chars())


@register_step("lower", "lower case")
def _lower(v: pl.Expr, params: Any, ctx: Context) -> Outcome:
    return Outcome(v.str.to_lowercase())


@register_step("upper", "upper case")
def _upper(v: pl.Expr, params: Any, ctx: Context) -> Outcome:
    return Outcome(v.str.to_uppercase())


@register_step("title", "title case (first letter of each word upper)")
def _title(v: pl.Expr, params: Any, ctx: Context) -> Outcome:
    return Outcome(v.str.to_titlecase())


@register_step("collapse_spaces", "runs of spaces, tabs, line breaks and non-breaking spaces become one space")
def _collapse(v: pl.Expr, params: Any, ctx: Context) -> Outcome:
    return Outcome(v.str.replace_all(r"[\s\u00a0\u200b]+", " "))


@register_step("normalize_unicode", "Unicode normalisation (form: NFC by default; NFKC folds compatibility forms)")
def _normalize(v: pl.Expr, params: Any, ctx: Context) -> Outcome:
    p = _params(params, "normalize_unicode", ctx, scalar="form", form="NFC")
    if p["form"] not in ("NFC", "NFD", "NFKC", "NFKD"):
        raise StepError(f"field {ctx.field!r}: normalize_unicode form must be NFC, NFD, NFKC or NFKD")
    return Outcome(v.str.normalize(p["form"]))


def _mojibake_table() -> tuple[list[str], list[str]]:
    """UTF-8 bytes read as cp1252 (or latin-1), for every character of the Latin-1 Supplement and the
    cp1252 extras: 'Ã©' -> 'é', 'â€™' -> '’'. Longest sequences first so 'â€™' wins over 'â€'."""
    pairs: dict[str, str] = {}
    chars = [chr(c) for c in range(0xA0, 0x180)] + list("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ")
    for ch in chars:
        raw = ch.encode("utf-8")
        for codec in ("cp1252", "latin-1"):
            try:
                bad = raw.decode(codec)
            except UnicodeDecodeError:
                continue
            if bad != ch:
                pairs.setdefault(bad, ch)
    ordered = sorted(pairs, key=lambda b: (-len(b), b))
    return ordered, [pairs[b] for b in ordered]


_MOJIBAKE_FROM, _MOJIBAKE_TO = _mojibake_table()


@register_step("fix_mojibake", "repair UTF-8 text that was decoded as cp1252 ('JosÃ©' -> 'José')")
def _fix_mojibake(v: pl.Expr, params: Any, ctx: Context) -> Outcome:
    return Outcome(v.str.replace_many(_MOJIBAKE_FROM, _MOJIBAKE_TO))


@register_step("null_if", "these tokens (and empty or blank values) become null: null_if: [N/A, '-']")
def _null_if(v: pl.Expr, params: Any, ctx: Context) -> Outcome:
    p = _params(params, "null_if", ctx, scalar="tokens", tokens=[], blank=True)
    tokens = p["tokens"] if isinstance(p["tokens"], list) else [p["tokens"]]
    if any(t is None for t in tokens):
        raise StepError(
            f"field {ctx.field!r}: null_if has an empty token; in YAML, NULL, null and ~ mean 'nothing': "
            "quote them ('NULL')"
        )
    cond = v.is_in([str(t) for t in tokens])
    if p["blank"]:
        cond = cond | (v.str.strip_chars() == "")
    return Outcome(pl.when(cond).then(None).otherwise(v))


@register_step("default", "fill nulls with this value: default: 'n/a'")
def _default(v: pl.Expr, params: Any, ctx: Context) -> Outcome:
    p = _params(params, "default", ctx, scalar="value", value=None)
    return Outcome(v.fill_null(pl.lit(str(_needs(p, "value", "default", ctx)))))


@register_step("regex_replace", "replace every match of a regular expression: {pattern, replace}")
def _regex_replace(v: pl.Expr, params: Any, ctx: Context) -> Outcome:
    p = _params(params, "regex_replace", ctx, pattern=None, replace="")
    pattern = _compiled(_needs(p, "pattern", "regex_replace", ctx), ctx)
    return Outcome(v.str.replace_all(pattern, str(p["replace"])))


@register_step("regex_extract", "keep the part matching a group: {pattern, group: 1, required: false}")
def _regex_extract(v: pl.Expr, params: Any, ctx: Context) -> Outcome:
    p = _params(params, "regex_extract", ctx, scalar="pattern", pattern=None, group=1, required=False)
    pattern = _compiled(_needs(p, "pattern", "regex_extract", ctx), ctx)
    out = v.str.extract(pattern, int(p["group"]))
    if p["required"]:
        return Outcome(out, _failed_where(v, out), f"does not match {pattern!r}")
    return Outcome(out)


@register_step("split", "one part of a split: {separator, index} (index 0 is the first part, -1 the last)")
def _split(v: pl.Expr, params: Any, ctx: Context) -> Outcome:
    p = _params(params, "split", ctx, separator=None, index=0)
    sep = _needs(p, "separator", "split", ctx)
    return Outcome(v.str.split(str(sep)).list.get(int(p["index"]), null_on_oob=True).str.strip_chars())


@register_step("truncate", "cut to a length: truncate: 40, or {length: 40, unit: bytes}")
def _truncate(v: pl.Expr, params: Any, ctx: Context) -> Outcome:
    p = _params(params, "truncate", ctx, scalar="length", length=None, unit="chars")
    n = int(_needs(p, "length", "truncate", ctx))
    if p["unit"] == "chars":
        return Outcome(v.str.slice(0, n))
    if p["unit"] != "bytes":
        raise StepError(f"field {ctx.field!r}: truncate unit is chars or bytes, not {p['unit']!r}")
    # Whole characters only: never cut a multi-byte character in half.
    chars = v.str.split("")
    kept = chars.list.eval(pl.element().filter(pl.element().str.len_bytes().cum_sum() <= n)).list.join("")
    return Outcome(pl.when(v.str.len_bytes() <= n).then(v).otherwise(kept))


@register_step("pad", "pad to a length: {length, char: '0', side: left}")
def _pad(v: pl.Expr, params: Any, ctx: Context) -> Outcome:
    p = _params(params, "pad", ctx, scalar="length", length=None, char="0", side="left")
    n, ch = int(_needs(p, "length", "pad", ctx)), str(p["char"])
    if len(ch) != 1:
        raise StepError(f"field {ctx.field!r}: pad char must be one character")
    return Outcome(v.str.pad_start(n, ch) if p["side"] == "left" else v.str.pad_end(n, ch))


# --- conversions ----------------------------------------------------------------------------

TRUE_TOKENS = ("true", "yes", "y", "t", "1", "on")
FALSE_TOKENS = ("false", "no", "n", "f", "0", "off")


@register_step("cast", "convert: {to: integer|decimal|boolean|string, scale, decimal_mark, true: [...], false: [...]}")
def _cast(v: pl.Expr, params: Any, ctx: Context) -> Outcome:
    p = _params(
        params, "cast", ctx, scalar="to", to=None, scale=2, decimal_mark=".", thousands=None, true=None, false=None
    )
    to = _needs(p, "to", "cast", ctx)
    text = v.cast(pl.String).str.strip_chars()
    if to == "string":
        return Outcome(text)
    if to == "integer":
        out = text.cast(pl.Int64, strict=False)
        return Outcome(out, _failed_where(text, out), "not a whole number")
    if to == "decimal":
        if p["thousands"]:
            text = text.str.replace_all(str(p["thousands"]), "", literal=True)
        if p["decimal_mark"] == ",":
            text = text.str.replace(",", ".", literal=True)
        out = text.cast(pl.Decimal(18, int(p["scale"])), strict=False)
        return Outcome(out, _failed_where(text, out), f"not a number with decimal mark {p['decimal_mark']!r}")
    if to == "boolean":
        true = [str(t).lower() for t in (p["true"] or TRUE_TOKENS)]
        false = [str(t).lower() for t in (p["false"] or FALSE_TOKENS)]
        low = text.str.to_lowercase()
        out = pl.when(low.is_in(true)).then(True).when(low.is_in(false)).then(False).otherwise(None)
        return Outcome(out, _failed_where(text, out), f"not one of the yes/no tokens {true + false}")
    raise StepError(f"field {ctx.field!r}: cast to is integer, decimal, boolean or string, not {to!r}")


@register_step("parse_date", "text to date, trying each format in order: parse_date: ['%Y-%m-%d', '%d.%m.%Y']")
def _parse_date(v: pl.Expr, params: Any, ctx: Context) -> Outcome:
    p = _params(params, "parse_date", ctx, scalar="formats", formats=None)
    formats = _needs(p, "formats", "parse_date", ctx)
    formats = [formats] if isinstance(formats, str) else list(formats)
    text = v.str.strip_chars()
    out = pl.coalesce([text.str.to_date(str(f), strict=False) for f in formats])
    return Outcome(out, _failed_where(text, out), f"not a date in any of the formats {formats}")


@register_step("format_date", "date to text: format_date: '%d.%m.%Y'")
def _format_date(v: pl.Expr, params: Any, ctx: Context) -> Outcome:
    p = _params(params, "format_date", ctx, scalar="format", format=None)
    return Outcome(v.dt.strftime(str(_needs(p, "format", "format_date", ctx))))


# --- codes ----------------------------------------------------------------------------------

UNMAPPED = ("quarantine", "null", "keep", "default")


def mapped_values(mapping: dict[Any, Any], case_insensitive: bool) -> dict[str, str]:
    return {(str(k).strip().lower() if case_insensitive else str(k)): str(val) for k, val in mapping.items()}


def _translate(v: pl.Expr, table: dict[str, str], case_insensitive: bool, p: dict[str, Any], what: str, ctx: Context):
    key = v.str.strip_chars().str.to_lowercase() if case_insensitive else v
    out = key.replace_strict(table, default=None, return_dtype=pl.String)
    missing = v.is_not_null() & out.is_null()
    policy = p["unmapped"]
    if policy not in UNMAPPED:
        raise StepError(f"field {ctx.field!r}: unmapped is one of {list(UNMAPPED)}, not {policy!r}")
    if policy == "quarantine":
        return Outcome(out, missing, f"value not in the {what}")
    if policy == "keep":
        return Outcome(pl.when(missing).then(v).otherwise(out))
    if policy == "default":
        default = _needs(p, "default", what, ctx)
        return Outcome(pl.when(missing).then(pl.lit(str(default))).otherwise(out))
    return Outcome(out)


@register_step(
    "value_map", "translate codes: {map: {Active: ACT}, case_insensitive, unmapped: quarantine|null|keep|default}"
)
def _value_map(v: pl.Expr, params: Any, ctx: Context) -> Outcome:
    p = _params(params, "value_map", ctx, map=None, case_insensitive=False, unmapped="quarantine", default=None)
    table = _needs(p, "map", "value_map", ctx)
    if not isinstance(table, dict):
        raise StepError(f"field {ctx.field!r}: value_map map is a mapping of source value to target value")
    return _translate(v, mapped_values(table, p["case_insensitive"]), p["case_insensitive"], p, "value map", ctx)


@register_step("lookup", "translate through a reference file: {file, key, value, unmapped: quarantine|null|keep}")
def _lookup(v: pl.Expr, params: Any, ctx: Context) -> Outcome:
    p = _params(
        params,
        "lookup",
        ctx,
        file=None,
        key=None,
        value=None,
        case_insensitive=False,
        unmapped="quarantine",
        default=None,
    )
    from kit.load import read_extract

    path = ctx.base / str(_needs(p, "file", "lookup", ctx))
    ref = read_extract(path).frame
    key, value = str(_needs(p, "key", "lookup", ctx)), str(_needs(p, "value", "lookup", ctx))
    for col in (key, value):
        if col not in ref.columns:
            raise StepError(f"field {ctx.field!r}: lookup file {path} has no column {col!r}; it has {ref.columns}")
    table = mapped_values(dict(ref.select(key, value).unique(key, keep="first").iter_rows()), p["case_insensitive"])
    return _translate(v, table, p["case_insensitive"], p, f"lookup {path.name}", ctx)


# --- several sources into one ---------------------------------------------------------------


@register_step("coalesce", "the first source field that has a value (billing wins, shipping fills gaps)", combines=True)
def _coalesce(values: list[pl.Expr], params: Any, ctx: Context) -> Outcome:
    blank = [pl.when(x.str.strip_chars() == "").then(None).otherwise(x) for x in values]
    return Outcome(pl.coalesce(blank))


@register_step("concat", "join the source fields: {separator: ' ', skip_nulls: true}", combines=True)
def _concat(values: list[pl.Expr], params: Any, ctx: Context) -> Outcome:
    p = _params(params, "concat", ctx, scalar="separator", separator=" ", skip_nulls=True)
    out = pl.concat_str(values, separator=str(p["separator"]), ignore_nulls=bool(p["skip_nulls"]))
    return Outcome(pl.when(out == "").then(None).otherwise(out))


def _compiled(pattern: str, ctx: Context) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise StepError(f"field {ctx.field!r}: bad regular expression {pattern!r}: {exc}") from None
    return pattern

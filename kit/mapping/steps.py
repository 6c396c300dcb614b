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
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import polars as pl
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, field_validator, model_validator

from kit.errors import KitError


class StepError(KitError):
    """A step that cannot run on the data (a lookup file without the named column); names the field."""


@dataclass
class Outcome:
    """What a step did: the new value and, if it can fail, where and why (``code`` is the stable
    failure code the quarantine carries, ``reason`` the words a person reads)."""

    value: pl.Expr
    failed: pl.Expr | None = None
    reason: str = ""
    code: str = "STEP"


@dataclass
class StepContext:
    """What steps may need beyond the value: the mapping's folder (for lookups) and the field name."""

    field: str = ""
    base: Path = dataclasses.field(default_factory=Path.cwd)


StepFn = Callable[[pl.Expr, Any, StepContext], Outcome]
CombineFn = Callable[[list[pl.Expr], Any, StepContext], Outcome]


class Params(BaseModel):
    """Base of a step's parameter model: named, typed, no unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _text(value: Any) -> Any:
    """YAML reads ``01`` as 1 and ``true`` as True; a parameter that is text takes them as text."""
    return str(value) if isinstance(value, (bool, int, float)) else value


Text = Annotated[str, BeforeValidator(_text)]


@dataclass(frozen=True)
class StepDef:
    name: str
    description: str
    fn: StepFn | CombineFn
    combines: bool = False  # takes all source values and returns one
    params: type[Params] | None = None  # None: the step gets its parameters as written (a project's own)
    scalar: str | None = None  # the parameter a bare value stands for: ``- truncate: 40`` is {length: 40}


STEPS: dict[str, StepDef] = {}


def register_step(
    name: str,
    description: str,
    combines: bool = False,
    params: type[Params] | None = None,
    scalar: str | None = None,
) -> Callable[[Any], Any]:
    """Register a step under ``name`` (a project's own steps too). ``params`` is its parameter model,
    checked when the mapping file is loaded; without one the step gets its parameters as written.

    >>> @register_step("reverse", "reverse the text")
    ... def reverse(value, params, ctx):
    ...     return Outcome(value.str.reverse())
    >>> "reverse" in STEPS
    True
    """

    def wrap(fn):
        STEPS[name] = StepDef(name, description, fn, combines, params, scalar)
        fn.__doc__ = fn.__doc__ or f"The {name} step: {description}."
        if params is not None and not params.__doc__:
            params.__doc__ = f"Parameters of the {name} step: {description}."
        return fn

    return wrap


def _problem(err: Any) -> str:
    where = ".".join(str(p) for p in err["loc"])
    if err["type"] == "extra_forbidden":
        return f"has no parameter {where!r}"
    if err["type"] == "missing":
        return f"needs {where!r}"
    msg = err["msg"].removeprefix("Value error, ")
    return f"{where}: {msg}" if where else msg


def parse_params(name: str, raw: Any) -> Any:
    """A step's parameters as written in the file, parsed into its model (the mapping file does this
    once, when it is loaded); a ``ValueError`` saying what is wrong otherwise.

    >>> parse_params("truncate", 40)
    TruncateParams(length=40, unit='chars')
    >>> parse_params("truncate", {"lenght": 40})
    Traceback (most recent call last):
    ValueError: step 'truncate': needs 'length'; has no parameter 'lenght'
    """
    spec = STEPS.get(name)
    if spec is None:
        raise ValueError(f"unknown step {name!r}; steps are {sorted(STEPS)}")
    if spec.params is None:
        return raw
    if raw is None:
        data: dict[str, Any] = {}
    elif isinstance(raw, dict):
        data = {str(k): v for k, v in raw.items()}
    elif spec.scalar is not None:
        data = {spec.scalar: raw}
    else:
        raise ValueError(f"step {name!r} takes named parameters, not {raw!r}")
    try:
        return spec.params.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"step {name!r}: " + "; ".join(_problem(e) for e in exc.errors())) from None


MAX_PATTERN_LENGTH = 1_000


def check_regex(pattern: str) -> str:
    """A pattern both engines that run it accept in bounded time, or a ValueError saying why not.

    Steps run in polars (Rust's regex: linear time, but no look-around or back-references); the
    generated suites run in great-expectations on pandas (Python's ``re``, which backtracks: a
    repeated group that itself repeats, ``(a+)+``, takes exponential time on a value that almost
    matches). So a pattern must compile in both and hold no nested unbounded repetition.
    """
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ValueError(f"regular expression of {len(pattern):,} characters; at most {MAX_PATTERN_LENGTH:,}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # "possible nested set": valid today
            parsed = re._parser.parse(pattern)  # type: ignore[attr-defined]
    except (re.error, RecursionError, OverflowError) as exc:
        raise ValueError(f"bad regular expression {pattern!r}: {exc}") from None
    if _nested_repeat(parsed.data if hasattr(parsed, "data") else parsed):
        raise ValueError(
            f"regular expression {pattern!r} repeats a group that itself repeats (like (a+)+): it can take "
            "exponential time on a value that almost matches; write it without the nesting"
        )
    try:
        pl.Series([""], dtype=pl.String).str.contains(pattern)
    except pl.exceptions.PolarsError as exc:
        lines = [line.strip() for line in str(exc).splitlines() if line.strip().startswith("error:")]
        why = lines[-1].removeprefix("error: ") if lines else str(exc).strip().splitlines()[0]
        raise ValueError(f"regular expression {pattern!r} is not supported by polars: {why}") from None
    return pattern


def _nested_repeat(items: list, inside: bool = False) -> bool:
    """Whether a parsed pattern holds an unbounded repeat inside another unbounded repeat."""
    from re import _constants as c  # type: ignore[attr-defined]

    for op, av in items:
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            _, high, sub = av
            unbounded = high == c.MAXREPEAT or high > 1_000
            parts, inner = [list(sub)], inside or unbounded
            if inside and unbounded:
                return True
        elif op == c.SUBPATTERN:
            parts, inner = [list(av[-1])], inside
        elif op == c.BRANCH:
            parts, inner = [list(alt) for alt in av[1]], inside
        elif op in (c.ASSERT, c.ASSERT_NOT):
            parts, inner = [list(av[1])], inside
        else:
            continue
        if any(_nested_repeat(part, inner) for part in parts):
            return True
    return False


def _failed_where(before: pl.Expr, after: pl.Expr) -> pl.Expr:
    """A conversion failed where there was a value before and none after."""
    return before.is_not_null() & after.is_null()


class NoParams(Params):
    """A step that takes no parameters."""


# --- text -----------------------------------------------------------------------------------


@register_step("strip", "remove leading and trailing spaces (including non-breaking spaces)", params=NoParams)
def _strip(v: pl.Expr, p: NoParams, ctx: StepContext) -> Outcome:
    return Outcome(v.str.strip_chars())


@register_step("lower", "lower case", params=NoParams)
def _lower(v: pl.Expr, p: NoParams, ctx: StepContext) -> Outcome:
    return Outcome(v.str.to_lowercase())


@register_step("upper", "upper case", params=NoParams)
def _upper(v: pl.Expr, p: NoParams, ctx: StepContext) -> Outcome:
    return Outcome(v.str.to_uppercase())


@register_step("title", "title case (first letter of each word upper)", params=NoParams)
def _title(v: pl.Expr, p: NoParams, ctx: StepContext) -> Outcome:
    return Outcome(v.str.to_titlecase())


@register_step(
    "collapse_spaces", "runs of spaces, tabs, line breaks and non-breaking spaces become one space", params=NoParams
)
def _collapse(v: pl.Expr, p: NoParams, ctx: StepContext) -> Outcome:
    return Outcome(v.str.replace_all(r"[\s\u00a0\u200b]+", " "))


class NormalizeParams(Params):
    form: Literal["NFC", "NFD", "NFKC", "NFKD"] = "NFC"


@register_step(
    "normalize_unicode",
    "Unicode normalisation (form: NFC by default; NFKC folds compatibility forms)",
    params=NormalizeParams,
    scalar="form",
)
def _normalize(v: pl.Expr, p: NormalizeParams, ctx: StepContext) -> Outcome:
    return Outcome(v.str.normalize(p.form))


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


@register_step("fix_mojibake", "repair UTF-8 text that was decoded as cp1252 ('JosÃ©' -> 'José')", params=NoParams)
def _fix_mojibake(v: pl.Expr, p: NoParams, ctx: StepContext) -> Outcome:
    return Outcome(v.str.replace_many(_MOJIBAKE_FROM, _MOJIBAKE_TO))


class NullIfParams(Params):
    tokens: list[Text] = []
    blank: bool = True

    @field_validator("tokens", mode="before")
    @classmethod
    def _listed(cls, v: Any) -> Any:
        tokens = v if isinstance(v, list) else [v]
        if any(t is None for t in tokens):
            raise ValueError("an empty token; in YAML, NULL, null and ~ mean 'nothing': quote them ('NULL')")
        return tokens


@register_step(
    "null_if",
    "these tokens (and empty or blank values) become null: null_if: [N/A, '-']",
    params=NullIfParams,
    scalar="tokens",
)
def _null_if(v: pl.Expr, p: NullIfParams, ctx: StepContext) -> Outcome:
    cond = v.is_in(list(p.tokens))
    if p.blank:
        cond = cond | (v.str.strip_chars() == "")
    return Outcome(pl.when(cond).then(None).otherwise(v))


class DefaultParams(Params):
    value: Text


@register_step("default", "fill nulls with this value: default: 'n/a'", params=DefaultParams, scalar="value")
def _default(v: pl.Expr, p: DefaultParams, ctx: StepContext) -> Outcome:
    return Outcome(v.fill_null(pl.lit(p.value)))


class PatternParams(Params):
    """A regular expression parameter, checked to compile when the file is loaded."""

    pattern: Text

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str) -> str:
        return check_regex(v)


class RegexReplaceParams(PatternParams):
    replace: Text = ""


@register_step(
    "regex_replace", "replace every match of a regular expression: {pattern, replace}", params=RegexReplaceParams
)
def _regex_replace(v: pl.Expr, p: RegexReplaceParams, ctx: StepContext) -> Outcome:
    return Outcome(v.str.replace_all(p.pattern, p.replace))


class RegexExtractParams(PatternParams):
    group: int = 1
    required: bool = False


@register_step(
    "regex_extract",
    "keep the part matching a group: {pattern, group: 1, required: false}",
    params=RegexExtractParams,
    scalar="pattern",
)
def _regex_extract(v: pl.Expr, p: RegexExtractParams, ctx: StepContext) -> Outcome:
    out = v.str.extract(p.pattern, p.group)
    if p.required:
        return Outcome(out, _failed_where(v, out), f"does not match {p.pattern!r}", "EXTRACT")
    return Outcome(out)


class SplitParams(Params):
    separator: Text
    index: int = 0


@register_step(
    "split", "one part of a split: {separator, index} (index 0 is the first part, -1 the last)", params=SplitParams
)
def _split(v: pl.Expr, p: SplitParams, ctx: StepContext) -> Outcome:
    return Outcome(v.str.split(p.separator).list.get(p.index, null_on_oob=True).str.strip_chars())


class TruncateParams(Params):
    length: int
    unit: Literal["chars", "bytes"] = "chars"


@register_step(
    "truncate", "cut to a length: truncate: 40, or {length: 40, unit: bytes}", params=TruncateParams, scalar="length"
)
def _truncate(v: pl.Expr, p: TruncateParams, ctx: StepContext) -> Outcome:
    if p.unit == "chars":
        return Outcome(v.str.slice(0, p.length))
    # Whole characters only: never cut a multi-byte character in half.
    chars = v.str.split("")
    kept = chars.list.eval(pl.element().filter(pl.element().str.len_bytes().cum_sum() <= p.length)).list.join("")
    return Outcome(pl.when(v.str.len_bytes() <= p.length).then(v).otherwise(kept))


class PadParams(Params):
    length: int
    char: Text = "0"
    side: Literal["left", "right"] = "left"

    @field_validator("char")
    @classmethod
    def _one(cls, v: str) -> str:
        if len(v) != 1:
            raise ValueError("pad char must be one character")
        return v


@register_step("pad", "pad to a length: {length, char: '0', side: left}", params=PadParams, scalar="length")
def _pad(v: pl.Expr, p: PadParams, ctx: StepContext) -> Outcome:
    return Outcome(v.str.pad_start(p.length, p.char) if p.side == "left" else v.str.pad_end(p.length, p.char))


# --- conversions ----------------------------------------------------------------------------

TRUE_TOKENS = ("true", "yes", "y", "t", "1", "on")
FALSE_TOKENS = ("false", "no", "n", "f", "0", "off")


class CastParams(Params):
    to: Literal["integer", "decimal", "boolean", "string"]
    scale: int = 2
    decimal_mark: Text = "."
    thousands: Text | None = None
    true: list[Text] | None = None
    false: list[Text] | None = None


@register_step(
    "cast",
    "convert: {to: integer|decimal|boolean|string, scale, decimal_mark, true: [...], false: [...]}",
    params=CastParams,
    scalar="to",
)
def _cast(v: pl.Expr, p: CastParams, ctx: StepContext) -> Outcome:
    text = v.cast(pl.String).str.strip_chars()
    if p.to == "string":
        return Outcome(text)
    if p.to == "integer":
        out = text.cast(pl.Int64, strict=False)
        return Outcome(out, _failed_where(text, out), "not a whole number", "CAST")
    if p.to == "decimal":
        if p.thousands:
            text = text.str.replace_all(p.thousands, "", literal=True)
        if p.decimal_mark == ",":
            text = text.str.replace(",", ".", literal=True)
        out = text.cast(pl.Decimal(18, p.scale), strict=False)
        return Outcome(out, _failed_where(text, out), f"not a number with decimal mark {p.decimal_mark!r}", "CAST")
    true = [t.lower() for t in (p.true or TRUE_TOKENS)]
    false = [t.lower() for t in (p.false or FALSE_TOKENS)]
    low = text.str.to_lowercase()
    out = pl.when(low.is_in(true)).then(True).when(low.is_in(false)).then(False).otherwise(None)
    return Outcome(out, _failed_where(text, out), f"not one of the yes/no tokens {true + false}", "CAST")


class ParseDateParams(Params):
    formats: list[Text]

    @field_validator("formats", mode="before")
    @classmethod
    def _listed(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v


@register_step(
    "parse_date",
    "text to date, trying each format in order: parse_date: ['%Y-%m-%d', '%d.%m.%Y']",
    params=ParseDateParams,
    scalar="formats",
)
def _parse_date(v: pl.Expr, p: ParseDateParams, ctx: StepContext) -> Outcome:
    text = v.str.strip_chars()
    out = pl.coalesce([text.str.to_date(f, strict=False) for f in p.formats])
    return Outcome(out, _failed_where(text, out), f"not a date in any of the formats {list(p.formats)}", "DATE")


class FormatDateParams(Params):
    format: Text


@register_step("format_date", "date to text: format_date: '%d.%m.%Y'", params=FormatDateParams, scalar="format")
def _format_date(v: pl.Expr, p: FormatDateParams, ctx: StepContext) -> Outcome:
    return Outcome(v.dt.strftime(p.format))


# --- codes ----------------------------------------------------------------------------------

UNMAPPED = ("quarantine", "null", "keep", "default")


class TranslateParams(Params):
    """What value_map and lookup share: how to match, and what becomes of a value with no translation."""

    case_insensitive: bool = False
    unmapped: Literal["quarantine", "null", "keep", "default"] = "quarantine"
    default: Text | None = None

    @model_validator(mode="after")
    def _default_given(self) -> TranslateParams:
        if self.unmapped == "default" and self.default is None:
            raise ValueError("unmapped: default needs a default")
        return self

    def fold(self, value: Any) -> str:
        """A source value as it is looked up in the table (trimmed and lower case when case_insensitive)."""
        return str(value).strip().lower() if self.case_insensitive else str(value)


class ValueMapParams(TranslateParams):
    map: dict[Text, Text]

    @field_validator("map", mode="before")
    @classmethod
    def _as_text(cls, v: Any) -> Any:
        if not isinstance(v, dict):
            raise ValueError("map is a mapping of source value to target value")
        return {_text(k): _text(val) for k, val in v.items()}

    @property
    def table(self) -> dict[str, str]:
        """The map keyed the way values are looked up (folded when case_insensitive)."""
        return {self.fold(k): v for k, v in self.map.items()}


def _translate(v: pl.Expr, table: dict[str, str], p: TranslateParams, what: str, code: str) -> Outcome:
    key = v.str.strip_chars().str.to_lowercase() if p.case_insensitive else v
    out = key.replace_strict(table, default=None, return_dtype=pl.String)
    missing = v.is_not_null() & out.is_null()
    if p.unmapped == "quarantine":
        return Outcome(out, missing, f"value not in the {what}", code)
    if p.unmapped == "keep":
        return Outcome(pl.when(missing).then(v).otherwise(out))
    if p.unmapped == "default":
        return Outcome(pl.when(missing).then(pl.lit(p.default)).otherwise(out))
    return Outcome(out)


@register_step(
    "value_map",
    "translate codes: {map: {Active: ACT}, case_insensitive, unmapped: quarantine|null|keep|default}",
    params=ValueMapParams,
)
def _value_map(v: pl.Expr, p: ValueMapParams, ctx: StepContext) -> Outcome:
    return _translate(v, p.table, p, "value map", "VALUE_MAP")


class LookupParams(TranslateParams):
    file: Text
    key: Text
    value: Text


@register_step(
    "lookup",
    "translate through a reference file: {file, key, value, unmapped: quarantine|null|keep}",
    params=LookupParams,
)
def _lookup(v: pl.Expr, p: LookupParams, ctx: StepContext) -> Outcome:
    from kit.load import read_extract

    path = ctx.base / p.file
    ref = read_extract(path).frame
    for col in (p.key, p.value):
        if col not in ref.columns:
            raise StepError(f"field {ctx.field!r}: lookup file {path} has no column {col!r}; it has {ref.columns}")
    pairs = ref.select(p.key, p.value).unique(p.key, keep="first").iter_rows()
    table = {p.fold(k): str(val) for k, val in pairs}
    return _translate(v, table, p, f"lookup {path.name}", "LOOKUP")


# --- several sources into one ---------------------------------------------------------------


@register_step(
    "coalesce",
    "the first source field that has a value (billing wins, shipping fills gaps)",
    combines=True,
    params=NoParams,
)
def _coalesce(values: list[pl.Expr], p: NoParams, ctx: StepContext) -> Outcome:
    blank = [pl.when(x.str.strip_chars() == "").then(None).otherwise(x) for x in values]
    return Outcome(pl.coalesce(blank))


class ConcatParams(Params):
    separator: Text = " "
    skip_nulls: bool = True


@register_step(
    "concat",
    "join the source fields: {separator: ' ', skip_nulls: true}",
    combines=True,
    params=ConcatParams,
    scalar="separator",
)
def _concat(values: list[pl.Expr], p: ConcatParams, ctx: StepContext) -> Outcome:
    out = pl.concat_str(values, separator=p.separator, ignore_nulls=p.skip_nulls)
    return Outcome(pl.when(out == "").then(None).otherwise(out))

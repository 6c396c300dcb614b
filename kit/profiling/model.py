"""The profile as typed data: what ``profile()`` returns, what ``Profile.to_json`` writes and what
``Profile.from_json`` reads back (validated, with a format version).

Models, not dicts: every consumer (alerts, lint, drift, suggest, expectations, the renderers and the
editor) reads attributes, so a renamed measure is a type error, not a silent ``KeyError`` in one
module. The JSON layout is the documented one; fields marked ``omit`` are left out when empty, as
they always were.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.errors import KitError
from kit.files import read_text

if TYPE_CHECKING:
    from kit.redact import Redactor

# 1: the layout before the version was written (identical otherwise, so it loads). 2: with the version.
FORMAT_VERSION = 2
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class ProfileFormatError(KitError):
    """A saved profile that is not valid JSON, not a profile, or from an unknown format version."""


# Metadata of a field written only when it has a value (the layout never had it empty).
_OMIT = {"omit": True}
# Extract-level alerts whose messages quote values (of the alert's column and of others it names).
VALUE_QUOTING = {"DEPENDENCY_VIOLATION", "APPENDED_VALUE"}


@dataclass
class TypeFit:
    """The inferred semantic type of a column and how well each type fits its present values."""

    type: str
    fit: float
    fits: dict[str, float] = field(default_factory=dict)
    number_forms: dict[str, int] = field(default_factory=dict)
    booleans: dict[str, int] = field(default_factory=dict)
    unit_numbers: int = 0
    units: dict[str, int] | None = field(default=None, metadata=_OMIT)  # each spelling of a unit, its count


@dataclass
class DateFormats:
    """Dates in a column: the share of date-like values, each strftime format seen with its count."""

    share: float = 0.0
    formats: dict[str, int] = field(default_factory=dict)
    ambiguous: int = 0
    invalid: int = 0
    day_first_only: int | None = field(default=None, metadata=_OMIT)
    month_first_only: int | None = field(default=None, metadata=_OMIT)


@dataclass
class Shape:
    """A value shape (letters to A/a, digits to 9), how many values have it, and up to 3 examples."""

    shape: str
    count: int
    examples: list[str] = field(default_factory=list)


@dataclass
class Variant:
    """Spellings of one value (``Active``, ``ACTIVE``, `` active``): the most common and the others."""

    value: str
    count: int
    variants: dict[str, int] = field(default_factory=dict)


@dataclass
class Typo:
    """A rare value within a few edits of a far more frequent one."""

    value: str
    count: int
    likely: str
    score: int


@dataclass
class NotEncodable:
    """Characters a target code page cannot store, and a regex matching them."""

    encoding: str
    characters: list[str]
    pattern: str


@dataclass
class ColumnAlert:
    """An alert as listed on its column (the rows are on the profile-level ``Alert``)."""

    code: str
    severity: str
    message: str
    examples: list[str] = field(default_factory=list)


@dataclass
class ColumnProfile:
    """Everything measured on one column; counts are of rows, over the whole column."""

    name: str
    dtype: str
    rows: int
    nulls: int
    distinct: int
    empty: int = 0
    whitespace: int = 0
    pseudo_null_total: int = 0
    leading_zeros: int = 0
    non_ascii: int = 0
    control_chars: int = 0
    line_breaks: int = 0
    replacement_chars: int = 0
    mojibake: int = 0
    html_entities: int = 0
    nbsp: int = 0
    zero_width: int = 0
    markup: int = 0
    not_nfc: int = 0
    len_min: int | None = None
    len_max: int | None = None
    len_p50: int | None = None
    len_p95: int | None = None
    bytes_max: int | None = None
    padded: int = 0
    case_upper: int = 0
    case_lower: int = 0
    case_title: int = 0
    pseudo_nulls: dict[str, int] = field(default_factory=dict)
    top: list[tuple[str, int]] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)
    outside_dominant_shapes: float = 0.0
    collapsed_shapes: list[Shape] = field(default_factory=list)
    type: TypeFit = field(default_factory=lambda: TypeFit("empty", 0.0))
    dates: DateFormats = field(default_factory=DateFormats)
    categorical: bool = False
    variants: list[Variant] = field(default_factory=list)
    typos: list[Typo] = field(default_factory=list)
    not_encodable: NotEncodable | None = None
    alerts: list[ColumnAlert] = field(default_factory=list)
    float_noise: int | None = field(default=None, metadata=_OMIT)  # 0.059000000000000004
    declared_type: str | None = field(default=None, metadata=_OMIT)  # the database's type (varchar(40) ...)

    @property
    def present(self) -> int:
        """Values with content: not null, empty, blank or a placeholder token."""
        return self.rows - self.nulls - self.empty - self.whitespace - self.pseudo_null_total


@dataclass
class KeyDuplicates:
    """Rows sharing a key value, and whether (and in which columns) the repeated records disagree."""

    key: list[str]
    groups: int
    rows: int
    conflicting_groups: int
    conflicting_columns: dict[str, int] = field(default_factory=dict)
    examples: list[list[int]] = field(default_factory=list)


@dataclass
class NearCluster:
    """Rows that look like one entity entered more than once, with the weakest link's score."""

    rows: list[int]
    score: float


@dataclass
class Duplicates:
    """Exact duplicate rows, duplicate keys and near-duplicates of one extract."""

    exact: list[list[int]] = field(default_factory=list)
    exact_groups: int = 0
    key: KeyDuplicates | None = None
    near: list[NearCluster] = field(default_factory=list)
    near_fields: list[str] | None = field(default=None, metadata=_OMIT)
    near_clusters: int | None = field(default=None, metadata=_OMIT)
    near_skipped: str | None = field(default=None, metadata=_OMIT)


@dataclass
class Alert:
    """A fired rule: its stable code, severity, the column (None for row-level alerts), a message for
    a business reader, example values, the first rows concerned (0-based) and how many there are."""

    code: str
    severity: str
    column: str | None
    message: str
    examples: list[str]
    rows: list[int]
    total: int


def to_data(obj: Any) -> Any:
    """A model as plain JSON data, in field order, leaving out the empty ``omit`` fields."""
    if is_dataclass(obj) and not isinstance(obj, type):
        return {
            f.name: to_data(getattr(obj, f.name))
            for f in fields(obj)
            if not (f.metadata.get("omit") and getattr(obj, f.name) is None)
        }
    if isinstance(obj, (list, tuple)):
        return [to_data(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_data(v) for k, v in obj.items()}
    return obj


# Measures of a column that are not counts of its rows (so not bounded by them).
_NOT_ROW_COUNTS = {"len_min", "len_max", "len_p50", "len_p95", "bytes_max"}


def _check_counts(prof: Profile, where: str) -> None:
    """Counts a hand edit can make impossible (negative, more than the rows, not finite), refused by name:
    every consumer does arithmetic with them."""
    import math

    def bad(what: str, value: object) -> ProfileFormatError:
        return ProfileFormatError(f"{where}: not a valid profile: {what}: {value!r} is not a possible count")

    if prof.rows < 0:
        raise bad("rows", prof.rows)
    for i, c in enumerate(prof.columns):
        for f in fields(c):
            value = getattr(c, f.name)
            if isinstance(value, bool):
                continue
            if isinstance(value, int) and (value < 0 or (f.name not in _NOT_ROW_COUNTS and value > prof.rows)):
                raise bad(f"columns.{i}.{f.name}", value)
            if isinstance(value, float) and not (math.isfinite(value) and 0 <= value <= 1):
                raise bad(f"columns.{i}.{f.name}", value)
        counted = [*c.pseudo_nulls.values(), *(n for _, n in c.top), *(x.count for x in c.shapes)]
        if any(n < 0 or n > prof.rows for n in counted):
            raise bad(f"columns.{i} (top values, shapes or placeholders)", max(counted, key=abs))
        fits = [c.type.fit, *c.type.fits.values(), c.dates.share]
        if any(not (math.isfinite(x) and 0 <= x <= 1) for x in fits):
            raise bad(f"columns.{i}.type", c.type.fit)


def read_profile_data(data: Any, where: str) -> dict[str, Any]:
    """Check the format version of saved profile data; the data without it."""
    if not isinstance(data, dict) or "columns" not in data:
        raise ProfileFormatError(f"{where}: not a profile (no 'columns'); write one with Profile.to_json")
    data = dict(data)
    version = data.pop("format_version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ProfileFormatError(f"{where}: format_version {version!r} is not a profile format version")
    if version > FORMAT_VERSION:
        raise ProfileFormatError(
            f"{where}: profile format {version} was written by a newer kit (this one reads up to {FORMAT_VERSION})"
        )
    return data


def validation_message(exc: Exception, where: str) -> str:
    """A pydantic validation error as one line naming the file and the first bad place."""
    errors = exc.errors()  # type: ignore[attr-defined]
    first = errors[0]
    loc = ".".join(str(p) for p in first["loc"]) or "document"
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return f"{where}: not a valid profile: {loc}: {first['msg']}{more}"


def load_json(path: str | Path) -> Any:
    """The JSON of a saved file, or a one-line error naming it."""
    return parse_json(read_text(path, "profile", ProfileFormatError), str(path))


def parse_json(text: str, where: str) -> Any:
    """Profile JSON text parsed, or a one-line error naming ``where``."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProfileFormatError(f"{where}:{exc.lineno}: not a profile JSON ({exc.msg})") from None
    except RecursionError:
        raise ProfileFormatError(f"{where}: nested too deeply to be a profile") from None


@dataclass
class Profile:
    """A profile of one extract: per-column facts, duplicates, alerts, and the figures that are not exact.

    ``to_json()`` writes the documented layout with its ``format_version``; ``Profile.load(path)``
    reads one back, validated (a hand-edited or truncated file is a one-line ``ProfileFormatError``).

    >>> import polars as pl
    >>> from kit.profiling import profile
    >>> p = profile(pl.DataFrame({"code": ["A", "B", "N/A"]}))
    >>> Profile.from_dict(p.to_dict()) == p
    True
    """

    source: str
    rows: int
    columns: list[ColumnProfile]
    duplicates: Duplicates = field(default_factory=Duplicates)
    alerts: list[Alert] = field(default_factory=list)
    # The figures that are not exact counts, each with why (a path into to_dict() -> reason). Every
    # count not named here is exact, at any size: distinct counts included.
    approximate: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The profile as plain JSON data, its format version first."""
        return {"format_version": FORMAT_VERSION, **to_data(self)}

    def to_json(self, indent: int = 2) -> str:
        """The profile as JSON text (what ``kit profile --json`` writes, without the final newline)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, default=str)

    @classmethod
    def from_dict(cls, data: Any, where: str = "profile") -> Profile:
        """A profile from its JSON data, validated; ``where`` names it in errors."""
        from pydantic import TypeAdapter, ValidationError

        data = read_profile_data(data, where)
        try:
            prof = TypeAdapter(cls).validate_python(data)
        except ValidationError as exc:
            raise ProfileFormatError(validation_message(exc, where)) from None
        names = [c.name for c in prof.columns]
        if len(set(names)) != len(names) or not all(names):
            raise ProfileFormatError(f"{where}: not a valid profile: column names are empty or repeated")
        _check_counts(prof, where)
        return prof

    @classmethod
    def from_json(cls, text: str, where: str = "profile") -> Profile:
        """A profile from the text ``to_json`` wrote, validated; ``where`` names it in errors."""
        return cls.from_dict(parse_json(text, where), where)

    @classmethod
    def load(cls, path: str | Path) -> Profile:
        """A profile saved with ``kit profile --json`` (or ``to_json``): read, version-checked, validated."""
        return cls.from_dict(load_json(path), str(path))

    def column(self, name: str) -> ColumnProfile:
        """The profile of one column, by name."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KitError(f"{self.source}: no column {name!r}; columns are {[c.name for c in self.columns]}")

    def alerts_for(self, code: str | None = None, column: str | None = None) -> list[Alert]:
        """The alerts with this code and/or on this column."""
        return [a for a in self.alerts if (code is None or a.code == code) and (column is None or a.column == column)]

    def rows_for(self, alert: Alert) -> list[int]:
        """0-based indices of the loaded rows the alert concerns (the first 10,000; ``alert.total`` counts all)."""
        return list(alert.rows)

    def redacted(self, redactor: Redactor) -> Profile:
        """A copy showing the values of masked columns as shapes, and the messages that quote them as
        their rules' data-free descriptions (the same profile when nothing is masked)."""
        if not redactor:
            return self
        from kit.profiling.alerts import EXTRACT_RULES, RULES
        from kit.redact import shape, without_examples

        def describe(code: str) -> str:
            rule = RULES.get(code) or EXTRACT_RULES.get(code)
            return without_examples(rule.description) if rule else f"{code} (details masked)"

        def names_masked(code: str, column: str | None, message: str) -> bool:
            """A value-quoting extract finding that names a masked column (its own or the other side)."""
            return code in VALUE_QUOTING and any(
                redactor.masks(c.name) and (c.name == column or c.name in message) for c in self.columns
            )

        def column(c: ColumnProfile) -> ColumnProfile:
            if not redactor.masks(c.name):
                if not any(names_masked(a.code, c.name, a.message) for a in c.alerts):
                    return c
                return replace(
                    c,
                    alerts=[
                        replace(a, message=describe(a.code)) if names_masked(a.code, c.name, a.message) else a
                        for a in c.alerts
                    ],
                )
            return replace(
                c,
                top=[(shape(v), n) for v, n in c.top],
                # Shapes from the profiler keep non-ASCII letters, which can still spell a person.
                shapes=[Shape(shape(s.shape), s.count, [shape(v) for v in s.examples]) for s in c.shapes],
                collapsed_shapes=[
                    Shape(shape(s.shape), s.count, [shape(v) for v in s.examples]) for s in c.collapsed_shapes
                ],
                variants=[
                    Variant(shape(v.value), v.count, {shape(k): n for k, n in v.variants.items()}) for v in c.variants
                ],
                typos=[Typo(shape(t.value), t.count, shape(t.likely), t.score) for t in c.typos],
                alerts=[
                    ColumnAlert(a.code, a.severity, describe(a.code), [shape(v) for v in a.examples]) for a in c.alerts
                ],
            )

        def alert(a: Alert) -> Alert:
            # Most extract-level messages hold counts and column names only; those quoting values (a
            # dependency's left and right values) are masked when any column they name is.
            message = a.message
            if a.code not in EXTRACT_RULES:
                message = redactor.message(a.message, a.column, describe(a.code))
            elif names_masked(a.code, a.column, a.message):
                message = describe(a.code)
            return replace(a, message=message, examples=redactor.values(a.examples, a.column))

        alerts = [alert(a) for a in self.alerts]
        return replace(self, columns=[column(c) for c in self.columns], alerts=alerts)

    def _repr_html_(self) -> str:
        # The notebook display protocol; the HTML itself is made in kit.render, which this module never imports.
        from kit.render.profile import profile_html

        return profile_html(self)

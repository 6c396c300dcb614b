"""What changed in a system's data since the mapping was made: profile (then) against profile (now).

Each change is a small finding with a stable code; with the mapping at hand, a change that breaks one
of its assumptions (a status no value_map covers, a date format no parse_date lists, a mapped column
gone, values now longer than the target allows) is marked as breaking, and ``kit drift`` exits 1.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING

from kit.expectations import wilson_lower
from kit.mapping.spec import Mapping
from kit.profiling import ColumnProfile, Profile

if TYPE_CHECKING:
    from kit.redact import Redactor

SHAPE_SHARE = 0.01  # a new shape matters from 1% of the values


@dataclass
class Change:
    code: str
    column: str | None
    message: str
    breaks: bool = False
    fields: tuple[str, ...] = ()

    def line(self) -> str:
        """The change as one indented line of ``kit drift``'s output."""
        where = f"{self.column}: " if self.column else ""
        mark = "BREAKS " + ", ".join(self.fields) + ": " if self.breaks else ""
        return f"  {self.code} {where}{mark}{self.message}"


@dataclass
class Drift:
    old: str
    new: str
    changes: list[Change]

    @property
    def breaking(self) -> list[Change]:
        """The changes that break an assumption of the mapping."""
        return [c for c in self.changes if c.breaks]

    def redacted(self, redactor: Redactor) -> Drift:
        """A copy in which a change on a masked column is told by its rule's description (its messages
        quote values)."""
        if not redactor:
            return self
        changes = [
            replace(c, message=redactor.message(c.message, c.column, DRIFT_RULES[c.code].description))
            if c.code in DRIFT_RULES
            else c
            for c in self.changes
        ]
        return replace(self, changes=changes)

    def summary(self) -> str:
        """A headline and one line per change, breaking ones first."""
        lines = [f"drift {self.old} -> {self.new}: {len(self.changes)} changes, {len(self.breaking)} break the mapping"]
        lines += [c.line() for c in sorted(self.changes, key=lambda c: (not c.breaks, c.column or "", c.code))]
        return "\n".join(lines)

    def to_json(self) -> str:
        """The changes as JSON text (with a final newline)."""
        return (
            json.dumps(
                {"old": self.old, "new": self.new, "changes": [asdict(c) for c in self.changes]},
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )


def _uses(mapping: Mapping | None, column: str) -> list[str]:
    if mapping is None:
        return []
    return [n for n, f in mapping.fields.items() if f.status != "rejected" and column in f.from_]


@dataclass
class ColumnPair:
    """One column then and now (either side None when it came or went), and the mapping fields it feeds."""

    name: str
    old: ColumnProfile | None
    new: ColumnProfile | None
    mapping: Mapping | None = None

    @property
    def uses(self) -> list[str]:
        """The mapping's active fields that read this column."""
        return _uses(self.mapping, self.name)


@dataclass(frozen=True)
class DriftRule:
    code: str
    description: str
    check: Callable[[ColumnPair], Iterator[Change]]


DRIFT_RULES: dict[str, DriftRule] = {}


def drift_rule(code: str, description: str):
    """Register a drift rule: it looks at one column then and now and yields the changes it finds."""

    def wrap(fn: Callable[[ColumnPair], Iterator[Change]]) -> Callable[[ColumnPair], Iterator[Change]]:
        DRIFT_RULES[code] = DriftRule(code, description, fn)
        fn.__doc__ = fn.__doc__ or f"{code}: {description}."
        return fn

    return wrap


@drift_rule("COLUMN_ADDED", "a column the snapshot did not have")
def column_added(p: ColumnPair) -> Iterator[Change]:
    if p.old is None:
        yield Change("COLUMN_ADDED", p.name, "a new column; map it or list it in unmapped_source")


@drift_rule("COLUMN_DROPPED", "a column of the snapshot that is gone (breaking when the mapping reads it)")
def column_dropped(p: ColumnPair) -> Iterator[Change]:
    if p.new is None:
        uses = p.uses
        yield Change("COLUMN_DROPPED", p.name, "the column is gone", bool(uses), tuple(uses))


@drift_rule("TYPE_CHANGED", "the inferred type of the values changed")
def type_changed(p: ColumnPair) -> Iterator[Change]:
    o, n = p.old, p.new
    if o and n and o.type.type != n.type.type:
        yield Change("TYPE_CHANGED", p.name, f"values were {o.type.type}, now {n.type.type}")


@drift_rule("NEW_VALUES", "new values in a code column (breaking when no value_map covers them)")
def new_values(p: ColumnPair) -> Iterator[Change]:
    o, n = p.old, p.new
    if not (o and n and o.categorical and n.categorical):
        return
    seen = {v for v, _ in o.top}
    found = [(v, k) for v, k in n.top if v not in seen and v not in n.pseudo_nulls]
    if found:
        uses = p.uses
        uncovered = _uncovered(p.mapping, uses, [v for v, _ in found])
        listing = ", ".join(f"{v!r} x{k}" for v, k in found)
        breaks = bool(uncovered)
        msg = f"new values {listing}" + (f"; no value_map covers {uncovered}" if uncovered else "")
        yield Change("NEW_VALUES", p.name, msg, breaks, tuple(f for f in uses if breaks))


@drift_rule(
    "NEW_DATE_FORMAT", "dates written in a format the snapshot did not have (breaking when no parse_date lists it)"
)
def new_date_format(p: ColumnPair) -> Iterator[Change]:
    o, n = p.old, p.new
    if not (o and n):
        return
    for fmt in sorted(set(n.dates.formats) - set(o.dates.formats)):
        unparsed = _unparsed(p.mapping, p.uses, fmt)
        yield Change(
            "NEW_DATE_FORMAT",
            p.name,
            f"dates now also written as {fmt} (x{n.dates.formats[fmt]})"
            + ("; no parse_date lists it" if unparsed else ""),
            bool(unparsed),
            tuple(unparsed),
        )


@drift_rule("NEW_SHAPE", "text values in a shape the snapshot did not have, from 1% of the values")
def new_shape(p: ColumnPair) -> Iterator[Change]:
    o, n = p.old, p.new
    if not (o and n) or n.type.type != "text":
        return
    old_shapes = {s.shape for s in o.collapsed_shapes}
    total = max(n.present, 1)
    for s in n.collapsed_shapes:
        if s.shape not in old_shapes and s.count / total >= SHAPE_SHARE:
            yield Change("NEW_SHAPE", p.name, f"{s.count:,} values now look like {s.shape!r} (e.g. {s.examples[:2]})")


@drift_rule("COMPLETENESS_DROP", "fewer rows have a value than a 99.9% lower bound of the snapshot's share")
def completeness_drop(p: ColumnPair) -> Iterator[Change]:
    o, n = p.old, p.new
    if not (o and n and n.rows):
        return
    floor = wilson_lower(o.present, o.rows)
    share = n.present / n.rows
    if share < floor:
        yield Change(
            "COMPLETENESS_DROP",
            p.name,
            f"{100 * share:.1f}% of rows have a value, was "
            f"{100 * o.present / max(o.rows, 1):.1f}% (bound {100 * floor:.1f}%)",
        )


@drift_rule("LONGER_VALUES", "values longer than before (breaking when a target field's max_length is passed)")
def longer_values(p: ColumnPair) -> Iterator[Change]:
    o, n, m = p.old, p.new, p.mapping
    if not (o and n) or (n.len_max or 0) <= (o.len_max or 0):
        return
    too_long = [
        f
        for f in p.uses
        if m
        and m.fields[f].max_length
        and n.len_max > m.fields[f].max_length
        and not any(s.name == "truncate" for s in m.fields[f].steps)
    ]
    yield Change(
        "LONGER_VALUES",
        p.name,
        f"values reach {n.len_max} characters, were at most {o.len_max}",
        bool(too_long),
        tuple(too_long),
    )


@drift_rule("NEW_FINDING", "a profile alert the snapshot did not raise on the column")
def new_finding(p: ColumnPair) -> Iterator[Change]:
    o, n = p.old, p.new
    if not (o and n):
        return
    for code in sorted({a.code for a in n.alerts} - {a.code for a in o.alerts}):
        message = next(a.message for a in n.alerts if a.code == code)
        yield Change("NEW_FINDING", p.name, f"{code}: {message}")


def drift(old: Profile, new: Profile, mapping: Mapping | None = None) -> Drift:
    """Changes from ``old`` to ``new`` (two profiles of the same system's extract), rule by rule.

    >>> import polars as pl
    >>> from kit.profiling import profile
    >>> a = profile(pl.DataFrame({"s": ["A", "B"] * 50}))
    >>> b = profile(pl.DataFrame({"s": ["A", "B", "C", "A"] * 25}))
    >>> [c.code for c in drift(a, b).changes]
    ['NEW_VALUES']
    """
    before = {c.name: c for c in old.columns}
    after = {c.name: c for c in new.columns}
    pairs = [
        ColumnPair(name, before.get(name), after.get(name), mapping) for name in sorted(before.keys() | after.keys())
    ]
    changes = [c for r in DRIFT_RULES.values() for p in pairs for c in r.check(p)]
    return Drift(old.source, new.source, changes)


def _uncovered(mapping: Mapping | None, fields: list[str], values: list[str]) -> list[str]:
    if mapping is None:
        return []
    missing: list[str] = []
    for name in fields:
        steps = mapping.fields[name].steps
        for i, step in enumerate(steps):
            if step.name != "value_map" or step.args.unmapped not in ("quarantine", "null"):
                continue
            table = step.args.table
            nulled = {t for s in steps[:i] if s.name == "null_if" for t in s.args.tokens}
            missing += [v for v in values if step.args.fold(v) not in table and v not in nulled]
    return sorted(set(missing))


def _unparsed(mapping: Mapping | None, fields: list[str], fmt: str) -> list[str]:
    if mapping is None:
        return []
    wanted = set(fmt.split("|"))
    return [
        name
        for name in fields
        for step in mapping.fields[name].steps
        if step.name == "parse_date" and not wanted & set(step.args.formats)
    ]

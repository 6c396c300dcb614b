"""What changed in a system's data since the mapping was made: profile (then) against profile (now).

Each change is a small finding with a stable code; with the mapping at hand, a change that breaks one
of its assumptions (a status no value_map covers, a date format no parse_date lists, a mapped column
gone, values now longer than the target allows) is marked as breaking, and ``kit drift`` exits 1.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from kit.expectations import wilson_lower
from kit.mapping.spec import Mapping
from kit.profiling import Profile

SHAPE_SHARE = 0.01  # a new shape matters from 1% of the values


@dataclass
class Change:
    code: str
    column: str | None
    message: str
    breaks: bool = False
    fields: tuple[str, ...] = ()

    def line(self) -> str:
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
        return [c for c in self.changes if c.breaks]

    def summary(self) -> str:
        lines = [f"drift {self.old} -> {self.new}: {len(self.changes)} changes, {len(self.breaking)} break the mapping"]
        lines += [c.line() for c in sorted(self.changes, key=lambda c: (not c.breaks, c.column or "", c.code))]
        return "\n".join(lines)

    def to_json(self) -> str:
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


def drift(old: Profile, new: Profile, mapping: Mapping | None = None) -> Drift:
    """Changes from ``old`` to ``new`` (two profiles of the same system's extract).

    >>> import polars as pl
    >>> from kit.profiling import profile
    >>> a = profile(pl.DataFrame({"s": ["A", "B"] * 50}))
    >>> b = profile(pl.DataFrame({"s": ["A", "B", "C", "A"] * 25}))
    >>> [c.code for c in drift(a, b).changes]
    ['NEW_VALUES']
    """
    changes: list[Change] = []
    before = {c.name: c for c in old.columns}
    after = {c.name: c for c in new.columns}
    for name in after.keys() - before.keys():
        changes.append(Change("COLUMN_ADDED", name, "a new column; map it or list it in unmapped_source"))
    for name in sorted(before.keys() - after.keys()):
        uses = _uses(mapping, name)
        changes.append(Change("COLUMN_DROPPED", name, "the column is gone", bool(uses), tuple(uses)))
    for name in sorted(before.keys() & after.keys()):
        o, n = before[name], after[name]
        uses = _uses(mapping, name)
        if o.type.type != n.type.type:
            changes.append(Change("TYPE_CHANGED", name, f"values were {o.type.type}, now {n.type.type}"))
        # New values in a low-cardinality column, and whether a value_map covers them.
        if o.categorical and n.categorical:
            seen = {v for v, _ in o.top}
            new_values = [(v, k) for v, k in n.top if v not in seen and v not in n.pseudo_nulls]
            if new_values:
                uncovered = _uncovered(mapping, uses, [v for v, _ in new_values])
                listing = ", ".join(f"{v!r} x{k}" for v, k in new_values)
                breaks = bool(uncovered)
                msg = f"new values {listing}" + (f"; no value_map covers {uncovered}" if uncovered else "")
                changes.append(Change("NEW_VALUES", name, msg, breaks, tuple(f for f in uses if breaks)))
        old_formats, new_formats = set(o.dates.formats), set(n.dates.formats)
        for fmt in sorted(new_formats - old_formats):
            unparsed = _unparsed(mapping, uses, fmt)
            changes.append(
                Change(
                    "NEW_DATE_FORMAT",
                    name,
                    f"dates now also written as {fmt} "
                    f"(x{n.dates.formats[fmt]})" + ("; no parse_date lists it" if unparsed else ""),
                    bool(unparsed),
                    tuple(unparsed),
                )
            )
        old_shapes = {s.shape for s in o.collapsed_shapes}
        total = max(n.present, 1)
        for s in n.collapsed_shapes:
            if s.shape not in old_shapes and s.count / total >= SHAPE_SHARE and n.type.type == "text":
                changes.append(
                    Change(
                        "NEW_SHAPE",
                        name,
                        f"{s.count:,} values now look like {s.shape!r} (e.g. {s.examples[:2]})",
                    )
                )
        floor = wilson_lower(o.present, o.rows)
        share = n.present / n.rows if n.rows else 0.0
        if n.rows and share < floor:
            changes.append(
                Change(
                    "COMPLETENESS_DROP",
                    name,
                    f"{100 * share:.1f}% of rows have a value, was "
                    f"{100 * o.present / max(o.rows, 1):.1f}% (bound {100 * floor:.1f}%)",
                )
            )
        if (n.len_max or 0) > (o.len_max or 0):
            too_long = [
                f
                for f in uses
                if mapping
                and mapping.fields[f].max_length
                and n.len_max > mapping.fields[f].max_length
                and not any(s.name == "truncate" for s in mapping.fields[f].steps)
            ]
            changes.append(
                Change(
                    "LONGER_VALUES",
                    name,
                    f"values reach {n.len_max} characters, were at most {o.len_max}",
                    bool(too_long),
                    tuple(too_long),
                )
            )
        new_alerts = {a.code for a in n.alerts} - {a.code for a in o.alerts}
        for code in sorted(new_alerts):
            message = next(a.message for a in n.alerts if a.code == code)
            changes.append(Change("NEW_FINDING", name, f"{code}: {message}"))
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

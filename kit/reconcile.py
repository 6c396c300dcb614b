"""Reconcile the mapped output (system A, mapped) with what system B already holds.

A polars join on the mapped key fields: rows only in A, rows only in B, and for the rows in both,
per-field mismatch counts with examples. Values are compared in a normalised text form (spacing and
case folded, numbers within a tolerance, dates as ISO), so only real differences count. When keys
match only after a normalisation (leading zeros, case, spaces), that is reported: it is usually a
defect of one system (an id stored as a number).

datacompy's polars comparison was the plan; its releases pin polars below 1.45 and this project runs
polars 2, so the comparison is written here in polars (join, compare, count), which is all it needs.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

import polars as pl

from kit.errors import KitError
from kit.load.report import Extract
from kit.mapping.spec import Mapping

if TYPE_CHECKING:
    from kit.redact import Redactor

KEY_NORMALISATIONS = ("exact", "trimmed", "no leading zeros")


# How keys were matched (``key_match``), in the words of a sentence.
KEY_MATCH_WORDS = {
    "exact": "exactly",
    "trimmed": "after trimming spaces",
    "no leading zeros": "after removing leading zeros",
}


@dataclass
class FieldDiff:
    field: str
    compared: int
    mismatches: int
    examples: list[dict] = field(default_factory=list)


@dataclass
class Reconciliation:
    key: list[str]
    key_match: str  # exact, trimmed, or no leading zeros
    source_rows: int
    target_rows: int
    matched: int
    only_in_source: int
    only_in_target: int
    duplicate_target_keys: int
    fields: list[FieldDiff]
    only_in_source_keys: list[str] = field(default_factory=list)
    only_in_target_keys: list[str] = field(default_factory=list)

    def redacted(self, redactor: Redactor) -> Reconciliation:
        """A copy whose differing values and keys from masked columns are shapes."""
        if not redactor:
            return self
        # A composite key is shown masked when any of its columns is.
        key = next((k for k in self.key if redactor.masks(k)), self.key[0] if self.key else None)
        fields = [
            replace(
                f,
                examples=[
                    {
                        **x,
                        "key": redactor.value(x.get("key"), key),
                        "source": None if x.get("source") is None else redactor.value(x["source"], f.field),
                        "target": None if x.get("target") is None else redactor.value(x["target"], f.field),
                    }
                    for x in f.examples
                ],
            )
            for f in self.fields
        ]
        return replace(
            self,
            fields=fields,
            only_in_source_keys=redactor.values(self.only_in_source_keys, key),
            only_in_target_keys=redactor.values(self.only_in_target_keys, key),
        )

    def summary(self) -> str:
        """Counts in both, only in source, only in target, and the fields that differ."""
        lines = [
            f"reconcile on {', '.join(self.key)} (keys matched {KEY_MATCH_WORDS.get(self.key_match, self.key_match)}): "
            f"{self.matched:,} in both, "
            f"{self.only_in_source:,} only in the mapped source, {self.only_in_target:,} only in the target"
        ]
        if self.key_match != "exact":
            lines.append(
                f"  keys match only {KEY_MATCH_WORDS.get(self.key_match, self.key_match)}: one system stores them "
                "differently"
            )
        if self.duplicate_target_keys:
            lines.append(f"  {self.duplicate_target_keys:,} keys appear more than once in the target")
        for f in self.fields:
            share = f"{100 * f.mismatches / f.compared:.1f}%" if f.compared else "-"
            ex = f" e.g. {f.examples[0]}" if f.examples else ""
            lines.append(f"  {f.field:<20} {f.mismatches:>8,} of {f.compared:,} differ ({share}){ex}")
        return "\n".join(lines)

    def to_json(self) -> str:
        """The reconciliation as JSON text."""
        return json.dumps(asdict(self), indent=2, ensure_ascii=False, default=str) + "\n"


def reconcile_or_skip(
    mapping: Mapping, output: pl.DataFrame, target: Extract | pl.DataFrame, **options: Any
) -> tuple[Reconciliation | None, str | None]:
    """``reconcile``, or the reason it cannot be done (no key shared by the mapped output and the
    target), for a run or a notebook that goes on without it."""
    try:
        return reconcile(mapping, output, target, **options), None
    except KitError as exc:
        return None, str(exc)


def _norm_key(expr: pl.Expr, how: str) -> pl.Expr:
    text = expr.cast(pl.String)
    if how == "exact":
        return text
    text = text.str.strip_chars().str.to_lowercase()
    if how == "no leading zeros":
        text = pl.when(text.str.contains(r"^\d+$")).then(text.str.strip_chars_start("0")).otherwise(text)
    return text


def _norm_value(expr: pl.Expr) -> pl.Expr:
    """Text form for comparison: trimmed, spacing collapsed, case folded; null and empty alike."""
    text = expr.cast(pl.String).str.strip_chars().str.replace_all(r"\s+", " ").str.to_lowercase()
    return pl.when(text == "").then(None).otherwise(text)


def reconcile(
    mapping: Mapping,
    output: pl.DataFrame,
    target: Extract | pl.DataFrame,
    key: list[str] | None = None,
    abs_tol: float = 0.005,
    examples: int = 5,
) -> Reconciliation:
    """Compare the mapped output with the target system's extract.

    ``key``: target fields that identify a record in both (default: the mapping's unique fields that
    the target extract has). Numbers are equal within ``abs_tol``.

    >>> out = pl.DataFrame({"ref": ["001", "002"], "city": ["Oslo", "Rome"]})
    >>> tgt = pl.DataFrame({"ref": ["1", "3"], "city": ["oslo ", "Paris"]})
    >>> m = Mapping.model_validate({"name": "m", "outcome": "x", "source": {"system": "A"}, "target": {"system": "B"},
    ...     "fields": {"ref": {"from": "id", "unique": True}, "city": {"from": "c"}}})
    >>> r = reconcile(m, out, tgt)
    >>> r.key_match, r.matched, r.only_in_source, r.only_in_target, r.fields[0].mismatches
    ('no leading zeros', 1, 1, 1, 0)
    """
    tframe = target.frame if isinstance(target, Extract) else target
    if key is None:
        key = [
            n for n, f in mapping.fields.items() if f.unique and f.from_ and n in tframe.columns and n in output.columns
        ]
    if not key:
        raise KitError(
            "no key to reconcile on: mark a mapped field unique (present in both extracts) or pass key=[...]"
        )
    missing = [k for k in key if k not in tframe.columns or k not in output.columns]
    if missing:
        raise KitError(f"reconcile key {missing} is not in both the mapped output and the target extract")
    compare = [n for n in mapping.fields if n in output.columns and n in tframe.columns and n not in key]
    best = None
    for how in KEY_NORMALISATIONS:
        left = output.with_columns(_norm_key(pl.col(k), how).alias(f"\x1fk{i}") for i, k in enumerate(key))
        right = tframe.with_columns(_norm_key(pl.col(k), how).alias(f"\x1fk{i}") for i, k in enumerate(key))
        keys = [f"\x1fk{i}" for i in range(len(key))]
        left = left.filter(pl.all_horizontal(pl.col(keys).is_not_null() & (pl.col(keys) != "")))
        right = right.filter(pl.all_horizontal(pl.col(keys).is_not_null() & (pl.col(keys) != "")))
        matched = left.join(right.unique(keys, keep="first"), on=keys, how="semi").height
        if best is None or matched > best[1]:
            best = (how, matched, left, right, keys)
        if matched >= 0.9 * min(left.height, right.height):
            break
    how, _, left, right, keys = best
    dup_target = right.filter(pl.struct(keys).is_duplicated()).select(keys).unique().height
    right_once = right.unique(keys, keep="first")
    both = left.select(*keys, *compare).join(right_once.select(*keys, *compare), on=keys, how="inner", suffix="\x1ft")
    only_source = left.join(right_once, on=keys, how="anti")
    only_target = right_once.join(left, on=keys, how="anti")
    diffs = []
    for name in compare:
        a, b = pl.col(name), pl.col(f"{name}\x1ft")
        na, nb = _norm_value(a), _norm_value(b)
        numbers = na.cast(pl.Float64, strict=False), nb.cast(pl.Float64, strict=False)
        close = (numbers[0] - numbers[1]).abs() <= abs_tol
        same = (na == nb) | (na.is_null() & nb.is_null()) | close.fill_null(False)
        differ = both.filter(~same.fill_null(False))
        ex = [
            {"key": "/".join(str(v) for v in row[: len(keys)]), "source": row[-2], "target": row[-1]}
            for row in differ.select(*keys, a.cast(pl.String), b.cast(pl.String)).head(examples).iter_rows()
        ]
        diffs.append(FieldDiff(name, both.height, differ.height, ex))
    return Reconciliation(
        key=key,
        key_match=how,
        source_rows=output.height,
        target_rows=tframe.height,
        matched=both.height,
        only_in_source=only_source.height,
        only_in_target=only_target.height,
        duplicate_target_keys=dup_target,
        fields=diffs,
        only_in_source_keys=[str(v) for v in only_source[key[0]].head(20).to_list()],
        only_in_target_keys=[str(v) for v in only_target[key[0]].head(20).to_list()],
    )

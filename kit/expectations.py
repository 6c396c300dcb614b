"""Great Expectations suites generated from a mapping and the profiles: what the mapping assumes about
system A's extract (the source suite) and what system B requires of the mapped output (the target suite).

Suites are plain GX 1.x ExpectationSuite JSON, built deterministically (no ids, no timestamps, a fixed
order), so the same mapping and profiles give the same bytes. Every expectation's ``meta`` names the
target field, the source fields, the rule that produced it and why. Expectation types are chosen for
speed on the pandas engine: regexes instead of dateutil parsing, sets instead of lookups.
Hand-written expectations marked ``meta.manual: true`` survive regeneration.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kit.errors import KitError
from kit.files import write_atomic
from kit.mapping.spec import Mapping, Step, TargetField
from kit.profiling import ColumnProfile, Profile

GX_VERSION = "1.24.1"
# One-sided z for the completeness lower bound: the next extract of the same system falls below it by
# chance about once in a thousand runs.
Z = 3.09


def wilson_lower(successes: int, n: int, z: float = Z) -> float:
    """Lower bound of the Wilson interval for a proportion (floored to 3 decimals, never above 1).

    >>> wilson_lower(990, 1000), wilson_lower(0, 0)
    (0.974, 0.0)
    """
    if n <= 0:
        return 0.0
    p = successes / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, math.floor(1000 * (centre - margin) / (1 + z * z / n)) / 1000)


_STRFTIME = {
    "%Y": r"\d{4}",
    "%y": r"\d{2}",
    "%m": r"\d{1,2}",
    "%d": r"\d{1,2}",
    "%H": r"\d{1,2}",
    "%M": r"\d{2}",
    "%S": r"\d{2}",
    "%b": r"[A-Za-z]{3}",
    "%B": r"[A-Za-z]+",
    "%f": r"\d+",
    "%z": r"[+-]\d{4}",
    "%%": "%",
    # polars' (chrono's): an optional fraction of a second, and a zone as Z, +01:00 or +0100.
    "%.f": r"(\.\d+)?",
    "%#z": r"(Z|[+-]\d{2}:?\d{2})",
}


def strftime_regex(fmt: str) -> str:
    """A regex accepting what ``fmt`` writes: cheap to check with GX (a regex, not dateutil parsing).

    >>> strftime_regex("%d.%m.%Y")
    '\\\\d{1,2}\\\\.\\\\d{1,2}\\\\.\\\\d{4}'
    """
    out, i = [], 0
    while i < len(fmt):
        token = next((t for t in (fmt[i : i + 3], fmt[i : i + 2]) if t in _STRFTIME), None)
        if token is not None:
            out.append(_STRFTIME[token])
            i += len(token)
        else:
            out.append(re.escape(fmt[i]))
            i += 1
    return "".join(out)


@dataclass
class Suites:
    source: dict[str, Any]
    target: dict[str, Any]

    def write(self, folder: str | Path, name: str) -> list[Path]:
        """Write ``<name>.source.json`` and ``<name>.target.json``; manual expectations already there are kept."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for side, suite in (("source", self.source), ("target", self.target)):
            path = out / f"{name}.{side}.json"
            paths.append(write_atomic(path, dumps(_keep_manual(suite, path))))
        return paths


def suites_for(mapping: Mapping, profile: Profile, folder: str | Path | None = None) -> Suites:
    """The mapping's committed suites when both files exist in ``folder`` (default: ``expectations/``
    beside ``mappings/``), else suites generated now from the mapping and the source profile (a fresh
    draft has none committed yet).

    >>> from kit.mapping.spec import Mapping
    >>> from kit.profiling import profile
    >>> m = Mapping.load("mappings/crm_to_erp.yaml")
    >>> len(suites_for(m, profile(m.load_extract("source"), near=False)).source["expectations"]) > 10
    True
    """
    from kit.validation import load_suite, suites_dir_for

    base = Path(folder) if folder else suites_dir_for(mapping)
    paths = [base / f"{mapping.name}.{side}.json" for side in ("source", "target")]
    if all(p.exists() for p in paths):
        return Suites(load_suite(paths[0]), load_suite(paths[1]))
    return generate_suites(mapping, profile)


def is_current(suites: Suites, folder: str | Path, name: str) -> dict[Path, bool]:
    """For each committed suite file, whether its generated expectations are the ones ``suites`` holds
    (manual expectations aside): False means the mapping changed since and ``kit expectations`` is due.

    >>> from kit.mapping.spec import Mapping
    >>> from kit.profiling import profile
    >>> m = Mapping.load("mappings/crm_to_erp.yaml")
    >>> s = generate_suites(m, profile(m.load_extract("source"), key="contact_id", near=False))
    >>> set(is_current(s, "expectations", m.name).values())
    {True}
    """
    out = {}
    for side, suite in (("source", suites.source), ("target", suites.target)):
        path = Path(folder) / f"{name}.{side}.json"
        try:
            committed = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        except json.JSONDecodeError:
            committed = {}
        generated = [e for e in committed.get("expectations", []) if not (e.get("meta") or {}).get("manual")]
        out[path] = generated == suite["expectations"]
    return out


def dumps(suite: dict[str, Any]) -> str:
    """A suite as deterministic JSON text: same suite, same bytes."""
    return json.dumps(suite, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _keep_manual(suite: dict[str, Any], path: Path) -> dict[str, Any]:
    if not path.exists():
        return suite
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise KitError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); fix or delete it to regenerate") from None
    manual = [e for e in old.get("expectations", []) if (e.get("meta") or {}).get("manual")]
    return {**suite, "expectations": suite["expectations"] + manual}


def _exp(
    kind: str,
    kwargs: dict,
    field: str | None,
    sources: list[str],
    rule: str,
    reason: str,
    severity: str = "critical",
    **meta: Any,
) -> dict[str, Any]:
    return {
        "type": kind,
        "kwargs": kwargs,
        "meta": {"target_field": field, "source_fields": sources, "rule": rule, "reason": reason, **meta},
        "severity": severity,
    }


def _suite(name: str, notes: str, expectations: list[dict]) -> dict[str, Any]:
    return {
        "name": name,
        "id": None,
        "expectations": expectations,
        "meta": {"great_expectations_version": GX_VERSION, "generated_by": "kit expectations"},
        "notes": notes,
    }


def _nulled_tokens(f: TargetField, upto: int) -> list[str]:
    """Tokens that null_if steps before step ``upto`` turn into nulls (they need no format)."""
    return [t for s in f.steps[:upto] if s.name == "null_if" for t in s.args.tokens]


def _with_tokens(regex: str, tokens: list[str]) -> str:
    alternatives = [regex] + [re.escape(t) for t in sorted(set(tokens))] + [r"\s*"]
    return "^(?:" + "|".join(alternatives) + ")$"


def _format_exp(
    name: str, f: TargetField, step: int, col: str, regex: str, rule: str, reason: str, severity: str = "critical"
) -> dict[str, Any]:
    """Target field ``name``'s source ``col`` matches ``regex`` where step ``step`` of ``f`` converts it
    (values null_if steps before it turn into nulls need no format)."""
    return _exp(
        "expect_column_values_to_match_regex",
        {"column": col, "regex": _with_tokens(regex, _nulled_tokens(f, step))},
        name,
        [col],
        rule,
        reason,
        severity,
    )


def source_expectations(mapping: Mapping, profile: Profile) -> list[dict]:
    """What the mapping assumes about the source extract, field by field."""
    exps: list[dict] = []
    columns = {c.name: c for c in profile.columns}
    key = mapping.source.key
    if key and mapping.dedup is None:
        if len(key) == 1:
            exps.append(
                _exp(
                    "expect_column_values_to_be_unique",
                    {"column": key[0]},
                    None,
                    key,
                    "source key",
                    "the mapping treats the source key as unique (no dedup rule)",
                )
            )
        else:
            exps.append(
                _exp(
                    "expect_compound_columns_to_be_unique",
                    {"column_list": key},
                    None,
                    key,
                    "source key",
                    "the mapping treats the compound source key as unique (no dedup rule)",
                )
            )
    for name, f in mapping.fields.items():
        if f.status == "rejected":
            continue
        for col in f.from_:
            c = columns.get(col)
            if c is None:
                continue
            exps.append(
                _exp("expect_column_to_exist", {"column": col}, name, [col], "source column", "the mapping reads it")
            )
            present = c.rows - c.nulls
            bound = wilson_lower(present, c.rows)
            if bound > 0:
                exps.append(
                    _exp(
                        "expect_column_values_to_not_be_null",
                        {"column": col, "mostly": bound},
                        name,
                        [col],
                        "completeness",
                        f"{present:,} of {c.rows:,} rows had a value; the next extract is expected to fill at least "
                        f"{100 * bound:.1f}% (the 99.9% lower confidence bound of that share)",
                        "warning",
                        observed=round(present / c.rows, 6) if c.rows else None,
                    )
                )
        if len(f.from_) != 1:
            continue
        col = f.from_[0]
        for i, step in enumerate(f.steps):
            rule = STEP_EXPECTATIONS.get(step.name)
            if rule is not None:
                exps += rule.generate(StepSite(mapping, name, f, i, col, columns.get(col)))
    return exps


@dataclass
class StepSite:
    """Where a step stands: the mapping, the target field, the step's index and its one source column
    (with its profile, when the extract has that column)."""

    mapping: Mapping
    name: str
    field: TargetField
    index: int
    column: str
    profile: ColumnProfile | None

    @property
    def step(self) -> Step:
        """The step at this site."""
        return self.field.steps[self.index]


@dataclass(frozen=True)
class StepExpectation:
    step: str
    description: str
    generate: Callable[[StepSite], list[dict[str, Any]]]


STEP_EXPECTATIONS: dict[str, StepExpectation] = {}


def step_expectation(step: str, description: str):
    """Register what a step assumes about its source column, as expectations of the source suite."""

    def wrap(fn: Callable[[StepSite], list[dict[str, Any]]]) -> Callable[[StepSite], list[dict[str, Any]]]:
        STEP_EXPECTATIONS[step] = StepExpectation(step, description, fn)
        fn.__doc__ = fn.__doc__ or f"What a {step} step assumes of its source column: {description}."
        return fn

    return wrap


@step_expectation("value_map", "every source value has a translation (unmapped: quarantine)")
def value_map_covers(site: StepSite) -> list[dict[str, Any]]:
    p = site.step.args
    if p.unmapped != "quarantine":
        return []
    nulled = _nulled_tokens(site.field, site.index)
    observed = [v for v, _ in site.profile.top] if site.profile else []
    covered = sorted({v for v in observed if p.fold(v) in p.table} | set(p.map))
    unmapped = sorted({v for v in observed if p.fold(v) not in p.table} - set(nulled))
    return [
        _exp(
            "expect_column_values_to_be_in_set",
            {"column": site.column, "value_set": covered + sorted(set(nulled))},
            site.name,
            [site.column],
            "value_map covers the source",
            "every source value has a translation" + (" (observed spellings included)" if p.case_insensitive else ""),
            observed_unmapped=unmapped,
        )
    ]


@step_expectation("parse_date", "every source value is a date in one of the listed formats")
def parse_date_formats(site: StepSite) -> list[dict[str, Any]]:
    formats = list(site.step.args.formats)
    regex = "|".join(strftime_regex(x) for x in formats)
    severity = "warning" if site.mapping.failure_for(site.name) == "default_and_flag" else "critical"
    reason = f"dates come in the formats {formats}"
    return [_format_exp(site.name, site.field, site.index, site.column, regex, "parse_date formats", reason, severity)]


@step_expectation("cast", "every source value converts to the integer or decimal asked for")
def cast_converts(site: StepSite) -> list[dict[str, Any]]:
    to, mark = site.step.args.to, site.step.args.decimal_mark
    regex = {"integer": r"[+-]?\d+", "decimal": r"[+-]?\d+(?:" + re.escape(mark) + r"\d+)?"}.get(to)
    if not regex:
        return []
    reason = f"values convert to {to} (decimal mark {mark!r})"
    return [_format_exp(site.name, site.field, site.index, site.column, regex, f"cast to {to}", reason)]


def target_expectations(mapping: Mapping) -> list[dict]:
    """What the target system requires of the mapped output."""
    exps: list[dict] = []
    for name, f in mapping.fields.items():
        if f.status == "rejected":
            continue
        src = list(f.from_)
        exps.append(_exp("expect_column_to_exist", {"column": name}, name, src, "target field", "the mapping fills it"))
        if f.required:
            exps.append(
                _exp(
                    "expect_column_values_to_not_be_null",
                    {"column": name},
                    name,
                    src,
                    "required",
                    "the target requires a value",
                )
            )
        if f.unique:
            exps.append(
                _exp(
                    "expect_column_values_to_be_unique",
                    {"column": name},
                    name,
                    src,
                    "unique",
                    "the target requires unique values",
                )
            )
        if f.max_length is not None:
            unit = "characters" if f.length_unit == "chars" else "characters (the byte limit is checked by kit apply)"
            exps.append(
                _exp(
                    "expect_column_value_lengths_to_be_between",
                    {"column": name, "max_value": f.max_length},
                    name,
                    src,
                    "max_length",
                    f"the target stores at most {f.max_length} {unit}",
                )
            )
        if f.allowed is not None:
            exps.append(
                _exp(
                    "expect_column_values_to_be_in_set",
                    {"column": name, "value_set": list(f.allowed)},
                    name,
                    src,
                    "allowed values",
                    "the target accepts only these codes",
                )
            )
        if f.pattern is not None:
            exps.append(
                _exp(
                    "expect_column_values_to_match_regex",
                    {"column": name, "regex": f.pattern},
                    name,
                    src,
                    "pattern",
                    "the target's format rule",
                )
            )
        type_regex = {
            "date": r"^\d{4}-\d{2}-\d{2}$",
            "integer": r"^[+-]?\d+$",
            "decimal": r"^[+-]?\d+(\.\d+)?$",
            "boolean": r"^(True|False|true|false)$",
        }.get(f.type)
        if type_regex:
            exps.append(
                _exp(
                    "expect_column_values_to_match_regex",
                    {"column": name, "regex": type_regex},
                    name,
                    src,
                    "type",
                    f"the target stores a {f.type}; values are checked in their text form",
                )
            )
    key = mapping.target.key
    mapped_key = [k for k in key if k in mapping.fields]
    if len(mapped_key) > 1:
        exps.append(
            _exp(
                "expect_compound_columns_to_be_unique",
                {"column_list": mapped_key},
                None,
                [],
                "target key",
                "the target's compound key",
            )
        )
    return exps


def generate_suites(mapping: Mapping, source_profile: Profile, target_profile: Profile | None = None) -> Suites:
    """The two suites for a mapping.

    >>> from kit import read_extract, profile
    >>> m = Mapping.load("mappings/crm_to_erp.yaml")
    >>> s = generate_suites(m, profile(read_extract("sample_data/crm_contacts.csv"), near=False))
    >>> s.target["name"], s.target["expectations"][1]["type"]
    ('crm_to_erp.target', 'expect_column_values_to_not_be_null')
    """
    del target_profile  # the target's own extract is reconciled, not validated against the mapping
    src = _suite(
        f"{mapping.name}.source",
        f"What {mapping.name} assumes about {mapping.source.system}'s extract.",
        source_expectations(mapping, source_profile),
    )
    tgt = _suite(
        f"{mapping.name}.target",
        f"What {mapping.target.system} requires of the output of {mapping.name}.",
        target_expectations(mapping),
    )
    return Suites(src, tgt)

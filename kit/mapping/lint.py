"""Lint a mapping against the data: what the evidence says the decisions miss.

Each rule is a small registered function with a stable code. It gets a ``LintContext`` (the mapping, the
source profile, the target profile if there is one, and a dry run of the mapping on the source rows
when the extract is at hand) and yields findings that name the file and line of the decision.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING

import polars as pl

from kit.load.report import Extract
from kit.mapping.apply import Applied, apply_mapping
from kit.mapping.spec import Mapping
from kit.profiling import ColumnProfile, Profile

if TYPE_CHECKING:
    from kit.redact import Redactor

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass
class Finding:
    code: str
    severity: str
    field: str | None
    message: str
    where: str
    count: int = 0
    examples: list[str] = field(default_factory=list)

    def line(self) -> str:
        """The finding as one line: ``file:line: severity CODE field: message``."""
        ex = f" e.g. {self.examples[:3]!r}" if self.examples else ""
        target = f"field {self.field!r}: " if self.field else ""
        return f"{self.where}: {self.severity} {self.code} {target}{self.message}{ex}"


@dataclass
class Hit:
    """What a rule found. The runner makes it a ``Finding`` with the rule's registered code and
    severity; ``severity`` is set only where the evidence makes it milder than registered."""

    field: str | None
    message: str
    where: str
    count: int = 0
    examples: list[str] = field(default_factory=list)
    severity: str | None = None


@dataclass
class LintContext:
    mapping: Mapping
    source: Profile
    target: Profile | None = None
    applied: Applied | None = None
    frame: pl.DataFrame | None = None

    def column(self, name: str) -> ColumnProfile | None:
        """The source profile of one column, or None when the extract has no such column."""
        return next((c for c in self.source.columns if c.name == name), None)

    def active(self) -> Iterator[tuple[str, object]]:
        """Target fields whose decision is not rejected."""
        for name, f in self.mapping.fields.items():
            if f.status != "rejected":
                yield name, f

    def failures(self, name: str, *codes: str) -> pl.DataFrame:
        """Dry-run quarantine rows of one field with one of these failure codes (``FAILURE_CODES``)."""
        if self.applied is None:
            return pl.DataFrame()
        q = self.applied.quarantine
        return q.filter((pl.col("field") == name) & pl.col("code").is_in(codes))


@dataclass(frozen=True)
class LintRule:
    code: str
    severity: str
    description: str
    check: Callable[[LintContext], Iterator[Hit]]


RULES: dict[str, LintRule] = {}


def rule(code: str, severity: str, description: str):
    """Register a lint rule: its stable code, its (most severe) severity and what it looks for."""

    def wrap(fn: Callable[[LintContext], Iterator[Hit]]):
        RULES[code] = LintRule(code, severity, description, fn)
        fn.__doc__ = fn.__doc__ or f"{code} ({severity}): {description}."
        return fn

    return wrap


def _examples(frame: pl.DataFrame, columns: list[str], n: int = 5) -> list[str]:
    if frame.is_empty():
        return []
    cols = [c for c in columns if c in frame.columns]
    values = frame.select(pl.concat_str([pl.col(c).fill_null("∅") for c in cols], separator=" | ")).to_series()
    return [str(v) for v in values.unique(maintain_order=True).head(n).to_list()]


def _has_step(f, *names: str) -> bool:
    return any(s.name in names for s in f.steps)


def _catalog_rules(mapping: Mapping) -> tuple[dict | None, str | None]:
    """The target table's enforced rules by column, or why they could not be read."""
    db = mapping.target.database
    if db is None or db.table is None:
        return None, None
    from kit.errors import KitError
    from kit.load.catalog import catalog
    from kit.load.database import DEFAULT_TIMEOUT

    try:
        rules = catalog(mapping.database_url("target"), db.table, db.timeout or DEFAULT_TIMEOUT)
        return {r.name: r for r in rules}, None
    except KitError as exc:
        return None, str(exc)


@rule("CATALOG_CONTRADICTION", "warning", "a target constraint that contradicts what the target database enforces")
def catalog_contradiction(ctx: LintContext) -> Iterator[Hit]:
    rules, why = _catalog_rules(ctx.mapping)
    if why:
        yield Hit(None, f"the target's catalog was not read: {why}", ctx.mapping.where("target"), severity="info")
    for name, f in ctx.mapping.fields.items():
        r = (rules or {}).get(name)
        if r is None:
            continue
        said = []
        if r.required and not f.required:
            said.append("NOT NULL, the field is not required")
        if r.unique and not f.unique:
            said.append("unique values, the field is not unique")
        if r.max_length is not None and r.kind == "string" and (f.max_length is None or f.max_length > r.max_length):
            said.append(f"at most {r.max_length} characters, the field allows {f.max_length or 'any length'}")
        if r.allowed and (f.allowed is None or not set(f.allowed) <= set(r.allowed)):
            said.append(f"only {', '.join(r.allowed)}, the field allows {f.allowed or 'any value'}")
        if r.scale is not None and r.kind == "decimal" and f.type == "decimal" and f.scale not in (None, r.scale):
            said.append(f"{r.scale} decimals, the field has {f.scale}")
        if said:
            yield Hit(
                name,
                f"the target database enforces {'; '.join(said)}: rows the mapping lets through will be refused",
                ctx.mapping.where("fields", name),
            )


@rule("UNKNOWN_SOURCE_FIELD", "error", "a field reads a source column the extract does not have")
def unknown_source(ctx: LintContext) -> Iterator[Hit]:
    have = {c.name for c in ctx.source.columns}
    for name, f in ctx.mapping.fields.items():
        for col in f.from_:
            if col not in have:
                yield Hit(
                    name,
                    f"reads {col!r}, which the source extract does not have (columns: {sorted(have)})",
                    ctx.mapping.where("fields", name, "from"),
                )


@rule("TOO_LONG", "error", "source values longer than the target allows, with no truncate step")
def too_long(ctx: LintContext) -> Iterator[Hit]:
    for name, f in ctx.active():
        if f.max_length is None or _has_step(f, "truncate"):
            continue
        bad = ctx.failures(name, "TOO_LONG")
        if ctx.applied is None:
            longest = max(
                (
                    getattr(c, "bytes_max" if f.length_unit == "bytes" else "len_max") or 0
                    for c in map(ctx.column, f.from_)
                    if c
                ),
                default=0,
            )
            if longest > f.max_length:
                yield Hit(
                    name,
                    f"source values reach {longest} {f.length_unit}; the target "
                    f"allows {f.max_length} and no truncate step decides what happens",
                    ctx.mapping.where("fields", name, "max_length"),
                )
        elif bad.height:
            yield Hit(
                name,
                f"{bad.height:,} rows are longer than {f.max_length} "
                f"{f.length_unit} and would be quarantined; add truncate or agree a rule",
                ctx.mapping.where("fields", name, "max_length"),
                bad.height,
                _examples(bad, f.from_),
            )


@rule("UNMAPPED_VALUES", "warning", "source values a value_map does not cover")
def unmapped_values(ctx: LintContext) -> Iterator[Hit]:
    for name, f in ctx.active():
        for i, step in enumerate(f.steps):
            if step.name != "value_map":
                continue
            table, policy = step.args.table, step.args.unmapped
            bad = ctx.failures(name, "VALUE_MAP")
            if ctx.applied is not None and policy == "quarantine":
                if bad.height:
                    counts = bad.group_by(f.from_[0]).len().sort("len", descending=True)
                    listing = ", ".join(f"{v!r} x{n}" for v, n in counts.head(8).iter_rows())
                    yield Hit(
                        name,
                        f"{bad.height:,} rows hold values the value map "
                        f"does not cover ({listing}); they go to the quarantine",
                        ctx.mapping.where("fields", name, "steps", i),
                        bad.height,
                    )
                continue
            col = ctx.column(f.from_[0]) if len(f.from_) == 1 else None
            if col is None:
                continue
            missing = [(v, n) for v, n in col.top if step.args.fold(v) not in table]
            if missing and policy in ("null", "keep", "default"):
                listing = ", ".join(f"{v!r} x{n}" for v, n in missing[:8])
                yield Hit(
                    name,
                    f"common source values are not in the value map ({listing}) and become {policy} without a trace",
                    ctx.mapping.where("fields", name, "steps", i),
                    sum(n for _, n in missing),
                )


@rule("VALUE_NOT_ALLOWED", "error", "a value_map target outside the target field's allowed values")
def value_not_allowed(ctx: LintContext) -> Iterator[Hit]:
    for name, f in ctx.mapping.fields.items():
        if f.allowed is None:
            continue
        for i, step in enumerate(f.steps):
            if step.name == "value_map":
                wrong = sorted(set(step.args.map.values()) - set(f.allowed))
                if wrong:
                    yield Hit(
                        name,
                        f"value_map targets {wrong} are not in allowed values {f.allowed}",
                        ctx.mapping.where("fields", name, "steps", i),
                    )


@rule("REQUIRED_FROM_GAPS", "error", "a required target field fed by a column with nulls or placeholders, no default")
def required_gaps(ctx: LintContext) -> Iterator[Hit]:
    for name, f in ctx.active():
        if not f.required or _has_step(f, "default") or ctx.mapping.failure_for(name) == "default_and_flag":
            continue
        bad = ctx.failures(name, "REQUIRED")
        if ctx.applied is not None:
            if bad.height:
                yield Hit(
                    name,
                    f"{bad.height:,} rows have no value for this "
                    "required field after the steps (nulls, blanks or placeholders in the source); add a "
                    "default, a fallback source, or accept the quarantine",
                    ctx.mapping.where("fields", name, "required"),
                    bad.height,
                    _examples(bad, f.from_),
                )
            continue
        gaps = sum(c.rows - c.present for c in map(ctx.column, f.from_[:1]) if c)
        if gaps:
            yield Hit(
                name,
                f"the source has {gaps:,} empty or placeholder values and the field is required with no default",
                ctx.mapping.where("fields", name, "required"),
                gaps,
            )


@rule("CONVERSION_FAILS", "error", "casts or date parses that fail on observed values")
def conversion_fails(ctx: LintContext) -> Iterator[Hit]:
    for name, f in ctx.active():
        for code in ("CAST", "DATE", "TYPE"):
            bad = ctx.failures(name, code)
            if not bad.height:
                continue
            severity = "warning" if ctx.mapping.failure_for(name) == "default_and_flag" else "error"
            yield Hit(
                name,
                f"{bad.height:,} rows fail '{bad['reason'][0]}'"
                + (" and get the default (flagged)" if severity == "warning" else " and are quarantined"),
                ctx.mapping.where("fields", name, "steps"),
                bad.height,
                _examples(bad, f.from_),
                severity=severity,
            )
        if ctx.applied is not None and ctx.mapping.failure_for(name) == "default_and_flag":
            flagged = ctx.applied.output.filter(pl.col("_flags").str.contains(f"{name}: ", literal=True))
            if flagged.height:
                yield Hit(
                    name,
                    f"{flagged.height:,} rows fail the steps and get "
                    f"the default {ctx.mapping.fields[name].default!r} (flagged in _flags)",
                    ctx.mapping.where("fields", name, "on_failure"),
                    flagged.height,
                    severity="warning",
                )


@rule("CONSTRAINT_FAILS", "warning", "mapped values that break the target's pattern or allowed values")
def constraint_fails(ctx: LintContext) -> Iterator[Hit]:
    for name, f in ctx.active():
        for code, key in (("PATTERN", "pattern"), ("NOT_ALLOWED", "allowed")):
            bad = ctx.failures(name, code)
            if bad.height:
                yield Hit(
                    name,
                    f"{bad.height:,} rows fail the target's {key} ({bad['reason'][0]}) and go to the quarantine",
                    ctx.mapping.where("fields", name, key),
                    bad.height,
                    _examples(bad, f.from_),
                )


@rule("LEADING_ZEROS_LOST", "error", "an integer conversion of codes with leading zeros")
def leading_zeros(ctx: LintContext) -> Iterator[Hit]:
    for name, f in ctx.active():
        integer = f.type == "integer" or any(s.name == "cast" and s.args.to == "integer" for s in f.steps)
        for col in map(ctx.column, f.from_):
            if integer and col and col.leading_zeros:
                yield Hit(
                    name,
                    f"{col.leading_zeros:,} values of "
                    f"{col.name!r} start with 0 (e.g. {col.top[0][0]!r}); as integers they lose the "
                    "zeros: keep the field as text",
                    ctx.mapping.where("fields", name, "type"),
                    col.leading_zeros,
                )


@rule("DUPLICATE_KEY_TO_UNIQUE", "error", "a source with duplicate keys feeding a unique target field")
def duplicate_key(ctx: LintContext) -> Iterator[Hit]:
    dup = ctx.source.duplicates.key
    if dup is None or not dup.groups or ctx.mapping.dedup is not None:
        return
    for name, f in ctx.active():
        if f.unique and set(f.from_) & set(dup.key):
            yield Hit(
                name,
                f"{dup.groups:,} source keys repeat "
                f"({dup.rows:,} rows) but the target field is unique; add a dedup rule saying which "
                "record wins",
                ctx.mapping.where("fields", name, "unique"),
                dup.rows,
            )


@rule("DEDUP_DROPS_CONFLICTS", "warning", "a dedup rule that drops rows whose other values differ from the kept row")
def dedup_conflicts(ctx: LintContext) -> Iterator[Hit]:
    dup = ctx.source.duplicates.key
    d = ctx.mapping.dedup
    if d is None or dup is None or not dup.conflicting_groups or sorted(dup.key) != sorted(d.key):
        return
    columns = ", ".join(f"{k} ({v})" for k, v in dup.conflicting_columns.items())
    yield Hit(
        None,
        f"{dup.conflicting_groups:,} repeated keys disagree in "
        f"{columns}; keep={d.keep} silently picks one version: confirm that is the right one",
        ctx.mapping.where("dedup", "keep"),
        dup.conflicting_groups,
    )


@rule("NO_CARDINALITY", "warning", "several source fields into one without a written rule")
def no_cardinality(ctx: LintContext) -> Iterator[Hit]:
    for name, f in ctx.active():
        if len(f.from_) > 1 and not f.cardinality:
            yield Hit(
                name,
                f"{len(f.from_)} source fields {f.from_} meet here; write "
                "the rule in cardinality (e.g. '2:1 billing wins, shipping fills gaps')",
                ctx.mapping.where("fields", name, "from"),
            )


@rule("REQUIRED_UNMAPPED", "error", "a required target field with no active decision or fill")
def required_unmapped(ctx: LintContext) -> Iterator[Hit]:
    for name, f in ctx.mapping.fields.items():
        if f.required and (f.status == "rejected" or not f.from_) and name not in ctx.mapping.target_only:
            yield Hit(name, "is required but nothing fills it", ctx.mapping.where("fields", name))


@rule("NO_SOURCE", "warning", "a decided (proposed or approved) field that no source feeds")
def no_source(ctx: LintContext) -> Iterator[Hit]:
    for name, f in ctx.mapping.fields.items():
        if f.status in ("proposed", "approved") and not f.from_ and name not in ctx.mapping.target_only:
            yield Hit(
                name,
                f"is {f.status} but no source field feeds it, so kit apply leaves it empty; add from: or "
                "move it to target_only with how it is filled",
                ctx.mapping.where("fields", name),
            )


@rule("TARGET_FIELD_UNMAPPED", "warning", "a column of the target extract with no decision")
def target_unmapped(ctx: LintContext) -> Iterator[Hit]:
    if ctx.target is None:
        return
    covered = set(ctx.mapping.fields) | set(ctx.mapping.target_only)
    for col in ctx.target.columns:
        if col.name not in covered:
            yield Hit(
                col.name,
                "is in the target extract but neither mapped nor listed in target_only",
                ctx.mapping.where("fields"),
            )


@rule("SOURCE_FIELD_UNACCOUNTED", "warning", "a source column neither mapped nor listed as deliberately unmapped")
def source_unaccounted(ctx: LintContext) -> Iterator[Hit]:
    used = {c for _, f in ctx.active() for c in f.from_} | set(ctx.mapping.unmapped_source)
    for col in ctx.source.columns:
        if col.name not in used:
            yield Hit(
                None,
                f"source column {col.name!r} is neither mapped nor listed in unmapped_source with a reason",
                ctx.mapping.where("unmapped_source"),
            )


@rule("NOT_ENCODABLE", "error", "mapped text the target's code page cannot store")
def not_encodable(ctx: LintContext) -> Iterator[Hit]:
    if ctx.applied is None:
        return
    from kit.profiling.encodings import not_encodable as find

    for name, f in ctx.active():
        page = f.code_page or ctx.mapping.target.code_page
        if not page or f.type != "string" or name not in ctx.applied.output.columns:
            continue
        counts = ctx.applied.output[name].drop_nulls().value_counts(name="\x1fn")
        found = find(counts, name, page)
        if found:
            rows = ctx.applied.output.filter(pl.col(name).str.contains(found.pattern))
            yield Hit(
                name,
                f"{rows.height:,} mapped values contain characters {page} "
                f"cannot store ({''.join(found.characters[:10])}); transliterate or replace them",
                ctx.mapping.where("fields", name),
                rows.height,
                rows[name].head(3).to_list(),
            )


@rule("OPEN_DECISION", "warning", "decisions still open (a warning) or proposed (a note)")
def open_decision(ctx: LintContext) -> Iterator[Hit]:
    for name, f in ctx.mapping.fields.items():
        if f.status in ("open", "proposed"):
            yield Hit(
                name,
                f"the decision is {f.status}" + (f"; {f.why}" if f.why else ""),
                ctx.mapping.where("fields", name, "status"),
                severity="warning" if f.status == "open" else "info",
            )


def lint(
    mapping: Mapping,
    source_profile: Profile,
    target_profile: Profile | None = None,
    source: pl.DataFrame | None = None,
) -> list[Finding]:
    """Findings, most severe first. With the source rows, casts, parses and value maps are dry-run.

    >>> from kit import read_extract, profile
    >>> ex = read_extract("sample_data/crm_contacts.csv")
    >>> m = Mapping.load("mappings/crm_to_erp.yaml")
    >>> codes = {f.code for f in lint(m, profile(ex, key="contact_id", near=False), source=ex.frame)}
    >>> "UNMAPPED_VALUES" in codes or "OPEN_DECISION" in codes
    True
    """
    frame = getattr(source, "frame", source)
    applied = apply_mapping(mapping, frame) if frame is not None and not _unknown(mapping, frame) else None
    ctx = LintContext(mapping, source_profile, target_profile, applied, frame)
    findings = [
        Finding(r.code, h.severity or r.severity, h.field, h.message, h.where, h.count, h.examples)
        for r in RULES.values()
        for h in r.check(ctx)
    ]
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.where.rsplit(":", 1)[-1].zfill(6), f.code))


def _unknown(mapping: Mapping, frame: pl.DataFrame) -> bool:
    return any(c not in frame.columns for _, f in mapping.fields.items() if f.status != "rejected" for c in f.from_)


def redact_findings(findings: list[Finding], redactor: Redactor) -> list[Finding]:
    """The findings with a masked field's message told by its rule's description and its examples as
    shapes (counts and places kept)."""
    if not redactor:
        return findings
    return [
        replace(
            f,
            message=redactor.message(f.message, f.field, RULES[f.code].description) if f.code in RULES else f.message,
            examples=redactor.values(f.examples, f.field),
        )
        for f in findings
    ]


def findings_json(findings: list[Finding]) -> list[dict]:
    """Findings as plain JSON data, in their order."""
    return [asdict(f) for f in findings]


@dataclass
class Check:
    """What ``check()`` found for one mapping: the findings (most severe first) and their counts."""

    mapping: Mapping
    findings: list[Finding]

    @property
    def counts(self) -> dict[str, int]:
        """How many findings of each severity."""
        return {s: sum(f.severity == s for f in self.findings) for s in SEVERITY_ORDER}

    @property
    def ok(self) -> bool:
        """No error finding (warnings and notes are allowed)."""
        return not self.counts["error"]

    def redacted(self, redactor: Redactor) -> Check:
        """A copy with the findings redacted (``redact_findings``)."""
        return Check(self.mapping, redact_findings(self.findings, redactor))

    def summary(self) -> str:
        """One line of counts, e.g. ``2 errors, 5 warnings, 3 notes``."""
        c = self.counts
        return f"{c['error']} errors, {c['warning']} warnings, {c['info']} notes"

    def to_json(self) -> str:
        """The findings as JSON text (what ``kit check --json`` writes)."""
        return json.dumps(findings_json(self.findings), indent=2, ensure_ascii=False) + "\n"


def check(
    mapping: Mapping,
    source: Extract | None = None,
    target: Extract | None = None,
    source_profile: Profile | None = None,
    target_profile: Profile | None = None,
) -> Check:
    """Lint a mapping against its extracts: what ``kit check`` and ``kit run`` report. Extracts not given
    are loaded as the file says (the target only when it exists); profiles not given are made.

    >>> result = check(Mapping.load("mappings/crm_to_erp.yaml"))
    >>> result.ok, "errors" in result.summary()
    (False, True)
    """
    from kit.extracts import profile_side  # kit.extracts imports kit.mapping: not at module level

    source = source if source is not None else mapping.load_extract("source")
    if target is None and target_profile is None and mapping.has_extract("target"):
        target = mapping.load_extract("target")
    if source_profile is None:
        source_profile = profile_side(mapping, "source", source, near=False)
    if target_profile is None and target is not None:
        target_profile = profile_side(mapping, "target", target, near=False)
    return Check(mapping, lint(mapping, source_profile, target_profile, source.frame))

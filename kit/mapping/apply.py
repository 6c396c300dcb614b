"""Apply a mapping: compile every field to polars expressions, run them in one ``select``, and account
for every source row: in the output, in the quarantine (with the field and reason of each failure), or
dropped by the mapping's explicit, counted dedup rule. Nothing else can happen to a row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from kit.errors import KitError
from kit.files import write_atomic
from kit.load.report import Extract
from kit.mapping.spec import Mapping, MappingError, TargetField
from kit.mapping.steps import STEPS, StepContext, StepError

ROW = "_source_row"
FLAGS = "_flags"
QUARANTINE_COLUMNS = (ROW, "field", "code", "reason", "action")
# The stable code of every quarantine row, beside its readable reason: what lint and reports select on.
FAILURE_CODES = {
    "TOO_LONG": "longer than the target field's max_length",
    "NOT_ALLOWED": "not one of the target field's allowed values",
    "PATTERN": "does not match the target field's pattern",
    "REQUIRED": "the target field is required and the value is empty after the steps",
    "TYPE": "not a value of the target field's type after the steps",
    "CAST": "a cast step could not convert the value",
    "DATE": "no format of a parse_date step fits the value",
    "VALUE_MAP": "a value_map (unmapped: quarantine) has no translation for the value",
    "LOOKUP": "the lookup file (unmapped: quarantine) has no translation for the value",
    "EXTRACT": "a required regex_extract found no match",
    "STEP": "a project's own step failed on the value",
}
_TYPES = {
    "string": pl.String,
    "integer": pl.Int64,
    "boolean": pl.Boolean,
    "date": pl.Date,
    "datetime": pl.Datetime("us"),
}


@dataclass
class Compiled:
    """One target field as expressions: its value and, per row, why it failed (null when it did not)."""

    name: str
    value: pl.Expr
    reason: pl.Expr
    code: pl.Expr  # the stable failure code beside the reason (FAILURE_CODES)
    policy: str
    default: str | None


@dataclass
class Accounting:
    source_rows: int
    output_rows: int
    quarantined_rows: int
    deduplicated_rows: int
    flagged_rows: int = 0

    def holds(self) -> bool:
        """Whether every source row is in the output, the quarantine or the counted dedup."""
        return self.source_rows == self.output_rows + self.quarantined_rows + self.deduplicated_rows

    def summary(self) -> str:
        """The row accounting as one line: source = output + quarantine + dedup."""
        return (
            f"source rows {self.source_rows:,} = output {self.output_rows:,} + quarantine {self.quarantined_rows:,}"
            f" + removed by dedup {self.deduplicated_rows:,}"
            + (f" ({self.flagged_rows:,} output rows carry defaulted values, see {FLAGS})" if self.flagged_rows else "")
        )


@dataclass
class Applied:
    """``output``: target-shaped rows (plus ``_source_row`` and ``_flags``); ``quarantine``: one row per
    failure (source row, key, field, code (``FAILURE_CODES``), reason, action, the source values);
    ``deduplicated``: source rows removed by the dedup rule; ``mapped``: every deduplicated row with its
    mapped values before the quarantine gate (what system B would receive if nothing were held back), for validation."""

    output: pl.DataFrame
    quarantine: pl.DataFrame
    deduplicated: list[int]
    accounting: Accounting
    failures_by_field: dict[str, int] = field(default_factory=dict)
    mapped: pl.DataFrame | None = None
    unfilled: list[str] = field(default_factory=list)  # target fields with no source yet, left empty


def _type_check(
    name: str, f: TargetField, value: pl.Expr, dtype: pl.DataType | None = None
) -> tuple[pl.Expr, pl.Expr | None, str]:
    """Cast to the target type when the steps left text; a failed cast is a failure, not a silent null.

    ``dtype`` is what the steps produce (known from the plan, without computing): a value already of
    the target type passes untouched."""
    if f.type == "string":
        return (value if dtype == pl.String else value.cast(pl.String)), None, ""
    target = target_dtype(f)
    if dtype is not None and dtype == target:
        return value, None, ""
    if f.type == "date" and dtype == pl.Date:
        return value, None, ""
    if f.type in ("date", "datetime"):
        # Dates from parse_date pass through (as ISO text and back); text must already be ISO.
        text = value.cast(pl.String)
        out = text.str.to_date("%Y-%m-%d", strict=False) if f.type == "date" else text.str.to_datetime(strict=False)
        return out, value.is_not_null() & out.is_null(), "not a date (add a parse_date step)"
    out = value.cast(target, strict=False)
    return out, value.is_not_null() & out.is_null(), f"not a {f.type} value (add a cast step)"


def target_dtype(f: TargetField) -> pl.DataType:
    """The polars type of a target field's values in the mapped output."""
    return pl.Decimal(18, 2 if f.scale is None else f.scale) if f.type == "decimal" else _TYPES[f.type]


def _literal(value: str | None, dtype: pl.DataType) -> pl.Expr:
    """A default written in the mapping file, as a value of the output column's type."""
    lit = pl.lit(value, dtype=pl.String)
    if dtype == pl.Date:
        return lit.str.to_date("%Y-%m-%d")
    if isinstance(dtype, pl.Datetime):
        return lit.str.to_datetime()
    if dtype == pl.Boolean:
        return lit.str.to_lowercase().is_in(["true", "yes", "1"])
    return lit.cast(dtype)


def compile_field(mapping: Mapping, name: str, columns: list[str]) -> Compiled:
    """The expressions for one target field, in the order: steps, target type, target constraints."""
    f = mapping.fields[name]
    missing = [c for c in f.from_ if c not in columns]
    if missing:
        raise MappingError(
            f"{mapping.where('fields', name, 'from')}: field {name!r}: source column(s) {missing} are not in the "
            f"extract; it has {columns}"
        )
    if not f.from_:
        raise MappingError(f"{mapping.where('fields', name)}: field {name!r}: no source field ('from:') to map")
    ctx = StepContext(field=name, base=mapping.path.parent if mapping.path else Path.cwd())
    values: list[pl.Expr] = [pl.col(c).cast(pl.String) for c in f.from_]
    failures: list[tuple[pl.Expr, str, str]] = []
    for i, step in enumerate(f.steps):
        spec = STEPS.get(step.name)
        if spec is None:  # registered after the file was loaded, then unregistered: the file said it was known
            raise MappingError(
                f"{mapping.where('fields', name, 'steps', i)}: field {name!r}: unknown step {step.name!r}; "
                f"steps are {sorted(STEPS)}"
            )
        try:
            outs = [spec.fn(values, step.args, ctx)] if spec.combines else [spec.fn(v, step.args, ctx) for v in values]
        except StepError as exc:
            raise MappingError(f"{mapping.where('fields', name, 'steps', i)}: {exc}") from None
        values = [o.value for o in outs]
        failures += [(o.failed, f"{step.name}: {o.reason}", o.code) for o in outs if o.failed is not None]
    if len(values) > 1:
        raise MappingError(
            f"{mapping.where('fields', name, 'from')}: field {name!r}: {len(values)} source fields but no step "
            "combines them (add coalesce or concat, and say why in cardinality)"
        )
    dtype = pl.LazyFrame(schema=dict.fromkeys(columns, pl.String)).select(values[0].alias("v")).collect_schema()["v"]
    value, failed, reason = _type_check(name, f, values[0], dtype)
    if failed is not None:
        failures.append((failed, reason, "TYPE"))
    if f.max_length is not None:
        length = (
            value.cast(pl.String).str.len_bytes() if f.length_unit == "bytes" else value.cast(pl.String).str.len_chars()
        )
        failures.append((length > f.max_length, f"longer than {f.max_length} {f.length_unit}", "TOO_LONG"))
    if f.allowed is not None:
        failures.append(
            (value.is_not_null() & ~value.cast(pl.String).is_in(f.allowed), f"not one of {f.allowed}", "NOT_ALLOWED")
        )
    if f.pattern is not None:
        mismatch = value.is_not_null() & ~value.cast(pl.String).str.contains(f.pattern)
        failures.append((mismatch, "does not match the pattern", "PATTERN"))
    if f.required:
        failures.append((value.is_null(), "required but empty", "REQUIRED"))
    reason = code = pl.lit(None, dtype=pl.String)
    for cond, why, what in reversed(failures):  # the first failing check names the reason
        hit = cond.fill_null(False)
        reason = pl.when(hit).then(pl.lit(why)).otherwise(reason)
        code = pl.when(hit).then(pl.lit(what)).otherwise(code)
    return Compiled(name, value, reason, code, mapping.failure_for(name), f.default)


def apply_mapping(mapping: Mapping, source: Extract | pl.DataFrame) -> Applied:
    """Map source rows to target rows.

    >>> from kit import read_extract
    >>> m = Mapping.load("mappings/crm_to_erp.yaml")
    >>> applied = apply_mapping(m, read_extract("sample_data/crm_contacts.csv"))
    >>> applied.accounting.holds()
    True
    """
    frame = source.frame if isinstance(source, Extract) else source
    indexed = frame.with_row_index(ROW)
    deduplicated: list[int] = []
    if mapping.dedup is not None:
        missing = [k for k in mapping.dedup.key if k not in frame.columns]
        if missing:
            raise MappingError(f"{mapping.where('dedup', 'key')}: dedup key {missing} not in the extract")
        kept = indexed.unique(mapping.dedup.key, keep=mapping.dedup.keep, maintain_order=True)
        deduplicated = sorted(set(indexed[ROW].to_list()) - set(kept[ROW].to_list()))
        indexed = kept
    fields = [n for n, f in mapping.fields.items() if f.status != "rejected" and f.from_]
    # Open questions: a target field nothing feeds yet is left empty (a null of its type), and said so.
    unfilled = [n for n, f in mapping.fields.items() if f.status != "rejected" and not f.from_]
    compiled = [compile_field(mapping, n, frame.columns) for n in fields]
    try:
        evaluated = indexed.select(
            ROW,
            *[c.value.alias(c.name) for c in compiled],
            *[c.reason.alias(f"\x1f{c.name}") for c in compiled],
            *[c.code.alias(f"\x1fcode{c.name}") for c in compiled],
        )
    except pl.exceptions.PolarsError as exc:
        raise KitError(f"{mapping.where()}: applying the mapping failed: {exc}") from None
    # Failures on fields whose policy is default_and_flag become the default; the row stays.
    flags, fixes = [], []
    for c in compiled:
        if c.policy == "default_and_flag":
            why = pl.col(f"\x1f{c.name}")
            fixes.append(
                pl.when(why.is_not_null())
                .then(_literal(c.default, evaluated.schema[c.name]))
                .otherwise(pl.col(c.name))
                .alias(c.name)
            )
            flags.append(pl.when(why.is_not_null()).then(pl.lit(f"{c.name}: ") + why))
    if fixes:
        evaluated = evaluated.with_columns(fixes)
    hard = [c for c in compiled if c.policy != "default_and_flag"]
    failing = pl.any_horizontal([pl.col(f"\x1f{c.name}").is_not_null() for c in hard]) if hard else pl.lit(False)
    evaluated = evaluated.with_columns(
        failing.alias("\x1ffailing"),
        (pl.concat_list(flags).list.drop_nulls().list.join("; ") if flags else pl.lit("")).alias(FLAGS),
    )
    good = evaluated.filter(~pl.col("\x1ffailing"))
    output = good.select(ROW, *[c.name for c in compiled], FLAGS).with_columns(
        pl.when(pl.col(FLAGS) == "").then(None).otherwise(pl.col(FLAGS)).alias(FLAGS)
    )
    if unfilled:
        output = output.with_columns(pl.lit(None, dtype=target_dtype(mapping.fields[n])).alias(n) for n in unfilled)
        output = output.select(ROW, *[n for n in mapping.fields if n in output.columns], FLAGS)
    for name, fill in mapping.target_only.items():
        if fill.fill == "constant":
            output = output.with_columns(pl.lit(fill.value).alias(name))
    bad = evaluated.filter(pl.col("\x1ffailing"))
    key = mapping.source.key
    empty = pl.DataFrame(
        schema={ROW: pl.UInt32, "field": pl.String, "code": pl.String, "reason": pl.String, "action": pl.String}
    )
    # One row per failure: a small concat per failing field (the failing rows are few).
    long = pl.concat(
        [empty]
        + [
            bad.filter(pl.col(f"\x1f{c.name}").is_not_null()).select(
                ROW,
                pl.lit(c.name).alias("field"),
                pl.col(f"\x1fcode{c.name}").alias("code"),
                pl.col(f"\x1f{c.name}").alias("reason"),
                pl.lit(c.policy).alias("action"),
            )
            for c in hard
        ]
    )
    source_cols = sorted({c for n in fields for c in mapping.fields[n].from_} | set(key), key=frame.columns.index)
    failing_rows = indexed.filter(pl.col(ROW).is_in(long[ROW].unique()))
    # A source column named like one of the quarantine's own (a status table's ``code``) is shown as source.<name>.
    shown = {c: f"source.{c}" if c in QUARANTINE_COLUMNS else c for c in source_cols}
    quarantine = (
        long.join(failing_rows.select(ROW, *[pl.col(c).alias(shown[c]) for c in source_cols]), on=ROW, how="left")
        .sort(ROW, "field")
        .select(
            ROW,
            *[shown[k] for k in key if k in source_cols],
            *QUARANTINE_COLUMNS[1:],
            *[shown[c] for c in source_cols if c not in key],
        )
    )
    accounting = Accounting(
        source_rows=frame.height,
        output_rows=output.height,
        quarantined_rows=bad.height,
        deduplicated_rows=len(deduplicated),
        flagged_rows=int(output[FLAGS].is_not_null().sum()),
    )
    if not accounting.holds():  # a bug in kit, never a property of the data
        raise KitError(f"row accounting does not add up: {accounting.summary()}")
    by_field = dict(quarantine.group_by("field").len().sort("field").iter_rows())
    mapped = evaluated.select(ROW, *[c.name for c in compiled]).with_columns(
        pl.lit(None, dtype=target_dtype(mapping.fields[n])).alias(n) for n in unfilled
    )
    return Applied(output, quarantine, deduplicated, accounting, by_field, mapped, unfilled)


# Spreadsheets run a cell starting with one of these as a formula (CSV injection).
FORMULA_START = "=+-@\t\r"


def neutralise(text: str) -> str:
    """A leading apostrophe for a cell a spreadsheet would run as a formula.

    >>> neutralise("=SUM(A1)"), neutralise("plain")
    ("'=SUM(A1)", 'plain')
    """
    return "'" + text if text[:1] and text[0] in FORMULA_START else text


def write_safe_csv(frame: pl.DataFrame, path: str | Path) -> Path:
    """CSV for spreadsheets: text cells starting with = + - @ (or tab/CR) get a leading apostrophe so
    Excel and LibreOffice show them as text instead of running them as formulas."""
    risky = "^[" + re.escape(FORMULA_START) + "]"
    safe = frame.with_columns(
        pl.when(pl.col(c).str.contains(risky)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c, t in frame.schema.items()
        if t == pl.String
    )
    return write_atomic(path, safe.write_csv)


def preview_field(mapping: Mapping, name: str, frame: pl.DataFrame, rows: int = 8) -> dict:
    """What one field's decision does to the data: the first mapped values beside their sources, and how
    many rows of ``frame`` would fail it, by reason. For editors: apply on a sample, field by field.

    >>> from kit import read_extract
    >>> m = Mapping.load("mappings/crm_to_erp.yaml")
    >>> p = preview_field(m, "status_code", read_extract("sample_data/crm_contacts.csv").frame.head(500))
    >>> p["failures"]
    {}
    """
    f = mapping.fields[name]
    compiled = compile_field(mapping, name, frame.columns)
    out = frame.select(*[pl.col(c) for c in f.from_], compiled.value.alias(f"→ {name}"), compiled.reason.alias("why"))
    failures = dict(out.filter(pl.col("why").is_not_null()).group_by("why").len().sort("why").iter_rows())
    return {"preview": out.head(rows), "failures": {k: int(v) for k, v in failures.items()}, "rows": frame.height}


def observed_values(frame: pl.DataFrame, column: str, limit: int = 200) -> list[tuple[str, int]]:
    """Distinct values of a column with counts, most common first (nulls left out): for value-map grids."""
    counts = frame.select(pl.col(column).drop_nulls().value_counts(sort=True, name="n")).unnest(column)
    return [(str(v), int(n)) for v, n in counts.head(limit).iter_rows()]

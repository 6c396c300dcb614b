"""profile(): what an extract really holds, column by column, as plain JSON-serialisable data.

Every measure is a polars expression over a column's value counts (``kit.profiling.counts``), weighted
by the counts, so a column of 50 statuses costs 50 evaluations whatever its length; shapes are made
once per distinct value and type tests run once per distinct shape. A frame and a scan of the same
file give the same profile; a scan is read in a few streaming passes and never held whole. Alerts
come from the registered rules in ``kit.profiling.alerts``; each keeps the row indices it concerns so
``profile.rows_for(alert)`` can pull exactly those rows out.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import polars as pl

from kit.errors import KitError
from kit.load.report import Extract
from kit.profiling.alerts import EXTRACT_RULES, RULES, ExtractFacts, RowsSpec
from kit.profiling.between import appended, dependencies
from kit.profiling.bytewise import compacted
from kit.profiling.counts import count_values
from kit.profiling.dates import date_formats, dated_on_values
from kit.profiling.duplicates import exact_groups, key_duplicates
from kit.profiling.encodings import check_encoding_name, not_encodable
from kit.profiling.measures import (
    COUNT,
    DEFAULT_PSEUDO_NULLS,
    MISSING,
    SHAPE,
    by_slices,
    collapse_table,
    screen_measures,
    shape_measures,
    shape_table,
    shape_table_sliced,
    shapes,
    text_measures,
)
from kit.profiling.memory import return_freed_memory
from kit.profiling.model import (
    SEVERITY_ORDER,
    Alert,
    ColumnAlert,
    ColumnProfile,
    DateFormats,
    Duplicates,
    KeyDuplicates,
    NearCluster,
    Profile,
    Shape,
    TypeFit,
    Typo,
    Variant,
)
from kit.profiling.near import NEAR_ROWS, choose_fields, near_duplicates
from kit.profiling.types import infer_type, missing_expr
from kit.profiling.variants import is_categorical, likely_typos, repeats, spelling_variants
from kit.progress import Stages

MAX_ALERT_ROWS = 10_000
# Up to this many distinct values a column's shapes are held between their two uses; beyond, made a
# slice of values at a time (``shape_table_sliced``).
HOLD_SHAPES = 5_000_000
# Above this many distinct values, a column's shapes are made on their own, eagerly (``_describe``).
EAGER_SHAPES = 100_000
# Values tied at the k-th count of the top values are bounded on about this many of them.
TIE_SAMPLE = 100_000
# A rule's rows are looked up by value unless both its matching and its other values are more than this.
LOOKUP_VALUES = 1_000_000


@dataclass
class _Fired:
    """A rule that fired on a column, with what its value counts say: how many rows, which values, and
    an expression true on exactly those rows (so the counts need not be kept for the row pass)."""

    column: ColumnProfile
    rule: Any
    spec: Any
    total: int
    examples: list[str]
    rows: pl.Expr


def _top_values(counts: pl.DataFrame, name: str, k: int, where: pl.Series | None = None) -> list[tuple[str, int]]:
    """The ``k`` most common values (of those ``where`` is true), ties by value. The k-th largest count
    is found first (on numbers); the values tied at it (in a column of distinct values, all of them) are
    compared as text only up to a bound read off a sample of them, so ten million ties are one
    comparison each, not a sort, and no copy of the values is made."""
    among = counts.height if where is None else int(where.sum())
    if among > k:
        n = counts[COUNT]
        kth = (n if where is None else n.filter(where)).top_k(k).min()
        above, tied = n > kth, n == kth
        if where is not None:
            above, tied = above & where, tied & where
        need = k - int(above.sum())
        stride = max(1, counts.height // TIE_SAMPLE)
        sample = counts[name].gather_every(stride).filter(tied.gather_every(stride))
        if sample.len() >= need:  # the need smallest ties are at most the need-th smallest of a sample
            tied = tied & (counts[name] <= sample.bottom_k(need).max())
        counts = counts.filter(above | tied)
    elif where is not None:
        counts = counts.filter(where)
    top = counts.top_k(k, by=[COUNT, name], reverse=[False, True]).sort([COUNT, name], descending=[True, False])
    return [(v, int(n)) for v, n in top.select(name, COUNT).rows()]


def _hits(counts: pl.DataFrame, spec: Any) -> pl.Series:
    """Where a rule's mask is true over a column's value counts; its costly tests run only on the values
    the rule's cheap test (``narrow``) lets by."""
    if spec.narrow is None:
        return by_slices(counts, spec.mask.fill_null(False))
    let_by = by_slices(counts, spec.narrow.fill_null(False))
    if 2 * int(let_by.sum()) > counts.height:  # most are let by: filtering would copy most values
        return by_slices(counts, (spec.narrow & spec.mask).fill_null(False))
    passed = by_slices(counts.filter(let_by), spec.mask.fill_null(False))
    return pl.repeat(False, counts.height, eager=True).scatter(let_by.arg_true(), passed)


def _fire(col: ColumnProfile, rule: Any, spec: Any, counts: pl.DataFrame) -> _Fired:
    """A rule's mask looks at one column's values, so it is evaluated on that column's value counts: they
    give the total and the examples, and the rows are then found by looking the matching values up,
    which is much cheaper than running the rule's regexes on every row again. When both the matching
    and the other values are many (a large column), the lookup would hold millions of them: the rows are
    then found with the rule's own tests, in the row pass."""
    c = col.name
    hit = _hits(counts, spec)
    matched = int(hit.sum())
    examples = [str(v) for v, _ in _top_values(counts, c, 5, where=hit)]
    total = int(counts[COUNT].filter(hit).sum()) if matched else 0
    # The rows are looked up in whichever of the matching or the other values is the smaller set.
    if min(matched, counts.height - matched) > LOOKUP_VALUES:
        rows = pl.col(c).is_not_null() & spec.mask.fill_null(False)
        if spec.narrow is not None:
            rows = rows & spec.narrow.fill_null(False)
    elif 2 * matched <= counts.height:
        rows = pl.col(c).is_in(compacted(counts[c].filter(hit)).implode())
    else:
        rows = pl.col(c).is_not_null()
        if matched < counts.height:
            rows = rows & ~pl.col(c).is_in(compacted(counts[c].filter(~hit)).implode())
    if spec.nulls and col.nulls:
        total += col.nulls
        rows = rows | pl.col(c).is_null()
    if not spec.listed:  # a fact about the column: counted, its rows not fetched
        rows = pl.lit(False)
    return _Fired(col, rule, spec, total, examples, rows)


def _alerts_in_one_pass(lazy: pl.LazyFrame, fired: list[_Fired]) -> list[Alert]:
    """Rows of every fired column rule from one pass over the data (one scan of a file, not one per rule)."""
    if not fired:
        return []
    names = [f"\x1fm{i}" for i in range(len(fired))]
    flags = [f.rows.alias(n) for f, n in zip(fired, names, strict=True)]
    hit = (
        lazy.with_row_index("__row")
        .select("__row", *flags)
        .filter(pl.any_horizontal(names))
        .collect(engine="streaming")
    )
    out = []
    for f, n in zip(fired, names, strict=True):
        rows = hit.filter(pl.col(n))["__row"].head(MAX_ALERT_ROWS).to_list() if f.total else []
        severity = f.spec.severity or f.rule.severity
        out.append(Alert(f.rule.code, severity, f.column.name, f.spec.message, f.examples, rows, f.total))
    return out


def _describe(
    counts: dict[str, pl.DataFrame],
    n_rows: int,
    schema: pl.Schema,
    tokens_for: Any,
    top: int,
    target_encoding: str | None,
    declared: dict[str, str] | None = None,
) -> tuple[list[ColumnProfile], list[_Fired]]:
    """Every measure of the columns whose value counts are given, and the rules that fire on them.

    Rounds of queries, each run for all the given columns at once so polars spreads them over the
    cores: shape tables over the counts, and screens over the shapes; then the checks the screens call
    for; then, per column, what needs the results of those.
    """
    names = list(counts)
    # A column of many distinct values (up to HOLD_SHAPES) is shaped on its own, eagerly: its missing
    # values a mask made once (and kept for the measures below), its shapes made once, with no
    # streaming morsels between them. Others together, streaming, so a batch of columns shares the
    # cores; a column of more distinct values than HOLD_SHAPES a slice at a time (its examples would be
    # held whole).
    missing = {
        c: by_slices(counts[c], missing_expr(c, tokens_for(c)))
        for c in names
        if EAGER_SHAPES < counts[c].height <= HOLD_SHAPES
    }
    made = {c: shape_table(counts[c], c, mask) for c, mask in missing.items()}
    held = [c for c in names if counts[c].height <= HOLD_SHAPES and c not in made]
    made |= dict(
        zip(
            held,
            pl.collect_all(
                [shape_table(counts[c].lazy(), c, missing_expr(c, tokens_for(c))) for c in held], engine="streaming"
            ),
            strict=True,
        )
    )
    for c in names:
        if c not in made:
            made[c] = shape_table_sliced(counts[c], c, missing_expr(c, tokens_for(c)))
    all_tables = [made[c] for c in names]
    # The screens look for what a shape keeps as it is (non-ASCII, '&', '<', controls, blanks, where the
    # digits are), so the shape table answers them: hundreds of shapes instead of millions of values.
    screens = pl.collect_all([t.lazy().select(screen_measures(SHAPE)) for t in all_tables])
    tables = [t.filter(~pl.col(MISSING)).drop(MISSING) for t in all_tables]
    measured = pl.collect_all(
        [
            counts[c].lazy().select(text_measures(c, tokens_for(c), screen.row(0, named=True)))
            for c, screen in zip(names, screens, strict=True)
        ]
    )
    columns, fired = [], []
    for i, c in enumerate(names):
        nulls = n_rows - int(counts[c][COUNT].sum() or 0)
        m = {"nulls": nulls, "distinct": counts[c].height + (nulls > 0)}
        m.update({k: (v or 0) for k, v in measured[i].row(0, named=True).items()})
        m.update(shape_measures(all_tables[i]))
        m["float_noise"] = m["float_noise"] or None  # left out of the profile when there is none
        tokens = tokens_for(c)
        pn = counts[c].filter(pl.col(c).is_in(tokens)).sort([COUNT, c], descending=[True, False]).rows()
        # The present values are a mask over the counts, not a copy of them (tens of millions of values).
        keep = ~missing[c] if c in missing else by_slices(counts[c], ~missing_expr(c, tokens))
        n_present, present_total = int(keep.sum()), int(counts[c][COUNT].filter(keep).sum() or 0)
        table = tables[i]
        shp, outside = shapes(table)
        collapsed, _ = shapes(collapse_table(table))
        # Date families a shape cannot tell (a 'T', a compact date) are counted on the values once, for both.
        dated = dated_on_values(table.select(pl.col(SHAPE).alias(c)), counts[c], c, pl.lit(keep))
        kind = infer_type(counts[c], c, tokens, table, keep, dated)
        categorical = is_categorical(n_present, present_total)
        dates = date_formats(counts[c], c, table, keep, dated)
        repeated = repeats(n_present, present_total)
        present = counts[c].filter(keep) if repeated else None
        col = ColumnProfile(
            name=c,
            dtype=str(schema[c]),
            rows=n_rows,
            **{k: (round(v, 3) if isinstance(v, float) else v) for k, v in m.items()},
            pseudo_nulls={str(v): int(n) for v, n in pn},
            top=_top_values(counts[c], c, top),
            shapes=[Shape(**s) for s in shp],
            outside_dominant_shapes=outside,
            collapsed_shapes=[Shape(**s) for s in collapsed],
            type=TypeFit(**kind),
            dates=DateFormats(**dates),
            categorical=categorical,
            variants=[Variant(**v) for v in spelling_variants(present, c, categorical)] if repeated else [],
            typos=[Typo(**t) for t in likely_typos(present, c)] if repeated else [],
            not_encodable=not_encodable(counts[c], c, target_encoding),
            declared_type=(declared or {}).get(c),
        )
        fired += [_fire(col, r, spec, counts[c]) for r in RULES.values() if (spec := r.check(col)) is not None]
        columns.append(col)
    return columns, fired


def profile(
    extract_or_frame: Extract | pl.DataFrame | pl.LazyFrame,
    key: list[str] | str | None = None,
    pseudo_nulls: list[str] | dict[str, list[str]] | None = None,
    top: int = 10,
    target_encoding: str | None = None,
    near: bool | int = NEAR_ROWS,
    source: str | None = None,
    columns: list[str] | None = None,
    declared_types: dict[str, str] | None = None,
) -> Profile:
    """Profile an extract (or any frame of text columns).

    ``pseudo_nulls`` replaces the default token list, for all columns (a list) or per column (a dict,
    with ``"*"`` for the rest). ``target_encoding`` (e.g. ``"latin-1"``) reports values the target's
    code page cannot store. ``near`` turns near-duplicate detection on (True), off (False), or on up
    to that many rows (the default); when skipped, the profile says so. ``source`` names what is
    profiled in messages and in the profile (default: the extract's path, or "frame" / "scan").
    ``columns`` profiles only those (a very wide extract is refused beyond ``MAX_PROFILE_COLUMNS``).
    ``declared_types`` (a database's column types; taken from an extract read from a database) are shown
    beside the inferred ones, and a disagreement is an alert (``DECLARED_TYPE``).

    >>> from kit import read_extract
    >>> p = profile(read_extract("sample_data/crm_contacts.csv"), key="contact_id")
    >>> p.column("email").pseudo_nulls["N/A"] > 0
    True
    """
    if isinstance(extract_or_frame, pl.LazyFrame):  # a large extract: its memory, not its speed, binds
        return_freed_memory()
    if isinstance(extract_or_frame, Extract):
        frame, source = extract_or_frame.frame, source or extract_or_frame.report.path
        declared_types = declared_types or extract_or_frame.report.declared_types
        label = f"profiling {source}"
    else:
        frame = extract_or_frame
        label = f"profiling {source}" if source else "profiling a frame"
        source = source or ("frame" if isinstance(frame, pl.DataFrame) else "scan")
    if columns is not None:
        names = frame.collect_schema().names() if isinstance(frame, pl.LazyFrame) else frame.columns
        missing = [c for c in columns if c not in names]
        if missing:
            raise KitError(f"{source}: no column(s) {missing}; the first columns are {names[:20]}")
        frame = frame.select(columns)
    # Counting, shapes and measures, alert rows, duplicates; and one per mostly distinct column.
    with Stages(label, 4) as stage:
        try:
            return _profile(frame, source, key, pseudo_nulls, top, target_encoding, near, stage, declared_types or {})
        except pl.exceptions.ComputeError as exc:
            if not isinstance(frame, pl.LazyFrame):
                raise
            # Past the head a scan checked, polars' own parse errors (a row with too many fields).
            reason = str(exc).strip().splitlines()[0]
            raise KitError(f"{source}: {reason}; load it whole (mode='load') to see which lines") from None


DESCRIBE_BATCH = 200
# Extract-level findings about one column's values, shown with that column's alerts too.
COLUMN_FINDINGS = {"DEPENDENCY_VIOLATION", "APPENDED_VALUE"}
# Every measure is a few queries per column: beyond this many columns a profile would take many
# minutes, so it is refused with a way out (profile a selection of the columns).
MAX_PROFILE_COLUMNS = 2_000


def _profile(
    frame: pl.DataFrame | pl.LazyFrame,
    source: str,
    key: list[str] | str | None,
    pseudo_nulls: list[str] | dict[str, list[str]] | None,
    top: int,
    target_encoding: str | None,
    near: bool | int,
    stage: Stages,
    declared: dict[str, str],
) -> Profile:
    keys = [key] if isinstance(key, str) else list(key or [])
    if target_encoding is not None:
        target_encoding = check_encoding_name(target_encoding)
    schema = frame.collect_schema() if isinstance(frame, pl.LazyFrame) else frame.schema
    missing = [k for k in keys if k not in schema]
    if missing:
        raise KitError(f"{source}: key column(s) {missing} not found; columns are {list(schema)[:50]}")
    if len(schema) > MAX_PROFILE_COLUMNS:
        raise KitError(
            f"{source}: {len(schema):,} columns; a profile covers at most {MAX_PROFILE_COLUMNS:,}: "
            "profile a selection of them (columns=[...])"
        )
    # A LazyFrame (pl.scan_csv(..., infer_schema=False), say) is profiled without being held in memory:
    # every measure works on value counts, and rows are fetched only for the alerts that fire.
    lazy = frame.lazy().with_columns(pl.col(c).cast(pl.String) for c, t in schema.items() if t != pl.String)
    text = lazy.collect() if isinstance(frame, pl.DataFrame) else lazy

    def tokens_for(col: str) -> list[str]:
        if pseudo_nulls is None:
            return list(DEFAULT_PSEUDO_NULLS)
        if isinstance(pseudo_nulls, dict):
            return list(pseudo_nulls.get(col, pseudo_nulls.get("*", DEFAULT_PSEUDO_NULLS)))
        return list(pseudo_nulls)

    names = list(schema)
    # From a scan, counting is the only pass that reads every value of the columns with few distinct
    # values; each mostly distinct column is read once more, on its own, so memory holds one at a time.
    # Rows are read again only for the alerts that fire (one pass) and for duplicate keys and rows.
    reading = " (reading the file)" if isinstance(text, pl.LazyFrame) else ""
    stage.start(f"counting values{reading}")
    counted = count_values(text)
    n_rows = counted.rows
    described, fired = [], []
    # In batches: polars optimises the queries of one collect_all together, at a cost that grows
    # faster than their number; a few hundred columns at a time keeps a wide extract linear.
    counted_items = list(counted.counts.items())
    batches = [dict(counted_items[at : at + DESCRIBE_BATCH]) for at in range(0, len(counted_items), DESCRIBE_BATCH)]

    def describe_batch(part: dict[str, pl.DataFrame]) -> tuple[list[ColumnProfile], list[_Fired]]:
        return _describe(part, n_rows, schema, tokens_for, top, target_encoding, declared)

    repeated_key = None

    def distinct_column(c: str) -> tuple[list[ColumnProfile], list[_Fired], pl.DataFrame | None, int]:
        counts = counted.load(c)
        more, more_fired = _describe({c: counts}, n_rows, schema, tokens_for, top, target_encoding, declared)
        # A copy of the repeated values, not a filter holding the column's text: kept for the key
        # duplicates and, in memory, for the exact duplicates (only rows whose value repeats in a
        # column, or is null there, can be copies of each other), with how many rows they are.
        repeated, rows = None, n_rows
        if keys == [c] or isinstance(text, pl.DataFrame):
            again = counts[COUNT] > 1
            repeated = compacted(counts[c].filter(again)).to_frame()
            rows = int(counts[COUNT].filter(again).sum() or 0) + more[0].nulls
        return more, more_fired, repeated, rows

    if isinstance(text, pl.LazyFrame):  # one column's counts in memory at a time
        stage.start("shapes and measures")
        for more, more_fired in map(describe_batch, batches):
            described, fired = described + more, fired + more_fired
        done = []
        for c in counted.mostly_distinct:
            stage.start(f"{c}{reading}")
            done.append(distinct_column(c))
    else:
        # In memory, two tasks at a time (the batches of columns with few distinct values, then each
        # mostly distinct column): a task is a chain of queries that each keep both cores only partly
        # busy, and the counts of two more columns are small beside the frame.
        many = len(counted.mostly_distinct)
        stage.start(f"shapes and measures, and {many} mostly distinct columns" if many else "shapes and measures")
        pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="kit-describe")
        try:
            parts = [pool.submit(describe_batch, part) for part in batches]
            done = list(pool.map(distinct_column, counted.mostly_distinct))
            for more, more_fired in (part.result() for part in parts):
                described, fired = described + more, fired + more_fired
        finally:
            pool.shutdown(cancel_futures=True)
    among, fewest = None, n_rows
    for c, (more, more_fired, repeated, rows) in zip(counted.mostly_distinct, done, strict=True):
        described, fired = described + more, fired + more_fired
        repeated_key = repeated if keys == [c] else repeated_key
        if isinstance(text, pl.DataFrame) and repeated is not None and rows < fewest:
            among, fewest = (c, repeated[c]), rows
    if len(keys) == 1 and keys[0] in counted.counts:
        repeated_key = counted.counts[keys[0]].filter(pl.col(COUNT) > 1).select(keys[0])
    order = {c: i for i, c in enumerate(names)}
    columns = sorted(described, key=lambda col: order[col.name])
    fired.sort(key=lambda f: order[f.column.name])  # stable: rules keep their order within a column
    alerts: list[Alert] = []
    unlisted: set[int] = set()  # facts about a whole column (by id): their rows are not listed
    run_near = near is True or (near is not False and n_rows <= int(near))
    fields = choose_fields(columns, n_rows, keys) if run_near else []
    # The same method on a frame and on a scan (its keys in one streamed query). A frame's near-duplicates
    # are found beside the passes below (they keep the cores only partly busy); a scan's after them, so
    # its passes do not hold their memory at the same time.
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kit-near") if isinstance(text, pl.DataFrame) else None
    beside = pool.submit(near_duplicates, text, fields, rows=n_rows) if pool is not None and run_near else None
    try:
        stage.start(f"alert rows{reading}")
        for f, alert in zip(fired, _alerts_in_one_pass(lazy, fired), strict=True):
            if not f.spec.listed:
                unlisted.add(id(alert))
            if alert.total:
                f.column.alerts.append(ColumnAlert(alert.code, alert.severity, alert.message, alert.examples))
                alerts.append(alert)

        stage.start("duplicates")
        groups, total_groups = exact_groups(text, counted.row_hashes, among)
        dup = Duplicates(exact=groups, exact_groups=total_groups)
        if run_near and beside is None:
            stage.start("near-duplicates")
            found = near_duplicates(text, fields, rows=n_rows)
        key_rows = None
        if keys:
            summary, key_rows = key_duplicates(text, keys, repeated_key)
            dup.key = KeyDuplicates(**summary)
        stage.start("between columns")
        between = (
            dependencies(text, columns, n_rows, tokens_for, MAX_ALERT_ROWS),
            appended(text, counted.counts, columns, tokens_for, MAX_ALERT_ROWS),
        )
        if beside is not None:
            stage.start("near-duplicates (the rest; begun with the alert rows)")
            found = beside.result()
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
    if run_near:
        # Clusters made only of exact copies are already reported as exact duplicates.
        exact_sets = [set(g) for g in groups]
        clusters = [c for c in found["clusters"] if not any(set(c["rows"]) <= g for g in exact_sets)]
        dup.near = [NearCluster(**c) for c in clusters]
        dup.near_fields = found["fields"]
        dup.near_clusters = found["total"] - (len(found["clusters"]) - len(clusters))
    else:
        dup.near_skipped = f"{n_rows:,} rows is above the near-duplicate limit {int(near):,}; pass near=True"
    facts = ExtractFacts(dup, keys, key_rows, *between)
    by_name = {c.name: c for c in columns}
    for r in EXTRACT_RULES.values():
        specs = r.check(facts)
        for spec in [specs] if isinstance(specs, RowsSpec) else specs or []:
            severity = spec.severity or r.severity
            alert = Alert(
                r.code,
                severity,
                spec.column,
                spec.message,
                spec.examples,
                spec.rows[:MAX_ALERT_ROWS],
                spec.total if spec.total is not None else len(spec.rows),
            )
            alerts.append(alert)
            if spec.column in by_name and r.code in COLUMN_FINDINGS:
                by_name[spec.column].alerts.append(ColumnAlert(r.code, severity, spec.message, spec.examples))
    approximate = {}
    if run_near:
        approximate["duplicates.near"] = found["approximate"]
    if any(a.total > len(a.rows) and id(a) not in unlisted for a in alerts):
        approximate["alerts.rows"] = (
            f"the first {MAX_ALERT_ROWS:,} rows of each alert are listed; alerts.total counts them all"
        )
    return Profile(source, n_rows, columns, dup, alerts, approximate)


__all__ = ["RULES", "SEVERITY_ORDER", "Alert", "ColumnProfile", "Profile", "profile"]

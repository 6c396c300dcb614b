"""Per-extract duplicates: exact duplicate rows and duplicate keys (with the columns that conflict)."""

from __future__ import annotations

import polars as pl

from kit.profiling.counts import is_repeated

MAX_GROUPS = 1000


def exact_groups(
    frame: pl.DataFrame | pl.LazyFrame, hashes: pl.Series | None = None, among: tuple[str, pl.Series] | None = None
) -> tuple[list[list[int]], int]:
    """Groups of row indices whose every value is equal; (first groups, total groups).

    ``hashes`` are the rows' hashes when the caller has them (``kit.profiling.counts`` does, from a scan).
    ``among`` is a column and the values that occur more than once in it, when the caller knows them
    (the profiler reads them off a mostly distinct column's value counts): a row whose value there
    occurs once is a copy of no other row, so only the others are compared, and no row is hashed.

    >>> f = pl.DataFrame({"id": ["1", "2", "2", "3", None, None], "x": ["a", "b", "b", "c", "d", "d"]})
    >>> exact_groups(f), exact_groups(f, among=("id", pl.Series(["2"])))
    (([[1, 2], [4, 5]], 2), ([[1, 2], [4, 5]], 2))
    """
    lazy = frame.lazy()
    columns = lazy.collect_schema().names()
    if not columns:
        return [], 0
    if among is not None:
        column, repeated = among
        can_repeat = pl.col(column).is_null() | pl.col(column).is_in(repeated.implode())
        wanted = lazy.with_row_index("__row").filter(can_repeat)
    else:
        # Hash whole rows first (one cheap pass); only rows whose hash repeats are grouped on their
        # values, which also settles any hash collision.
        if hashes is None:
            hashes = lazy.select(pl.struct(pl.all()).hash()).collect().to_series()
        # Sorting finds the repeated hashes in 8 bytes a row; is_duplicated's hash table of a hundred
        # million rows took several times that.
        candidates = pl.arange(0, hashes.len(), eager=True).filter(is_repeated(hashes))
        if candidates.len() == 0:
            return [], 0
        wanted = lazy.with_row_index("__row").filter(pl.col("__row").is_in(candidates.implode()))
    idx = wanted.collect(engine="streaming")  # a scan is read, never held
    groups = (
        idx.group_by(columns)
        .agg(pl.col("__row"))
        .filter(pl.col("__row").list.len() > 1)
        .select(pl.col("__row"))
        .sort(pl.col("__row").list.first())
    )
    return [list(map(int, g)) for g in groups["__row"].head(MAX_GROUPS).to_list()], groups.height


def key_duplicates(
    frame: pl.DataFrame | pl.LazyFrame, key: list[str], repeated: pl.DataFrame | None = None
) -> tuple[dict, pl.DataFrame]:
    """Rows sharing a key; whether they conflict, and in which columns. Also the rows themselves
    (``__row`` and the columns, in file order), which the DUPLICATE_KEY alert points at.

    ``repeated`` are the key values that occur more than once when the caller knows them (the profiler
    reads them off the key column's value counts); only their rows are then fetched.
    """
    lazy = frame.lazy()
    others = [c for c in lazy.collect_schema().names() if c not in key]
    if repeated is None:
        repeated = lazy.group_by(key).len().filter(pl.col("len") > 1).select(key).collect(engine="streaming")
    if len(key) == 1:
        wanted = lazy.with_row_index("__row").filter(pl.col(key[0]).is_in(repeated[key[0]].implode()))
    else:
        wanted = lazy.with_row_index("__row").join(repeated.lazy(), on=key, how="semi", nulls_equal=True)
    idx = wanted.collect(engine="streaming").sort("__row")
    grouped = (
        idx.group_by(key)
        .agg(
            pl.col("__row"),
            *[(pl.col(c).n_unique() > 1).alias(c) for c in others],
        )
        .filter(pl.col("__row").list.len() > 1)
    )
    conflicts = grouped.with_columns(pl.any_horizontal(others).alias("__conflict") if others else pl.lit(False))
    by_column = {c: int(conflicts[c].sum()) for c in others if conflicts.height and conflicts[c].sum()}
    conflict_groups = conflicts.filter(pl.col("__conflict")).sort(pl.col("__row").list.first())
    summary = {
        "key": key,
        "groups": grouped.height,
        "rows": int(grouped["__row"].list.len().sum()) if grouped.height else 0,
        "conflicting_groups": conflict_groups.height,
        "conflicting_columns": by_column,
        "examples": [list(map(int, g)) for g in conflict_groups["__row"].head(20).to_list()],
    }
    return summary, idx

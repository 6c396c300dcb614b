"""Per-extract duplicates: exact duplicate rows and duplicate keys (with the columns that conflict)."""

from __future__ import annotations

import polars as pl

MAX_GROUPS = 1000


def exact_groups(frame: pl.DataFrame | pl.LazyFrame) -> tuple[list[list[int]], int]:
    """Groups of row indices whose every value is equal; (first groups, total groups)."""
    lazy = frame.lazy()
    columns = lazy.collect_schema().names()
    if not columns:
        return [], 0
    # Hash whole rows first (one cheap pass); only rows whose hash repeats are grouped on their values,
    # which also settles any hash collision.
    hashed = lazy.select(pl.struct(pl.all()).hash().alias("__h")).with_row_index("__row").collect()
    candidates = hashed.filter(pl.col("__h").is_duplicated())["__row"]
    if candidates.len() == 0:
        return [], 0
    idx = lazy.with_row_index("__row").filter(pl.col("__row").is_in(candidates.implode())).collect()
    groups = (
        idx.group_by(columns)
        .agg(pl.col("__row"))
        .filter(pl.col("__row").list.len() > 1)
        .select(pl.col("__row"))
        .sort(pl.col("__row").list.first())
    )
    return [list(map(int, g)) for g in groups["__row"].head(MAX_GROUPS).to_list()], groups.height


def key_duplicates(frame: pl.DataFrame | pl.LazyFrame, key: list[str]) -> dict:
    """Rows sharing a key; whether they conflict, and in which columns."""
    lazy = frame.lazy()
    others = [c for c in lazy.collect_schema().names() if c not in key]
    repeated = lazy.with_row_index("__row").filter(pl.struct(key).is_duplicated())
    idx = repeated.collect()
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
    return {
        "key": key,
        "groups": grouped.height,
        "rows": int(grouped["__row"].list.len().sum()) if grouped.height else 0,
        "conflicting_groups": conflict_groups.height,
        "conflicting_columns": by_column,
        "examples": [list(map(int, g)) for g in conflict_groups["__row"].head(20).to_list()],
    }

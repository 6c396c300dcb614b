"""Value counts of every column of an extract, in memory or from a scan, exact and memory-bounded.

Every measure of the profiler works on value counts, so this is where the rows are read. Two kinds
of column are counted differently, with the same exact result:

- columns with few distinct values (statuses, dates, amounts) are grouped on their values; from a
  scan, all of them in one streaming pass that unpivots them into (column, value) pairs, so memory
  holds the groups, never the rows;
- columns whose values are mostly distinct (ids, emails, phones) are counted through 64-bit hashes:
  values whose hash occurs once are counted 1 where they stand and only the rest are grouped on their
  values, which also settles any hash collision. Grouping ten million distinct strings costs several
  times more than hashing them. Their counts are about as large as the columns, so they are made one
  column at a time, when the profiler gets to that column (from a scan, one streaming pass each).

Which kind a column is comes from the first rows (``HEAD_ROWS``); a wrong guess costs time or
memory (a column distinct only later in the file is grouped in the streaming pass), never exactness.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from kit.profiling.measures import COUNT

HEAD_ROWS = 100_000
MIN_ROWS_FOR_HASHING = 1_000  # below this, plain grouping is as cheap as anything
ROW_HASH = "\x1frow_hash"
_COL, _VALUE = "\x1fcolumn", "\x1fvalue"


@dataclass
class Counted:
    """Value counts (value column named as the column, ``COUNT``) of the columns with few distinct values,
    the row count, and, from a scan, each row's hash (for exact duplicates). The mostly distinct columns
    are counted one at a time, when asked (``load``), so memory holds one of them at a time."""

    rows: int
    counts: dict[str, pl.DataFrame]
    mostly_distinct: list[str]
    source: pl.DataFrame | pl.LazyFrame
    row_hashes: pl.Series | None = None

    def load(self, name: str) -> pl.DataFrame:
        """The value counts of one mostly distinct column (from a scan, one more streaming pass)."""
        if isinstance(self.source, pl.DataFrame):
            values = self.source.select(name)
        else:
            values = self.source.select(name).collect(engine="streaming")
        return distinct_counts(values, [name])[name]  # counts already UInt32


def mostly_distinct(head: pl.DataFrame) -> list[str]:
    """Columns whose values are mostly distinct in ``head`` (the first rows of an extract).

    >>> mostly_distinct(pl.DataFrame({"id": [str(i) for i in range(2000)], "s": ["a", "b"] * 1000}))
    ['id']
    """
    if head.height < MIN_ROWS_FOR_HASHING:
        return []
    approx = head.select(pl.all().approx_n_unique()).row(0, named=True)
    return [c for c, n in approx.items() if n > head.height / 2]


def distinct_counts(frame: pl.DataFrame, names: list[str]) -> dict[str, pl.DataFrame]:
    """Exact value counts of columns of mostly distinct values, through 64-bit hashes (nulls left out).

    >>> distinct_counts(pl.DataFrame({"x": ["a", "b", "a", None]}), ["x"])["x"].sort("x").rows()
    [('a', 2), ('b', 1)]
    """
    if not names:
        return {}
    repeated = frame.select(pl.col(c).hash().is_duplicated() & pl.col(c).is_not_null() for c in names)
    queries = []
    for c in names:
        values = pl.DataFrame({c: frame[c], "\x1fr": repeated[c]}).lazy()
        single = values.filter(~pl.col("\x1fr") & pl.col(c).is_not_null()).select(c, pl.lit(1, pl.UInt32).alias(COUNT))
        queries += [single, values.filter(pl.col("\x1fr")).group_by(c).agg(pl.len().cast(pl.UInt32).alias(COUNT))]
    done = pl.collect_all(queries)
    return {c: pl.concat([done[2 * i + 1], done[2 * i]]) for i, c in enumerate(names)}


def count_values(frame: pl.DataFrame | pl.LazyFrame) -> Counted:
    """Value counts of the (text) columns of ``frame`` with few distinct values; a LazyFrame is read in two
    streaming passes (the counts, and every row's hash).

    >>> c = count_values(pl.DataFrame({"s": ["x", "y", "x"]}))
    >>> c.rows, c.counts["s"].sort("s").rows()
    (3, [('x', 2), ('y', 1)])
    """
    names = frame.collect_schema().names()
    if isinstance(frame, pl.DataFrame):
        wide = mostly_distinct(frame.head(HEAD_ROWS))
        few = [c for c in names if c not in wide]
        queries = [frame.lazy().select(pl.col(c).drop_nulls().value_counts(name=COUNT)).unnest(c) for c in few]
        counts = dict(zip(few, pl.collect_all(queries), strict=True))
        return Counted(frame.height, {c: _u32(counts[c]) for c in few}, wide, frame)
    wide = mostly_distinct(frame.head(HEAD_ROWS).collect())
    few = [c for c in names if c not in wide]
    counts = {}
    if few:
        pairs = (
            frame.select(few)
            .unpivot(variable_name=_COL, value_name=_VALUE)
            .drop_nulls(_VALUE)
            .group_by(_COL, _VALUE)
            .agg(pl.len().alias(COUNT))
            .collect(engine="streaming")
        )
        parts = pairs.partition_by(_COL, as_dict=True, include_key=False)
        for c in few:
            part = parts.get((c,))
            counts[c] = (part if part is not None else pairs.clear().drop(_COL)).rename({_VALUE: c})
    hashes = frame.select(pl.struct(pl.all()).hash().alias(ROW_HASH)).collect(engine="streaming")[ROW_HASH]
    return Counted(hashes.len(), {c: _u32(counts[c]) for c in few}, wide, frame, hashes)


def _u32(counts: pl.DataFrame) -> pl.DataFrame:
    return counts.with_columns(pl.col(COUNT).cast(pl.UInt32))

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

From a scan, a mostly distinct column too large to count in the memory available (``SPILL_SHARE``)
is counted on disk instead (``spilled_counts``): its values are streamed to an Arrow file, counted
from there, and the counts written to another Arrow file that is memory-mapped, so they are pages of
a file the system can drop and read again, not memory the profile holds. The counts are the same;
the memory the profile holds no longer grows with the column's text (the disk holds about twice the
column while it is counted, in the temporary directory).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.ipc as ipc

from kit.profiling.measures import COUNT

HEAD_ROWS = 100_000
MIN_ROWS_FOR_HASHING = 1_000  # below this, plain grouping is as cheap as anything
# A mostly distinct column of a scan is counted on disk (memory-mapped) when counting it in memory would
# take more than this share of the memory available: its values and then its counts, each about as large
# as the column (an email column of 30M rows: about 3 GB in all).
SPILL_SHARE = 0.25
_VIEW_BYTES = 24  # a value's view and count, beside its text
GROUPS_AT_ONCE = 2_000_000  # repeated values grouped at once when counting on disk
# Up to this many rows, the repeated hashes of a held column are found by sorting a copy of them.
SORTED_REPEATS_ROWS = 5_000_000
ROW_HASH = "\x1frow_hash"
_COL, _VALUE = "\x1fcolumn", "\x1fvalue"
_HASH, _REPEATED = "\x1fhash", "\x1frepeated"


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
    value_bytes: dict[str, float] = field(default_factory=dict)  # mean length of a value in the head

    def spills(self, name: str) -> bool:
        """Whether a mostly distinct column of a scan is counted on disk (``SPILL_SHARE``)."""
        if isinstance(self.source, pl.DataFrame):
            return False
        need = 2 * self.rows * (self.value_bytes.get(name, 0.0) + _VIEW_BYTES)
        return need > SPILL_SHARE * available_memory()

    def load(self, name: str) -> pl.DataFrame:
        """The value counts of one mostly distinct column (from a scan, one more streaming pass)."""
        if isinstance(self.source, pl.DataFrame):
            values = self.source.select(name)
        elif self.spills(name):
            return spilled_counts(self.source, name)
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
    if frame.height <= SORTED_REPEATS_ROWS:
        repeated = pl.DataFrame({c: is_repeated(frame[c].hash()) & frame[c].is_not_null() for c in names})
    else:
        # is_duplicated: slower, but it holds less (30M rows: +150 MB against +430 MB for the sorted copy).
        repeated = frame.select(pl.col(c).hash().is_duplicated() & pl.col(c).is_not_null() for c in names)
    queries = []
    for c in names:
        values = pl.DataFrame({c: frame[c], "\x1fr": repeated[c]}).lazy()
        single = values.filter(~pl.col("\x1fr") & pl.col(c).is_not_null()).select(c, pl.lit(1, pl.UInt32).alias(COUNT))
        queries += [single, values.filter(pl.col("\x1fr")).group_by(c).agg(pl.len().cast(pl.UInt32).alias(COUNT))]
    done = pl.collect_all(queries)
    return {c: pl.concat([done[2 * i + 1], done[2 * i]]) for i, c in enumerate(names)}


def available_memory() -> int:
    """Bytes of memory available to this process now (Linux's MemAvailable: free plus what the system can
    reclaim), or 8 GiB when the system does not say."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 8 * 2**30


def repeated_hashes(hashes: pl.Series) -> pl.Series:
    """The hashes that occur more than once, found by sorting ``hashes`` in place (no copy of a hundred
    million of them, and no hash table several times their size).

    >>> repeated_hashes(pl.Series([5, 3, 5, 1, 3, 5], dtype=pl.UInt64)).to_list()
    [3, 5]
    """
    if hashes.null_count():
        hashes = hashes.drop_nulls()
    hashes.sort(in_place=True)
    ordered = hashes.to_numpy()
    same = ordered[1:] == ordered[:-1]  # sorted: true at each extra copy of a hash
    first = same.copy()
    first[1:] &= ~same[:-1]  # the first extra copy of each: one per repeated hash, masks only
    return pl.Series(hashes.name, ordered[1:][first], dtype=hashes.dtype)


def is_repeated(hashes: pl.Series) -> pl.Series:
    """Whether each hash occurs more than once (``is_duplicated``), found by sorting a copy of them: three
    times faster than ``is_duplicated``'s hash table, for 8 more bytes a hash held meanwhile.

    >>> is_repeated(pl.Series([5, 3, 5, 1], dtype=pl.UInt64)).to_list()
    [True, False, True, False]
    """
    return hashes.is_in(repeated_hashes(hashes.clone()).implode())


def _mapped(path: Path) -> pl.DataFrame:
    """An Arrow file as a frame whose buffers are the file's pages (memory-mapped, not read in); the
    file can be deleted at once, the mapping keeps it until the frame is dropped."""
    with pa.memory_map(str(path)) as source:
        return pl.from_arrow(ipc.open_file(source).read_all())  # type: ignore[return-value]


def spilled_counts(source: pl.LazyFrame, name: str, folder: str | Path | None = None) -> pl.DataFrame:
    """Exact value counts of one column of a scan (as ``distinct_counts``), made on disk: the values and
    their hashes are streamed to an Arrow file, the hashes that repeat found by sorting them, and the
    counts (repeated values grouped, a share of them at a time, the others counted 1) streamed to
    Arrow files, returned memory-mapped. Memory holds the hashes (8 bytes a row, sorted) and the groups
    of one share, never the values. ``folder``: where the files are made (default: the system's
    temporary directory, ``TMPDIR``).

    >>> lazy = pl.LazyFrame({"x": ["a", "b", "a", None, "c"]})
    >>> spilled_counts(lazy, "x").sort("x").rows()
    [('a', 2), ('b', 1), ('c', 1)]
    """
    with tempfile.TemporaryDirectory(prefix="kit-counts-", dir=folder, ignore_cleanup_errors=True) as tmp:
        values_path = Path(tmp) / "values.arrow"
        values = source.select(pl.col(name).cast(pl.String)).drop_nulls().with_columns(pl.col(name).hash().alias(_HASH))
        values.sink_ipc(values_path, compression=None, engine="streaming")
        # Read back as a scan, a morsel at a time: a frame of the file's many record batches would be
        # copied whole into memory by a streaming query over it.
        repeated = repeated_hashes(pl.scan_ipc(values_path).select(_HASH).collect(engine="streaming")[_HASH])
        flagged = pl.scan_ipc(values_path).with_columns(pl.col(_HASH).is_in(repeated.implode()).alias(_REPEATED))
        parts = [flagged.filter(~pl.col(_REPEATED)).select(name, pl.lit(1, pl.UInt32).alias(COUNT))]
        # The repeated values are grouped a share of their hashes at a time, so memory holds the groups
        # of one share (a hundred million rows can repeat ten million values).
        shares = max(1, -(-repeated.len() // GROUPS_AT_ONCE))
        for share in range(shares):
            mine = pl.col(_REPEATED) & (pl.col(_HASH) % shares == share)
            parts.append(flagged.filter(mine).group_by(name).agg(pl.len().cast(pl.UInt32).alias(COUNT)))
        paths = [Path(tmp) / f"counts{i}.arrow" for i in range(len(parts))]
        for part, path in zip(parts, paths, strict=True):
            part.sink_ipc(path, compression=None, engine="streaming")
        return pl.concat([_mapped(path) for path in reversed(paths)], rechunk=False)


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
    head = frame.head(HEAD_ROWS).collect()
    wide = mostly_distinct(head)
    value_bytes = head.select(pl.col(c).str.len_bytes().mean() for c in wide).row(0, named=True) if wide else {}
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
    value_bytes = {c: float(n or 0) for c, n in value_bytes.items()}
    return Counted(hashes.len(), {c: _u32(counts[c]) for c in few}, wide, frame, hashes, value_bytes)


def _u32(counts: pl.DataFrame) -> pl.DataFrame:
    return counts.with_columns(pl.col(COUNT).cast(pl.UInt32))

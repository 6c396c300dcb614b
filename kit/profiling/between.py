"""Findings between columns: values that break a dependency the rest of the rows keep (``zip -> city``),
and a value of another column appended to this one (``Denver CO`` in a city column beside a state).

Both are found on distinct values and distinct value pairs, never row by row:

- dependencies are discovered on a sample of rows (``SAMPLE_ROWS``): each column as dense integer codes,
  each pair of columns counted with NumPy over them (a grid, or a sort of the combined key); a
  left-hand value needs ``MIN_SUPPORT`` rows to count, and a dependency is kept when ``HOLDS`` of those
  values have one right-hand value for at least ``MAJORITY`` of their rows. Only the kept ones are
  counted over every row, to find the violating rows.
  Columns that are near unique (an id determines everything) or near constant are left out;
- appended values are looked up among a column's distinct values: the last word of a value is a value
  of a code-like column (``CO`` of ``state``) and the rest is itself a value of this column.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from kit.profiling.measures import COUNT
from kit.profiling.model import ColumnProfile
from kit.profiling.types import missing_expr

MIN_SUPPORT = 3
MAJORITY = 2 / 3
HOLDS = 0.95
MIN_GROUPS = 5  # left-hand values with support a dependency needs before it is believed
MAX_COLUMNS = 40  # candidate columns (at most 780 pairs)
MAX_DEPENDENCIES = 60  # dependencies counted over every row
SAMPLE_ROWS = 100_000
_ROW = "\x1frow"


@dataclass
class Dependency:
    """``left`` determines ``right`` for ``holds`` of its supported values; ``rows`` break it."""

    left: str
    right: str
    holds: float
    groups: int
    rows: list[int] = field(default_factory=list)
    total: int = 0  # rows breaking it (``rows`` lists the first of them)
    # (left value, the value of the suspect rows, the value most rows with that left value have)
    examples: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Appended:
    """Values of ``column`` that are one of its values with a value of ``other`` appended."""

    column: str
    other: str
    values: dict[str, tuple[str, str]]  # value -> (its own part, the other column's part)
    rows: list[int] = field(default_factory=list)


# A date or an amount determining another column is a coincidence of the data (rows entered the same
# day), not a rule of the business: they are only tested as the dependent side.
NOT_LEFT = {"date", "decimal", "currency", "boolean"}


def candidates(columns: list[ColumnProfile], rows: int) -> list[str]:
    """Columns worth testing as either side of a dependency: values that repeat (not near unique), more
    than one of them (not near constant), present in at least half the rows."""
    out = []
    for c in columns:
        present = c.present
        if present < max(MIN_SUPPORT * MIN_GROUPS, rows / 2) or c.distinct < 2:
            continue
        if c.distinct > present / MIN_SUPPORT:  # most values too rare to support anything
            continue
        if c.top and c.top[0][1] >= 0.98 * present:
            continue
        out.append(c.name)
    return out[:MAX_COLUMNS]


def _missing_to_null(names: list[str], tokens_for: Callable[[str], list[str]]) -> list[pl.Expr]:
    return [pl.when(~missing_expr(c, tokens_for(c))).then(pl.col(c)).alias(c) for c in names]


DENSE_CELLS = 4_000_000  # pairs of columns whose value grid is at most this large are counted in a grid


def _pair_totals(x: np.ndarray, y: np.ndarray, nx: int, ny: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each direction (x -> y, then y -> x): rows per left-hand value, and rows of its most common
    right-hand value. A grid count when the grid of value pairs is small, a sort of the pair keys otherwise."""
    key = x * ny + y
    if nx * ny <= DENSE_CELLS:
        grid = np.bincount(key, minlength=nx * ny).reshape(nx, ny)
        return [(grid.sum(1), grid.max(1)), (grid.sum(0), grid.max(0))]
    pairs, rows = np.unique(key, return_counts=True)
    out = []
    for left, size in ((pairs // ny, nx), (pairs % ny, ny)):
        top = np.zeros(size, dtype=rows.dtype)
        np.maximum.at(top, left, rows)
        out.append((np.bincount(left, weights=rows, minlength=size), top))
    return out


def _strength(total: np.ndarray, top: np.ndarray) -> dict[str, float]:
    """How many left-hand values have support, the share of them with a ``MAJORITY`` value, how many
    have more than one right-hand value, the rows they cover and the rows with both sides."""
    supported = total >= MIN_SUPPORT
    groups = int(supported.sum())
    return {
        "groups": groups,
        "holds": float((top[supported] >= MAJORITY * total[supported]).mean()) if groups else 0.0,
        "broken": int((top[supported] < total[supported]).sum()),
        "covered": float(total[supported].sum()),
        "rows": float(total.sum()),
    }


def discover(
    frame: pl.DataFrame | pl.LazyFrame,
    names: list[str],
    tokens_for: Callable[[str], list[str]],
    kinds: dict[str, str] | None = None,
) -> list[tuple[str, str, float, int]]:
    """(left, right, holds, groups) of the dependencies a sample of rows shows, strongest first.
    ``kinds``: each column's inferred type (a date or an amount is never the determining side).

    Each column of the sample becomes dense integer codes once; each pair of columns is then counted
    with NumPy over those codes (both directions from one count), so hundreds of pairs cost about a
    second at ``SAMPLE_ROWS``."""
    kinds = kinds or {}
    if len(names) < 2 or all(kinds.get(n) in NOT_LEFT for n in names):
        return []
    sample = frame.lazy().select(names).head(SAMPLE_ROWS).select(_missing_to_null(names, tokens_for))
    # Dense codes by ranking hashes: sorting integers is several times faster than sorting text.
    hashed = [pl.when(pl.col(c).is_not_null()).then(pl.col(c).hash()) for c in names]
    coded = sample.select(
        (h.rank("dense").cast(pl.Int64) - 1).fill_null(-1).alias(c) for h, c in zip(hashed, names, strict=True)
    ).collect()
    codes = {c: coded[c].to_numpy() for c in names}
    size = {c: int(codes[c].max()) + 1 for c in names}
    found = []
    for a, b in itertools.combinations(names, 2):
        if kinds.get(a) in NOT_LEFT and kinds.get(b) in NOT_LEFT:
            continue
        both = (codes[a] >= 0) & (codes[b] >= 0)
        if not both.any():
            continue
        totals = _pair_totals(codes[a][both], codes[b][both], size[a], size[b])
        for (left, right), (total, top) in zip(((a, b), (b, a)), totals, strict=True):
            if kinds.get(left) in NOT_LEFT:
                continue
            r = _strength(total, top)
            if r["groups"] < MIN_GROUPS or not r["broken"] or r["holds"] < HOLDS:
                continue
            if r["covered"] < 0.5 * r["rows"]:  # most rows' left-hand values too rare to say anything
                continue
            found.append((left, right, r["holds"], r["groups"]))
    found.sort(key=lambda d: (-d[2], -d[3], d[0], d[1]))
    return found[:MAX_DEPENDENCIES]


def violations(
    frame: pl.DataFrame | pl.LazyFrame,
    found: list[tuple[str, str, float, int]],
    tokens_for: Callable[[str], list[str]],
    limit: int,
) -> list[Dependency]:
    """The rows breaking each dependency, over every row: for a left-hand value with a clear majority
    right-hand value, the rows with another one."""
    lazy = frame.lazy()
    out, queries = [], []
    for left, right, holds, groups in found:
        pairs = (
            lazy.select(_missing_to_null([left, right], tokens_for))
            .drop_nulls()
            .group_by(left, right)
            .agg(pl.len().alias(COUNT))
        )
        total = pl.col(COUNT).sum().over(left)
        top = pl.col(COUNT).max().over(left)
        # The majority value of each left-hand value; a tie has none.
        tied = (pl.col(COUNT) == top).sum().over(left) > 1
        majority = pl.col(right).filter(pl.col(COUNT) == top).first().over(left)
        bad = (
            pairs.with_columns(majority.alias("\x1fmajority"))
            .filter((total >= MIN_SUPPORT) & (top >= MAJORITY * total) & ~tied & (pl.col(COUNT) < top))
            .sort([left, right])
        )
        rows = (
            lazy.with_row_index(_ROW)
            .join(bad.select(left, right), on=[left, right], how="semi")
            .select(_ROW)
            .sort(_ROW)
            .head(limit)
        )
        queries += [bad.head(5), rows, bad.select(pl.col(COUNT).sum())]
        out.append(Dependency(left, right, round(holds, 4), groups))
    results = pl.collect_all(queries, engine="streaming") if queries else []
    for i, dep in enumerate(out):
        examples, rows, total = results[3 * i : 3 * i + 3]
        dep.examples = [(str(a), str(b), str(m)) for a, b, _, m in examples.rows()]
        dep.rows = rows[_ROW].to_list()
        dep.total = int(total.item() or 0)
    return [d for d in out if d.rows]


def dependencies(
    frame: pl.DataFrame | pl.LazyFrame,
    columns: list[ColumnProfile],
    rows: int,
    tokens_for: Callable[[str], list[str]],
    limit: int,
) -> list[Dependency]:
    """Dependencies between columns that some rows break, with those rows (at most ``limit`` each).

    >>> zips = [z for z in ("35233", "36301", "35630", "35004", "35007") for _ in range(5)]
    >>> city = [c for c in ("Birmingham", "Dothan", "Florence", "Moody", "Alabaster") for _ in range(5)]
    >>> city[4] = "Birmingxam"
    >>> frame = pl.DataFrame({"zip": zips, "city": city})
    >>> from kit.profiling import profile
    >>> [(d.left, d.right, d.rows) for d in dependencies(frame, profile(frame).columns, 25, lambda c: [], 100)]
    [('zip', 'city', [4])]
    """
    names = candidates(columns, rows)
    kinds = {c.name: c.type.type for c in columns}
    found = violations(frame, discover(frame, names, tokens_for, kinds), tokens_for, limit)
    variants = {c.name: sum(len(v.variants) for v in c.variants) for c in columns}
    return _one_side(found, variants, {c.name for c in columns if c.type.type in _CODES})


# Types whose values are usually picked or validated, not typed: of two columns that determine each
# other, the wrong value is more likely in the free-text one.
_CODES = {"postal_code", "integer", "decimal", "email", "phone", "uuid", "date", "currency", "boolean", "url"}


def _one_side(found: list[Dependency], variants: dict[str, int], codes: set[str]) -> list[Dependency]:
    """A row breaking both zip -> city and city -> zip has one wrong value, not two: it is kept on the
    less specific column, the one with fewer values seen several times once spelling variants are
    merged ('Boston' and 'Boston\xa0' are one), the free text rather than the code on a tie. A typo
    never gets here: a misspelt value is too rare to determine anything."""
    pairs = {(d.left, d.right): d for d in found}
    for d in found:
        back = pairs.get((d.right, d.left))
        if back is None:
            continue
        right = (back.groups - variants[d.right], d.right in codes)
        left = (d.groups - variants[d.left], d.left in codes)
        if right <= left:
            continue
        both = set(d.rows) & set(back.rows)
        d.total -= len(both)
        d.rows = [r for r in d.rows if r not in both]
    # A wrong city also breaks city -> country on its row: the country is judged by a suspect value there.
    suspect = {(r, d.right) for d in found for r in d.rows}
    for d in found:
        kept = [r for r in d.rows if (r, d.left) not in suspect]
        d.total -= len(d.rows) - len(kept)
        d.rows = kept
    return [d for d in found if d.rows]


_LAST_WORD = r"^(.*\S)[\s,]+(\S+)$"


def _code_like(c: ColumnProfile) -> bool:
    """Short single-word codes (a state, a country, a currency): what gets appended to another value."""
    spaced = sum(s.count for s in c.collapsed_shapes if " " in s.shape)
    return 2 <= c.distinct <= 1_000 and c.present > 0 and spaced <= 0.05 * c.present and (c.len_p95 or 0) <= 12


def appended(
    frame: pl.DataFrame | pl.LazyFrame,
    counts: dict[str, pl.DataFrame],
    columns: list[ColumnProfile],
    tokens_for: Callable[[str], list[str]],
    limit: int,
) -> list[Appended]:
    """Values made of one of this column's values and a value of a code-like column (``Denver CO``).

    >>> frame = pl.DataFrame({"city": ["Denver"] * 3 + ["Boulder"] * 3 + ["Denver CO"], "state": ["CO"] * 6 + [None]})
    >>> from kit.profiling import profile
    >>> counts = {c: frame.group_by(c).agg(pl.len().alias(COUNT)).drop_nulls() for c in frame.columns}
    >>> [(a.column, a.other, a.rows) for a in appended(frame, counts, profile(frame).columns, lambda c: [], 10)]
    [('city', 'state', [6])]
    """
    by_name = {c.name: c for c in columns}
    codes = {n: counts[n] for n, c in by_name.items() if n in counts and _code_like(c)}
    found = []
    for name, c in by_name.items():
        if name not in counts or c.present < MIN_SUPPORT:
            continue
        present = counts[name].filter(~missing_expr(name, tokens_for(name)))
        split = present.with_columns(
            pl.col(name).str.extract(_LAST_WORD, 1).alias("\x1fown"),
            pl.col(name).str.extract(_LAST_WORD, 2).alias("\x1fother"),
        ).filter(pl.col("\x1fown").is_not_null())
        if not split.height:
            continue
        # The rest must be a value of this column seen more often than the combined one.
        known = present.filter(pl.col(COUNT) >= 2).select(
            pl.col(name).alias("\x1fown"), pl.col(COUNT).alias("\x1fseen")
        )
        split = split.join(known, on="\x1fown").filter(pl.col("\x1fseen") > pl.col(COUNT))
        own_values = present[name].implode()
        for other, other_counts in codes.items():
            if other == name or not split.height:
                continue
            values = other_counts.filter(pl.col(COUNT) >= 2).select(pl.col(other).alias("\x1fother"))
            hits = split.join(values, on="\x1fother").filter(~pl.col("\x1fother").is_in(own_values))
            if hits.height:
                hit = {v: (o, t) for v, o, t in hits.select(name, "\x1fown", "\x1fother").sort(name).rows()}
                found.append(Appended(name, other, hit))
                split = split.join(hits.select(name), on=name, how="anti")
    if not found:
        return []
    lazy = frame.lazy().with_row_index(_ROW)
    queries = [lazy.filter(pl.col(a.column).is_in(list(a.values))).select(_ROW).head(limit) for a in found]
    for a, rows in zip(found, pl.collect_all(queries, engine="streaming"), strict=True):
        a.rows = rows[_ROW].to_list()
    return found

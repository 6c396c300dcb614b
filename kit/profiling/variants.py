"""Spelling variants and likely typos in columns whose values repeat (statuses, cities, countries ...).

Both work on a column's distinct values with their counts, never on rows: a variant is a rarer
spelling of a value that is equal once case, spacing (and, for categories, accents, punctuation and
word order) are ignored; a likely typo is a rare value a few keystrokes away from a frequent one.
"""

from __future__ import annotations

import re

import numpy as np
import polars as pl
from rapidfuzz import process
from rapidfuzz.distance import OSA

from kit.profiling.measures import COUNT

# A column "repeats" when each distinct value appears at least this often on average.
MIN_REPEAT = 3.0
# Categories: few distinct values, so accents and punctuation may be ignored without merging names.
MAX_CATEGORIES = 200
TYPO_RATIO = 10  # the frequent value is at least this many times as common as the typo
MAX_RARE = 50_000
MAX_FREQUENT = 2_000


def normalise_expr(expr: pl.Expr, strong: bool) -> pl.Expr:
    """Case and spacing folded; with ``strong``, also accents, punctuation and word order."""
    out = expr.str.to_lowercase().str.replace_all(r"[\s\u00a0]+", " ").str.strip_chars()
    if strong:
        out = out.str.normalize("NFKD").str.replace_all(r"\p{M}", "")
        out = out.str.replace_all(r"[\p{P}\p{S}]+", " ").str.replace_all(r" +", " ").str.strip_chars()
        out = out.str.split(" ").list.sort().list.join(" ")
    return out


def repeats(distinct: int, present: int) -> bool:
    """Whether values repeat enough for a rare spelling to stand out (``distinct`` present values in
    ``present`` rows)."""
    return distinct > 1 and present >= MIN_REPEAT * distinct


def is_categorical(distinct: int, present: int) -> bool:
    """Whether a column looks like a code list: few distinct values, each repeated."""
    return 1 < distinct <= MAX_CATEGORIES and present >= MIN_REPEAT * distinct


def spelling_variants(counts: pl.DataFrame, name: str, categorical: bool, limit: int = 50) -> list[dict]:
    """Groups of spellings that mean the same value: ``[{"value": most common, "variants": {v: n}}]``.

    >>> vc = pl.DataFrame({"s": ["Active", "ACTIVE", " active", "Closed"], COUNT: [90, 4, 2, 50]})
    >>> spelling_variants(vc, "s", categorical=True)
    [{'value': 'Active', 'count': 90, 'variants': {'ACTIVE': 4, ' active': 2}}]
    """
    if counts.height < 2:
        return []
    keyed = counts.with_columns(normalise_expr(pl.col(name), categorical).alias("__key")).filter(pl.col("__key") != "")
    groups = (
        keyed.sort([COUNT, name], descending=[True, False])
        .group_by("__key", maintain_order=True)
        .agg(pl.col(name), pl.col(COUNT))
        .filter(pl.col(name).list.len() > 1)
    )
    out = []
    for values, ns in groups.select(name, COUNT).head(limit).iter_rows():
        out.append(
            {"value": values[0], "count": int(ns[0]), "variants": dict(zip(values[1:], map(int, ns[1:]), strict=True))}
        )
    return out


def _folded(counts: pl.DataFrame, name: str) -> list[str]:
    return counts.select(normalise_expr(pl.col(name), strong=False))[name].to_list()


def likely_typos(counts: pl.DataFrame, name: str, limit: int = 200) -> list[dict]:
    """Rare values within a few edits of a far more frequent value: ``[{"value", "count", "likely", "score"}]``.

    Only values with letters are considered (a digit off in an ID is another ID, not a typo), and
    only against values at least ``TYPO_RATIO`` times as common.

    >>> vc = pl.DataFrame({"c": ["Birmingham", "Birmingxam", "Boston"], COUNT: [200, 1, 150]})
    >>> [(t["value"], t["likely"]) for t in likely_typos(vc, "c")]
    [('Birmingxam', 'Birmingham')]
    """
    lettered = counts.filter(pl.col(name).str.contains(r"\p{L}") & (pl.col(name).str.len_chars() >= 4))
    if lettered.height < 2:
        return []
    frequent = (
        lettered.filter(pl.col(COUNT) >= TYPO_RATIO).sort([COUNT, name], descending=[True, False]).head(MAX_FREQUENT)
    )
    if not frequent.height:
        return []
    rare = lettered.filter(pl.col(COUNT) * TYPO_RATIO <= frequent[COUNT].max()).sort([COUNT, name]).head(MAX_RARE)
    if not rare.height:
        return []
    f_vals, f_n = frequent[name].to_list(), frequent[COUNT].to_numpy()
    f_low = _folded(frequent, name)
    found: list[dict] = []
    r_vals, r_n = rare[name].to_list(), rare[COUNT].to_numpy()
    r_low = _folded(rare, name)
    f_digits = [re.sub(r"\D", "", v) for v in f_low]
    for start in range(0, len(r_vals), 5_000):
        chunk = r_low[start : start + 5_000]
        # Edits counted with transpositions as one ("Actvie"), at most 1 in short words and 2 in long ones.
        edits = process.cdist(chunk, f_low, scorer=OSA.distance, score_cutoff=2, dtype=np.int32, workers=-1)
        limit_edits = np.where(np.array([len(v) for v in chunk]) >= 8, 2, 1)[:, None]
        # A candidate only counts against values that are TYPO_RATIO times as frequent as it is.
        allowed = (f_n[None, :] >= TYPO_RATIO * r_n[start : start + len(chunk), None]) & (edits <= limit_edits)
        # Among allowed candidates, the fewest edits, then the most frequent (frequent is sorted by count).
        cost = np.where(allowed, edits, 99)
        best = cost.argmin(axis=1)
        for i in np.nonzero(cost[np.arange(len(chunk)), best] < 99)[0]:
            j = int(best[i])
            if chunk[i] == f_low[j] or re.sub(r"\D", "", chunk[i]) != f_digits[j]:
                continue  # a spelling variant (reported as such), or other digits: another house, another code
            found.append(
                {
                    "value": r_vals[start + i],
                    "count": int(r_n[start + i]),
                    "likely": f_vals[j],
                    "score": round(100 * (1 - int(edits[i, j]) / max(len(chunk[i]), len(f_low[j])))),
                }
            )
    found.sort(key=lambda t: (-t["score"], t["value"]))
    return found[:limit]

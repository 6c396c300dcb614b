"""Near-duplicate records: the same entity entered twice with small differences.

No pair-by-pair comparison of the whole extract: candidates come from a sorted-neighbourhood pass per
blocking column (records sorted by that column's normalised value, each compared with the next few),
which is O(n log n) and catches typos anywhere but the first characters; a second pass on the
reversed value catches those. Candidates are filtered by how many informative fields are exactly
equal (polars, vectorised), then scored field by field with rapidfuzz on normalised text (case,
spacing, punctuation, accents and word order ignored), weighted by how much each field tells records
apart. Matched pairs become clusters (connected components), each with its weakest pair's score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

WINDOW = 6
THRESHOLD = 0.7
MAX_CLUSTERS = 10_000
# Identifier-like types: equal across true duplicates only by accident, so they do not vote.
ID_TYPES = {"uuid"}


# Values of these types are compared character by character: "(740) 237-2731" and "(740) 237-2781"
# are other numbers, however similar they look, while a swapped or mistyped digit is one edit.
CODE_TYPES = {"integer", "decimal", "phone", "date", "postal_code", "currency"}
CODE_EDITS = 3  # similarity 1 - edits/3: one edit 0.67, three or more 0


@dataclass(frozen=True)
class Field:
    name: str
    weight: float
    code: bool = False


def choose_fields(columns: list[dict], rows: int, exclude: list[str]) -> list[Field]:
    """Columns that say who or what a record is, weighted by how well they tell records apart.

    Left out: the key (duplicates by key are reported separately), columns unique on every row that
    look like identifiers, columns that are mostly missing, and constants.
    """
    fields = []
    for c in columns:
        present = c.present
        if c.name in exclude or present < 0.3 * rows or c.distinct < 2:
            continue
        if c.distinct == rows and (c.type.type in ("integer", *ID_TYPES) or c.len_max == c.len_min):
            continue
        weight = max(0.1, math.log(c.distinct + 1) / math.log(rows + 1))
        fields.append(Field(c.name, round(weight, 4), c.type.type in CODE_TYPES))
    return fields


def _normalise_distinct(values: pl.Series, code: bool) -> pl.Series:
    """Normalised form of distinct values. Accent stripping and word sorting are costly, so they run only
    on the values that need them (non-ASCII; several words)."""
    frame = pl.DataFrame({"v": values})
    if code:
        return frame.select(pl.col("v").str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]", ""))["v"]
    weak = pl.col("v").str.to_lowercase()
    out = frame.with_columns(
        pl.when(pl.col("v").str.contains(r"[^\x00-\x7f]"))
        .then(weak.str.normalize("NFKD").str.replace_all(r"\p{M}", ""))
        .otherwise(weak)
        .str.replace_all(r"[\p{P}\p{S}\s]+", " ")
        .str.strip_chars()
        .alias("n")
    )
    spaced = out.filter(pl.col("n").str.contains(" ", literal=True))
    if spaced.height:
        spaced = spaced.with_columns(pl.col("n").str.split(" ").list.sort().list.join(" "))
        out = pl.concat([out.filter(~pl.col("n").str.contains(" ", literal=True)), spaced])
        out = frame.join(out, on="v", how="left", maintain_order="left", nulls_equal=True)
    return out["n"]


def _normalised(frame: pl.DataFrame, fields: list[Field]) -> tuple[pl.DataFrame, np.ndarray]:
    """Normalised text per field ("" for missing) and, per field, an integer code of it per row whose
    order follows the text: equality and sorting then work on integers."""
    texts, codes = {}, []
    for f in fields:
        distinct = frame.get_column(f.name).unique().drop_nulls()
        table = pl.DataFrame({f.name: distinct, "__n": _normalise_distinct(distinct, f.code)})
        table = table.with_columns(pl.col("__n").rank("dense").cast(pl.Int64).alias("__code"))
        joined = frame.select(f.name).join(table, on=f.name, how="left", maintain_order="left")
        text = joined["__n"].fill_null("")
        texts[f.name] = text
        # Missing and empty get code 0: never "equal" (checked via the text), sorted first.
        codes.append(joined["__code"].fill_null(0).to_numpy() * (text != "").to_numpy())
    return pl.DataFrame(texts), np.stack(codes)


def _candidates(codes: np.ndarray, reversed_code: np.ndarray | None, blockers: list[int], window: int) -> np.ndarray:
    """Candidate pairs (as one int64 each, a * n + b with a < b) from sorted-neighbourhood passes."""
    n = codes.shape[1]
    order_fields = list(range(codes.shape[0]))
    passes = [np.lexsort(codes[order_fields[::-1]])]  # the whole record, most informative field first
    for b in blockers:
        rest = [i for i in order_fields if i != b]
        passes.append(np.lexsort(codes[[*rest[::-1], b]]))
    if reversed_code is not None:
        passes.append(np.lexsort(np.vstack([codes[order_fields[::-1]], reversed_code[None, :]])))
    out = []
    for order in passes:
        for d in range(1, min(window, n - 1) + 1):
            x, y = order[:-d].astype(np.int64), order[d:].astype(np.int64)
            out.append(np.minimum(x, y) * n + np.maximum(x, y))
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def near_duplicates(
    frame: pl.DataFrame,
    fields: list[Field],
    threshold: float = THRESHOLD,
    window: int = WINDOW,
) -> dict:
    """Clusters of records that look like the same entity: ``{"fields", "clusters": [{"rows", "score"}], ...}``.

    >>> names = ["Ann Lee", "LEE, Ann", "Bob Stone", "Cy Young"]
    >>> f = pl.DataFrame({"name": names, "city": ["Oslo", "Oslo", "Rome", "Oslo"]})
    >>> near_duplicates(f, [Field("name", 1.0), Field("city", 0.5)])["clusters"]
    [{'rows': [0, 1], 'score': 1.0}]
    """
    result = {"fields": [f.name for f in fields], "threshold": threshold, "clusters": [], "total": 0, "rows": 0}
    if len(fields) == 0 or frame.height < 2:
        return result
    fields = sorted(fields, key=lambda f: -f.weight)
    result["fields"] = [f.name for f in fields]
    norm, codes = _normalised(frame, fields)
    top = norm.columns[0]
    rev = norm.select(pl.col(top).str.reverse().rank("dense").cast(pl.Int64))[top].to_numpy()
    pairs = _candidates(codes, rev, blockers=[0, 1, 2][: len(fields)], window=window)
    n = frame.height
    a_all, b_all = pairs // n, pairs % n
    weights = np.array([f.weight for f in fields])
    # Cheap filter first, on integer codes: the weight of fields exactly equal (and present) in both.
    equal = np.zeros(len(pairs))
    present = np.zeros(len(pairs))
    for i, w in enumerate(weights):
        ca, cb = codes[i][a_all], codes[i][b_all]
        both = (ca > 0) & (cb > 0)
        equal += w * ((ca == cb) & both)
        present += w * both
    keep = (present >= 0.4 * weights.sum()) & (equal >= 0.25 * present)
    # The same pair comes from several passes: score it once, keeping its weight of present fields.
    survivors, first = np.unique(pairs[keep], return_index=True)
    present = present[keep][first]
    a_np, b_np = survivors // n, survivors % n
    a, b = pl.Series(a_np), pl.Series(b_np)
    score = np.zeros(len(a))
    for i, (f, w) in enumerate(zip(fields, weights, strict=True)):
        va, vb = norm[f.name].gather(a), norm[f.name].gather(b)
        both = (codes[i][a_np] > 0) & (codes[i][b_np] > 0)  # code 0 is missing or empty
        if f.code:
            edits = process.cpdist(va.to_list(), vb.to_list(), scorer=OSA.distance, workers=-1)
            sim = np.clip(1.0 - edits / CODE_EDITS, 0.0, 1.0)
        else:
            sim = process.cpdist(va.to_list(), vb.to_list(), scorer=fuzz.ratio, workers=-1) / 100.0
        score += w * np.where(both, sim, 0.0)
    score = np.divide(score, present, out=np.zeros_like(score), where=present > 0)
    match = score >= threshold
    ma, mb, ms = a.filter(match).to_numpy(), b.filter(match).to_numpy(), score[match]
    if not len(ma):
        return result
    graph = coo_matrix((np.ones(len(ma)), (ma, mb)), shape=(frame.height, frame.height))
    _, labels = connected_components(graph, directed=False)
    edges = pl.DataFrame({"a": ma, "b": mb, "score": ms}).with_columns(
        pl.Series("cluster", labels[ma]),
    )
    members = (
        pl.concat([edges.select("cluster", row="a"), edges.select("cluster", row="b")])
        .unique()
        .group_by("cluster")
        .agg(pl.col("row").sort())
    )
    weakest = edges.group_by("cluster").agg(pl.col("score").min())
    clusters = members.join(weakest, on="cluster").sort(pl.col("row").list.first())
    result["total"] = clusters.height
    result["rows"] = int(clusters["row"].list.len().sum())
    result["clusters"] = [
        {"rows": list(map(int, r)), "score": round(float(s), 3)}
        for r, s in clusters.select("row", "score").head(MAX_CLUSTERS).iter_rows()
    ]
    return result

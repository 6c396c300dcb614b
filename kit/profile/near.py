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

from kit.profile.variants import normalise_expr

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
        present = c["rows"] - c["nulls"] - c["empty"] - c["whitespace"] - c["pseudo_null_total"]
        if c["name"] in exclude or present < 0.3 * rows or c["distinct"] < 2:
            continue
        if c["distinct"] == rows and (c["type"]["type"] in ("integer", *ID_TYPES) or c["len_max"] == c["len_min"]):
            continue
        weight = max(0.1, math.log(c["distinct"] + 1) / math.log(rows + 1))
        fields.append(Field(c["name"], round(weight, 4), c["type"]["type"] in CODE_TYPES))
    return fields


def _normalised(frame: pl.DataFrame, fields: list[Field]) -> pl.DataFrame:
    """Normalised text per field (on distinct values, joined back), "" for missing."""
    out = {}
    for f in fields:
        distinct = frame.select(pl.col(f.name).unique())
        expr = normalise_expr(pl.col(f.name), strong=True)
        if f.code:
            expr = expr.str.replace_all(r"[^\p{L}\p{N}]", "")
        norm = distinct.with_columns(expr.alias("__n"))
        out[f.name] = frame.select(f.name).join(norm, on=f.name, how="left", nulls_equal=True)["__n"].fill_null("")
    return pl.DataFrame(out)


def _candidates(norm: pl.DataFrame, blockers: list[str], window: int) -> pl.DataFrame:
    record = pl.concat_str([pl.col(c) for c in norm.columns], separator="\x1f")
    base = norm.with_row_index("__row").with_columns(record.alias("__record"))
    keys = [pl.col("__record")]
    for b in blockers:
        keys.append(pl.col(b) + "\x1f" + pl.col("__record"))
        keys.append(pl.col(b).str.reverse() + "\x1f" + pl.col("__record"))
    pairs = []
    for key in keys:
        order = base.select(key.alias("__key"), "__row").sort("__key")["__row"]
        for d in range(1, window + 1):
            ab = pl.DataFrame({"x": order.head(len(order) - d), "y": order.tail(len(order) - d)})
            pairs.append(ab.select(a=pl.min_horizontal("x", "y"), b=pl.max_horizontal("x", "y")))
    if not pairs:
        return pl.DataFrame({"a": [], "b": []}, schema={"a": pl.UInt32, "b": pl.UInt32})
    return pl.concat(pairs).unique()


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
    norm = _normalised(frame, fields)
    blockers = [f.name for f in sorted(fields, key=lambda f: -f.weight)[:3]]
    pairs = _candidates(norm, blockers, window)
    weights = np.array([f.weight for f in fields])
    a, b = pairs["a"], pairs["b"]
    # Cheap filter first: the weight of fields that are exactly equal (and present) in both records.
    equal = np.zeros(len(pairs))
    present = np.zeros(len(pairs))
    for f, w in zip(fields, weights, strict=True):
        va, vb = norm[f.name].gather(a), norm[f.name].gather(b)
        both = ((va != "") & (vb != "")).to_numpy()
        equal += w * ((va == vb).to_numpy() & both)
        present += w * both
    keep = (present >= 0.4 * weights.sum()) & (equal >= 0.25 * present)
    a, b, present = a.filter(keep), b.filter(keep), present[keep]
    score = np.zeros(len(a))
    for f, w in zip(fields, weights, strict=True):
        va, vb = norm[f.name].gather(a), norm[f.name].gather(b)
        both = ((va != "") & (vb != "")).to_numpy()
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

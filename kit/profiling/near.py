"""Near-duplicate records: the same entity entered twice with small differences.

No pair-by-pair comparison of the whole extract, and no Python loop over rows or pairs. The eight most
informative fields are reduced, in one polars query (streamed from a scan), to integers per row: a
64-bit key of each field's text (for the three most informative, compacted: case, spacing and ASCII
punctuation ignored; for the others, case and spaces ignored) and, for those three, sort keys (the
compacted text's first 16 bytes; the first field's last 8, reversed). Candidates come from sorted-
neighbourhood passes (records sorted on one of those fields, each compared with the next ``WINDOW``),
which is O(n log n) and catches typos anywhere but the first characters; the reversed pass catches
those. Within a pass, neighbours are compared on one byte of each field's key packed eight to a 64-bit
word, so one XOR tells which fields are equal; pairs equal on enough informative fields are checked
again on the text itself, then scored field by field (up to 16 fields) with rapidfuzz
(``process.cpdist``) on fully normalised text (accents and word order ignored), weighted by how much
each field tells records apart, stopping for a pair that can no longer reach the threshold. Matched
pairs become clusters (connected components), each with its weakest pair's score. Memory holds the
integers and the candidate rows, never the text of every field.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from kit.profiling.bytewise import gathered

WINDOW = 6
# Above this many rows the profile skips near-duplicates unless asked (about 4 s per million rows).
NEAR_ROWS = 20_000_000
THRESHOLD = 0.7
MAX_CLUSTERS = 10_000
# The most informative fields take part; more would cost time for little: the rest weigh least.
MAX_FIELDS = 16
BLOCKERS = 3  # fields sorted on, each in its own pass
# Candidates are filtered on exact equality of the most informative fields, eight to a 64-bit word;
# all fields are scored.
KEYED_FIELDS = 8
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


def choose_fields(columns: list, rows: int, exclude: list[str]) -> list[Field]:
    """Columns that say who or what a record is, weighted by how well they tell records apart.

    Left out: the key (duplicates by key are reported separately), columns unique on every row that
    look like identifiers, columns that are mostly missing, and constants. At most ``MAX_FIELDS``, the
    most informative.
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
    return sorted(fields, key=lambda f: -f.weight)[:MAX_FIELDS]


def normalise(values: pl.Series, code: bool) -> pl.Series:
    """Text as compared: lower case, accents off; punctuation and spaces to one space (code: dropped).
    Missing values become "".

    >>> normalise(pl.Series(["Ann-Lee  O'Neil", "Zoë", None]), code=False).to_list()
    ['ann lee o neil', 'zoe', '']
    >>> normalise(pl.Series(["(030) 12-34"]), code=True).to_list()
    ['0301234']
    """
    out = values.fill_null("").str.to_lowercase()
    wide = out.str.len_bytes() != out.str.len_chars()
    if wide.any():
        out = pl.select(
            pl.when(wide).then(out.str.normalize("NFKD").str.replace_all(r"\p{M}", "")).otherwise(out)
        ).to_series()
    if code:
        return out.str.replace_all(r"[^\p{L}\p{N}]", "")
    return out.str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars(" ")


def _prefix(text: pl.Expr, skip: int = 0) -> pl.Expr:
    """Bytes ``skip``..``skip+8`` of each text as one big-endian unsigned integer (zero-padded), so
    integer order is the text's byte order."""
    padded = pl.concat_str([text, pl.lit("\x00" * (skip + 8))]).cast(pl.Binary)
    return padded.bin.slice(skip, 8).bin.reinterpret(dtype=pl.UInt64, endianness="big")


def _suffix(text: pl.Expr) -> pl.Expr:
    """The last 8 bytes of each text read backwards, as one unsigned integer (zero-padded): the
    ``_prefix`` of the text reversed byte by byte, without making the reversed text."""
    padded = pl.concat_str([pl.lit("\x00" * 8), text]).cast(pl.Binary)
    return padded.bin.slice(-8, 8).bin.reinterpret(dtype=pl.UInt64, endianness="little")


# ASCII other than letters and digits: what keys ignore.
_SEPARATOR_CHARS = [chr(b) for b in range(128) if not chr(b).isalnum()]
_DROPPED = [""] * len(_SEPARATOR_CHARS)


def _compact(text: pl.Expr) -> pl.Expr:
    """The cheap form of a value that keys and sorting use, for millions of rows at a time: lower
    case, ASCII punctuation, symbols and spaces dropped ("O'Neil, Ann" -> "oneilann"); accents kept.
    The full normalisation (``normalise``) runs only on the pairs scored."""
    # Literal characters (one Aho-Corasick pass): 40% faster than the same class as a regex.
    return text.cast(pl.String).fill_null("").str.to_lowercase().str.replace_many(_SEPARATOR_CHARS, _DROPPED)


def _key(text: pl.Expr) -> pl.Expr:
    """A 64-bit key of a (compacted or lowered) text: 0 when it is empty, odd otherwise."""
    return pl.when(text.str.len_bytes() > 0).then(text.hash(seed=7) | 1).otherwise(0).cast(pl.UInt64)


def _lowered(text: pl.Expr) -> pl.Expr:
    return text.cast(pl.String).fill_null("").str.to_lowercase().str.replace_all(" ", "", literal=True)


def _keys(frame: pl.DataFrame | pl.LazyFrame, keyed: list[Field], blockers: int) -> pl.DataFrame:
    """Per row, one byte of each keyed field's 64-bit key packed eight to a word (``w``; 0 when the field
    is missing or empty, odd otherwise), a bit per present field (``p``) and, for the blockers, sort
    keys (``a{i}``, ``b{i}``: bytes 0-8 and 8-16; ``r0``: the first field's last 8 bytes, reversed).

    One query for all fields, so polars spreads them over the cores; a scan is streamed and only the
    packed integers are held, never the text nor a key per field (1.2 GB at 10M rows)."""
    # The blockers are sorted on, so they are compacted; the other fields only give a key byte to the
    # candidate filter: their lower-cased text is hashed as it is, five times cheaper than compacting.
    compact = [
        (_compact(pl.col(f.name)) if i < blockers else _lowered(pl.col(f.name))).alias(f"c{i}")
        for i, f in enumerate(keyed)
    ]
    # One byte of the key per field: two different values share it 1 time in 256, which only lets a pair
    # through to scoring (where the fields' equality is checked again). Bytes do not overlap: a sum is an OR.
    keys = [_key(pl.col(f"c{i}")) for i in range(len(keyed))]
    word = pl.sum_horizontal(
        ((k // 2**56) | 1).cast(pl.UInt64) * pl.lit(1 << (8 * i), dtype=pl.UInt64) * (k > 0).cast(pl.UInt64)
        for i, k in enumerate(keys)
    )
    bits = pl.sum_horizontal((k > 0).cast(pl.UInt8) * pl.lit(1 << i, dtype=pl.UInt8) for i, k in enumerate(keys))
    out = [word.cast(pl.UInt64).alias("w"), bits.cast(pl.UInt8).alias("p")]
    for i in range(blockers):
        c = pl.col(f"c{i}")
        out += [_prefix(c).alias(f"a{i}"), _prefix(c, skip=8).alias(f"b{i}")]
    out.append(_suffix(pl.col("c0")).alias("r0"))
    query = frame.lazy().select(compact).select(out)
    return query.collect(engine="streaming") if isinstance(frame, pl.LazyFrame) else query.collect()


_HIGH7 = np.uint64(0x7F7F7F7F7F7F7F7F)
_GATHER = np.uint64(0x0102040810204080)


def _equal_bytes(x: np.ndarray) -> np.ndarray:
    """For XORed words, a byte whose bit k says byte k of the word is zero (that field was equal)."""
    y = (x & _HIGH7) + _HIGH7
    z = ~(y | x | _HIGH7)  # 0x80 in each zero byte, exactly
    return (((z >> np.uint64(7)) * _GATHER) >> np.uint64(56)).astype(np.uint8)


def _bit_weights(weights: np.ndarray) -> np.ndarray:
    """The weight of each set of the (up to 8) keyed fields, indexed by its 8-bit mask."""
    bits = (np.arange(256)[:, None] >> np.arange(8)[None, :]) & 1
    return bits[:, : len(weights)] @ weights


def _enough_equal(equal: np.ndarray, present: np.ndarray, total: float) -> np.ndarray:
    """The candidate filter: present in both on 40% of the keyed weight, equal on a quarter of that."""
    return (present >= 0.4 * total) & (equal >= 0.25 * present)


def _passing(table: np.ndarray) -> np.ndarray:
    """``_enough_equal`` for every pair of (present, equal) field masks, indexed ``present << 8 | equal``:
    one lookup per neighbour pair instead of two weight lookups and the arithmetic."""
    present = np.arange(256)[:, None]
    both = table[present]
    return _enough_equal(table[np.arange(256)[None, :] & present], both, float(table[255])).ravel()


def _pass_pairs(
    order: np.ndarray, words: np.ndarray, present: np.ndarray, table: np.ndarray, window: int
) -> np.ndarray:
    """Candidate pairs (``a * n + b``, a < b) of one sorted pass: neighbours within ``window`` whose key
    bytes say they pass ``_enough_equal``."""
    n = len(order)
    order = order.astype(np.int64)
    # Gathered by Arrow, which lets go of the GIL: the passes run side by side.
    w, p = gathered(words, order), gathered(present, order)
    passing = _passing(table).astype(np.uint8)
    out = []
    for d in range(1, min(window, n - 1) + 1):
        index = (p[:-d] & p[d:]).astype(np.uint16) << 8
        index |= _equal_bytes(w[:-d] ^ w[d:])
        keep = np.flatnonzero(gathered(passing, index))
        x, y = order[keep], order[keep + d]
        out.append(np.minimum(x, y) * n + np.maximum(x, y))
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def _distinct(*arrays: np.ndarray) -> np.ndarray:
    """The sorted distinct values of the arrays together (``np.union1d``). By a sort: NumPy 2's
    hash-based unique took 22 s of the 90 s of near-duplicates at 10M rows, against about 2 s sorted."""
    if not arrays:
        return np.zeros(0, dtype=np.int64)
    values = np.concatenate(arrays) if len(arrays) != 1 else arrays[0].copy()
    values.sort()
    keep = np.empty(len(values), dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def _order(keys: list[np.ndarray]) -> np.ndarray:
    """Row numbers sorted on the keys (the first, then the next ...), as 32-bit integers."""
    frame = pl.DataFrame({f"k{i}": k for i, k in enumerate(keys)})
    return frame.select(pl.arg_sort_by(frame.columns)).to_series().to_numpy().astype(np.uint32)


def components(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For each edge ``(a[i], b[i])`` of a graph, its connected component, named by the smallest node in it.

    Every node takes the smallest label among its edges' ends, then labels jump to their label's label,
    until every edge has one label at both ends: a few rounds of whole-array operations (a cluster of
    k records takes about log k). It stands in for scipy's ``connected_components``, whose import alone
    (0.4 s) was a sixth of near-duplicate detection at a million rows.

    >>> components(np.array([5, 1, 9, 2]), np.array([7, 5, 4, 3])).tolist()
    [1, 1, 4, 2]
    """
    nodes = _distinct(a, b)
    ia, ib = np.searchsorted(nodes, a), np.searchsorted(nodes, b)
    label = np.arange(len(nodes))
    while True:
        low = np.minimum(label[ia], label[ib])
        np.minimum.at(label, ia, low)
        np.minimum.at(label, ib, low)
        jumped = label[label]
        while not np.array_equal(jumped, label):
            label, jumped = jumped, jumped[jumped]
        if np.array_equal(label[ia], label[ib]):
            return nodes[label[ia]]


def _rows(frame: pl.DataFrame | pl.LazyFrame, rows: np.ndarray, names: list[str]) -> pl.DataFrame:
    """The given rows (sorted, distinct) of ``names``, as text, in that order."""
    if isinstance(frame, pl.LazyFrame):
        got = (
            frame.select(names)
            .with_row_index("\x1frow")
            .filter(pl.col("\x1frow").is_in(pl.Series(rows, dtype=pl.UInt32).implode()))
            .collect(engine="streaming")
            .sort("\x1frow")
            .drop("\x1frow")
        )
    else:
        got = frame.select(names)[rows]
    return got.with_columns(pl.all().cast(pl.String))


def near_duplicates(
    frame: pl.DataFrame | pl.LazyFrame,
    fields: list[Field],
    threshold: float = THRESHOLD,
    window: int = WINDOW,
    rows: int | None = None,
) -> dict:
    """Clusters of records that look like the same entity: ``{"fields", "clusters": [{"rows", "score"}], ...}``.

    >>> names = ["Ann Lee", "LEE, Ann", "Bob Stone", "Cy Young"]
    >>> f = pl.DataFrame({"name": names, "city": ["Oslo", "Oslo", "Rome", "Oslo"]})
    >>> near_duplicates(f, [Field("name", 1.0), Field("city", 0.5)])["clusters"]
    [{'rows': [0, 1], 'score': 1.0}]

    ``rows`` is the frame's height when the caller knows it (a scan is not read once more to count).
    """
    fields = sorted(fields, key=lambda f: -f.weight)[:MAX_FIELDS]
    keyed = fields[:KEYED_FIELDS]
    result = {
        "fields": [f.name for f in fields],
        "threshold": threshold,
        "clusters": [],
        "total": 0,
        "rows": 0,
        "approximate": (
            f"records are compared only when they sort within {window} rows of each other on one of "
            f"{', '.join(f.name for f in fields[:BLOCKERS])} (the first also read backwards) and are equal "
            f"on enough of {', '.join(f.name for f in keyed)}, so some groups can be missed"
            if fields
            else "no column tells records apart (keys, row ids, constants and mostly missing columns are "
            "left out), so none were compared"
        ),
    }
    if rows is not None:
        n = rows
    else:
        n = frame.select(pl.len()).collect().item() if isinstance(frame, pl.LazyFrame) else frame.height
    if len(fields) == 0 or n < 2:
        return result
    weights = np.array([f.weight for f in fields])
    blockers = min(BLOCKERS, len(keyed))
    keys = _keys(frame, keyed, blockers)
    words = keys["w"].to_numpy()  # a byte of each keyed field's key
    present = keys["p"].to_numpy()  # a bit per keyed field
    # Passes: each blocker's text, then the first field's (the first's: the second's) as the tie-break;
    # and the first field's text read backwards (typos in the first characters).
    tie = ["a1" if blockers > 1 else "b0"] + ["a0"] * (blockers - 1)
    passes = [[f"a{b}", f"b{b}", tie[b]] for b in range(blockers)] + [["r0", tie[0]]]
    orders = [_order([keys[k].to_numpy() for k in p]) for p in passes]
    del keys
    table = _bit_weights(weights[: len(keyed)]).astype(np.float32)
    total = float(table[255])

    # numpy releases the GIL in its array operations: the passes run side by side on the cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        found = list(pool.map(partial(_pass_pairs, words=words, present=present, table=table, window=window), orders))
    del words, present, orders
    survivors = _distinct(*found)
    if not len(survivors):
        return result
    a_np, b_np = survivors // n, survivors % n
    candidates = _distinct(a_np, b_np)
    ia, ib = np.searchsorted(candidates, a_np), np.searchsorted(candidates, b_np)
    values = _rows(frame, candidates, [f.name for f in fields])
    # The filter again before any scoring, on every keyed field's compacted text: a one-byte fingerprint
    # lets some unequal values through, and what counts as a near-duplicate must not depend on such a
    # coincidence. Compared as 64-bit hashes of that text (one query for all fields, no text gathered
    # per pair): two different values share one about once in 10^19 comparisons.
    hashed = values.select(_key(_compact(pl.col(f.name))).alias(f.name) for f in keyed)
    equal_keyed, present_keyed = np.zeros(len(survivors)), np.zeros(len(survivors))
    for f, w in zip(keyed, weights, strict=False):
        key = hashed[f.name].to_numpy()
        ka, kb = key[ia], key[ib]
        both = (ka != 0) & (kb != 0)
        present_keyed += w * both
        equal_keyed += w * (both & (ka == kb))
    equal = _enough_equal(equal_keyed, present_keyed, total)
    a_np, b_np = a_np[equal], b_np[equal]
    kept = _distinct(a_np, b_np)
    values = values[np.searchsorted(candidates, kept)]
    ia, ib = np.searchsorted(kept, a_np), np.searchsorted(kept, b_np)
    score = np.zeros(len(a_np))
    weight_present = np.zeros(len(a_np))
    # Fields in order of weight; a pair that cannot reach the threshold even if every field left were
    # present and equal, (score + rest) / (present + rest), is not scored further.
    active = np.ones(len(a_np), dtype=bool)
    rest = float(weights.sum())
    for f, w in zip(fields, weights, strict=True):
        rest -= w
        at = np.flatnonzero(active)
        if not len(at):
            break
        # Only the rows of the pairs still in play are normalised; each row's place among them by a
        # running count, not a search per pair.
        used = np.zeros(len(kept), dtype=bool)
        used[ia[at]] = True
        used[ib[at]] = True
        place = np.cumsum(used) - 1
        norm = normalise(values.get_column(f.name).filter(pl.Series(used)), f.code)
        va, vb = norm.gather(place[ia[at]]), norm.gather(place[ib[at]])
        both = ((va != "") & (vb != "")).to_numpy()
        if f.code:
            edits = process.cpdist(va.to_list(), vb.to_list(), scorer=OSA.distance, workers=-1)
            sim = np.clip(1.0 - edits / CODE_EDITS, 0.0, 1.0)
        else:
            sim = process.cpdist(va.to_list(), vb.to_list(), scorer=fuzz.token_sort_ratio, workers=-1) / 100.0
        score[at] += w * np.where(both, sim, 0.0)
        weight_present[at] += w * both
        best = np.divide(
            score[at] + rest, weight_present[at] + rest, out=np.zeros(len(at)), where=weight_present[at] + rest > 0
        )
        active[at] = best >= threshold
    score = np.where(active, np.divide(score, weight_present, out=np.zeros_like(score), where=weight_present > 0), 0.0)
    match = score >= threshold
    ma, mb, ms = a_np[match], b_np[match], score[match]
    if not len(ma):
        return result
    edges = pl.DataFrame({"a": ma, "b": mb, "score": ms, "cluster": components(ma, mb)})
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

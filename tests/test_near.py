"""Near-duplicates: the same clusters from a frame and from a scan, planted copies found, and no
decision left to a fingerprint coincidence."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit.profiling import profile
from kit.profiling.near import KEYED_FIELDS, Field, choose_fields, components, near_duplicates, normalise
from sample_data.mixed import make_frame, planted_pairs


@pytest.mark.parametrize("varied", [False, True])
def test_frame_and_scan_give_the_same_clusters_and_find_every_planted_copy(tmp_path, varied):
    frame = make_frame(20_000, seed=3, varied=varied)
    path = tmp_path / "mixed.csv"
    frame.write_csv(path)
    loaded = profile(frame, key="customer_id")
    scanned = profile(pl.scan_csv(path, infer_schema=False), key="customer_id")
    assert loaded.duplicates == scanned.duplicates
    assert loaded.approximate["duplicates.near"] == scanned.approximate["duplicates.near"]
    # The copies (a new id, the name in capitals, the phone reformatted): each in its original's cluster.
    planted = planted_pairs(20_000, seed=3)
    assert len(planted) > 90
    cluster_of = {r: i for i, c in enumerate(loaded.duplicates.near) for r in c.rows}
    assert all(a in cluster_of and cluster_of[a] == cluster_of.get(b) for a, b in planted)
    assert loaded.duplicates.near_clusters <= len(planted) + 5  # and hardly anything else


def test_similar_values_in_one_field_are_not_duplicates_by_a_fingerprint_coincidence():
    """Candidates pass on one byte per field; the match needs the fields' real equality too."""
    values = pl.DataFrame({"c": [f"value {i}" for i in range(3_000)]})
    assert near_duplicates(values, [Field("c", 1.0)])["clusters"] == []


def test_fields_beyond_the_keyed_ones_are_scored():
    """Only the most informative fields filter candidates; every chosen field counts in the score."""
    n = 200
    base = {f"k{i}": [f"{i}-{r:04d}-x" for r in range(n)] for i in range(KEYED_FIELDS + 2)}
    frame = pl.DataFrame(base)
    copy = frame.head(1).with_columns(pl.col(f"k{KEYED_FIELDS + 1}").str.replace("x", "a completely other value"))
    frame = pl.concat([frame, copy])
    fields = [Field(c, 1.0 - i / 100) for i, c in enumerate(frame.columns)]
    found = near_duplicates(frame, fields)
    assert found["fields"] == frame.columns and [c["rows"] for c in found["clusters"]] == [[0, n]]
    assert found["clusters"][0]["score"] < 1.0  # the last, unkeyed field differs and lowers it


def test_choose_fields_keeps_the_most_informative():
    p = profile(make_frame(5_000), key="customer_id", near=False)
    fields = choose_fields(p.columns, p.rows, ["customer_id"])
    assert fields == sorted(fields, key=lambda f: -f.weight) and "customer_id" not in [f.name for f in fields]


def test_normalise_ignores_case_accents_punctuation_and_spacing():
    text = normalise(pl.Series(["  MÜLLER,  Anna ", "muller anna", None]), code=False).to_list()
    assert text == ["muller anna", "muller anna", ""]
    assert normalise(pl.Series(["+49 (30) 123-45", None]), code=True).to_list() == ["493012345", ""]


def test_compact_drops_exactly_the_ascii_characters_that_are_not_letters_or_digits():
    from kit.profiling.near import _compact

    every_ascii = "".join(chr(b) for b in range(128))
    values = pl.Series("v", [every_ascii, "O'Neil, Ann", "ZOË-Müller 7", "a\x00b", "", None, "<tag/>&amp;"])
    got = pl.select(_compact(pl.lit(values))).to_series().to_list()
    assert got[0] == "0123456789abcdefghijklmnopqrstuvwxyz" + "abcdefghijklmnopqrstuvwxyz"
    assert got[1:] == ["oneilann", "zoëmüller7", "ab", "", "", "tagamp"]


def test_distinct_is_union1d_by_a_sort():
    from kit.profiling.near import _distinct

    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 50, 200), rng.integers(0, 50, 7).astype(np.int64)
    assert np.array_equal(_distinct(a, b), np.union1d(a, b))
    assert np.array_equal(_distinct(a), np.unique(a)) and _distinct(a).dtype == a.dtype
    assert _distinct(np.zeros(0, dtype=np.uint32)).tolist() == [] and _distinct().tolist() == []


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), min_size=1, max_size=120))
@settings(max_examples=200, deadline=None)
def test_components_are_scipys_connected_components_named_by_their_smallest_node(edges):
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    a, b = (np.array(side) for side in zip(*edges, strict=True))
    label = components(a, b)
    _, reference = connected_components(coo_matrix((np.ones(len(a)), (a, b)), shape=(61, 61)), directed=False)
    # The same partition of the edges, and each part named by its smallest node.
    assert len(set(zip(label.tolist(), reference[a].tolist(), strict=True))) == len(set(reference[a].tolist()))
    assert len(set(label.tolist())) == len(set(reference[a].tolist()))
    for name in set(label.tolist()):
        assert name == min(np.concatenate([a[label == name], b[label == name]]))


@given(
    st.lists(st.tuples(st.integers(0, 2**64 - 1), st.integers(0, 255)), min_size=2, max_size=60),
    st.lists(st.floats(0.1, 1.0), min_size=1, max_size=KEYED_FIELDS),
    st.randoms(use_true_random=False),
)
@settings(max_examples=200, deadline=None)
def test_a_pass_keeps_the_neighbours_equal_on_enough_keyed_fields(rows, weights, rng):
    """A sorted pass keeps a pair of neighbours within the window exactly when, over the fields present
    in both, they are present on 40% of the keyed weight and equal (same key byte) on a quarter of that."""
    from kit.profiling.near import _bit_weights, _pass_pairs

    n, k = len(rows), len(weights)
    # Key bytes from a few values, so that equal bytes are common; a field's byte is 0 when it is missing.
    words = np.array([w & int("0f" * 8, 16) for w, _ in rows], dtype=np.uint64)
    present = np.array([p & ((1 << k) - 1) for _, p in rows], dtype=np.uint8)
    table = _bit_weights(np.array(weights)).astype(np.float32)
    order = np.array(rng.sample(range(n), n), dtype=np.uint32)
    expected = set()
    for i in range(n):
        for d in range(1, 4):
            if i + d >= n:
                break
            a, b = int(order[i]), int(order[i + d])
            both = [f for f in range(k) if present[a] >> f & 1 and present[b] >> f & 1]
            equal = [f for f in both if (int(words[a]) >> 8 * f) & 255 == (int(words[b]) >> 8 * f) & 255]
            # The weight of a set of fields is the table's, indexed by its bit mask.
            on, same = table[sum(1 << f for f in both)], table[sum(1 << f for f in equal)]
            if on >= 0.4 * table[255] and same >= 0.25 * on:
                expected.add(min(a, b) * n + max(a, b))
    assert set(_pass_pairs(order, words, present, table, window=3).tolist()) == expected

"""Shape tables carry examples only for the shapes a profile shows; what is shown is what every
shape's examples would give (checked against a plain computation)."""

from __future__ import annotations

import random
import re
from collections import Counter

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit.profiling import profile
from kit.profiling.measures import COUNT, EXAMPLES, shape_values


def _collapse(shape: str) -> str:
    return re.sub("9+", "9", re.sub("A+", "A", re.sub("a+", "a", shape)))


def test_examples_of_the_shown_shapes_and_collapsed_shapes_are_as_if_every_shape_had_them():
    rng = random.Random(5)
    words = ["ab", "Cde", "fgh1", "IJ", "k-9", "lmnop", "Q", "rs tu"]
    values = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 5))) for _ in range(20_000)]
    counts = Counter(values)
    shape_of = dict(zip(counts, shape_values(pl.Series(list(counts))).to_list(), strict=True))
    totals = Counter()
    for v, n in counts.items():
        totals[shape_of[v]] += n
    # Every shape, in table order (count, then shape), with its three most common values (ties by value).
    table = [
        (shape, n, sorted((v for v in counts if shape_of[v] == shape), key=lambda v: (-counts[v], v))[:3])
        for shape, n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    collapsed: dict[str, tuple[int, list[str]]] = {}
    for shape, n, examples in table:
        total, found = collapsed.get(_collapse(shape), (0, []))
        collapsed[_collapse(shape)] = (total + n, found + examples)
    p = profile(pl.DataFrame({"t": values}), near=False)
    assert len(table) > 100  # most shapes get no examples
    assert [(s.shape, s.count, s.examples) for s in p.column("t").shapes] == table[:8]
    expected = sorted(((k, n, ex[:3]) for k, (n, ex) in collapsed.items()), key=lambda t: (-t[1], t[0]))[:8]
    assert [(s.shape, s.count, s.examples) for s in p.column("t").collapsed_shapes] == expected


def test_shapes_made_twice_or_held_give_the_same_table():
    from kit.profiling.measures import COUNT, shape_table

    values = pl.Series("v", [f"{w}{i % 97}" for i, w in enumerate(["ab", "Cd", "e-f", "GH"] * 5_000)])
    counts = values.value_counts(name=COUNT)
    held = shape_table(counts.lazy(), "v", cache=True).collect()
    twice = shape_table(counts.lazy(), "v", cache=False).collect()
    assert held.equals(twice) and held.height > 4


@pytest.mark.parametrize("rows", [997, 6000, 100_000])
def test_a_shape_table_made_a_slice_at_a_time_is_the_same_table(rows):
    """Totals summed over slices and examples the top 3 of each slice's top 3: the same table, ties and
    the missing flag included, whatever the slice size."""
    from kit.profiling.measures import COUNT, shape_table, shape_table_sliced
    from kit.profiling.types import missing_expr

    rng = random.Random(11)
    words = ["ab", "Cd", "e-f", "GH", "N/A", "", " ", "12", "x9"]
    values = [f"{rng.choice(words)}{rng.randint(0, 300)}{rng.choice(words)}" for _ in range(30_000)]
    counts = pl.Series("v", values).value_counts(name=COUNT).with_columns(pl.col(COUNT).cast(pl.UInt32))
    missing = missing_expr("v", ["N/A"])
    held = shape_table(counts, "v", missing)
    assert shape_table_sliced(counts, "v", missing, rows=rows).equals(held)
    assert shape_table_sliced(counts, "v", rows=rows).equals(shape_table(counts, "v"))
    assert any(len(ex) == 3 for ex in held["\x1fexamples"]) and held.height > 10


@pytest.mark.parametrize("few", [0, 10**9])
def test_an_eager_shape_table_is_the_lazy_one_with_few_shapes_or_many(monkeypatch, few):
    """The eager table (its missing flags a mask) groups the values once when they have few shapes
    (totals and every shape's examples together) and twice otherwise: either way, the lazy table."""
    import kit.profiling.measures as m
    from kit.profiling.types import missing_expr

    monkeypatch.setattr(m, "FEW_SHAPES", few)
    rng = random.Random(12)
    words = ["ab", "Cd", "e-f", "GH", "N/A", "", " ", "12", "x9"]
    values = [f"{rng.choice(words)}{rng.randint(0, 300)}{rng.choice(words)}" for _ in range(30_000)]
    counts = pl.Series("v", values).value_counts(name=COUNT).with_columns(pl.col(COUNT).cast(pl.UInt32))
    missing = missing_expr("v", ["N/A"])
    lazy = m.shape_table(counts, "v", missing)
    assert m.shape_table(counts, "v", counts.select(missing).to_series()).equals(lazy)
    assert any(len(ex) == 3 for ex in lazy[EXAMPLES]) and any(len(ex) == 0 for ex in lazy[EXAMPLES])


def test_a_sliced_shape_table_of_no_values_is_empty():
    from kit.profiling.measures import COUNT, shape_table, shape_table_sliced

    empty = pl.DataFrame({"v": pl.Series([], dtype=pl.String), COUNT: pl.Series([], dtype=pl.UInt32)})
    assert shape_table_sliced(empty, "v").equals(shape_table(empty, "v"))


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.text(alphabet="abcxyz19", max_size=4), st.tuples(st.sampled_from("pq"), st.integers(1, 4)), max_size=30
    )
)
def test_examples_are_the_top_three_by_count_then_value(values):
    """``_examples`` (the values above a group's third count, then the least tied at it) gives what
    sorting every value by count and value gives."""
    from kit.profiling.measures import _examples, _in_order, _top3

    frame = pl.DataFrame(
        {"g": [g for g, _ in values.values()], "v": list(values), COUNT: [n for _, n in values.values()]},
        schema={"g": pl.String, "v": pl.String, COUNT: pl.UInt32},
    )
    expected = frame.group_by("g").agg(_top3("v").alias(EXAMPLES)).with_columns(_in_order(pl.col(EXAMPLES)))
    assert _examples(frame.lazy(), ["g"], "v").collect().sort("g").equals(expected.sort("g"))

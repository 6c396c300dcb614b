"""Shape tables carry examples only for the shapes a profile shows; what is shown is what every
shape's examples would give (checked against a plain computation)."""

from __future__ import annotations

import random
import re
from collections import Counter

import polars as pl

from kit.profiling import profile
from kit.profiling.measures import shape_values


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

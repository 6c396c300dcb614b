"""A column's top values are the most common ones, ties broken by value, whatever the counts look like:
the shortcut for many ties (a bound read off a sample of them) gives what a full sort gives."""

from __future__ import annotations

import random

import polars as pl
import pytest

import kit.profiling as profiling
from kit.profiling import _top_values, profile
from kit.profiling.measures import COUNT


def _by_sorting(counts: pl.DataFrame, k: int) -> list[tuple[str, int]]:
    rows = sorted(counts.rows(), key=lambda r: (-r[1], r[0]))
    return [(v, int(n)) for v, n in rows[:k]]


def _counts(values: list[str], ns: list[int]) -> pl.DataFrame:
    return pl.DataFrame({"v": values, COUNT: ns}, schema={"v": pl.String, COUNT: pl.UInt32})


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("tie_sample", [7, 100_000])
def test_top_values_agree_with_a_full_sort(seed: int, tie_sample: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(profiling, "TIE_SAMPLE", tie_sample)
    rng = random.Random(seed)
    n = rng.choice([3, 12, 500, 5_000])
    values = rng.sample([f"{rng.choice('abcxyzABC ')}{i:05d}" for i in range(20_000)], n)
    # Mostly ties at 1 (a column of distinct values), or a few large counts above ties, or few ties.
    shape = seed % 3
    if shape == 0:
        ns = [1] * n
    elif shape == 1:
        ns = [rng.choice([1, 1, 1, 2, 3, 50]) for _ in range(n)]
    else:
        ns = [rng.randint(1, 10**6) for _ in range(n)]
    counts = _counts(values, ns)
    for k in (1, 5, 10, n, n + 3):
        assert _top_values(counts, "v", k) == _by_sorting(counts, k)


def test_the_top_of_a_distinct_column_are_its_smallest_values() -> None:
    values = [f"user{i:07d}@example.com" for i in range(300_000)]
    random.Random(1).shuffle(values)
    p = profile(pl.DataFrame({"email": values}))
    assert p.column("email").top == [(f"user{i:07d}@example.com", 1) for i in range(10)]


def _alerts(p) -> list[tuple]:
    return [(a.code, a.column, a.total, tuple(a.examples), tuple(a.rows)) for a in p.alerts]


def test_rows_found_by_the_rules_own_tests_are_the_rows_looked_up(monkeypatch: pytest.MonkeyPatch) -> None:
    # A large column's rows are found by the rule's tests when both sides of a lookup would be large;
    # forcing that path everywhere must give the same alerts, rows and examples.
    from sample_data.mixed import make_frame

    frame = make_frame(20_000, varied=True)
    looked_up = profile(frame, near=False)
    monkeypatch.setattr(profiling, "LOOKUP_VALUES", 0)
    tested = profile(frame, near=False)
    assert len(looked_up.alerts) > 10
    assert _alerts(tested) == _alerts(looked_up)
    assert tested.columns == looked_up.columns

"""Each drift rule on its own: a pair of profiles that makes it fire, and whether it breaks the mapping."""

from __future__ import annotations

import polars as pl
import pytest

from kit.drift import DRIFT_RULES, drift
from kit.mapping.spec import Mapping
from kit.profiling import profile

BASE = {
    "id": [f"{i:04d}" for i in range(200)],
    "status": ["A", "B"] * 100,
    "when": ["2024-01-02"] * 200,
    "note": ["short"] * 200,
    "n": [str(i) for i in range(200)],
}


def _mapping(**field) -> Mapping:
    return Mapping.model_validate(
        {
            "name": "t",
            "outcome": "x",
            "source": {"system": "A"},
            "target": {"system": "B"},
            "fields": {"f": {"from": field.pop("from_", ["status"]), **field}},
        }
    )


def _with(**columns) -> dict:
    return {**BASE, **columns}


CASES = [
    ("COLUMN_ADDED", BASE, {**BASE, "extra": ["x"] * 200}, None, False),
    ("COLUMN_DROPPED", BASE, {k: v for k, v in BASE.items() if k != "status"}, _mapping(), True),
    ("TYPE_CHANGED", BASE, _with(n=["x"] * 200), None, False),
    (
        "NEW_VALUES",
        BASE,
        _with(status=["A", "B", "C", "A"] * 50),
        _mapping(steps=[{"value_map": {"map": {"A": "1", "B": "2"}}}]),
        True,
    ),
    (
        "NEW_DATE_FORMAT",
        BASE,
        _with(when=["2024-01-02"] * 150 + ["02.01.2024"] * 50),
        _mapping(from_=["when"], steps=[{"parse_date": "%Y-%m-%d"}]),
        True,
    ),
    ("NEW_SHAPE", BASE, _with(note=["short"] * 150 + ["REF-12"] * 50), None, False),
    ("COMPLETENESS_DROP", BASE, _with(note=["short"] * 100 + [""] * 100), None, False),
    ("LONGER_VALUES", BASE, _with(note=["short"] * 199 + ["x" * 50]), _mapping(from_=["note"], max_length=10), True),
    ("NEW_FINDING", BASE, _with(note=["short"] * 190 + ["N/A"] * 10), None, False),
]


def test_every_drift_rule_has_a_case():
    assert {c[0] for c in CASES} == set(DRIFT_RULES)


@pytest.mark.parametrize(("code", "old", "new", "mapping", "breaks"), CASES, ids=[c[0] for c in CASES])
def test_drift_rule_fires_and_says_whether_it_breaks(code, old, new, mapping, breaks):
    a, b = profile(pl.DataFrame(old), near=False), profile(pl.DataFrame(new), near=False)
    assert not [c for c in drift(a, a, mapping).changes if c.code == code]
    found = [c for c in drift(a, b, mapping).changes if c.code == code]
    assert found, code
    assert any(c.breaks for c in found) is breaks
    assert all(c.code in DRIFT_RULES for c in drift(a, b, mapping).changes)

"""The counts a shape table settles or screens out (blank values, leading zeros, floating-point noise,
non-NFC text) agree with the same tests run value by value in Python, for a column of few distinct
values and for a mostly distinct one (counted the other way)."""

from __future__ import annotations

import re
import unicodedata

import polars as pl
import pytest

from kit.profiling import profile
from kit.profiling.measures import FLOAT_NOISE

TRICKY = [
    "",
    " ",
    "\u00a0",
    "\u3000 ",
    "\t",
    " x ",
    "007",
    "0",
    "00",
    "0\u0663\u0664",  # leading zero then Arabic-Indic digits: digits to Python and to polars alike
    "\u0660\u0661",  # Arabic-Indic zero first: not an ASCII 0
    "12",
    "0.30000000000000004",
    "1.0999999999999999",
    "0,059000000000000004 %",
    "12.000000000000002 kg",
    "1.0000001",
    "0.3",
    "\u0661.\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0662",
    "Zoe\u0308",  # e + combining diaeresis: not NFC
    "Zo\u00eb",
    "A\u030a",
    "caf\u00e9 & co",
    "plain",
    "N/A",
]


def _expected(values: list[str]) -> dict[str, int]:
    noise = re.compile(FLOAT_NOISE)
    return {
        "empty": sum(v == "" for v in values),
        "whitespace": sum(v != "" and v.strip() == "" for v in values),
        "leading_zeros": sum(bool(re.fullmatch(r"0\d+", v)) for v in values),
        "float_noise": sum(bool(noise.search(v)) and len(re.findall(r"\d", v)) >= 15 for v in values),
        "not_nfc": sum(unicodedata.normalize("NFC", v) != v for v in values),
    }


@pytest.mark.parametrize("distinct", [False, True], ids=["few distinct", "mostly distinct"])
def test_screened_measures_match_a_value_by_value_count(distinct):
    values = TRICKY * 60
    if distinct:  # thousands of distinct values, so the column is counted through hashes
        values = values + [f"{v}{i}" if i % 2 else f"{i}{v}" for i, v in enumerate(TRICKY * 200)]
    col = profile(pl.DataFrame({"v": values}), near=False).column("v")
    got = {k: getattr(col, k) or 0 for k in ("empty", "whitespace", "leading_zeros", "float_noise", "not_nfc")}
    expected = _expected(values)
    assert got == expected
    assert all(expected.values())  # every measure is exercised


def test_a_column_without_digits_or_accents_counts_none():
    col = profile(pl.DataFrame({"v": ["alpha", "beta gamma", "Delta"] * 400}), near=False).column("v")
    assert (col.leading_zeros, col.float_noise, col.not_nfc, col.empty, col.whitespace) == (0, None, 0, 0, 0)

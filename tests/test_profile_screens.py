"""The counts a shape table settles or screens out (blank values, leading zeros, floating-point noise,
non-NFC text) agree with the same tests run value by value in Python, for a column of few distinct
values and for a mostly distinct one (counted the other way)."""

from __future__ import annotations

import re
import unicodedata

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit.profiling import RULES, profile
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


@pytest.mark.parametrize("distinct", [False, True], ids=["few distinct", "mostly distinct"])
def test_a_narrowed_rule_points_at_exactly_the_rows_of_its_full_mask(distinct):
    """A rule's ``narrow`` only spares the costly tests: the rows are those its whole mask is true on."""
    varied = [f"({i % 900 + 100}) {i % 1000:03d}-{i:04d}" for i in range(3000)]
    main = varied if distinct else ["(555) 123-4567"] * 3000
    others = ["555.123.4567", "+1 555 123 4567", "5551234567", "N/A", "", " (555) 123-4567", "n/a", "0044 20 7946 0958"]
    frame = pl.DataFrame({"phone": main + others * 40})
    p = profile(frame, near=False)
    (alert,) = p.alerts_for("PHONE_FORMATS")
    spec = RULES["PHONE_FORMATS"].check(p.column("phone"))
    assert spec.narrow is not None
    expected = frame.with_row_index("i").filter(spec.mask.fill_null(False))["i"].to_list()
    assert p.rows_for(alert) == expected and alert.total == len(expected) > 100


def test_url_and_currency_shares_need_only_the_values_a_search_finds() -> None:
    # infer_type tests URL and currency only on values a plain search finds; the shares must be what
    # testing every value gives.
    from kit.profiling.measures import COUNT
    from kit.profiling.types import fits_expr, infer_type

    values = [
        " WWW.example.com", "Https://x.y/z", "ftp://a.b", "www.", "http://", "htp://x", "aaa.bbb",
        "USD 12", "12 EUR", "€ 1,00", "-£3", "3$", "x", "N/A", " ", "1 chf", "usd12",
    ]  # fmt: skip
    counts = pl.DataFrame({"v": values, COUNT: list(range(1, len(values) + 1))})
    fits = infer_type(counts, "v", ["N/A"])["fits"]
    present = counts.filter(~pl.col("v").is_in(["N/A", " "]))
    total = present[COUNT].sum()
    for kind in ("url", "currency"):
        expected = present.filter(fits_expr("v", kind))[COUNT].sum() / total
        assert fits.get(kind, 0) == pytest.approx(expected, abs=1e-6), kind
        assert expected > 0


ADVERSARIAL = [
    "1.5e10", "2.3E-5", " 7e3 ", "1a5", "1.5x3", "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
    "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", "0012 345 678 90 12 34",
    "00" + "1 " * 11 + "1", "12:30 pm", "1:05 xy", "20240131", "2024-01-31T10:00:00", "2024-01-31X10:00",
    "ann@example.com", "a@b.c0", "12345", "1,234.50", "SW1A 1AA", "(555) 123-4567",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ADVERSARIAL) | st.text("0123456789aeEfzZ .-,+@{}()", max_size=30), max_size=40))
def test_type_shares_made_on_shapes_are_those_of_the_values(values) -> None:
    """infer_type tests most types once per shape: every share must be what testing each value gives
    (an exponent's 'e' or a UUID's hex letters are letters like any other on a shape)."""
    from kit.profiling.measures import COUNT
    from kit.profiling.types import fits_expr, infer_type, missing_expr

    counts = pl.Series("v", values, dtype=pl.String).value_counts(name=COUNT)
    present = counts.filter(~missing_expr("v", ["N/A"]))
    total = present[COUNT].sum()
    fits = infer_type(counts, "v", ["N/A"])["fits"]
    for kind in ("integer", "decimal", "date", "uuid", "email", "phone", "postal_code"):
        expected = present.filter(fits_expr("v", kind))[COUNT].sum() / total if total else 0
        assert fits.get(kind, 0) == pytest.approx(expected, abs=1e-6), kind

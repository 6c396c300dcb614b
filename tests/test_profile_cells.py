"""Alerts point at the suspect cells: each rule of issue 17 fires on exactly its rows, a fix silences it,
a clean column never sets it off; and over the sample extracts the alerts' rows are measured against
the planted cells of ``sample_data/defects.yaml`` (cell precision and recall)."""

from __future__ import annotations

import polars as pl
import pytest
import yaml

from benchmarks.alert_cells import cell_scores
from kit import read_extract
from kit.profiling import RULES, profile
from kit.profiling.alerts import EXTRACT_RULES
from tests.conftest import SAMPLE


def _rows(frame: pl.DataFrame, code: str, column: str) -> list[int]:
    p = profile(frame, near=False)
    alerts = p.alerts_for(code, column)
    assert len(alerts) == 1, [(a.code, a.column, a.severity) for a in p.alerts]
    registered = RULES.get(code) or EXTRACT_RULES[code]
    assert alerts[0].severity == registered.severity
    return p.rows_for(alerts[0])


def _quiet(frame: pl.DataFrame, code: str) -> None:
    assert profile(frame, near=False).alerts_for(code) == []


def test_a_column_of_one_placeholder_is_a_fact_not_a_row_list():
    frame = pl.DataFrame({"id": [str(i) for i in range(50)], "address_2": ["empty"] * 50})
    p = profile(frame, near=False)
    assert p.alerts_for("PSEUDO_NULL") == []
    (alert,) = p.alerts_for("NO_DATA", "address_2")
    assert (alert.severity, alert.rows, alert.total) == ("info", [], 50)
    assert "every value is 'empty'" in alert.message
    # Entirely null: the same fact.
    (null,) = profile(frame.with_columns(address_2=pl.lit(None, pl.String)), near=False).alerts_for("NO_DATA")
    assert null.rows == [] and "null" in null.message
    _quiet(frame.with_columns(address_2=pl.Series([f"Suite {i}" for i in range(50)])), "NO_DATA")


def test_placeholders_in_a_mostly_empty_column_are_info_and_among_real_values_a_warning():
    mostly = ["N/A"] * 40 + [f"v{i}" for i in range(10)]
    (alert,) = profile(pl.DataFrame({"c": mostly}), near=False).alerts_for("PSEUDO_NULL")
    assert alert.severity == "info" and "mostly empty" in alert.message
    few = ["N/A"] * 5 + [f"v{i}" for i in range(45)]
    (alert,) = profile(pl.DataFrame({"c": few}), near=False).alerts_for("PSEUDO_NULL")
    assert alert.severity == "warning" and alert.rows == [0, 1, 2, 3, 4]


def test_missing_values_in_a_column_that_is_otherwise_filled():
    values: list[str | None] = [f"+1 555 01{i:02d}" for i in range(100)]
    values[7], values[42] = None, ""
    assert _rows(pl.DataFrame({"phone": values}), "MISSING_VALUES", "phone") == [7, 42]
    _quiet(pl.DataFrame({"phone": [f"+1 555 01{i:02d}" for i in range(100)]}), "MISSING_VALUES")
    # A mostly empty column (a second address line) is not suspect for being empty.
    _quiet(pl.DataFrame({"line2": [None] * 60 + [f"Suite {i}" for i in range(40)]}), "MISSING_VALUES")


def test_floating_point_noise_points_at_exactly_the_noisy_values():
    values = [f"0.0{i:02d}" for i in range(10, 60)]
    values[3], values[9] = "0.059000000000000004", "0.052000000000000005%"
    assert _rows(pl.DataFrame({"abv": values}), "FLOAT_NOISE", "abv") == [3, 9]
    _quiet(pl.DataFrame({"abv": [f"0.0{i:02d}" for i in range(10, 60)] + ["1.0000001"]}), "FLOAT_NOISE")


def test_percent_signs_among_plain_numbers():
    values = [f"0.0{i:02d}" for i in range(10, 60)]
    values[5], values[8] = "0.05%", "0.061%"
    assert _rows(pl.DataFrame({"abv": values}), "NUMBER_WITH_UNIT", "abv") == [5, 8]


def test_dates_in_the_columns_minority_order():
    month_first = [f"{m}/{d}/2020" for m in range(1, 13) for d in (13, 20, 27)]  # 36, only month-first
    ambiguous = ["3/4/2020", "5/6/2020"]
    values = month_first + ambiguous + ["25/12/2020", "14/3/2020"]  # the last two only day-first
    frame = pl.DataFrame({"created": values})
    assert _rows(frame, "DATE_ORDER", "created") == [38, 39]
    # The column's own dates settle the ambiguous ones: a fact (info), not an error listing them.
    (ambiguous_alert,) = profile(frame, near=False).alerts_for("AMBIGUOUS_DATE")
    assert ambiguous_alert.severity == "info"
    _quiet(pl.DataFrame({"created": month_first + ambiguous}), "DATE_ORDER")


def test_a_date_glued_to_a_time_is_pointed_at():
    times = [f"{h}:{m:02d} {ap}" for h in range(1, 13) for m in (5, 35) for ap in ("a.m.", "p.m.")]
    values = [*times, "12/02/2011 6:55 a.m.", "12/02/2011 7:05 p.m."]
    p = profile(pl.DataFrame({"dep": values}), near=False)
    rows = {r for a in p.alerts if a.severity != "info" for r in p.rows_for(a)}
    assert rows == {len(times), len(times) + 1}, [(a.code, a.rows) for a in p.alerts]


def _addresses(n: int = 120) -> dict[str, list[str | None]]:
    places = [
        ("35233", "Birmingham", "AL"),
        ("36301", "Dothan", "AL"),
        ("35630", "Florence", "AL"),
        ("80202", "Denver", "CO"),
        ("80301", "Boulder", "CO"),
        ("80903", "Colorado Springs", "CO"),
        ("97201", "Portland", "OR"),
        ("97701", "Bend", "OR"),
    ]
    rows = [places[i % len(places)] for i in range(n)]
    return {
        "id": [str(i) for i in range(n)],
        "zip": [z for z, _, _ in rows],
        "city": [c for _, c, _ in rows],
        "state": [s for _, _, s in rows],
    }


def test_a_value_that_breaks_a_dependency_the_other_rows_keep():
    data = _addresses()
    data["city"][10] = "Birmingxam"  # a typo: too rare to determine anything, it breaks zip -> city
    data["city"][21] = "Dothan"  # a real city, wrong for its zip
    assert _rows(pl.DataFrame(data), "DEPENDENCY_VIOLATION", "city") == [10, 21]
    p = profile(pl.DataFrame(data), near=False)
    (alert,) = p.alerts_for("DEPENDENCY_VIOLATION")
    assert "zip -> city" in alert.message
    # The wrong city also breaks city -> state on row 21; the state is not blamed for it.
    assert [a.column for a in p.alerts if a.code == "DEPENDENCY_VIOLATION"] == ["city"]
    _quiet(pl.DataFrame(_addresses()), "DEPENDENCY_VIOLATION")


def test_columns_that_merely_correlate_are_not_a_dependency():
    # Every status occurs with every city: nothing determines anything.
    frame = pl.DataFrame(
        {"city": [c for c in ("Oslo", "Rome", "Lima") for _ in range(40)], "status": ["A", "B", "C", "D"] * 30}
    )
    _quiet(frame, "DEPENDENCY_VIOLATION")


def test_another_columns_value_appended():
    data = _addresses()
    data["city"][5], data["state"][5] = "Denver CO", None
    assert _rows(pl.DataFrame(data), "APPENDED_VALUE", "city") == [5]
    _quiet(pl.DataFrame(_addresses()), "APPENDED_VALUE")
    # A two-word city whose last word is no value of another column is left alone.
    data = _addresses()
    data["city"] = [c if c != "Boulder" else "Boulder City" for c in data["city"]]
    _quiet(pl.DataFrame(data), "APPENDED_VALUE")


@pytest.mark.parametrize(("name", "key"), [("crm_contacts.csv", "contact_id"), ("erp_customers.csv", "customer_no")])
def test_alert_rows_against_the_planted_cells(name, key):
    """The sample's cell precision and recall (README): rows of warning and error alerts, cell by cell."""
    manifest = [d for d in yaml.safe_load((SAMPLE / "defects.yaml").read_text())["defects"] if d["file"] == name]
    scores = cell_scores(profile(read_extract(SAMPLE / name), key=key), manifest)
    assert scores["recall"] >= 0.99, scores
    assert scores["precision"] >= 0.95, scores

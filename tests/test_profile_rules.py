"""Each registered alert rule fires on its defect, points at exactly the right rows, and stays quiet on clean data."""

from __future__ import annotations

import json

import polars as pl
import pytest

from kit import read_extract
from kit.profile import RULES, profile
from tests.conftest import SAMPLE

CLEAN = [f"value {i}" for i in range(30)]


def _with(bad: list[str], at: list[int]) -> pl.DataFrame:
    values = list(CLEAN)
    for v, i in zip(bad, at, strict=True):
        values[i] = v
    return pl.DataFrame({"c": values})


@pytest.mark.parametrize(
    ("code", "bad"),
    [
        ("PSEUDO_NULL", ["N/A", "-", "0000-00-00"]),
        ("WHITESPACE_ONLY", ["   ", "\t", "  "]),
        ("PADDED_SPACES", [" value x", "value y ", "\u00a0value z"]),
        ("NON_BREAKING_SPACE", ["a\u00a0b", "c\u00a0", "\u00a0d"]),
        ("ZERO_WIDTH", ["a\u200bb", "c\u200d", "\ufeffd"]),
        ("CONTROL_CHARS", ["a\x07", "b\x1b[0m", "c\x0bd"]),
        ("REPLACEMENT_CHAR", ["M\ufffdller", "\ufffd", "x\ufffd"]),
        ("MOJIBAKE", ["JosÃ©", "FranÃ§ois", "donâ€™t"]),
        ("HTML_ENTITIES", ["A &amp; B", "O&#39;Neill", "&quot;x&quot;"]),
        ("LEADING_ZEROS", ["007", "0123", "00"]),
    ],
)
def test_rule_fires_on_exactly_the_planted_rows(code, bad):
    at = [3, 11, 27]
    p = profile(_with(bad, at))
    alerts = p.alerts_for(code, "c")
    assert len(alerts) == 1, [a.code for a in p.alerts]
    assert p.rows_for(alerts[0]) == at
    assert alerts[0].total == 3
    assert alerts[0].severity == RULES[code].severity


def test_clean_column_raises_no_warnings():
    p = profile(pl.DataFrame({"c": CLEAN, "d": [f"{i:03d}-X" for i in range(30)]}))
    assert [a for a in p.alerts if a.severity != "info"] == []


def test_date_formats_and_ambiguity():
    values = ["2024-01-31"] * 20 + ["03/04/2024", "25/12/2023", "05/05/2024", "1.2.2024", None]
    p = profile(pl.DataFrame({"d": values}))
    col = p.column("d")
    assert col["dates"]["formats"] == {"%Y-%m-%d": 20, "%d/%m/%Y|%m/%d/%Y": 3, "%d.%m.%Y": 1}
    (mixed,) = p.alerts_for("MIXED_DATE_FORMATS", "d")
    assert p.rows_for(mixed) == [20, 21, 22, 23]
    (amb,) = p.alerts_for("AMBIGUOUS_DATE", "d")
    assert p.rows_for(amb) == [20]  # 25/12 is unambiguous, 05/05 reads the same both ways


def test_single_date_format_raises_no_date_alert():
    p = profile(pl.DataFrame({"d": [f"2024-01-{i:02d}" for i in range(1, 29)]}))
    assert p.alerts_for("MIXED_DATE_FORMATS") == [] and p.alerts_for("AMBIGUOUS_DATE") == []


def test_mixed_shapes_points_at_the_odd_values():
    values = [f"({i:03d}) 555-{i:04d}" for i in range(100, 160)] + ["555.123.4567"]
    p = profile(pl.DataFrame({"phone": values}))
    (alert,) = p.alerts_for("MIXED_SHAPES", "phone")
    assert p.rows_for(alert) == [60]


def test_exact_duplicates_and_conflicting_keys():
    frame = pl.DataFrame({"id": ["1", "2", "2", "3", "3"], "email": ["a", "b", "b", "c", "X"]})
    p = profile(frame, key="id")
    assert p.duplicates["exact"] == [[1, 2]]
    assert p.duplicates["key"]["conflicting_columns"] == {"email": 1}
    (alert,) = p.alerts_for("DUPLICATE_KEY")
    assert alert.severity == "error" and p.rows_for(alert) == [1, 2, 3, 4]


def test_pseudo_null_tokens_are_configurable_per_column():
    frame = pl.DataFrame({"a": ["x", "TBD", "y"], "b": ["x", "TBD", "N/A"]})
    p = profile(frame, pseudo_nulls={"a": ["TBD"], "*": []})
    assert p.column("a")["pseudo_nulls"] == {"TBD": 1}
    assert p.column("b")["pseudo_nulls"] == {}


def test_profile_json_layout():
    p = profile(_with(["N/A"], [0]))
    data = json.loads(p.to_json())
    assert data["rows"] == 30
    col = data["columns"][0]
    assert {"name", "alerts", "nulls", "pseudo_nulls", "shapes", "top", "len_max", "bytes_max"} <= set(col)
    assert col["alerts"][0]["code"] == "PSEUDO_NULL"
    assert set(data["duplicates"]) >= {"exact", "key", "near"}


def test_sample_crm_defects_are_alerted_on_the_manifest_rows():
    import yaml

    ex = read_extract(SAMPLE / "crm_contacts.csv")
    p = profile(ex, key="contact_id")
    manifest = yaml.safe_load((SAMPLE / "defects.yaml").read_text())["defects"]
    expected = {
        "mojibake": "MOJIBAKE",
        "control_chars": "CONTROL_CHARS",
        "html_entities": "HTML_ENTITIES",
        "non_breaking_space": "NON_BREAKING_SPACE",
        "leading_trailing_spaces": "PADDED_SPACES",
        "pseudo_null": "PSEUDO_NULL",
        "duplicate_key_conflict": "DUPLICATE_KEY",
    }
    for d in manifest:
        if d["file"] != "crm_contacts.csv" or d["kind"] not in expected:
            continue
        alerts = p.alerts_for(expected[d["kind"]], d["column"])
        assert alerts, (d["kind"], d["column"])
        assert set(d["rows"]) <= set(p.rows_for(alerts[0])), (d["kind"], d["column"])
    dates = {d["kind"]: set(d["rows"]) for d in manifest if d["column"] == "signup_date" and "date" in d["kind"]}
    (mixed,) = p.alerts_for("MIXED_DATE_FORMATS", "signup_date")
    (ambiguous,) = p.alerts_for("AMBIGUOUS_DATE", "signup_date")
    assert set(p.rows_for(mixed)) == dates["mixed_date_formats"]
    assert set(p.rows_for(ambiguous)) == dates["ambiguous_date"]
    exact = next(d for d in manifest if d["kind"] == "exact_duplicate_rows")
    assert {i for g in p.duplicates["exact"] for i in g} == set(exact["rows"])


def test_demo_runs_and_writes_results(tmp_path, capsys):
    from kit.cli import main

    assert main(["demo", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Results in" in out
    written = sorted(p.name for p in tmp_path.iterdir())
    assert len(written) == 10  # a load report and a profile per sample extract, none overwritten
    assert "crm_contacts.csv.profile.json" in written and "erp_customers.xlsx.load.json" in written

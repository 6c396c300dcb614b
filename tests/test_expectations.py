"""Suites: generated deterministically, loadable by GX, failing on the sample exactly at the planted defects."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest
import yaml

from kit import profile, read_extract
from kit.cli import main
from kit.expectations import generate_suites
from kit.mapping.spec import Mapping
from kit.validation import validate
from tests.conftest import SAMPLE

ROOT = SAMPLE.parent
MAPPING = ROOT / "mappings" / "crm_to_erp.yaml"
SUITES = ROOT / "expectations"


def _manifest(kind: str, column: str) -> set[int]:
    defects = yaml.safe_load((SAMPLE / "defects.yaml").read_text())["defects"]
    return {
        i
        for d in defects
        if d["file"] == "crm_contacts.csv" and d["kind"] == kind and d["column"] == column
        for i in d["rows"]
    }


def test_committed_suites_regenerate_byte_identically(tmp_path):
    m = Mapping.load(MAPPING)
    suites = generate_suites(m, profile(read_extract(SAMPLE / "crm_contacts.csv"), key="contact_id", near=False))
    for path in suites.write(tmp_path, m.name):
        assert path.read_bytes() == (SUITES / path.name).read_bytes(), path.name


def test_gx_loads_every_expectation_and_meta_says_why():
    import great_expectations as gx

    for side in ("source", "target"):
        data = json.loads((SUITES / f"crm_to_erp.{side}.json").read_text())
        suite = gx.ExpectationSuite(**data)
        assert len(suite.expectations) == len(data["expectations"]) > 10
        for e in data["expectations"]:
            assert {"target_field", "source_fields", "rule", "reason"} <= set(e["meta"])
            assert e["severity"] in ("critical", "warning")


def test_manual_expectations_survive_regeneration(tmp_path):
    m = Mapping.load(MAPPING)
    suites = generate_suites(m, profile(read_extract(SAMPLE / "crm_contacts.csv"), near=False))
    (path, _) = suites.write(tmp_path, m.name)
    data = json.loads(path.read_text())
    data["expectations"].append(
        {
            "type": "expect_column_to_exist",
            "kwargs": {"column": "notes"},
            "meta": {"manual": True, "reason": "legal hold"},
            "severity": "warning",
        }
    )
    path.write_text(json.dumps(data))
    suites.write(tmp_path, m.name)
    kept = [e for e in json.loads(path.read_text())["expectations"] if e["meta"].get("manual")]
    assert [e["kwargs"] for e in kept] == [{"column": "notes"}]


@pytest.fixture(scope="module")
def sample_validation():
    return validate(Mapping.load(MAPPING), result_format="complete")


def test_sample_fails_exactly_where_the_planted_defects_are(sample_validation):
    failed = {(r.side, r.field, r.type): r for r in sample_validation.results if not r.success}
    assert set(failed) == {
        ("source", "credit_limit", "expect_column_values_to_match_regex"),
        ("target", "email", "expect_column_values_to_match_regex"),
        ("target", "city", "expect_column_values_to_not_be_null"),
        ("target", "country", "expect_column_values_to_not_be_null"),
    }
    rows = {k[1]: set(r.rows) for k, r in failed.items()}
    assert rows["credit_limit"] == (
        _manifest("decimal_comma", "lifetime_value")
        | _manifest("thousands_separator", "lifetime_value")
        | _manifest("number_with_unit", "lifetime_value")
    )
    assert rows["email"] == _manifest("invalid_email", "email")
    assert rows["country"] == _manifest("pseudo_null", "country")
    assert rows["city"] <= _manifest("pseudo_null", "billing_city")  # the rest have a shipping city to fall back on
    assert not sample_validation.success
    assert all(r.owner == "Sales operations (crm-admins@example.com)" for r in failed.values())


def test_reports_junit_markdown_json(sample_validation):
    junit = ET.fromstring(sample_validation.to_junit().split("?>", 1)[1])
    cases = junit.findall(".//testcase")
    assert len(cases) == len(sample_validation.results)
    assert len(junit.findall(".//failure")) == 4
    md = sample_validation.to_markdown()
    assert md.startswith("## kit validate crm_to_erp: failed") and "| target | email |" in md
    assert json.loads(sample_validation.to_json())["success"] is False


def test_cli_validate_clean_variant_passes_and_writes_docs(tmp_path, capsys):
    import subprocess
    import sys

    clean = tmp_path / "clean"
    subprocess.run(
        [sys.executable, str(SAMPLE / "generate.py"), "--clean", "--out", str(clean)], check=True, capture_output=True
    )
    docs = tmp_path / "docs"
    code = main(
        [
            "validate",
            str(MAPPING),
            "--source",
            str(clean / "crm_contacts.csv"),
            "--docs",
            str(docs),
            "--junit",
            str(tmp_path / "j.xml"),
        ]
    )
    assert code == 0, capsys.readouterr().out
    assert (docs / "index.html").exists()
    assert ET.parse(tmp_path / "j.xml").getroot().findall(".//failure") == []


def test_cli_validate_exit_codes(tmp_path, capsys):
    assert main(["validate", str(MAPPING), "--suite", "source"]) == 1
    assert main(["validate", str(MAPPING), "--suites", str(tmp_path)]) == 2
    assert "kit expectations" in capsys.readouterr().err


STEP_CASES = {
    "value_map": (
        {"value_map": {"map": {"A": "1"}}},
        "expect_column_values_to_be_in_set",
        "value_map covers the source",
    ),
    "parse_date": ({"parse_date": ["%Y-%m-%d"]}, "expect_column_values_to_match_regex", "parse_date formats"),
    "cast": (
        {"cast": {"to": "decimal", "decimal_mark": ","}},
        "expect_column_values_to_match_regex",
        "cast to decimal",
    ),
}


def test_every_step_expectation_has_a_case():
    from kit.expectations import STEP_EXPECTATIONS

    assert set(STEP_EXPECTATIONS) == set(STEP_CASES)


@pytest.mark.parametrize("step", sorted(STEP_CASES))
def test_a_step_expectation_says_what_the_step_assumes(step):
    import polars as pl

    from kit.expectations import source_expectations
    from kit.mapping.spec import Mapping
    from kit.profiling import profile

    written, kind, rule = STEP_CASES[step]
    m = Mapping.model_validate(
        {
            "name": "t",
            "outcome": "x",
            "source": {"system": "A"},
            "target": {"system": "B"},
            "fields": {"f": {"from": "x", "steps": [{"null_if": ["-"]}, written]}},
        }
    )
    exps = [
        e for e in source_expectations(m, profile(pl.DataFrame({"x": ["A", "-"]}), near=False)) if e["type"] == kind
    ]
    assert len(exps) == 1 and exps[0]["meta"]["rule"] == rule and exps[0]["meta"]["target_field"] == "f"
    # What a null_if before the step turns into null needs no translation or format.
    allowed = exps[0]["kwargs"].get("value_set") or exps[0]["kwargs"]["regex"]
    assert "-" in allowed


def test_is_current_says_when_the_committed_suite_is_behind_the_mapping(tmp_path):
    import shutil

    from kit.expectations import generate_suites, is_current
    from kit.mapping.spec import Mapping
    from kit.profiling import profile

    m = Mapping.load("mappings/crm_to_erp.yaml")
    shutil.copytree("expectations", tmp_path, dirs_exist_ok=True)
    prof = profile(m.load_extract("source"), key="contact_id", near=False)
    assert set(is_current(generate_suites(m, prof), tmp_path, m.name).values()) == {True}
    m.fields["status_code"].required = not m.fields["status_code"].required
    status = is_current(generate_suites(m, prof), tmp_path, m.name)
    assert status[tmp_path / f"{m.name}.target.json"] is False
    assert is_current(generate_suites(m, prof), tmp_path / "none", m.name) == {
        tmp_path / "none" / f"{m.name}.source.json": False,
        tmp_path / "none" / f"{m.name}.target.json": False,
    }

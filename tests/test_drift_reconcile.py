"""Drift between two snapshots of one system, and reconciliation of the mapped CRM with the ERP."""

from __future__ import annotations

import polars as pl
import pytest

from kit import Mapping, apply_mapping, profile, read_extract
from kit.cli import main
from kit.drift import drift
from kit.profiling import Profile
from kit.reconcile import reconcile
from kit.render.reconcile import reconcile_html
from tests.conftest import SAMPLE

MAPPING = SAMPLE.parent / "mappings" / "crm_to_erp.yaml"


@pytest.fixture(scope="module")
def snapshots():
    """Tonight's CRM export: a new status value and a new date format, otherwise the same."""
    old = read_extract(SAMPLE / "crm_contacts.csv").frame
    row = pl.int_range(pl.len())
    new = old.with_columns(
        pl.when(row % 50 == 0).then(pl.lit("Suspended")).otherwise(pl.col("status")).alias("status"),
        pl.when((row % 40 == 1) & pl.col("signup_date").str.contains(r"^\d{4}-\d{2}-\d{2}$"))
        .then(pl.col("signup_date").str.replace_all("-", "/"))
        .otherwise(pl.col("signup_date"))
        .alias("signup_date"),
    )
    return old, new


def test_drift_names_the_changes_that_break_the_mapping(snapshots):
    old, new = snapshots
    d = drift(profile(old, near=False), profile(new, near=False), Mapping.load(MAPPING))
    breaking = {(c.code, c.column, c.fields) for c in d.breaking}
    assert breaking == {
        ("NEW_VALUES", "status", ("status_code",)),
        ("NEW_DATE_FORMAT", "signup_date", ("created_on",)),
    }
    assert "'Suspended'" in next(c.message for c in d.changes if c.code == "NEW_VALUES")


def test_drift_without_change_is_quiet_and_columns_come_and_go(snapshots):
    old, _ = snapshots
    same = profile(old, near=False)
    assert drift(same, same).changes == []
    moved = profile(old.drop("country").with_columns(pl.lit("x").alias("region")), near=False)
    d = drift(same, moved, Mapping.load(MAPPING))
    assert {(c.code, c.column, c.breaks) for c in d.changes} >= {
        ("COLUMN_DROPPED", "country", True),
        ("COLUMN_ADDED", "region", False),
    }


@pytest.mark.parametrize("written", [["Gone"], {"tokens": ["Gone"]}, "Gone"])
def test_drift_reads_null_if_in_every_form_the_file_allows(written):
    # A value that a null_if before the value_map turns into null needs no translation, however the
    # null_if is written (the suite generator and drift read the same parsed parameters).
    m = Mapping.model_validate(
        {
            "name": "t",
            "outcome": "x",
            "source": {"system": "A"},
            "target": {"system": "B"},
            "fields": {
                "s": {"from": ["s"], "steps": [{"null_if": written}, {"value_map": {"map": {"A": "1", "B": "2"}}}]}
            },
        }
    )
    old = profile(pl.DataFrame({"s": ["A", "B"] * 25}), near=False)
    new = profile(pl.DataFrame({"s": ["A", "B"] * 20 + ["Gone"] * 5 + ["New"] * 5}), near=False)
    (change,) = [c for c in drift(old, new, m).changes if c.code == "NEW_VALUES"]
    assert change.breaks and "['New']" in change.message


def test_cli_drift_reads_saved_profiles_and_exits_1_on_breaking_change(snapshots, tmp_path, capsys):
    old, new = snapshots
    (tmp_path / "old.json").write_text(profile(old, near=False).to_json())
    (tmp_path / "new.json").write_text(profile(new, near=False).to_json())
    assert Profile.load(tmp_path / "old.json").rows == old.height
    assert main(["drift", str(tmp_path / "old.json"), str(tmp_path / "new.json"), "--mapping", str(MAPPING)]) == 1
    assert "BREAKS status_code" in capsys.readouterr().out
    assert main(["drift", str(tmp_path / "old.json"), str(tmp_path / "old.json")]) == 0


def test_reconciliation_of_the_sample_counts_and_differences():
    m = Mapping.load(MAPPING)
    output = apply_mapping(m, read_extract(SAMPLE / "crm_contacts.csv")).output
    r = reconcile(m, output, read_extract(SAMPLE / "erp_customers.csv"))
    # The ERP stored the CRM id as a number: keys only match without leading zeros.
    assert r.key == ["crm_contact_ref"] and r.key_match == "no leading zeros"
    assert (r.matched, r.only_in_source, r.only_in_target) == (10_731, 8_343, 269)
    assert r.matched + r.only_in_source == output.height
    diffs = {f.field: f.mismatches for f in r.fields}
    assert diffs["status_code"] == 0 and diffs["country"] == 0
    assert diffs["name"] == 26  # mojibake in the ERP copy of CRM names
    assert diffs["credit_limit"] == r.matched  # lifetime value is not the ERP's credit limit
    assert "<table>" in reconcile_html(r)


def test_reconcile_cli(capsys, tmp_path):
    assert (
        main(["reconcile", str(MAPPING), "--html", str(tmp_path / "r.html"), "--json", str(tmp_path / "r.json")]) == 0
    )
    assert "10,731 in both" in capsys.readouterr().out
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")

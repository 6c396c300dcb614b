"""The mapping editor driven headlessly: set values, click buttons, read the file written."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from kit.mapping.spec import Mapping
from kit.widgets import MappingEditor
from kit.widgets.editor import UNMAPPED
from tests.conftest import SAMPLE


@pytest.fixture
def project(tmp_path):
    shutil.copytree(SAMPLE.parent / "mappings", tmp_path / "mappings")
    shutil.copytree(SAMPLE, tmp_path / "sample_data", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return tmp_path / "mappings" / "crm_to_erp.yaml"


@pytest.fixture
def editor(project):
    return MappingEditor(project, user="tester")


def test_overview_lists_fields_and_filters_by_status(editor):
    # The field list is the overview: each line names the field, its status and its warnings/errors; the
    # line under it counts them (a table repeating the list was taller than the screen).
    labels = dict((v, label) for label, v in editor.fields.options)
    assert labels["credit_limit"].startswith("credit_limit [open]")
    flagged = [n for n, label in labels.items() if "⚠" in label]
    assert flagged and all(any(f.severity != "info" for f in editor.findings(n)) for n in flagged), (
        "a field flagged in the list has a warning or an error"
    )
    assert editor.overview.value.count("12 fields: 1 open, 2 proposed, 8 approved, 1 rejected") == 1
    assert f"{len(flagged)} with warnings or errors" in editor.overview.value
    editor.filter.value = "open"
    assert [v for _, v in editor.fields.options] == ["credit_limit"]
    editor.filter.value = "all"
    assert len(editor.fields.options) == len(editor.mapping.fields)


def test_a_decision_is_written_with_provenance_and_comments_survive(editor, project):
    editor.select_field("credit_limit")
    editor.status.value = "approved"
    editor.why.value = "Finance seeds limits from lifetime value."
    editor.confidence.value = 0.75
    editor.save.click()
    text = project.read_text()
    assert text.startswith("# Contacts from the SalesCloud CRM into the ERP customer master.")
    saved = Mapping.load(project).fields["credit_limit"]
    assert saved.status == "approved" and saved.why == "Finance seeds limits from lifetime value."
    assert saved.decided_by == "tester" and saved.decided_on == dt.date.today() and saved.confidence == 0.75
    assert "saved" in editor.message.value and "+    status: approved" in editor.message.value
    # Untouched fields keep their provenance.
    assert Mapping.load(project).fields["name"].decided_on == dt.date(2026, 11, 18)


def test_saving_without_changes_writes_identical_bytes(editor, project):
    before = project.read_bytes()
    editor.select_field("phone")
    editor.save.click()
    assert project.read_bytes() == before


def test_a_file_changed_on_disk_is_not_overwritten(editor, project):
    editor.select_field("phone")
    editor.status.value = "approved"
    other = Mapping.load(project)
    other.fields["phone"].why = "Changed by a colleague."
    other.save()
    colleague = project.read_bytes()
    editor.save.click()
    assert project.read_bytes() == colleague
    assert "changed on disk" in editor.message.value
    editor.reload.click()
    assert editor.why.value == "Changed by a colleague." and editor.status.value == "proposed"


def test_value_map_grid_edits_the_map_and_evidence_follows(editor, project):
    editor.select_field("status_code")
    grid = {dd.description.split(" (")[0]: dd for dd in editor.value_grid.children[1:]}
    assert "'Prospect'" in grid and grid["'Prospect'"].value == "PRO"
    assert "0</b>" in editor.evidence.value  # nothing quarantined on the sample
    assert "<td>None</td>" not in editor.evidence.value  # a row that maps has no reason, not 'None'
    grid["'Prospect'"].value = UNMAPPED
    assert "value map: value not in the value map" in editor.evidence.value.replace("value_map", "value map")
    editor.select_field("status_code")
    grid = {dd.description.split(" (")[0]: dd for dd in editor.value_grid.children[1:]}
    grid["'Churned'"].value = "BLK"
    editor.unmapped_policy.value = "null"
    editor.save.click()
    step = Mapping.load(project).fields["status_code"].steps[1]
    assert step.params["map"] == {"active": "ACT", "inactive": "INA", "churned": "BLK"}
    assert step.params["unmapped"] == "null"


def test_steps_can_be_added_reordered_edited_and_removed(editor, project):
    editor.select_field("country")
    editor.new_step.value = "truncate"
    editor.step_params.value = "2"
    editor.add_step.click()
    names = [s.name for s in editor.mapping.fields["country"].steps]
    assert names == ["null_if", "strip", "upper", "truncate"]
    editor.step_up.click()
    assert [s.name for s in editor.mapping.fields["country"].steps][-2:] == ["truncate", "upper"]
    editor.step_params.value = "{length: 3}"
    editor.set_params.click()
    assert editor.mapping.fields["country"].steps[2].params == {"length": 3}
    editor.step_params.value = "{broken"
    editor.set_params.click()
    assert "not valid YAML" in editor.message.value
    editor.remove_step.click()
    editor.save.click()
    assert [s.name for s in Mapping.load(project).fields["country"].steps] == ["null_if", "strip", "upper"]


def test_undo_restores_the_field_and_sources_use_suggestions(editor):
    editor.select_field("name")
    editor.sources.value = ("notes",)
    assert editor.mapping.fields["name"].from_ == ["notes"]
    editor.undo.click()
    assert editor.mapping.fields["name"].from_ == ["full_name"] and editor.sources.value == ("full_name",)
    editor.sources.value = ("notes",)
    editor.use_suggestion.click()
    assert editor.mapping.fields["name"].from_ == ["full_name"]
    assert "full_name" in editor.suggested.value


def test_cardinality_and_default_decider(editor, project, monkeypatch):
    editor.select_field("street")
    editor.cardinality.value = "2:1 billing wins; shipping only when billing is empty"
    editor.select_field("credit_limit")
    assert editor.decided_by.value == ""
    editor.status.value = "proposed"
    assert editor.decided_by.value == "tester"  # who is deciding fills in when a status is set
    editor.save.click()
    saved = Mapping.load(project)
    assert saved.fields["street"].cardinality == "2:1 billing wins; shipping only when billing is empty"
    assert saved.fields["credit_limit"].decided_by == "tester"


def test_current_user_falls_back_to_the_os_user(monkeypatch):
    import subprocess

    from kit.mapping.spec import current_user

    monkeypatch.setattr(subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 1, stdout="", stderr=""))
    monkeypatch.setattr("getpass.getuser", lambda: "os-user")
    assert current_user() == "os-user"


def test_editor_adds_removes_and_fills_fields_and_accepts_in_bulk(project):
    path = project
    editor = MappingEditor(path, user="tester")
    # Open questions first, then proposals, each in file order.
    assert editor.field == "credit_limit" and editor.field_order()[:3] == ["credit_limit", "phone", "created_on"]
    editor.new_field.value = "segment"
    editor.add_field_button.click()
    assert editor.field == "segment" and editor.mapping.fields["segment"].status == "open"
    assert not editor.add_field("segment")  # taken: said, not raised
    editor.select_field("phone")
    editor.fill.value, editor.fill_value.value = "default", "n/a"
    editor.to_target_only.click()
    assert "phone" in editor.mapping.target_only and "phone" not in editor.mapping.fields
    editor.select_field("vat_exempt")
    editor.remove_field_button.click()
    assert "vat_exempt" not in editor.mapping.fields
    assert "lifetime_value" not in editor.unused.options  # credit_limit reads it
    editor.unused.value = editor.unused.options[0]
    editor.unused_reason.value = "kept in the CRM"
    editor.not_migrated.click()
    editor.min_score.value = 0.0
    editor.accept.click()
    assert editor.save_file()
    saved = Mapping.load(path)
    assert "segment" in saved.fields and saved.target_only["phone"].value == "n/a"
    assert "vat_exempt" not in saved.fields and "kept in the CRM" in saved.unmapped_source.values()
    approved = [n for n, f in saved.fields.items() if f.status == "approved" and f.decided_by == "tester"]
    assert "created_on" in approved  # was proposed with a suggestion score
    editor.target_only.value = "phone"
    editor.back_to_fields.click()
    assert editor.mapping.fields["phone"].status == "open" and "phone" not in editor.mapping.target_only


def test_a_field_without_confidence_shows_none_and_saves_none(editor, project):
    editor.select_field("street")  # the sample gives street no confidence
    assert editor.confidence.readout is False and editor.confidence.description == "confidence (none)"
    editor.why.value = "Checked with finance."
    editor.save.click()
    assert Mapping.load(project).fields["street"].confidence is None  # nobody gave one
    editor.confidence.value = 0.4
    assert editor.confidence.readout is True and editor.confidence.description == "confidence"
    editor.save.click()
    assert Mapping.load(project).fields["street"].confidence == 0.4


def test_the_unmapped_choice_shows_only_on_a_field_with_a_value_map(editor):
    editor.select_field("status_code")  # has a value_map
    assert editor.unmapped_policy.layout.display is None
    editor.select_field("street")  # has none
    assert editor.unmapped_policy.layout.display == "none"


def test_approving_a_field_whose_evidence_shows_an_error_says_so(editor):
    editor.select_field("credit_limit")  # 380 rows fail its cast on the sample extract
    assert [f for f in editor.findings("credit_limit") if f.severity == "error"]
    editor.status.value = "approved"
    assert "error finding" in editor.message.value and "CONVERSION_FAILS" in editor.message.value
    editor.message.value = ""
    editor.select_field("street")
    assert not [f for f in editor.findings("street") if f.severity == "error"]
    editor.status.value = "approved"
    assert "error finding" not in editor.message.value


def test_moving_a_step_changes_only_the_lines_of_what_moved(editor, project):
    """A step moved past another once rewrote the untouched one from flow style to a block."""
    before = project.read_text().splitlines()
    editor.select_field("credit_limit")  # steps: - cast: {to: decimal, scale: 2}
    editor.new_step.value = "strip"
    editor.add_step.click()
    editor.step_up.click()  # strip moves above the cast
    editor.save.click()
    after = project.read_text().splitlines()

    def steps(lines: list[str]) -> list[str]:
        start = lines.index("  credit_limit:")
        first = lines.index("    steps:", start)
        return lines[first + 1 : lines.index("    status: open", first)]

    assert steps(before) == ["      - cast: {to: decimal, scale: 2}"]
    assert steps(after) == ["      - strip", "      - cast: {to: decimal, scale: 2}"]  # the cast line untouched


def test_a_long_step_reads_in_the_steps_list(editor):
    editor.select_field("status_code")  # a value_map of the CRM statuses
    labels = [label for label, _ in editor.steps.options]
    vm = next(label for label in labels if "value_map" in label)
    assert "values -> " in vm and all(len(label) <= 56 for label in labels)
    editor.steps.value = labels.index(vm)
    assert "active: ACT" in editor.step_params.value  # the parameters in full when selected

"""The mapping file: validated on load, errors with file and line, byte-identical round trips, atomic saves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kit.errors import KitError
from kit.mapping.spec import Mapping, MappingError

SAMPLE_MAPPING = Path(__file__).resolve().parent.parent / "mappings" / "crm_to_erp.yaml"
MINIMAL = """\
# a comment that must survive
name: m
outcome: One line.
source: {system: A, key: id}
target: {system: B}
fields:
  code:            # the target field
    from: status
    steps:
      - strip
      - value_map: {map: {Active: ACT}, unmapped: quarantine}
    status: open
"""


def test_sample_mapping_loads_with_every_decision():
    m = Mapping.load(SAMPLE_MAPPING)
    assert m.source.key == ["contact_id"] and m.target.code_page == "latin-1"
    assert m.fields["street"].from_ == ["billing_street", "shipping_street"]
    assert m.fields["status_code"].steps[1].params["unmapped"] == "quarantine"
    assert m.truth_for("status_code") == "target" and m.truth_for("name") == "source"
    assert m.failure_for("created_on") == "default_and_flag"
    assert m.fields["name"].decided_on == dt.date(2026, 11, 18)


def test_save_without_change_writes_identical_bytes(tmp_path):
    copy = tmp_path / "m.yaml"
    copy.write_bytes(SAMPLE_MAPPING.read_bytes())
    Mapping.load(copy).save()
    assert copy.read_bytes() == SAMPLE_MAPPING.read_bytes()


def test_an_edit_changes_only_its_line_and_keeps_comments(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(MINIMAL)
    m = Mapping.load(path)
    m.fields["code"].status = "approved"
    m.save()
    before, after = MINIMAL.splitlines(), path.read_text().splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [("    status: open", "    status: approved")]
    # A second load and save of the edited file changes nothing.
    text = path.read_bytes()
    Mapping.load(path).save()
    assert path.read_bytes() == text


def test_new_field_is_appended_in_file_form(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(MINIMAL)
    m = Mapping.load(path)
    from kit.mapping.spec import TargetField

    m.fields["name"] = TargetField.model_validate({"from": ["full_name"], "steps": ["strip", {"truncate": 40}]})
    m.save()
    again = Mapping.load(path)
    assert again.fields["name"].steps[1].params == 40
    assert path.read_text().startswith("# a comment that must survive")
    assert list(again.fields) == ["code", "name"]


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path, monkeypatch):
    path = tmp_path / "m.yaml"
    path.write_text(MINIMAL)
    m = Mapping.load(path)
    m.fields["code"].why = "because"

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("kit.files.os.replace", boom)
    with pytest.raises(KitError, match=r"m\.yaml: cannot write: disk full; the file is as it was"):
        m.save()
    assert path.read_text() == MINIMAL
    assert [p.name for p in tmp_path.iterdir()] == ["m.yaml"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (MINIMAL.replace("status: open", "status: opne"), ":12: field 'code' fields.code.status: Input should be"),
        (MINIMAL.replace("    from: status\n", "    form: status\n"), ":8: field 'code' fields.code.form: unknown key"),
        (MINIMAL.replace("outcome: One line.\n", ""), "outcome: required key is missing"),
        (MINIMAL.replace("  code:", "  code: [", 1), "broken YAML"),
        ("", "the mapping file is empty"),
        ("- a\n- b\n", "a mapping file is a YAML mapping"),
        (MINIMAL + "  code: {}\n", "broken YAML"),  # a duplicate key
    ],
)
def test_errors_name_file_line_and_field(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(MappingError) as err:
        Mapping.load(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_yaml_tags_are_refused_never_evaluated(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text(MINIMAL.replace("outcome: One line.", "outcome: !!python/object/apply:os.system ['touch pwned']"))
    with pytest.raises(MappingError, match=r"evil.yaml:3: outcome: YAML tag .* is not allowed"):
        Mapping.load(path)
    assert not (tmp_path / "pwned").exists()


def test_where_points_at_the_line_of_a_field():
    m = Mapping.load(SAMPLE_MAPPING)
    line = int(m.where("fields", "status_code", "steps").rsplit(":", 1)[1])
    assert SAMPLE_MAPPING.read_text().splitlines()[line - 1].strip() == "steps:"

"""The profile is a typed model: saved with a format version, read back validated."""

from __future__ import annotations

import json

import polars as pl
import pytest

from kit.cli import main
from kit.profiling import Profile, profile
from kit.profiling.model import FORMAT_VERSION, ProfileFormatError


@pytest.fixture
def saved(tmp_path):
    frame = pl.DataFrame({"id": ["1", "2", "2", "4"], "status": ["A", "B", "N/A", "A"]})
    prof = profile(frame, key="id")
    path = tmp_path / "p.json"
    path.write_text(prof.to_json(), encoding="utf-8")
    return prof, path


def test_round_trip_is_equal_and_carries_the_version(saved):
    prof, path = saved
    data = json.loads(path.read_text())
    assert next(iter(data)) == "format_version" and data["format_version"] == FORMAT_VERSION
    again = Profile.load(path)
    assert again == prof == Profile.from_json(prof.to_json())
    assert again.column("status").type.type == prof.column("status").type.type
    assert again.duplicates.key.groups == 1


def test_a_profile_from_before_the_version_still_loads(saved):
    prof, path = saved
    data = json.loads(path.read_text())
    del data["format_version"]
    path.write_text(json.dumps(data))
    assert Profile.load(path) == prof


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (lambda d: d.update(rows="many"), "rows"),
        (lambda d: d["columns"][0].pop("name"), "columns.0.name"),
        (lambda d: d.update(format_version=FORMAT_VERSION + 1), "newer kit"),
        (lambda d: d.update(format_version="two"), "format_version"),
        (lambda d: d["columns"][1].update(name=d["columns"][0]["name"]), "repeated"),
        (lambda d: d["columns"][0]["type"].update(fit="good"), "columns.0.type.fit"),
        (lambda d: d.pop("columns"), "not a profile"),
    ],
)
def test_a_hand_edited_profile_is_one_line_naming_the_file(saved, edit, said, capsys):
    _, path = saved
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))
    with pytest.raises(ProfileFormatError) as err:
        Profile.load(path)
    message = str(err.value)
    assert str(path) in message and said in message and "\n" not in message
    assert main(["drift", str(path), str(path)]) == 2
    assert str(path) in capsys.readouterr().err


def test_truncated_and_missing_profiles_are_named(saved, tmp_path):
    _, path = saved
    path.write_text(path.read_text()[:200])
    with pytest.raises(ProfileFormatError, match=f"{path}:"):
        Profile.load(path)
    with pytest.raises(ProfileFormatError, match="no such profile"):
        Profile.load(tmp_path / "nope.json")

"""Reports for stakeholders are self-contained, escaped and redacted; `kit run` does the whole path."""

from __future__ import annotations

import re

from kit.cli import main
from kit.files import sha256
from kit.render import render_notebooks
from tests.conftest import SAMPLE

MAPPING = SAMPLE.parent / "mappings" / "crm_to_erp.yaml"
NOTEBOOK = SAMPLE.parent / "notebooks" / "01_profile_extracts.ipynb"


def test_rendered_notebook_is_self_contained_escaped_and_redacted(tmp_path):
    (html_path,) = render_notebooks(MAPPING, tmp_path, [NOTEBOOK], redact=True)
    body = html_path.read_text()
    assert not re.search(r"""<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*["'](https?:)?//""", body)
    assert "<script>alert(1)</script>" not in body  # a CRM note, shown as text if at all
    assert "jurgen.miller80@" not in body and "olga.garcia82@mail.org" not in body
    assert sha256(SAMPLE / "crm_contacts.csv")[:16] in body and "Sales operations" in body
    assert 'class="highlight hl-ipython3' not in body  # code hidden for stakeholders
    shown = render_notebooks(MAPPING, tmp_path / "code", [NOTEBOOK], no_code=False, redact=False)[0].read_text()
    assert 'class="highlight hl-ipython3' in shown


def test_kit_run_twice_compares_with_the_snapshot(tmp_path, capsys):
    out = tmp_path / "reports"
    assert main(["run", str(MAPPING), "--out", str(out), "--no-render"]) == 1  # validation fails on the sample
    first = capsys.readouterr().out
    assert "drift: no snapshot yet" in first and "validate: 58 expectations, 4 critical failures" in first
    assert "source rows 19,614 = output 19,074 + quarantine 470 + removed by dedup 70" in first
    assert (out / "snapshots" / "crm_to_erp.source.profile.json").exists()
    assert main(["run", str(MAPPING), "--out", str(out), "--no-render", "--no-fail"]) == 0
    second = capsys.readouterr().out
    assert "drift: 0 changes since the snapshot, 0 break the mapping" in second
    for name in ("findings.json", "output.csv", "quarantine.csv", "validation.xml", "reconcile.html", "signoff.html"):
        assert (out / f"crm_to_erp.{name}").exists(), name


def test_run_artifacts_round_trip_and_notebooks_read_them_instead_of_the_files(tmp_path):
    from kit.extracts import RunInputs, prepare
    from kit.mapping.spec import Mapping

    mapping = Mapping.load(MAPPING)
    fresh = prepare(mapping)
    fresh.save(tmp_path / "a")
    again = RunInputs.load(tmp_path / "a")
    assert again.source_profile == fresh.source_profile and again.target_profile == fresh.target_profile
    assert again.source.frame.equals(fresh.source.frame) and again.source.report == fresh.source.report
    # Artifacts of a cut-down source: a notebook given them shows 200 rows, not the 19,614 of the file.
    small = fresh.source.frame.head(200)
    from kit.profiling import profile

    RunInputs(
        type(fresh.source)(small, fresh.source.report), fresh.target, profile(small, near=False), fresh.target_profile
    ).save(tmp_path / "b")
    (html_path,) = render_notebooks(MAPPING, tmp_path / "out", [NOTEBOOK], artifacts=tmp_path / "b")
    body = html_path.read_text()
    assert "200 rows" in body and "19,614 rows" not in body


def test_run_artifacts_missing_is_a_clear_error(tmp_path):
    import pytest

    from kit.errors import KitError
    from kit.extracts import RunInputs

    with pytest.raises(KitError, match="no run artifacts here"):
        RunInputs.load(tmp_path)

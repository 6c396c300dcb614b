"""Notebooks run headlessly from top to bottom, and render to HTML a stakeholder can open safely."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _run(name: str, **params: object) -> nbformat.NotebookNode:
    """Run a notebook, with parameters set as ``kit render`` sets them (its parameters cell rewritten)."""
    nb = _with_params(nbformat.read(NOTEBOOKS / name, as_version=4), **params)
    _client(nb).execute()
    return nb


def _with_params(nb: nbformat.NotebookNode, **params: object) -> nbformat.NotebookNode:
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    for key, value in params.items():
        lines = cell.source.splitlines()
        cell.source = "\n".join(f"{key} = {value!r}" if line.startswith(f"{key} =") else line for line in lines)
    return nb


def _client(nb: nbformat.NotebookNode) -> NotebookClient:
    """A headless client running ``nb`` in the notebooks' folder, without the kernel's TCP warning."""
    return NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )


@pytest.fixture(scope="module")
def profile_notebook() -> nbformat.NotebookNode:
    # As kit run renders it for stakeholders; interactively the analyst's default shows the data.
    return _run("01_profile_extracts.ipynb", redact=True)


def test_the_analysts_own_run_shows_the_data_by_default():
    nb = _run("01_profile_extracts.ipynb")
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    html = "".join(o["data"]["text/html"] for o in outputs if "data" in o and "text/html" in o["data"])
    assert "@example.com" in html  # real values, not shapes (Aaaa.Aaaa99@aaaaaaa.aaa)


def test_profile_notebook_runs_and_displays_both_profiles(profile_notebook):
    outputs = [o for c in profile_notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in outputs if "data" in o and "text/html" in o["data"]]
    side = next(h for h in html if "kit-side" in h)
    assert side.count('<div class="kit-profile">') == 2
    assert "crm_contacts.csv" in side and "erp_customers.csv" in side
    text = "".join(o.get("text", "") for o in outputs)
    assert "the first ones" in text and "DUPLICATE_KEY" in text


def test_profile_notebook_renders_to_safe_html(profile_notebook):
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=True)
    body, _ = exporter.from_notebook_node(profile_notebook)
    # The planted <script> note never reaches the page as markup; redaction hides the emails.
    assert "<script>alert(1)</script>" not in body
    assert "jurgen.miller80@" not in body


def test_map_fields_notebook_runs_and_shows_the_editor(tmp_path):
    import shutil

    root = NOTEBOOKS.parent
    for folder in ("mappings", "sample_data", "notebooks"):
        shutil.copytree(root / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    nb = nbformat.read(tmp_path / "notebooks" / "02_map_fields.ipynb", as_version=4)
    NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path / "notebooks")}},
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    widget = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(widget) == 1
    text = "".join(o.get("text", "") for o in outputs)
    assert "CONSTRAINT_FAILS" in text and "status_code" in text


def test_committed_notebooks_carry_no_outputs():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") and not c.get("execution_count") for c in nb.cells if c.cell_type == "code"), (
            path
        )


@pytest.mark.parametrize(
    ("name", "expected"),
    [("03_expectations.ipynb", "up to date"), ("04_validate_and_reconcile.ipynb", "10,731 in both")],
)
def test_expectation_and_validation_notebooks_run(name, expected):
    nb = _run(name)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert expected in "".join(o.get("text", "") for o in outputs)


def _papermill(name: str, out, **parameters) -> nbformat.NotebookNode:
    import papermill as pm

    pm.execute_notebook(
        str(NOTEBOOKS / name),
        str(out),
        parameters=parameters,
        kernel_name="python3",
        cwd=str(NOTEBOOKS),
        progress_bar=False,
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    return nbformat.read(out, as_version=4)


@pytest.fixture(scope="module")
def draft(tmp_path_factory):
    """Two extracts nobody here curated a mapping for, and the mapping notebook 00 drafts from them."""
    from tests.test_init import _pair

    folder = tmp_path_factory.mktemp("own")
    source, target = _pair(folder)
    nb = _papermill(
        "00_start_mapping.ipynb",
        folder / "00.ipynb",
        source_path=str(source),
        target_path=str(target),
        mappings_dir=str(folder / "mappings"),
    )
    return folder, source, target, nb


def test_start_notebook_drafts_a_mapping_and_opens_the_editor(draft):
    folder, _, _, nb = draft
    path = folder / "mappings" / "crm_export_to_shop_customers.yaml"
    assert path.exists() and "Drafted by kit init" in path.read_text()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    assert any("kit-side" in o.get("data", {}).get("text/html", "") for o in outputs)


def test_every_notebook_runs_on_a_freshly_drafted_mapping(draft, tmp_path):
    from kit.render import render_notebooks

    folder = draft[0]
    written = render_notebooks(folder / "mappings" / "crm_export_to_shop_customers.yaml", tmp_path, redact=True)
    assert [p.name for p in written] == [
        "01_profile_extracts.html",
        "02_map_fields.html",
        "03_expectations.html",
        "04_validate_and_reconcile.html",
    ]
    assert "not reconciled" in written[3].read_text() or "in both" in written[3].read_text()


def test_profile_notebook_explores_two_extracts_without_a_mapping(draft, tmp_path):
    _, source, target, _ = draft
    nb = _papermill(
        "01_profile_extracts.ipynb", tmp_path / "01.ipynb", source_path=str(source), target_path=str(target)
    )
    html = [
        o["data"]["text/html"]
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if "text/html" in o.get("data", {})
    ]
    assert any("crm_export.csv" in h and "shop_customers.csv" in h for h in html)


def test_a_notebook_given_an_extract_as_its_mapping_says_what_to_do(draft, tmp_path):
    from kit.errors import KitError
    from kit.render import render_notebooks

    source = draft[1]
    with pytest.raises(KitError, match=r"not a mapping file \(\.yaml\); to explore extracts give them as source_path"):
        render_notebooks(source, tmp_path, [NOTEBOOKS / "01_profile_extracts.ipynb"])


@pytest.mark.parametrize("given", ["../mappings/no_such_mapping.yaml", "../sample_data/crm_contacts.csv"])
def test_a_bad_mapping_path_shows_two_lines_not_a_traceback(given):
    """A kit error in a notebook is the error and what to do next, and the run stops there."""
    from nbclient.exceptions import CellExecutionError

    nb = _with_params(nbformat.read(NOTEBOOKS / "02_map_fields.ipynb", as_version=4), mapping_path=given)
    with pytest.raises(CellExecutionError):
        _client(nb).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]  # no traceback shown
    shown = [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr" and "kit: " in o.text]
    assert len(shown) == 1 and len(shown[0].strip().splitlines()) == 2, shown
    assert "kit init" in shown[0]

"""The analyst's notebooks executed (papermill) and converted (nbconvert) to self-contained HTML for
stakeholders: a title page, no code, widgets replaced by a note, nothing fetched from elsewhere."""

from __future__ import annotations

import os
import re
from pathlib import Path

from kit.errors import KitError
from kit.files import sha256, write_atomic

NOTEBOOK_ORDER = (
    "01_profile_extracts.ipynb",
    "02_map_fields.ipynb",
    "03_expectations.ipynb",
    "04_validate_and_reconcile.ipynb",
)
_EXTERNAL = re.compile(
    r"""<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*["'](https?:)?//[^"']*["'][^>]*>(\s*</script>)?""", re.I
)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


KIT_NOTEBOOKS = Path(__file__).resolve().parent.parent.parent / "notebooks"


def notebook_folder(mapping_path: Path) -> Path:
    """The notebooks of the project the mapping belongs to (``notebooks/`` beside its ``mappings/``), or
    the kit's own for a mapping drafted elsewhere (``kit init`` in a folder of your own)."""
    beside = mapping_path.parent.parent / "notebooks"
    return beside if all((beside / n).exists() for n in NOTEBOOK_ORDER) else KIT_NOTEBOOKS


def title_cell(mapping, when: str) -> str:
    """Markdown for the title page: mapping, outcome, owners, date and the extracts' fingerprints."""
    lines = [
        f"# {mapping.name}: {mapping.source.system} → {mapping.target.system}",
        "",
        " ".join(mapping.outcome.split()),
        "",
        f"Rendered {when}.",
        "",
        "| | system | owner | extract | sha256 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for side, s in (("source", mapping.source), ("target", mapping.target)):
        path = mapping.resolve(s.extract)
        digest = sha256(path)[:16] + "…" if path and path.exists() else "(not found)"
        lines.append(f"| {side} | {s.system} | {s.owner or ''} | {s.extract or ''} | `{digest}` |")
    from kit.mapping.export import no_maths

    return no_maths("\n".join(lines))


def _static(nb) -> None:
    """Widgets cannot render in static HTML (their renderer comes from a CDN): put a note in their place."""
    import nbformat

    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for i, out in enumerate(cell.get("outputs", [])):
            if WIDGET_VIEW in out.get("data", {}):
                cell.outputs[i] = nbformat.v4.new_output(
                    "display_data",
                    data={
                        "text/html": "<p><i>The interactive editor is shown here in JupyterLab; the decisions "
                        "it saves are in the mapping file and the tables of this report.</i></p>"
                    },
                )
    nb.metadata.pop("widgets", None)


def self_contained(body: str) -> str:
    """Drop scripts, styles and images fetched from elsewhere (nbconvert adds require.js and MathJax)."""
    return _EXTERNAL.sub("", body)


def render_notebooks(
    mapping_path: str | Path,
    out: str | Path,
    notebooks: list[str | Path] | None = None,
    no_code: bool = True,
    redact: bool = False,
    timeout: int = 600,
    artifacts: str | Path | None = None,
) -> list[Path]:
    """Execute the analyst's notebooks on a mapping and write self-contained HTML for stakeholders.

    Each notebook gets ``mapping_path`` (and ``redact``) through its papermill parameters cell, a
    title page naming the mapping, outcome, owners, date and the extracts' sha256, and no code cells
    unless ``no_code=False``. ``artifacts``: a folder of ``RunInputs.save`` (``kit run`` passes one),
    so the notebooks read the extracts and profiles made once instead of loading them again.
    """
    import datetime as dt
    import logging

    from kit.mapping.spec import Mapping

    mapping_path = Path(mapping_path).resolve()
    mapping = Mapping.load(mapping_path)
    paths = [Path(n) for n in notebooks] if notebooks else [notebook_folder(mapping_path) / n for n in NOTEBOOK_ORDER]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    when = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    logging.getLogger("papermill").setLevel(logging.ERROR)
    # Kernels inherit the environment: no progress bars in a report that nobody watches being made.
    previous = os.environ.get("KIT_PROGRESS")
    os.environ["KIT_PROGRESS"] = "0"
    try:
        written = _render_all(paths, out, mapping, mapping_path, when, no_code, redact, timeout, artifacts)
    finally:
        if previous is None:
            os.environ.pop("KIT_PROGRESS", None)
        else:
            os.environ["KIT_PROGRESS"] = previous
    return written


def _render_all(paths, out, mapping, mapping_path, when, no_code, redact, timeout, artifacts) -> list[Path]:
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    written = []
    for path in paths:
        if not path.exists():
            raise KitError(f"{path}: no such notebook")
        executed = out / f".{path.stem}.executed.ipynb"
        params = {"mapping_path": str(mapping_path), "redact": redact}
        if artifacts is not None:
            params["artifacts"] = str(Path(artifacts).resolve())
        try:
            pm.execute_notebook(
                str(path),
                str(executed),
                parameters=params,
                kernel_name="python3",
                cwd=str(path.parent),
                progress_bar=False,
                log_output=False,
                execution_timeout=timeout,
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            )
        except pm.PapermillExecutionError as exc:
            raise KitError(f"{path.name}: cell {exc.exec_count} failed: {exc.ename}: {exc.evalue}") from None
        nb = nbformat.read(executed, as_version=4)
        executed.unlink()
        _static(nb)
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(title_cell(mapping, when)))
        exporter = HTMLExporter(
            exclude_input=no_code, exclude_input_prompt=True, exclude_output_prompt=True, embed_images=True
        )
        body, _ = exporter.from_notebook_node(nb)
        written.append(write_atomic(out / f"{path.stem}.html", self_contained(body)))
    return written

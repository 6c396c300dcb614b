"""Sign-off exports: open questions first, values escaped, diagrams well-formed, spreadsheets safe."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

from kit.cli import main
from kit.mapping.export import to_csv, to_markdown, to_sssom
from kit.mapping.spec import Mapping
from kit.render.signoff import flow_svg
from kit.render.signoff import signoff_html as to_html
from tests.conftest import SAMPLE

SAMPLE_MAPPING = SAMPLE.parent / "mappings" / "crm_to_erp.yaml"


def _mapping(why: str = "ok") -> Mapping:
    return Mapping.model_validate(
        {
            "name": "t",
            "outcome": "x",
            "source": {"system": "A <crm>"},
            "target": {"system": "B"},
            "fields": {
                "done": {"from": "a", "status": "approved", "why": why},
                "todo": {"from": ["a", "b"], "steps": ["coalesce"], "status": "open", "why": "=cmd|' /C calc'!A0"},
            },
        }
    )


def test_markdown_puts_open_questions_first():
    md = to_markdown(Mapping.load(SAMPLE_MAPPING))
    decisions = md.split("## Decisions", 1)[1].split("\n## ", 1)[0]
    table = [line for line in decisions.splitlines() if line.startswith("| ")][2:]
    statuses = [row.split(" | ")[6] for row in table]
    assert statuses[0] == "open" and statuses[-1] == "approved"
    assert statuses == sorted(statuses, key=["open", "proposed", "rejected", "approved"].index)


def test_html_escapes_and_the_diagram_is_well_formed_svg():
    page = to_html(_mapping(why="<script>alert(1)</script>"))
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    svg = flow_svg(_mapping())
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg") and "A &lt;crm&gt;" in svg
    assert len([e for e in root.iter() if e.tag.endswith("path")]) == 3  # a→done, a→todo, b→todo


def test_the_notebook_sign_off_is_the_page_s_content_in_a_box_that_fits():
    from kit.render.signoff import SignOff

    m = Mapping.load(SAMPLE_MAPPING)
    page = to_html(m)
    shown = SignOff(m)._repr_html_()
    body = page.split("<body>", 1)[1].rstrip("\n").removesuffix("</body></html>")
    assert body in shown and shown.startswith("<style>") and '<div class="kit-signoff">' in shown
    # The diagram scales to the output area (a viewBox) and scrolls in its own box below 820 px.
    assert 'viewBox="0 0 980 ' in shown and '<div class="kit-flow"><svg' in shown
    evil = SignOff(_mapping(why="<script>alert(1)</script>"))._repr_html_()
    assert "<script>alert" not in evil


def test_csv_is_formula_safe_and_sssom_lists_each_pair():
    rows = list(csv.DictReader(io.StringIO(to_csv(_mapping()))))
    todo = next(r for r in rows if r["target_field"] == "todo")
    assert todo["why"].startswith("'=")
    tsv = to_sssom(_mapping())
    meta = [line for line in tsv.splitlines() if line.startswith("#")]
    body = list(
        csv.DictReader(
            io.StringIO("\n".join(line for line in tsv.splitlines() if not line.startswith("#"))), delimiter="\t"
        )
    )
    assert any("curie_map" in line for line in meta)
    assert [(r["subject_label"], r["object_label"], r["predicate_id"]) for r in body] == [
        ("a", "done", "skos:exactMatch"),
        ("a", "todo", "skos:closeMatch"),
        ("b", "todo", "skos:closeMatch"),
    ]


def test_cli_export_guesses_the_format(tmp_path, capsys):
    for suffix in ("md", "html", "csv", "tsv"):
        assert main(["export", str(SAMPLE_MAPPING), "--out", str(tmp_path / f"m.{suffix}")]) == 0
    assert (tmp_path / "m.html").read_text().count("<svg") == 1
    assert main(["export", str(SAMPLE_MAPPING), "--out", str(tmp_path / "m.txt")]) == 2


def test_markdown_the_kit_shows_has_no_dollar_a_renderer_reads_as_maths():
    """JupyterLab and GitHub typeset $...$: a regex step ^(\\d{10})$ became an italic formula."""
    import re

    text = to_markdown(Mapping.load(SAMPLE.parent / "mappings" / "crm_to_erp.yaml"))
    outside_code = re.sub(r"`[^`]*`", "", text)
    assert re.search(r"(?<!\\)\$", outside_code) is None
    assert "^(\\d{10})\\$" in text  # escaped, and shown as $ once rendered

"""Redaction holds everywhere: one ``Redactor`` decides, every report of ``kit run`` uses it.

The personal columns of the sample are named here, not taken from the kit's own decision, so a
column the kit stopped treating as personal makes the leak test fail.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import polars as pl
import pytest

from kit.cli import main
from kit.load import read_extract
from kit.load.report import LoadReport, Reject
from kit.profiling import profile
from kit.redact import Redactor, is_personal, shape
from tests.conftest import SAMPLE

MAPPING = SAMPLE.parent / "mappings" / "crm_to_erp.yaml"
PERSONAL = {
    "crm_contacts.csv": ["full_name", "email", "phone", "billing_street", "shipping_street", "notes"],
    "erp_customers.csv": ["name", "email", "phone", "street"],
}
# What a run writes that is the data itself, not a report about it.
DATA_FILES = ("artifacts", "snapshots", ".output.csv", ".quarantine.csv", ".parquet")


def _personal_values() -> set[str]:
    """Every distinct value of the personal columns long enough to be a person's (not a placeholder)."""
    values = set()
    for name, columns in PERSONAL.items():
        ex = read_extract(SAMPLE / name)
        prof = profile(ex, near=False)
        for column in columns:
            placeholders = {k.strip().lower() for k in prof.column(column).pseudo_nulls}
            for v in ex.frame[column].drop_nulls().unique().to_list():
                v = v.strip()
                if len(v) >= 6 and v.lower() not in placeholders and not re.fullmatch(r"[\d\s.,:/()+-]+", v):
                    values.add(v)
    return values


def _readings(text: str) -> list[str]:
    """The text as a reader or a parser sees it: raw, HTML entities decoded, JSON escapes decoded."""
    unescaped = html.unescape(text)
    decoded = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), unescaped)
    return [text, unescaped, decoded.replace('\\"', '"')]


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run")
    assert main(["run", str(MAPPING), "--out", str(out), "--no-fail"]) == 0
    return out


def test_no_personal_value_appears_in_any_report_of_a_redacted_run(run_folder):
    values = _personal_values()
    assert len(values) > 20_000  # names, e-mails, streets and notes of both extracts
    reports = [
        p
        for p in sorted(run_folder.rglob("*"))
        if p.is_file() and not any(part in str(p.relative_to(run_folder)) for part in DATA_FILES)
    ]
    names = {p.name for p in reports}
    # Every kind of report is looked at: the notebooks, the HTML and JSON reports, JUnit, Data Docs.
    assert {"01_profile_extracts.html", "02_map_fields.html", "04_validate_and_reconcile.html"} <= names
    assert {"crm_to_erp.source.load.json", "crm_to_erp.validation.md", "crm_to_erp.reconcile.json"} <= names
    assert any("data_docs" in p.parts and "validations" in p.parts for p in reports)
    # A word-level index keeps the check fast: a value can only occur where its first word does.
    by_word: dict[str, list[str]] = {}
    for v in values:
        by_word.setdefault(v.split()[0], []).append(v)
    leaks = []
    for path in reports:
        for text in _readings(path.read_text(encoding="utf-8", errors="replace")):
            words = set(re.findall(r"[^\s<>\"'=,;]+", text))
            for word in words & by_word.keys():
                leaks += [(path.name, v) for v in by_word[word] if v in text]
    assert leaks == []


def test_the_run_still_shows_the_data_it_must(run_folder):
    """Redaction masks people, not evidence: codes, counts and shapes stay readable."""
    report = json.loads((run_folder / "crm_to_erp.source.load.json").read_text())
    assert report["rejects"] and all(r["line"] > 0 for r in report["rejects"])
    assert all(re.fullmatch(r"[9Aa\W_]*", r["raw"]) for r in report["rejects"])  # shapes, line numbers kept
    profile_page = (run_folder / "01_profile_extracts.html").read_text()
    assert "Churned" in profile_page or "Active" in profile_page  # statuses are not personal
    assert re.search(r"\ba+\.a+9+@a+\.a+\b", profile_page)  # e-mails as shapes
    # The data files are the data: the mapped rows carry the names system B receives.
    assert "@" in (run_folder / "crm_to_erp.output.csv").read_text()


def test_free_text_under_an_unforeseen_header_is_personal():
    frame = pl.DataFrame(
        {
            "kundenname": [f"Person {i} Nachname" for i in range(50)],  # no listed word in the name
            "bemerkung": [f"rief am {i}. an, will Rückruf" for i in range(50)],
            "status": ["aktiv", "inaktiv"] * 25,
            "id": [str(i) for i in range(50)],
        }
    )
    p = profile(frame, near=False)
    assert {c.name: is_personal(c) for c in p.columns} == {
        "kundenname": True,
        "bemerkung": True,
        "status": False,
        "id": False,
    }


def test_shapes_hide_every_script():
    assert shape("Zoë Núñez") == "Aaa Aaaaa"
    assert shape("Ølgaard 12") == "Aaaaaaa 99"
    assert shape("Дмитрий") == "Aaaaaaa"
    assert shape("王小明") == "aaa"
    frame = Redactor.of(["n"]).frame(pl.DataFrame({"n": ["Zoë Núñez", "Дмитрий", None], "k": ["A", "B", "C"]}))
    assert frame.to_dict(as_series=False) == {"n": ["Aaa Aaaaa", "Aaaaaaa", None], "k": ["A", "B", "C"]}


def test_reject_lines_are_masked_whole_with_their_line_numbers():
    reject = Reject(500, "17 fields, expected 16", "0492;Olga Ivanova;o@x.uk")
    report = LoadReport("x.csv", "0", "csv", rejects=[reject])
    report.preamble_lines = ["Exported by Olga Ivanova"]
    masked = report.redacted(Redactor.of(True))
    assert masked.rejects == [Reject(500, "17 fields, expected 16", "9999;Aaaa Aaaaaaa;a@a.aa")]
    assert masked.preamble_lines == ["Aaaaaaaa aa Aaaa Aaaaaaa"]
    assert "Olga" not in masked.summary() and "reject line 500" in masked.summary()
    assert report.redacted(Redactor.of(False)) is report


def test_a_mapped_target_field_fed_by_a_personal_column_is_masked():
    from kit.mapping.spec import Mapping

    mapping = Mapping.load(MAPPING)
    source = profile(read_extract(SAMPLE / "crm_contacts.csv"), near=False)
    redactor = Redactor.of(True, source, mapping=mapping)
    fed = [f for f, spec in mapping.fields.items() if "full_name" in spec.from_]
    assert fed and all(redactor.masks(f) for f in fed)
    assert not redactor.masks("status")


def test_alert_examples_and_messages_of_masked_columns_are_masked():
    frame = pl.DataFrame({"email": ["ann@example.org"] * 40 + ["bob.example.org"], "status": ["A"] * 41})
    p = profile(frame, near=False)
    raw = [a for a in p.alerts if a.column == "email"]
    assert raw and any("bob.example.org" in (a.message + str(a.examples)) for a in raw)
    masked = p.redacted(Redactor.of(True, p))
    text = json.dumps(masked.to_dict())
    assert "bob.example.org" not in text and "ann@example.org" not in text
    assert "aaa.aaaaaaa.aaa" in text


def test_findings_between_columns_that_quote_personal_values_are_masked():
    """A dependency's message quotes the values of both columns: masked when either is personal."""
    import polars as pl

    from kit.profiling import profile
    from kit.redact import Redactor
    from kit.render import summary_text

    names = ["Ann Lee", "Bob Stone", "Cy Young", "Dee Ray", "Eve Moss", "Fay Wu"]
    rows = [(n, n.split()[0].lower() + "@x.com", f"C{i}") for i, n in enumerate(names) for _ in range(5)]
    rows[3] = ("Ann Lee", "ann.other@y.com", "C0")
    rows[8] = ("Bob Stone", "bob@x.com", "C9")  # a code that breaks full_name -> code
    frame = pl.DataFrame(rows, schema=["full_name", "email", "code"], orient="row")
    p = profile(frame, near=False)
    assert {a.column for a in p.alerts_for("DEPENDENCY_VIOLATION")} >= {"email", "code"}
    masked = p.redacted(Redactor.of(True, p))
    text = summary_text(p, redact=Redactor.of(True, p)) + masked.to_json()
    for value in ("Ann Lee", "ann.other@y.com", "ann@x.com", "Bob Stone"):
        assert value not in text, value


def test_a_masked_columns_alerts_carry_no_illustration_that_reads_as_data():
    """A rule's description illustrates it ('Active, ACTIVE'); shown on a masked name column in place of
    the message, it read as that column's values. Masked, a description keeps no illustration."""
    import polars as pl

    from kit.profiling import profile
    from kit.redact import Redactor
    from kit.render import profile_page

    names = ["Ann Lee", "ANN LEE", "Bob Stone"] * 10 + ["Cy Young"]
    p = profile(pl.DataFrame({"full_name": names}), near=False)
    assert p.alerts_for("VARIANT_SPELLINGS", "full_name")
    page = profile_page(p, Redactor.of(True, p))
    assert "Active" not in page and "ACTIVE" not in page and "Ann Lee" not in page
    assert "one value spelled several ways (values masked)" in page

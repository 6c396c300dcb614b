"""Each lint rule fires on its problem, names the line of the decision, and stays quiet when it is handled."""

from __future__ import annotations

import polars as pl
import pytest

from kit import profile
from kit.cli import main
from kit.mapping.lint import RULES, lint
from kit.mapping.spec import Mapping
from tests.conftest import SAMPLE

SAMPLE_MAPPING = SAMPLE.parent / "mappings" / "crm_to_erp.yaml"


def _lint(fields: dict, frame: pl.DataFrame, key: list[str] | None = None, target: pl.DataFrame | None = None, **extra):
    data = {
        "name": "t",
        "outcome": "x",
        "source": {"system": "A", "key": key or []},
        "target": {"system": "B", **extra.pop("target_system", {})},
    }
    m = Mapping.model_validate({**data, **extra, "fields": fields})
    tp = profile(target, near=False) if target is not None else None
    return lint(m, profile(frame, key=key, near=False), tp, frame)


def _codes(findings) -> set[str]:
    return {f.code for f in findings}


FRAME = pl.DataFrame(
    {
        "id": ["007", "008", "008", "010"],
        "name": ["Anna", "Bartholomew Featherstonehaugh", "Cy", "Di"],
        "status": ["Active", "Closed", "Paused", "Active"],
        "when": ["2024-01-02", "02.01.2024", "soon", "2024-03-04"],
        "city": ["Łódź", "Oslo", None, "Rome"],
        "extra": ["x", "y", "z", "w"],
    }
)


# Each rule: a mapping that makes it fire, one that fixes it, and extra arguments for both.
FIRES_AND_FIXED = [
    ("UNKNOWN_SOURCE_FIELD", {"a": {"from": "nope"}}, {"a": {"from": "name"}}, {}),
    (
        "TOO_LONG",
        {"n": {"from": "name", "max_length": 10}},
        {"n": {"from": "name", "max_length": 10, "steps": [{"truncate": 10}]}},
        {},
    ),
    (
        "UNMAPPED_VALUES",
        {"s": {"from": "status", "steps": [{"value_map": {"map": {"Active": "A", "Closed": "C"}}}]}},
        {"s": {"from": "status", "steps": [{"value_map": {"map": {"Active": "A", "Closed": "C", "Paused": "P"}}}]}},
        {},
    ),
    (
        "VALUE_NOT_ALLOWED",
        {
            "s": {
                "from": "status",
                "allowed": ["A"],
                "steps": [{"value_map": {"map": {"Active": "X"}, "unmapped": "null"}}],
            }
        },
        {
            "s": {
                "from": "status",
                "allowed": ["A"],
                "steps": [{"value_map": {"map": {"Active": "A"}, "unmapped": "null"}}],
            }
        },
        {},
    ),
    (
        "REQUIRED_FROM_GAPS",
        {"c": {"from": "city", "required": True}},
        {"c": {"from": "city", "required": True, "steps": [{"default": "unknown"}]}},
        {},
    ),
    (
        "CONVERSION_FAILS",
        {"d": {"from": "when", "type": "date", "steps": [{"parse_date": "%Y-%m-%d"}]}},
        {
            "d": {
                "from": "when",
                "type": "date",
                "steps": [{"null_if": ["soon"]}, {"parse_date": ["%Y-%m-%d", "%d.%m.%Y"]}],
            }
        },
        {},
    ),
    (
        "CONSTRAINT_FAILS",
        {"s": {"from": "status", "pattern": "^A"}},
        {"s": {"from": "status", "pattern": "^[A-Z]"}},
        {},
    ),
    (
        "LEADING_ZEROS_LOST",
        {"i": {"from": "id", "type": "integer", "steps": [{"cast": "integer"}]}},
        {"i": {"from": "id"}},
        {},
    ),
    (
        "DUPLICATE_KEY_TO_UNIQUE",
        {"i": {"from": "id", "unique": True}},
        {"i": {"from": "id", "unique": True}},
        {"dedup": {"key": ["id"]}},
    ),
    (
        "NO_CARDINALITY",
        {"c": {"from": ["city", "name"], "steps": ["coalesce"]}},
        {"c": {"from": ["city", "name"], "steps": ["coalesce"], "cardinality": "city wins"}},
        {},
    ),
    (
        "REQUIRED_UNMAPPED",
        {"c": {"from": "city", "required": True, "status": "rejected"}},
        {"c": {"from": "city", "required": True, "steps": [{"default": "-"}]}},
        {},
    ),
    ("SOURCE_FIELD_UNACCOUNTED", {"n": {"from": "name"}}, {"n": {"from": "name"}}, {}),
    ("NO_SOURCE", {"n": {"status": "approved"}}, {"n": {"from": "name", "status": "approved"}}, {}),
    (
        "NOT_ENCODABLE",
        {"c": {"from": "city"}},
        {"c": {"from": "city", "steps": [{"regex_replace": {"pattern": "[^\\x00-\\xff]", "replace": "?"}}]}},
        {"target_system": {"code_page": "latin-1"}},
    ),
    ("OPEN_DECISION", {"n": {"from": "name", "status": "open"}}, {"n": {"from": "name", "status": "approved"}}, {}),
    ("DEDUP_DROPS_CONFLICTS", {"n": {"from": "name"}}, {"n": {"from": "name"}}, {"dedup": {"key": ["id"]}}),
]


@pytest.mark.parametrize(("code", "fields", "fixed", "extra"), FIRES_AND_FIXED)
def test_rule_fires_and_a_fix_silences_it(code, fields, fixed, extra):
    key = ["id"] if code in ("DUPLICATE_KEY_TO_UNIQUE", "DEDUP_DROPS_CONFLICTS") else None
    fire_extra = {k: v for k, v in extra.items() if not (code == "DUPLICATE_KEY_TO_UNIQUE" and k == "dedup")}
    found = [f for f in _lint(fields, FRAME, key=key, **fire_extra) if f.code == code]
    assert found, code
    assert found[0].severity in ("error", "warning", "info") and found[0].where
    if code == "DEDUP_DROPS_CONFLICTS":
        return  # the warning is the point: only other data or another key silences it
    if code == "SOURCE_FIELD_UNACCOUNTED":
        fixed, extra = {c: {"from": c} for c in FRAME.columns}, {}
    fix_extra = {k: v for k, v in extra.items() if code == "DUPLICATE_KEY_TO_UNIQUE" or k != "dedup"}
    assert code not in _codes(_lint(fixed, FRAME, key=key, **fix_extra))


# Rules that need a target extract are tested on their own below.
TESTED_ON_THEIR_OWN = {
    "TARGET_FIELD_UNMAPPED": "test_target_columns_without_a_decision",
    "CATALOG_CONTRADICTION": "test_a_field_looser_than_the_target_databases_catalog",
}


def test_a_field_looser_than_the_target_databases_catalog(tmp_path):
    import sqlite3

    from kit.mapping.lint import check

    db = tmp_path / "erp.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE t (code CHAR(3) NOT NULL CHECK (code IN ('A', 'B')), name VARCHAR(10), note TEXT)")
    con.commit()
    con.close()
    pl.DataFrame({"c": ["A", "B"], "n": ["x", "y"]}).write_csv(tmp_path / "src.csv")
    text = (
        "name: t\noutcome: x\nsource:\n  system: S\n  extract: src.csv\ntarget:\n  system: T\n"
        "  database: {{url: 'sqlite:///erp.db', table: t}}\nfields:\n"
        "  code:\n    from: c\n{code}\n  name:\n    from: n\n{name}\n  note:\n    from: n\n"
    )
    path = tmp_path / "m.yaml"
    path.write_text(text.format(code="    max_length: 3", name="    max_length: 12"))
    found = {f.field: f for f in check(Mapping.load(path)).findings if f.code == "CATALOG_CONTRADICTION"}
    assert set(found) == {"code", "name"} and all(f.severity == "warning" for f in found.values())
    assert "NOT NULL" in found["code"].message and "only A, B" in found["code"].message
    assert "at most 10 characters" in found["name"].message
    fixed = text.format(code="    required: true\n    max_length: 3\n    allowed: [A]", name="    max_length: 10")
    path.write_text(fixed)
    assert [f for f in check(Mapping.load(path)).findings if f.code == "CATALOG_CONTRADICTION"] == []


def test_every_rule_has_a_test():
    covered = {case[0] for case in FIRES_AND_FIXED}
    for code, test in TESTED_ON_THEIR_OWN.items():
        assert callable(globals().get(test)), (code, test)
        covered.add(code)
    assert set(RULES) == covered


def test_no_rule_reports_more_severely_than_it_is_registered():
    order = {"error": 0, "warning": 1, "info": 2}
    for code, fields, _, extra in FIRES_AND_FIXED:
        key = ["id"] if code in ("DUPLICATE_KEY_TO_UNIQUE", "DEDUP_DROPS_CONFLICTS") else None
        for f in _lint(fields, FRAME, key=key, **extra):
            assert order[f.severity] >= order[RULES[f.code].severity], (f.code, f.severity)


def test_target_columns_without_a_decision():
    target = pl.DataFrame({"n": ["x"], "vat": ["true"]})
    assert "TARGET_FIELD_UNMAPPED" in _codes(_lint({"n": {"from": "name"}}, FRAME, target=target))
    assert "TARGET_FIELD_UNMAPPED" not in _codes(
        _lint({"n": {"from": "name"}}, FRAME, target=target, target_only={"vat": {"fill": "constant", "value": "f"}})
    )


def test_findings_name_the_line_of_the_decision():
    from kit import read_extract

    m = Mapping.load(SAMPLE_MAPPING)
    ex = read_extract(SAMPLE / "crm_contacts.csv")
    findings = lint(m, profile(ex, key="contact_id", near=False), source=ex.frame)
    email = next(f for f in findings if f.code == "CONSTRAINT_FAILS" and f.field == "email")
    line = int(email.where.rsplit(":", 1)[1])
    assert SAMPLE_MAPPING.read_text().splitlines()[line - 1].strip().startswith("pattern:")
    assert email.count == 50
    codes = _codes(findings)
    assert {"CONVERSION_FAILS", "REQUIRED_FROM_GAPS", "DEDUP_DROPS_CONFLICTS", "SOURCE_FIELD_UNACCOUNTED"} <= codes


def test_kit_check_exit_codes_and_output(tmp_path, capsys):
    assert main(["check", str(SAMPLE_MAPPING), "--json", str(tmp_path / "f.json")]) == 1
    out = capsys.readouterr().out
    assert "crm_to_erp.yaml:" in out and "3 errors" in out
    assert (tmp_path / "f.json").read_text().startswith("[")


def test_kit_apply_prints_the_accounting(tmp_path, capsys):
    out = tmp_path / "out.csv"
    q = tmp_path / "q.csv"
    assert main(["apply", str(SAMPLE_MAPPING), "--output", str(out), "--quarantine", str(q)]) == 0
    printed = capsys.readouterr().out
    assert "source rows 19,614 = output 19,074 + quarantine 470 + removed by dedup 70" in printed
    assert pl.read_csv(out, infer_schema=False).height == 19_074


def test_sample_mapping_findings_are_pinned():
    """The sample data's real problems, as kit check reports them on the sample mapping."""
    from kit import read_extract

    m = Mapping.load(SAMPLE_MAPPING)
    ex = read_extract(SAMPLE / "crm_contacts.csv")
    tp = profile(read_extract(SAMPLE / "erp_customers.csv"), near=False)
    found = sorted(
        (f.severity, f.code, f.field or "", f.count)
        for f in lint(m, profile(ex, key="contact_id", near=False), tp, ex.frame)
    )
    assert found == [
        ("error", "CONVERSION_FAILS", "credit_limit", 380),
        ("error", "REQUIRED_FROM_GAPS", "city", 21),
        ("error", "REQUIRED_FROM_GAPS", "country", 20),
        ("info", "OPEN_DECISION", "created_on", 0),
        ("info", "OPEN_DECISION", "phone", 0),
        ("warning", "CONSTRAINT_FAILS", "email", 50),
        ("warning", "CONVERSION_FAILS", "created_on", 24),
        ("warning", "DEDUP_DROPS_CONFLICTS", "", 40),
        ("warning", "OPEN_DECISION", "credit_limit", 0),
        ("warning", "SOURCE_FIELD_UNACCOUNTED", "", 0),
    ]

"""The bundled sample extracts load as the manifest says, with every record accounted for."""

from __future__ import annotations

import yaml

from kit import read_extract
from tests.conftest import SAMPLE


def manifest():
    return yaml.safe_load((SAMPLE / "defects.yaml").read_text())["defects"]


def test_crm_export_dialect_and_accounting():
    ex = read_extract(SAMPLE / "crm_contacts.csv")
    r = ex.report
    assert (r.encoding, r.delimiter, r.line_terminator) == ("cp1252", ";", "CRLF")
    assert r.preamble_lines and r.preamble_lines[0].startswith("Exported from SalesCloud CRM")
    assert r.footer_lines == [f"Total rows: {r.rows_loaded}"]
    ragged = next(d for d in manifest() if d["kind"] == "ragged_row")
    assert sorted(x.line for x in r.rejects) == ragged["rows"]  # physical line numbers
    assert r.records_seen == r.rows_loaded + len(r.rejects)
    assert ex.frame["contact_id"].str.starts_with("0").all()  # leading zeros survive


def test_manifest_rows_point_at_the_planted_values():
    ex = read_extract(SAMPLE / "crm_contacts.csv")
    checks = {
        "mojibake": lambda v: "Ã" in v,
        "pseudo_null": lambda v: v in ("N/A", "n/a", "-", "NULL", "unknown", "0000-00-00"),
        "non_breaking_space": lambda v: "\u00a0" in v,
        "script_injection": lambda v: "<script>" in v,
        "quoted_newlines": lambda v: "\n" in v,
    }
    for d in manifest():
        if d["file"] == "crm_contacts.csv" and d["kind"] in checks:
            values = ex.frame[d["column"]].gather(d["rows"]).to_list()
            assert all(checks[d["kind"]](v) for v in values), d["kind"]


def test_erp_extracts_load():
    csv = read_extract(SAMPLE / "erp_customers.csv")
    assert csv.report.bom and csv.report.encoding == "utf-8" and csv.frame.height == 14_000
    xlsx = read_extract(SAMPLE / "erp_customers.xlsx")
    assert xlsx.frame.columns == csv.frame.columns
    # Excel stores credit_limit as a number, so "1000.00" comes back as "1000"; the rest is text.
    assert xlsx.frame.head(50).drop("credit_limit").equals(csv.frame.head(50).drop("credit_limit"))
    feed = read_extract(SAMPLE / "erp_customers_feed.ndjson")
    assert "address.city" in feed.frame.columns
    codes = read_extract(SAMPLE / "erp_status_codes.parquet")
    assert codes.frame["code"].len() == 6


def test_generator_is_deterministic(tmp_path):
    from sample_data.generate import generate

    generate(tmp_path)
    for name in ("crm_contacts.csv", "erp_customers.csv", "erp_customers_feed.ndjson", "defects.yaml"):
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name
    # The ERP database: the same schema and rows (its file header names the SQLite library version).
    import sqlite3

    def dump(path):
        con = sqlite3.connect(path)
        try:
            return con.execute("SELECT sql FROM sqlite_master").fetchall(), con.execute(
                "SELECT * FROM customers ORDER BY customer_no"
            ).fetchall()
        finally:
            con.close()

    assert dump(tmp_path / "erp.sqlite") == dump(SAMPLE / "erp.sqlite")

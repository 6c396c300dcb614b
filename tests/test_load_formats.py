"""Excel, JSON, NDJSON and Parquet extracts, and the CLI's load command."""

from __future__ import annotations

import json

import polars as pl
import pytest
import xlsxwriter

from kit import read_extract
from kit.cli import main


def _book(path, rows, sheet="Data", extra_sheet=False):
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet(sheet)
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, float):
                ws.write_number(i, j, v)
            else:
                ws.write_string(i, j, v)
    if extra_sheet:
        book.add_worksheet("Second").write_string(0, 0, "x")
    book.close()


def test_excel_title_rows_above_header(tmp_path):
    path = tmp_path / "t.xlsx"
    _book(path, [["Customer list, Q3"], [], ["id", "name", "limit"], ["007", "Ann", 1500.0], ["008", "Bob", 2.5]])
    ex = read_extract(path)
    assert ex.frame.columns == ["id", "name", "limit"]
    assert ex.frame.rows() == [("007", "Ann", "1500"), ("008", "Bob", "2.5")]
    assert ex.report.preamble_lines == ["Customer list, Q3"]
    assert ex.report.header_row == 2


def test_excel_sheet_choice_by_name_and_index(tmp_path):
    path = tmp_path / "t.xlsx"
    _book(path, [["a", "b"], ["1", "2"]], extra_sheet=True)
    assert read_extract(path, sheet="Second").report.sheet == "Second"
    assert read_extract(path, sheet=0).report.sheet == "Data"
    ex = read_extract(path)
    assert any("2 sheets" in w for w in ex.report.warnings)


def test_excel_merged_group_headers_are_joined(tmp_path):
    path = tmp_path / "t.xlsx"
    _book(
        path,
        [
            ["Customer", None, "Billing", None],
            ["id", "name", "street", "city"],
            ["1", "Ann", "High St", "Leeds"],
            ["2", "Bob", "Low St", "York"],
        ],
    )
    ex = read_extract(path)
    assert ex.frame.columns == ["Customer id", "Customer name", "Billing street", "Billing city"]


def test_excel_footer_and_stray_cells(tmp_path):
    path = tmp_path / "t.xlsx"
    _book(
        path,
        [
            ["id", "name"],
            ["1", "Ann"],
            ["2", "Bob", "stray note"],
            ["3", "Cy"],
            [],
            ["Total: 3"],
        ],
    )
    ex = read_extract(path)
    assert ex.frame["id"].to_list() == ["1", "3"]
    assert ex.report.footer_lines == ["Total: 3"]
    assert [(r.line, "beyond" in r.reason) for r in ex.report.rejects] == [(3, True)]
    assert ex.report.records_seen == ex.report.rows_loaded + len(ex.report.rejects)


def test_json_array_nested_and_arrays(write):
    doc = [
        {"id": "1", "address": {"city": "Leeds", "geo": {"lat": 53.8}}, "tags": ["a", "b"], "vip": True, "n": None},
        {"id": "2", "address": {"city": "York"}, "amount": 1.50},
    ]
    ex = read_extract(write("t.json", json.dumps(doc).replace("1.5}", "1.50}")))
    assert ex.frame.columns == ["id", "address.city", "address.geo.lat", "tags", "vip", "n", "amount"]
    assert ex.frame.row(0) == ("1", "Leeds", "53.8", '["a", "b"]', "true", None, None)
    assert ex.frame["amount"].to_list() == [None, "1.50"]  # number text kept exactly


def test_json_object_holding_records(write):
    ex = read_extract(write("t.json", json.dumps({"count": 2, "customers": [{"id": 1}, {"id": 2}]})))
    assert ex.frame["id"].to_list() == ["1", "2"]
    assert any("customers" in w for w in ex.report.warnings)


def test_json_non_object_elements_are_rejects(write):
    ex = read_extract(write("t.json", json.dumps([{"id": 1}, 5, {"id": 2}])))
    assert ex.frame.height == 2
    assert len(ex.report.rejects) == 1 and "element 2" in ex.report.rejects[0].reason


def test_ndjson_bad_line_rejected_with_line_number(write):
    text = '{"id": 1, "a": {"b": "x"}}\n\n{"id": 2,\n{"id": 3}\n[1]\n'
    ex = read_extract(write("t.ndjson", text))
    assert ex.frame["id"].to_list() == ["1", "3"]
    assert ex.frame["a.b"].to_list() == ["x", None]
    assert [r.line for r in ex.report.rejects] == [3, 5]
    assert ex.report.blank_lines == 1
    assert ex.report.records_seen == 4


def test_ndjson_with_damaged_utf8_warns_and_locates(write):
    good = "".join(f'{{"id": {i}, "name": "Zoë Brontë"}}\n' for i in range(30)).encode()
    ex = read_extract(write("t.ndjson", good + b'{"id": 30, "name": "Bad \xff"}\n'))
    assert ex.report.undecodable_count == 1 and ex.report.undecodable[0].line == 31
    assert any("cannot be decoded" in w for w in ex.report.warnings)
    assert ex.frame["name"].to_list()[-1] == "Bad \ufffd"


def test_parquet_stays_typed_and_says_so(tmp_path):
    path = tmp_path / "t.parquet"
    pl.DataFrame({"code": ["A"], "n": [1]}).write_parquet(path)
    ex = read_extract(path)
    assert ex.report.typed is True
    assert ex.frame.schema["n"] == pl.Int64
    assert any("keeps its types" in w for w in ex.report.warnings)


def test_cli_load_writes_output_and_report(tmp_path, capsys):
    src = tmp_path / "t.csv"
    src.write_text("id;name\n1;Ann\n2\n3;Cy\n")
    out, rep = tmp_path / "o.parquet", tmp_path / "r.json"
    assert main(["load", str(src), "--output", str(out), "--report", str(rep)]) == 0
    text = capsys.readouterr().out
    assert "records 3 = loaded 2 + rejected 1" in text
    assert pl.read_parquet(out)["id"].to_list() == ["1", "3"]
    assert json.loads(rep.read_text())["rejects"][0]["line"] == 3


@pytest.mark.parametrize("flag", [["--delimiter", "tab"], ["--quote", "none"], ["--no-header"], ["--ragged", "pad"]])
def test_cli_overrides_are_recorded(tmp_path, flag):
    src = tmp_path / "t.tsv"
    src.write_text("a\tb\n1\t2\n")
    rep = tmp_path / "r.json"
    assert main(["load", str(src), "--report", str(rep), *flag]) == 0
    assert json.loads(rep.read_text())["overrides"]

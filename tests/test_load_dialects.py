"""A generated corpus of polluted delimited files: each case says what a correct loader returns."""

from __future__ import annotations

import gzip

import polars as pl
import pytest

from kit import read_extract

ROWS = [["1", "Ann", "ann@x.org"], ["2", "Bob", "bob@y.com"], ["3", "Cy", "cy@z.net"]]
HEADER = ["id", "name", "email"]


def table(delim: str = ",", eol: str = "\n", header: bool = True, rows=ROWS) -> str:
    lines = ([delim.join(HEADER)] if header else []) + [delim.join(r) for r in rows]
    return eol.join(lines) + eol


def rows_of(ex) -> list[list[str | None]]:
    return [list(r) for r in ex.frame.rows()]


def accounted(ex) -> None:
    r = ex.report
    assert r.records_seen == r.rows_loaded + len(r.rejects)
    assert r.rows_loaded == ex.frame.height


@pytest.mark.parametrize(
    ("delim", "eol", "terminator"),
    [(",", "\n", "LF"), (";", "\r\n", "CRLF"), ("\t", "\n", "LF"), ("|", "\r", "CR"), (":", "\n", "LF")],
)
def test_delimiters_and_line_endings(write, delim, eol, terminator):
    ex = read_extract(write("t.csv", table(delim, eol)))
    assert ex.report.delimiter == delim
    assert ex.report.line_terminator == terminator
    assert ex.frame.columns == HEADER
    assert rows_of(ex) == ROWS
    accounted(ex)


def test_cr_only_file_is_not_one_giant_row(write):
    ex = read_extract(write("t.csv", table(",", "\r", rows=ROWS * 50)))
    assert ex.frame.height == 150 and ex.frame.width == 3


def test_mixed_line_endings(write):
    ex = read_extract(write("t.csv", "id,name,email\r\n1,Ann,ann@x.org\n2,Bob,bob@y.com\r3,Cy,cy@z.net\r\n"))
    assert rows_of(ex) == ROWS
    assert ex.report.line_terminator.startswith("mixed")


def test_preamble_and_footer(write):
    text = "Customer export\nGenerated 2026-11-01 by admin\n" + table() + "\nTotal rows: 3\n"
    ex = read_extract(write("t.csv", text))
    assert ex.report.preamble_lines == ["Customer export", "Generated 2026-11-01 by admin"]
    assert ex.report.header_row == 2
    assert ex.report.footer_lines == ["Total rows: 3"]
    assert rows_of(ex) == ROWS
    assert ex.report.rejects == []


def test_skip_lines_override(write):
    text = "junk,junk,junk\n" + table()
    ex = read_extract(write("t.csv", text), skip_lines=1)
    assert ex.frame.columns == HEADER and rows_of(ex) == ROWS


def test_no_header_detected(write):
    rows = [["1", "2.5", "2024-01-01"], ["2", "3.5", "2024-01-02"], ["3", "4.5", "2024-01-03"]]
    ex = read_extract(write("t.csv", table(rows=rows, header=False)))
    assert ex.report.has_header is False
    assert ex.frame.columns == ["column_1", "column_2", "column_3"]
    assert ex.frame.height == 3


def test_header_override(write):
    ex = read_extract(write("t.csv", table()), has_header=False)
    assert ex.frame.height == 4 and ex.frame.row(0) == tuple(HEADER)


def test_quoted_newlines_delimiters_and_doubled_quotes(write):
    text = 'id,note\n1,"line one\nline two"\n2,"a, b and c"\n3,"she said ""hi"""\n4,plain\n'
    ex = read_extract(write("t.csv", text))
    assert ex.frame["note"].to_list() == ["line one\nline two", "a, b and c", 'she said "hi"', "plain"]
    accounted(ex)


def test_backslash_escaped_quotes(write):
    text = 'id,note\n1,"say \\"hi\\" now"\n2,"x"\n3,"y"\n'
    ex = read_extract(write("t.csv", text))
    assert ex.report.escape_char == "\\"
    assert ex.frame["note"].to_list() == ['say "hi" now', "x", "y"]


def test_single_quote_as_quote_char(write):
    text = "id;note\n1;'a;b'\n2;'c;d'\n3;'e'\n"
    ex = read_extract(write("t.csv", text))
    assert ex.report.quote_char == "'"
    assert ex.frame["note"].to_list() == ["a;b", "c;d", "e"]


def test_single_column_file(write):
    ex = read_extract(write("t.csv", "email\na@x.org\nb@y.org\nc@z.org\n"))
    assert ex.frame.columns == ["email"] and ex.frame.height == 3


@pytest.mark.parametrize(
    "row",
    ['1,"Ann, A.",a@x', '1,"Ann\nA.",a@x', "1,Ann,a@x"],
    ids=["delimiter in a value", "line break in a value", "unquoted"],
)
def test_a_short_record_alone_is_found_though_the_fast_reader_pads_it(write, row):
    # polars pads a short record with nulls without a word; only the counts of delimiters and line
    # ends give it away, whatever the other values hold.
    ex = read_extract(write("t.csv", f"id,name,email\n{row}\n2,Bob\n3,Cy,c@z\n4,Di,d@w\n"))
    accounted(ex)
    assert [(r.line, r.raw) for r in ex.report.rejects] == [(3 + row.count("\n"), "2,Bob")]
    assert ex.frame["id"].to_list() == ["1", "3", "4"]


@pytest.mark.parametrize("ragged", ["reject", "pad", "truncate"])
def test_ragged_rows_are_rejected_or_repaired_never_silent(write, ragged):
    text = "id,name,email\n1,Ann,a@x\n2,Bob\n3,Cy,c@z,EXTRA\n4,Di,d@w\n"
    ex = read_extract(write("t.csv", text), ragged=ragged)
    accounted(ex)
    lines = {r.line: r for r in ex.report.rejects}
    if ragged == "reject":
        assert set(lines) == {3, 4}
        assert lines[3].raw == "2,Bob" and "2 fields, expected 3" in lines[3].reason
        assert lines[4].raw == "3,Cy,c@z,EXTRA" and "4 fields" in lines[4].reason
        assert ex.frame["id"].to_list() == ["1", "4"]
    elif ragged == "pad":
        assert set(lines) == {4}
        assert ex.frame["id"].to_list() == ["1", "2", "4"]  # repaired row stays in file order
        assert ex.frame.row(1) == ("2", "Bob", None)
        assert ex.report.repaired_rows == 1
    else:
        assert set(lines) == {3}
        assert ex.frame.row(1) == ("3", "Cy", "c@z")
    assert ex.report.records_seen == 4


def test_reject_line_numbers_count_quoted_newlines(write):
    text = 'id,note,x\n1,"a\nb\nc",1\n2,short\n3,ok,1\n'
    ex = read_extract(write("t.csv", text))
    assert [r.line for r in ex.report.rejects] == [5]


def test_blank_lines_are_counted_not_loaded(write):
    text = "id,name,email\n1,Ann,a@x\n\n\n2,Bob,b@y\n   \n3,Cy,c@z\n"
    ex = read_extract(write("t.csv", text))
    assert ex.frame["id"].to_list() == ["1", "2", "3"]
    assert ex.report.blank_lines == 3
    accounted(ex)


def test_repeated_header_rows_are_rejects(write):
    text = table() + "id,name,email\n4,Dee,d@w.org\n"
    ex = read_extract(write("t.csv", text))
    assert ex.frame["id"].to_list() == ["1", "2", "3", "4"]
    assert [(r.line, r.reason) for r in ex.report.rejects] == [(5, "repeated header row")]
    accounted(ex)


def test_duplicate_and_blank_header_names_are_made_unique_and_reported(write):
    ex = read_extract(write("t.csv", "id,name,name,\n1,a,b,c\n2,d,e,f\n"))
    assert ex.frame.columns == ["id", "name", "name_2", "column_4"]
    assert any("repeats the header 'name'" in w for w in ex.report.warnings)
    assert any("blank header" in w for w in ex.report.warnings)


def test_unbalanced_quote_is_read_literally_when_sniffed(write):
    text = 'id,name,email\n1,Ann,a@x\n2,"Bob,b@y\n3,Cy,c@z\n4,Di,d@w\n'
    ex = read_extract(write("t.csv", text))
    accounted(ex)
    assert ex.frame["name"].to_list() == ["Ann", '"Bob', "Cy", "Di"]


def test_unbalanced_quote_does_not_swallow_the_rest(write):
    """The stray quote is data: the record is read with it, the rest is untouched, and the report says so."""
    text = 'id,name,email\n1,Ann,a@x\n2,"Bob,b@y\n3,Cy,c@z\n4,Di,d@w\n'
    ex = read_extract(write("t.csv", text), quote_char='"')
    accounted(ex)
    assert ex.frame["id"].to_list() == ["1", "2", "3", "4"]
    assert ex.frame["name"].to_list() == ["Ann", '"Bob', "Cy", "Di"]
    assert ex.report.quote_repairs == [3] and not ex.report.rejects
    assert any("quote taken literally" in w for w in ex.report.warnings)


def test_a_line_that_no_reading_fits_is_still_rejected(write):
    text = 'id,name,email\n1,Ann,a@x\n2,"Bob,b@y,extra,more\n3,Cy,c@z\n4,Di,d@w\n'
    ex = read_extract(write("t.csv", text), quote_char='"')
    accounted(ex)
    assert ex.frame["id"].to_list() == ["1", "3", "4"]
    assert [r.line for r in ex.report.rejects] == [3]


def test_quote_that_merges_records_into_a_valid_row_is_flagged(write):
    text = 'id,name,email\n1,Ann,a@x\n2,"Bob,b@y\n3,Cy,c@z\n4,Di,d@w\n5,"Eve",e@v\n'
    ex = read_extract(write("t.csv", text), quote_char='"')
    accounted(ex)
    assert any("unbalanced quote may have merged records" in w for w in ex.report.warnings)


def test_short_last_row_is_a_reject_not_a_footer(write):
    ex = read_extract(write("t.csv", "id,name,email\n1,Ann,a@x\n2,Bob\n"))
    assert [r.line for r in ex.report.rejects] == [3] and ex.report.footer_lines == []


def test_empty_values_null_but_quoted_empty_kept(write):
    ex = read_extract(write("t.csv", 'a,b,c\n1,,""\n2,x,y\n'))
    assert ex.frame.row(0) == ("1", None, "")


def test_leading_zeros_and_pseudo_nulls_survive(write):
    ex = read_extract(write("t.csv", "id,d\n007,N/A\n010,0000-00-00\n"))
    assert ex.frame["id"].to_list() == ["007", "010"]
    assert ex.frame["d"].to_list() == ["N/A", "0000-00-00"]


def test_header_only_file(write):
    ex = read_extract(write("t.csv", "id,name,email\n"))
    assert ex.frame.columns == HEADER and ex.frame.height == 0


def test_gzip(write):
    ex = read_extract(write("t.csv.gz", gzip.compress(table().encode())))
    assert rows_of(ex) == ROWS


def test_tsv_with_quotes_in_fields(write):
    ex = read_extract(write("t.tsv", 'a\tb\n1\t5" screen\n2\tx\n'), quote_char=None)
    assert ex.frame["b"].to_list() == ['5" screen', "x"]


def test_delimiter_override_wins(write):
    ex = read_extract(write("t.csv", "a;b,c\n1;2,3\n"), delimiter=";")
    assert ex.frame.columns == ["a", "b,c"]


def test_trailing_delimiter_on_data_rows_keeps_every_value(write):
    ex = read_extract(write("t.csv", "a,b\n1,2,\n3,4,\n"))
    assert ex.frame.columns[:2] == ["a", "b"]
    assert ex.frame.height == 2
    assert ex.frame["a"].to_list() == ["1", "3"]


def test_report_is_json_serialisable(write):
    import json

    ex = read_extract(write("t.csv", "id,name,email\n1,Ann\n"))
    data = json.loads(ex.report.to_json())
    assert data["rejects"][0]["line"] == 2
    assert data["sha256"] and data["records_seen"] == 1


def test_frame_is_all_text(write):
    ex = read_extract(write("t.csv", "a,b\n1,2.5\n3,4\n"))
    assert all(t == pl.String for t in ex.frame.schema.values())


def test_every_record_with_a_multi_line_note_is_still_one_record(write):
    """Splitting each record at its line break gives consistent 2-field lines; the quotes say otherwise."""
    text = "id,note,city\n" + "".join(f'{i},"line one\nline two {i}",Berlin\n' for i in range(300))
    ex = read_extract(write("notes.csv", text.encode()))
    assert ex.report.columns == ["id", "note", "city"] and ex.report.quote_char == '"'
    assert ex.frame.height == 300 and ex.frame["note"][7] == "line one\nline two 7"

"""Well-formed files the loader must read right, one class each (issue 14), plus the mixed cases.

Each file is small and written here; each test checks the rows and columns read and that the report
says what was decided. The code pages are in test_load_code_pages.py.
"""

from __future__ import annotations

import pytest

from kit import read_extract

HEADER = "DATE,TIME,Qty,PRODUCTID,Price,Name,Comments"
ROWS = [
    '28/01/2018,00:00,2,MG-8769,$74.69,"Boots, Waterproof",',
    "29/01/2018,00:15,0,RI-3895,$29.81,Running Jacket,",
    '30/01/2018,00:30,1,RI-8070,$80.08,"Table, Round 48""",rush',
    "31/01/2018,00:45,1,RI-9546,$25.55,Fly Rod,",
    "13/02/2018,01:00,9,CC-9259,$48.00,Pillow,",
]
NAMES = HEADER.split(",")


def body(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def accounted(ex) -> None:
    r = ex.report
    assert r.records_seen == r.rows_loaded + len(r.rejects)


# 1. A damaged header row ---------------------------------------------------------------------------


def test_header_with_a_stray_quote_keeps_its_names(write):
    ex = read_extract(write("t.csv", body('DATE,TIME,"Qty,PRODUCTID,Price,Name,Comments', *ROWS * 4)))
    accounted(ex)
    assert ex.frame.columns == ["DATE", "TIME", '"Qty', "PRODUCTID", "Price", "Name", "Comments"]
    assert ex.frame.height == 20 and ex.report.header_row == 0
    assert any("header line 1 is damaged" in w for w in ex.report.warnings)


def test_header_with_a_separator_too_few_keeps_its_names_and_says_so(write):
    ex = read_extract(write("t.csv", body("DATE,TIMEQty,PRODUCTID,Price,Name,Comments", *ROWS)))
    accounted(ex)
    assert ex.frame.columns[:2] == ["DATE", "TIMEQty"] and ex.frame.width == 7
    assert ex.frame.height == 5 and not ex.report.preamble_lines
    assert any("damaged" in w for w in ex.report.warnings)


def test_header_with_a_separator_too_many_drops_the_empty_name(write):
    ex = read_extract(write("t.csv", body("DATE,TIME,,Qty,PRODUCTID,Price,Name,Comments", *ROWS)))
    assert ex.frame.columns == NAMES and ex.frame.height == 5
    assert "separator too many" in ex.report.decisions["header"]


def test_file_without_header_is_still_recognised(write):
    ex = read_extract(write("t.csv", body(*ROWS)))
    assert not ex.report.has_header and ex.frame.height == 5
    assert ex.frame.columns[0] == "column_1"


# 2. Comma and space as the delimiter ----------------------------------------------------------------


def test_comma_space_delimiter_strips_the_space(write):
    text = body(
        HEADER.replace(",", ", "),
        '28/01/2018, 00:00, 2, MG-8769, $74.69, "Boots, Waterproof", ',
        "29/01/2018, 00:15, 0, RI-3895, $29.81, Running Jacket, ",
        '30/01/2018, 00:30, 1, RI-8070, $80.08, "Table, Round 48""", rush',
        "31/01/2018, 00:45, 1, RI-9546, $25.55, Fly Rod, ",
        "13/02/2018, 01:00, 9, CC-9259, $48.00, Pillow, ",
    )
    ex = read_extract(write("t.csv", text))
    accounted(ex)
    assert ex.report.delimiter == "," and "followed by a space" in ex.report.decisions["delimiter"]
    assert ex.frame.columns == NAMES
    assert ex.frame["Name"].to_list()[0] == "Boots, Waterproof"
    assert ex.frame["Qty"].to_list() == ["2", "0", "1", "1", "9"]


@pytest.mark.parametrize("delim", ["; ", "\t "])
def test_other_delimiters_followed_by_a_space(write, delim):
    text = body(*(delim.join(line) for line in [["id", "name", "city"], ["1", "Ann", "Oslo"], ["2", "Bob", "Rome"]]))
    ex = read_extract(write("t.csv", text))
    assert ex.frame.columns == ["id", "name", "city"] and ex.frame["city"].to_list() == ["Oslo", "Rome"]


def test_space_only_delimiter(write):
    text = body("id name amount", '1 "Ann Smith" 10.5', "2 Bob 3", '3 "Cy" 4', "4 Di 5")
    ex = read_extract(write("t.txt", text))
    assert ex.report.delimiter == " "
    assert ex.frame["name"].to_list() == ["Ann Smith", "Bob", "Cy", "Di"]


# 3. Preamble, multi-row headers, several tables, header only ----------------------------------------


def test_preamble_padded_with_delimiters_and_a_line_of_delimiters(write):
    ex = read_extract(write("t.csv", body("PREAMBLE,,,,,,", ",,,,,,", HEADER, *ROWS)))
    accounted(ex)
    assert ex.frame.columns == NAMES and ex.frame.height == 5
    assert ex.report.preamble_lines == ["PREAMBLE,,,,,,", ",,,,,,"] and ex.report.header_row == 2


def test_preamble_of_titles_and_a_blank_line(write):
    ex = read_extract(write("t.csv", body("Sales export", "Generated 2018-06-01", "", HEADER, *ROWS)))
    assert ex.frame.columns == NAMES and ex.frame.height == 5 and len(ex.report.preamble_lines) == 3


@pytest.mark.parametrize("rows", [2, 3])
def test_multi_row_header_is_joined_into_one_name_per_column(write, rows):
    ex = read_extract(write("t.csv", body(*[HEADER] * rows, *ROWS)))
    accounted(ex)
    assert ex.frame.columns == [" ".join([n] * rows) for n in NAMES] and ex.frame.height == 5
    assert any(f"spans {rows} lines" in w for w in ex.report.warnings)


@pytest.mark.parametrize("first", ["@,@", "-,#", "%,(EUR)"])
def test_a_first_row_without_letters_is_data_not_a_second_header_line(write, first):
    # Found by hypothesis: "@,@" over rows of numbers was joined to the header as "col0 @".
    # "(EUR)" has letters, but the row is kept whole: one cell of words is not a header line.
    ex = read_extract(write("t.csv", body("col0,col1", first, "0,0", "1,1", "2,2")))
    accounted(ex)
    assert ex.frame.columns == ["col0", "col1"] and ex.frame.height == 4
    assert ex.frame.row(0) == tuple(first.split(","))


def test_grouped_two_row_header(write):
    text = body("Customer,,Amounts,", "id,name,net,gross", "1,Ann,10.5,12.6", "2,Bob,3,3.6", "3,Cy,4,4.8")
    ex = read_extract(write("t.csv", text))
    assert ex.frame.columns == ["Customer id", "name", "Amounts net", "gross"] and ex.frame.height == 3


@pytest.mark.parametrize("width", [7, 10, 4])
def test_second_table_is_reported_not_mixed_in(write, width):
    second = [",".join(f"Field{j}" for j in range(width))] + [
        ",".join(str(r * j) if j % 2 else f"v{r}{j}" for j in range(width)) for r in range(6)
    ]
    ex = read_extract(write("t.csv", body(HEADER, *ROWS * 3, "", *second)))
    accounted(ex)
    assert ex.frame.columns == NAMES and ex.frame.height == 15 and not ex.report.rejects
    assert ex.report.other_tables == [{"line": 18, "header": second[0], "lines": 7}]
    assert any("second table starts at line 18" in w for w in ex.report.warnings)


def test_blank_line_then_more_records_is_not_a_second_table(write):
    ex = read_extract(write("t.csv", body(HEADER, *ROWS[:2], "", *ROWS[2:])))
    assert ex.frame.height == 5 and not ex.report.other_tables
    assert ex.report.blank_lines == 1 and ex.report.blank_line_numbers == [4]


def test_header_without_records_is_zero_rows_with_the_columns(write):
    ex = read_extract(write("t.csv", body(HEADER)))
    assert ex.frame.columns == NAMES and ex.frame.height == 0


# 4. Backslashes --------------------------------------------------------------------------------------


def test_backslash_is_data_when_nothing_needs_escaping(write):
    row = '20/02/2018,02:45,1,BH-7531,$48.08,"our 8\\\'9"" fly rod",'
    ex = read_extract(write("t.csv", body(HEADER, *ROWS, row)))
    assert ex.report.escape_char is None
    assert ex.frame["Name"].to_list()[-1] == "our 8\\'9\" fly rod"
    assert "none" in ex.report.decisions["escape"]


def test_backslash_escape_keeps_backslashes_that_escape_nothing(write):
    rows = [
        '1,"Table, Round 48\\"",x',
        '2,"our 8\\\'9\\" fly rod",y',
        '3,"plain",z',
        '4,"say \\"hi\\"",w',
    ]
    ex = read_extract(write("t.csv", body("id,name,tag", *rows)))
    assert ex.report.escape_char == "\\"
    assert ex.frame["name"].to_list() == ['Table, Round 48"', "our 8\\'9\" fly rod", "plain", 'say "hi"']


# 5. One-column quoted text ---------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [None, ","])
def test_one_column_of_quoted_markup_and_sentences(write, delimiter):
    values = [
        '<p class="lead">Hello, world; "quoted" | piped</p>',
        'A sentence, with commas; semicolons: and "quotes".',
        "<item id='7'>x, y</item>",
        "Plain words",
    ]
    text = body("text", *('"' + v.replace('"', '""') + '"' for v in values))
    ex = read_extract(write("t.csv", text), **({"delimiter": delimiter} if delimiter else {}))
    assert ex.report.quote_char == '"' and ex.frame.columns == ["text"]
    assert ex.frame["text"].to_list() == values and not ex.report.preamble_lines and not ex.report.rejects


# 8. Blank and sparse rows ----------------------------------------------------------------------------


def test_sparse_short_rows_follow_the_ragged_policy(write):
    wide = ",".join(f"c{j}" for j in range(12))
    rows = [",".join(str(j) for j in range(12)), "1,2,3", ",".join("x" * 12), "4,5"]
    rejected = read_extract(write("t.csv", body(wide, *rows)))
    assert rejected.frame.height == 2 and [r.line for r in rejected.report.rejects] == [3, 5]
    padded = read_extract(write("t.csv", body(wide, *rows)), ragged="pad")
    assert padded.frame.height == 4 and padded.report.repaired_rows == 2


# Mixed cases ----------------------------------------------------------------------------------------


def test_no_header_and_a_preamble(write):
    ex = read_extract(write("t.csv", body("Exported by ERP 7.1", "", *ROWS)))
    assert not ex.report.has_header and ex.frame.height == 5 and len(ex.report.preamble_lines) == 2


def test_comma_space_with_quotes_and_a_preamble(write):
    text = body("Report", "", "id, name, city", '1, "Smith, Ann", Oslo', "2, Bob, Rome", '3, "Cy ""the"" Third", Bonn')
    ex = read_extract(write("t.csv", text))
    assert ex.frame.columns == ["id", "name", "city"]
    assert ex.frame["name"].to_list() == ["Smith, Ann", "Bob", 'Cy "the" Third']


def test_kit_load_prints_the_decisions(write, capsys):
    from kit.cli import main

    main(["load", str(write("t.csv", body("Report", "", HEADER, *ROWS)))])
    out = capsys.readouterr().out
    for key in ("delimiter", "quote", "header", "preamble", "encoding"):
        assert f"decided {key}:" in out


@pytest.mark.parametrize(
    "text",
    [
        body(HEADER, HEADER, *ROWS * 2),
        body("id, name, city", '1, "Smith, Ann", Oslo', "2, Bob, Rome", "3, Cy, Bonn"),
    ],
)
def test_a_scan_refuses_what_only_the_loader_reads_right(write, text):
    from kit.load.scan import ScanRefused, scan_extract

    with pytest.raises(ScanRefused):
        scan_extract(write("t.csv", text))

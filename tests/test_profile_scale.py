"""The profiler's large-extract machinery gives exactly what the plain computations give."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kit.profiling.counts as counts_module
from kit import profile
from kit.profiling.counts import count_values, distinct_counts
from kit.profiling.measures import COUNT, SHAPE_FROM, SHAPE_TO, collapse_values, shape_values
from kit.render import profile_page, summary_text

SAMPLE = Path(__file__).parent.parent / "sample_data"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=12)), max_size=60))
def test_byte_table_shapes_equal_the_character_replacement(values):
    """ASCII letters and digits are mapped byte-wise; anything else (accents, emoji, controls) is kept."""
    s = pl.Series("v", values, dtype=pl.String)
    expected = s.str.replace_many(SHAPE_FROM, SHAPE_TO)
    assert shape_values(s).to_list() == expected.to_list()
    # A slice of a larger column (an offset into the buffers) too.
    if len(values) > 2:
        assert shape_values(s.slice(1, len(values) - 2)).to_list() == expected.slice(1, len(values) - 2).to_list()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet="aA9 -.é\u00e4", max_size=12)), max_size=60))
def test_collapsed_runs_equal_the_regex_replacement(values):
    s = pl.Series("v", values, dtype=pl.String)
    expected = s.str.replace_all("a+", "a").str.replace_all("A+", "A").str.replace_all("9+", "9")
    assert collapse_values(s).to_list() == expected.to_list()
    if len(values) > 2:  # an offset into the buffers, with nulls on either side
        assert collapse_values(s.slice(1, len(values) - 2)).to_list() == expected.slice(1, len(values) - 2).to_list()


def _plain(frame: pl.DataFrame, c: str) -> list:
    return sorted(frame.select(pl.col(c).drop_nulls().value_counts(name=COUNT)).unnest(c).rows())


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["", " ", "a", "b", "é"]), st.text(max_size=4)), max_size=80))
def test_counts_through_hashes_equal_plain_value_counts(values):
    frame = pl.DataFrame({"x": values}, schema={"x": pl.String})
    assert sorted(distinct_counts(frame, ["x"])["x"].rows()) == _plain(frame, "x")
    # The repeated hashes found by is_duplicated, as for a column of more than SORTED_REPEATS_ROWS.
    sorted_rows, counts_module.SORTED_REPEATS_ROWS = counts_module.SORTED_REPEATS_ROWS, -1
    try:
        assert sorted(distinct_counts(frame, ["x"])["x"].rows()) == _plain(frame, "x")
    finally:
        counts_module.SORTED_REPEATS_ROWS = sorted_rows


def _frame(rows: int) -> pl.DataFrame:
    """An id column distinct in its first rows but repeating later, a status column, a column of nulls."""
    ids = [f"id{i:05d}" for i in range(rows // 2)] + [f"id{i % 50:05d}" for i in range(rows - rows // 2)]
    return pl.DataFrame(
        {
            "id": ids,
            "email": [None if i % 7 == 0 else f"u{i % (rows - 3)}@x.example" for i in range(rows)],
            "status": [["Active", "active", "N/A", ""][i % 4] for i in range(rows)],
            "nothing": pl.Series([None] * rows, dtype=pl.String),
        }
    )


@pytest.mark.parametrize("spill", [False, True])
def test_counting_a_frame_and_a_scan_is_exact_whichever_way_a_column_is_counted(tmp_path, monkeypatch, spill):
    # Small limits so that a 3,000-row frame takes the hashed path the way ten million rows do (and,
    # with spill, the on-disk counting of a column too large for the memory available).
    monkeypatch.setattr(counts_module, "HEAD_ROWS", 1_000)
    monkeypatch.setattr(counts_module, "MIN_ROWS_FOR_HASHING", 100)
    monkeypatch.setattr(counts_module, "SPILL_SHARE", 0 if spill else 1)
    monkeypatch.setattr(counts_module, "GROUPS_AT_ONCE", 7)  # repeated values grouped in several shares
    path = tmp_path / "f.csv"
    _frame(3_000).write_csv(path)
    frame = pl.read_csv(path, infer_schema=False)  # as CSV gives it back ("" and null are one)
    in_memory = count_values(frame)
    scanned = count_values(pl.scan_csv(path, infer_schema=False))
    # "id" is distinct in the first rows, so it is counted through hashes, though it repeats later.
    assert in_memory.mostly_distinct == scanned.mostly_distinct == ["id", "email"]
    assert in_memory.rows == scanned.rows == 3_000
    for c in frame.columns:
        for counted in (in_memory, scanned):
            # Mostly distinct columns are counted when asked, one at a time; the rest in the first pass.
            counts = counted.load(c) if c in counted.mostly_distinct else counted.counts[c]
            assert sorted(counts.rows()) == _plain(frame, c), c
    assert set(in_memory.counts) == {"status", "nothing"}
    # Each row's hash comes with the scan, in file order (exact duplicates use it).
    assert scanned.row_hashes.len() == 3_000


@pytest.mark.parametrize("large", [False, True, "eager"])
def test_a_scan_profiles_like_the_frame_on_the_hashed_path(tmp_path, monkeypatch, large):
    """Duplicate keys, exact duplicate rows and alert rows agree between the two paths; ``large``: with
    the limits set so small that a scan counts its mostly distinct columns on disk and every column's
    checks run a slice of values at a time, as for tens of millions of values; "eager": every column
    but the smallest has its shapes made on its own, eagerly, as for a column of a million values."""
    monkeypatch.setattr(counts_module, "HEAD_ROWS", 1_000)
    monkeypatch.setattr(counts_module, "MIN_ROWS_FOR_HASHING", 100)
    path = tmp_path / "f.csv"
    pl.concat([_frame(3_000), _frame(3_000).slice(10, 5)]).write_csv(path)  # five exact copies at the end
    frame = pl.read_csv(path, infer_schema=False)
    eager = profile(frame, key="id", near=False).to_dict()
    import kit.profiling as profiling
    import kit.profiling.measures as measures

    if large == "eager":
        monkeypatch.setattr(profiling, "EAGER_SHAPES", 2)
    elif large:  # the scan only: the frame's profile, made as usual, is what it must equal
        monkeypatch.setattr(counts_module, "SPILL_SHARE", 0)
        monkeypatch.setattr(measures, "SLICE_ROWS", 7)
        monkeypatch.setattr(profiling, "HOLD_SHAPES", 10)
        monkeypatch.setattr(profiling, "LOOKUP_VALUES", 5)
    scanned = profile(pl.scan_csv(path, infer_schema=False), key="id", near=False).to_dict()
    eager.pop("source"), scanned.pop("source")
    assert scanned == eager
    # Against plain polars group-bys on the frame.
    repeated_rows = frame.group_by(frame.columns).len().filter(pl.col("len") > 1)
    repeated_keys = frame.group_by("id").len().filter(pl.col("len") > 1)
    assert eager["duplicates"]["exact_groups"] == repeated_rows.height > 5
    assert eager["duplicates"]["key"]["groups"] == repeated_keys.height
    assert eager["duplicates"]["key"]["rows"] == repeated_keys["len"].sum()
    codes = {a["code"] for a in eager["alerts"]}
    assert {"DUPLICATE_KEY", "EXACT_DUPLICATE_ROWS", "PSEUDO_NULL"} <= codes


def test_the_profile_names_each_figure_that_is_not_exact():
    frame = pl.DataFrame({"id": [str(i) for i in range(12_000)], "x": ["N/A"] * 11_000 + ["ok"] * 1_000})
    p = profile(frame, key="id", near=False)
    assert list(p.approximate) == ["alerts.rows"]  # 11,000 placeholders, 10,000 rows listed
    assert p.alerts_for("PSEUDO_NULL")[0].total == 11_000
    # A column of nothing but a placeholder is a fact about the column: no rows listed, nothing inexact.
    empty = profile(frame.with_columns(x=pl.lit("N/A")), key="id", near=False)
    (no_data,) = empty.alerts_for("NO_DATA")
    assert (no_data.severity, no_data.rows, no_data.total, empty.approximate) == ("info", [], 12_000, {})
    assert "Not exact: <code>alerts.rows</code>" in profile_page(p)
    assert "not exact: alerts.rows" in summary_text(p)
    small = profile(frame.head(100), key="id", near=True)
    assert list(small.approximate) == ["duplicates.near"]
    assert profile(frame.head(100), key="id", near=False).approximate == {}


def test_scan_extract_profiles_a_utf8_file_exactly_like_the_loader():
    from kit import read_extract
    from kit.load.scan import scan_extract

    lazy, report = scan_extract(SAMPLE / "erp_customers.csv")  # UTF-8 with a byte-order mark
    assert report.encoding.startswith("utf-8") and report.delimiter == ","
    scanned = profile(lazy, key="customer_no").to_dict()
    loaded = profile(read_extract(SAMPLE / "erp_customers.csv"), key="customer_no").to_dict()
    scanned.pop("source"), loaded.pop("source")
    assert scanned == loaded


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("legacy.csv", "name;city\nJosé;Zürich\n".encode("cp1252") * 50, "a scan reads UTF-8 only"),
        ("ragged.csv", b"a,b,c\n" + b"1,2,3\n" * 50 + b"4,5,6,7\n" + b"1,2,3\n" * 50, ":52: "),
        ("footer.csv", b"a,b,c\n" + b"1,2,3\n" * 50 + b"Total rows: 50\n", "footer"),
        ("book.xlsx", b"PK\x03\x04", "delimited text"),
    ],
)
def test_scan_extract_refuses_what_a_scan_cannot_read_faithfully(tmp_path, name, content, message):
    from kit.errors import KitError
    from kit.load.scan import scan_extract

    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(KitError, match=message) as err:
        scan_extract(path)
    assert str(path) in str(err.value)


def test_kit_profile_scan_on_the_command_line(tmp_path, capsys):
    from kit.cli import main

    out = tmp_path / "p.json"
    assert (
        main(["profile", str(SAMPLE / "erp_customers.csv"), "--scan", "--key", "customer_no", "--json", str(out)]) == 0
    )
    printed = capsys.readouterr().out
    assert "scanning" in printed and "14,000 rows" in printed
    assert '"DUPLICATE_KEY"' in out.read_text()
    assert main(["profile", str(SAMPLE / "crm_contacts.csv"), "--scan"]) == 2


def test_a_long_profile_shows_its_stages(tmp_path, capsys, monkeypatch):
    """A terminal or notebook user sees which stage runs, and which of them read the whole file."""
    monkeypatch.setenv("KIT_PROGRESS", "1")
    path = tmp_path / "f.csv"
    _frame(3_000).write_csv(path)
    profile(pl.scan_csv(path, infer_schema=False), key="id", near=True)
    shown = capsys.readouterr().err
    for stage in ["counting values (reading the file)", "shapes and measures", "alert rows (reading the file)"]:
        assert stage in shown
    assert "near-duplicates" in shown
    monkeypatch.setenv("KIT_PROGRESS", "0")
    profile(pl.scan_csv(path, infer_schema=False), key="id")
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("late", "words"), [(b"4,5,6,7\n", "more fields"), (b"caf\xe9,5,6\n", "invalid utf-8")], ids=["ragged", "bytes"]
)
def test_kit_profile_scan_turns_bad_input_past_the_head_into_a_clear_error(tmp_path, capsys, late, words):
    from kit.cli import main
    from kit.load.scan import HEAD_BYTES

    path = tmp_path / "big.csv"
    body = b"1,2,3\n" * (HEAD_BYTES // 6 + 10)
    path.write_bytes(b"a,b,c\n" + body + late + b"1,2,3\n")
    assert main(["profile", str(path), "--scan", "--no-near"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and words in err and "(--load)" in err and "Traceback" not in err


def test_in_a_notebook_the_stages_show_as_a_widget_bar(monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("KIT_PROGRESS", "1")  # the kernel inherits it; tests turn bars off otherwise
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import polars as pl\nfrom kit import profile\np = profile(pl.DataFrame({'a': ['x'] * 9}))"
        )
    )
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": "."}}).execute()
    shown = [o for o in nb.cells[0].outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert shown and "profiling a frame" in shown[0]["data"]["text/plain"]


def test_kit_profile_scans_a_large_file_by_itself_and_loads_what_it_cannot_scan(capsys, monkeypatch):
    import kit.load.scan as scan_module
    from kit.cli import main

    monkeypatch.setattr(scan_module, "SCAN_ABOVE", 1_000)  # the sample files count as large
    assert main(["profile", str(SAMPLE / "erp_customers.csv"), "--no-near"]) == 0
    assert capsys.readouterr().out.startswith("scanning")
    assert main(["profile", str(SAMPLE / "erp_customers.csv"), "--no-near", "--load"]) == 0
    assert "scanning" not in capsys.readouterr().out
    # cp1252 with a preamble and ragged rows: the scan declines, the loader reads it and says why.
    assert main(["profile", str(SAMPLE / "crm_contacts.csv"), "--no-near"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("not scanned (") and "cp1252" in out and "loading it whole" in out


def test_a_scan_whose_head_ends_inside_a_multi_line_field_detects_on_whole_records(tmp_path, monkeypatch):
    import kit.load.scan as scan_module
    from kit import read_extract

    text = "id,note,city\n" + "".join(f'{i},"line one\nline two {i}",Berlin\n' for i in range(3_000))
    path = tmp_path / "notes.csv"
    path.write_bytes(text.encode())
    # The head ends three bytes after the line break inside record 1,000's note.
    inside = text.index("line one\nline two 1000") + len("line one\n") + 3
    monkeypatch.setattr(scan_module, "HEAD_BYTES", inside)
    lazy, report = scan_module.scan_extract(path)
    assert report.columns == ["id", "note", "city"] and report.quote_char == '"'
    scanned = profile(lazy, near=False).to_dict()
    loaded = profile(read_extract(path), near=False).to_dict()
    scanned.pop("source"), loaded.pop("source")
    assert scanned == loaded and loaded["rows"] == 3_000


def test_scan_errors_name_the_users_file_not_a_copy_of_its_head(tmp_path, capsys):
    from kit.cli import main

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert main(["profile", str(empty), "--scan"]) == 2
    assert capsys.readouterr().err.strip() == f"kit: error: {empty}: is empty (0 bytes)"
    erp = str(SAMPLE / "erp_customers.csv")
    assert main(["profile", erp, "--scan", "--key", "nope", "--no-near"]) == 2
    assert capsys.readouterr().err.startswith(f"kit: error: {erp}: key column(s) ['nope'] not found")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=2**64 - 1) | st.integers(min_value=0, max_value=6), max_size=60))
def test_repeated_hashes_are_the_values_is_duplicated_finds(values):
    s = pl.Series("h", values, dtype=pl.UInt64)
    expected = sorted(set(s.filter(s.is_duplicated()).to_list()))
    assert counts_module.repeated_hashes(s.clone()).to_list() == expected
    assert counts_module.is_repeated(s).to_list() == s.is_duplicated().to_list()
    assert s.to_list() == values  # is_repeated sorts a copy, never its argument


_cell = st.one_of(st.none(), st.sampled_from(["a", "b", ""]))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_cell, _cell, _cell), max_size=40))
def test_exact_duplicates_among_the_rows_a_column_repeats_on_are_those_of_every_row(rows):
    from kit.profiling.duplicates import exact_groups

    frame = pl.DataFrame(rows, schema=["x", "y", "z"], orient="row")
    expected = exact_groups(frame)
    for c in frame.columns:
        repeated = frame[c].drop_nulls().filter(frame[c].drop_nulls().is_duplicated()).unique()
        assert exact_groups(frame, among=(c, repeated)) == expected


def test_a_frame_profile_finds_exact_copies_by_its_most_distinct_column(monkeypatch):
    """In memory, exact duplicates are looked for only among rows whose value repeats in a mostly
    distinct column (or is null there): the same groups as grouping every column."""
    monkeypatch.setattr(counts_module, "HEAD_ROWS", 1_000)
    monkeypatch.setattr(counts_module, "MIN_ROWS_FOR_HASHING", 100)
    base = _frame(3_000).with_columns(pl.when(pl.col("id").str.ends_with("7")).then(None).otherwise("id").alias("id"))
    frame = pl.concat([base, base.slice(10, 5), base.slice(17, 1)])  # copies, one of a row whose id is null
    p = profile(frame, near=False)
    by_values = frame.with_row_index("r").group_by(frame.columns).agg("r").filter(pl.col("r").list.len() > 1)
    assert p.duplicates.exact_groups == by_values.height > 6  # and the rows null in both id and email
    assert sorted(p.duplicates.exact) == sorted(sorted(g) for g in by_values["r"].to_list())

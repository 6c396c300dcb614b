"""One regression test per class of hostile input the campaign found or the issue named: each is read
correctly or refused with the kit's own error, within a bound."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import time
import zipfile

import polars as pl
import pytest

from kit.cli import main
from kit.errors import InputFileError, JsonFormatError, KitError
from kit.load import excel as excel_module
from kit.load import read_extract
from kit.mapping.spec import Mapping, MappingError
from kit.profiling import profile
from tests.conftest import SAMPLE
from tests.fuzz.conftest import bounded

MAPPING_TEXT = (SAMPLE.parent / "mappings" / "crm_to_erp.yaml").read_text(encoding="utf-8")


def test_header_of_100000_columns_loads_and_the_profile_says_how_to_go_on(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(100_000)) + "\n" + ",".join("x" * 100_000) + "\n")
    with bounded(120):
        ex = read_extract(path)
    assert ex.frame.shape == (1, 100_000) and ex.report.records_seen == 1
    with pytest.raises(KitError, match="100,000 columns; a profile covers at most"):
        profile(ex)
    assert [c.name for c in profile(ex, columns=["c7", "c99999"], near=False).columns] == ["c7", "c99999"]


def test_a_single_50_mb_field_is_read_whole(tmp_path):
    path = tmp_path / "big_field.csv"
    path.write_bytes(b"id,text\n1," + b"x" * 50_000_000 + b"\n2,short\n")
    ex = read_extract(path)
    assert ex.frame["text"].str.len_bytes().to_list() == [50_000_000, 5]
    assert ex.report.rows_loaded == 2 and not ex.report.rejects


def test_nul_bytes_in_a_field_load_and_are_reported_as_control_characters(tmp_path):
    path = tmp_path / "dump.csv"
    path.write_bytes(b"id,name\n1,ab\x00c\n2,def\n3,\x00\n")
    ex = read_extract(path)
    assert ex.frame["name"].to_list() == ["ab\x00c", "def", "\x00"]
    alerts = {a.code: a for a in profile(ex, near=False).alerts}
    assert alerts["CONTROL_CHARS"].rows == [0, 2]


def test_utf16_without_bom_is_detected(tmp_path):
    text = "id;name\n" + "".join(f"{i};Zoë Müller {i}\n" for i in range(300))
    for codec in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{codec}.csv"
        path.write_bytes(text.encode(codec))
        ex = read_extract(path)
        assert ex.report.encoding == codec and ex.frame["name"][0] == "Zoë Müller 0"


def test_invalid_utf8_after_10_mb_is_neither_lost_nor_fatal(tmp_path):
    path = tmp_path / "late.csv"
    body = b"id,name\n" + b"".join(b"%d,name %d\n" % (i, i) for i in range(700_000))
    assert len(body) > 10_000_000
    path.write_bytes(body + b"700000,bad \xff\xfe byte\n700001,ok\n")
    ex = read_extract(path)
    r = ex.report
    assert r.rows_loaded + len(r.rejects) == r.records_seen == 700_002
    assert ex.frame["name"][700_001] == "ok" and ex.frame["name"][700_000].startswith("bad ")


def test_a_zip_that_is_not_a_workbook_is_refused_by_name(tmp_path):
    path = tmp_path / "report.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    with pytest.raises(InputFileError, match=r"report\.xlsx: a zip archive but not an Excel workbook"):
        read_extract(path)
    path.write_bytes((SAMPLE / "erp_customers.xlsx").read_bytes()[:4000])
    with pytest.raises(InputFileError, match="damaged zip archive"):
        read_extract(path)


def test_an_xlsx_decompression_bomb_is_refused_before_it_inflates(tmp_path, monkeypatch):
    monkeypatch.setattr(excel_module, "MAX_XLSX_UNCOMPRESSED", 20 << 20)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b" " * (40 << 20))
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(buf.getvalue())
    assert path.stat().st_size < 200_000
    start = time.perf_counter()
    with pytest.raises(InputFileError, match="would inflate to"):
        read_extract(path)
    assert time.perf_counter() - start < 5  # refused from the archive's index, not by inflating


def test_json_nested_200000_levels_is_refused_and_an_ndjson_line_rejected(tmp_path):
    deep = "[" * 200_000 + "]" * 200_000
    (tmp_path / "deep.json").write_text(deep)
    with pytest.raises(JsonFormatError, match="nested too deeply"):
        read_extract(tmp_path / "deep.json")
    (tmp_path / "deep.ndjson").write_text('{"a": 1}\n' + deep + '\n{"a": 2}\n')
    ex = read_extract(tmp_path / "deep.ndjson")
    assert ex.frame["a"].to_list() == ["1", "2"]
    assert [(r.line, r.reason) for r in ex.report.rejects] == [(2, "nested too deeply (JSON depth)")]


def test_a_huge_json_array_loads(tmp_path):
    records = [{"id": i, "name": f"n{i}", "tags": ["a", "b"], "addr": {"city": "X"}} for i in range(200_000)]
    (tmp_path / "huge.json").write_text(json.dumps(records))
    ex = read_extract(tmp_path / "huge.json")
    assert ex.frame.height == 200_000 and ex.frame.columns == ["id", "name", "tags", "addr.city"]


def test_parquet_with_unusual_types_loads_as_text_where_it_must_and_profiles(tmp_path):
    frame = pl.DataFrame(
        {
            "dec": pl.Series([decimal.Decimal("1.50"), None], dtype=pl.Decimal(12, 2)),
            "lst": [[1, 2], None],
            "st": [{"a": 1, "b": "x"}, None],
            "bin": [b"\x00\xff", None],
            "t": [dt.time(12, 30), None],
            "dur": [dt.timedelta(days=1, seconds=5), None],
            "cat": pl.Series(["a", "b"], dtype=pl.Categorical),
            "nul": pl.Series([None, None], dtype=pl.Null),
            "tz": pl.Series([dt.datetime(2020, 1, 1, 12), None], dtype=pl.Datetime("us", "Europe/Paris")),
            "u64": pl.Series([2**64 - 1, 0], dtype=pl.UInt64),
            "arr": pl.Series([[1, 2], [3, 4]], dtype=pl.Array(pl.Int64, 2)),
        }
    )
    frame.write_parquet(tmp_path / "types.parquet")
    ex = read_extract(tmp_path / "types.parquet")
    row = ex.frame.row(0, named=True)
    assert (row["lst"], row["st"], row["bin"], row["dur"], row["arr"]) == (
        "[1,2]",
        '{"a":1,"b":"x"}',
        "00ff",
        "P1DT5S",
        "[1,2]",
    )
    assert ex.frame.row(1, named=True)["lst"] is None
    prof = profile(ex)
    assert [c.name for c in prof.columns] == frame.columns


def test_a_yaml_alias_bomb_is_refused_without_expanding_it():
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        bomb.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    with bounded(10), pytest.raises(MappingError, match=r"<mapping>:\d+: the YAML expands to more than"):
        Mapping.loads("\n".join(bomb))


def test_yaml_nested_deeper_than_a_mapping_is_refused():
    with bounded(10), pytest.raises(MappingError, match="nested more than 64 levels"):
        Mapping.loads("x: " + "[" * 5000 + "]" * 5000)


def test_a_control_character_in_a_mapping_is_a_mapping_error_with_its_line():
    with pytest.raises(MappingError, match=r"<mapping>:3: broken YAML: character 0x001f"):
        Mapping.loads("name: x\nversion: 1\nbad: \x1f\n")


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("(a+)+$", "repeats a group that itself repeats"),
        ("^([A-Za-z]+\\s?)*$", "repeats a group that itself repeats"),
        ("(?<=x)y", "look-around"),
        ("(\\d)\\1", "backreferences"),
    ],
)
def test_a_regex_that_backtracks_or_polars_cannot_run_is_refused_with_its_field(pattern, why):
    field = "  name:\n    type: string\n"
    in_pattern = MAPPING_TEXT.replace(field, f"{field}    pattern: '{pattern}'\n")
    with pytest.raises(MappingError, match=f"name.*{why}"):
        Mapping.loads(in_pattern)
    step = f"      - regex_replace: {{pattern: '{pattern}', replace: ''}}\n"
    in_step = MAPPING_TEXT.replace("      - strip\n", step, 1)
    with pytest.raises(MappingError, match=why):
        Mapping.loads(in_step)


def test_a_hand_edited_profile_is_refused_by_drift(tmp_path, capsys):
    good = profile(read_extract(SAMPLE / "erp_customers.csv").frame.head(50), near=False).to_dict()
    (tmp_path / "good.json").write_text(json.dumps(good))
    (tmp_path / "many.json").write_text(json.dumps({**good, "rows": "many"}))
    nameless = json.loads(json.dumps(good))
    del nameless["columns"][0]["name"]
    (tmp_path / "nameless.json").write_text(json.dumps(nameless))
    for bad, what in (("many.json", "rows"), ("nameless.json", "columns.0.name")):
        assert main(["drift", str(tmp_path / bad), str(tmp_path / "good.json")]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"kit: error: {tmp_path / bad}: not a valid profile: {what}"), err


def test_headers_polars_reads_as_patterns_are_renamed_in_every_format(tmp_path):
    (tmp_path / "star.csv").write_text("id,*,^x$\n1,2,3\n")
    pl.DataFrame({"*": [{"a": 1}], "^x$": [1]}).write_parquet(tmp_path / "star.parquet")
    (tmp_path / "star.json").write_text(json.dumps([{"*": 1, "^x$": 2}]))
    for name in ("star.csv", "star.parquet", "star.json"):
        ex = read_extract(tmp_path / name)
        assert [c for c in ex.frame.columns if c != "id"] == ["*_", "^x$_"], name
        assert any("reads as a pattern of column names" in w for w in ex.report.warnings)
        assert [c.name for c in profile(ex, near=False).columns] == ex.frame.columns


def test_a_profile_with_impossible_counts_is_refused_by_name():
    from kit.profiling.model import Profile, ProfileFormatError

    good = profile(read_extract(SAMPLE / "erp_customers.csv").frame.head(50), near=False).to_dict()
    for path, value in ((("columns", 2, "nulls"), 2**70), (("columns", 0, "distinct"), -1), (("rows",), -5)):
        doc = json.loads(json.dumps(good))
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        with pytest.raises(ProfileFormatError, match="is not a possible count"):
            Profile.from_dict(doc, "edited.json")

"""Steps compile to polars and do what they say; apply accounts for every source row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit.mapping.apply import apply_mapping, write_safe_csv
from kit.mapping.spec import Mapping, MappingError
from kit.mapping.steps import STEPS, Outcome, StepContext


def _mapping(fields: dict, **extra) -> Mapping:
    data = {"name": "t", "outcome": "test", "source": {"system": "A", "key": ["id"]}, "target": {"system": "B"}}
    return Mapping.model_validate({**data, **extra, "fields": fields})


def _one(step, values: list, **field) -> tuple[list, list]:
    """Apply one field with the given steps to a column ``x``: (output values, quarantine reasons)."""
    m = _mapping({"out": {"from": ["x"], "steps": step if isinstance(step, list) else [step], **field}})
    frame = pl.DataFrame(
        {"id": [str(i) for i in range(len(values))], "x": values}, schema={"id": pl.String, "x": pl.String}
    )
    applied = apply_mapping(m, frame)
    return applied.output["out"].to_list(), applied.quarantine["reason"].to_list()


@pytest.mark.parametrize(
    ("step", "values", "expected"),
    [
        ("strip", ["  a ", "\u00a0b\u00a0", None], ["a", "b", None]),
        ("lower", ["AbC"], ["abc"]),
        ("upper", ["AbC"], ["ABC"]),
        ("title", ["anna smith"], ["Anna Smith"]),
        ("collapse_spaces", ["a  b\t\u00a0c"], ["a b c"]),
        ({"normalize_unicode": "NFC"}, ["Jose\u0301"], ["José"]),
        ("fix_mojibake", ["JosÃ© MÃ¼ller", "donâ€™t", "fine"], ["José Müller", "don’t", "fine"]),
        ({"null_if": ["N/A", "-"]}, ["N/A", "-", "  ", "x"], [None, None, None, "x"]),
        ({"default": "none"}, [None, "x"], ["none", "x"]),
        ({"regex_replace": {"pattern": "[^0-9]", "replace": ""}}, ["(555) 123-4567"], ["5551234567"]),
        ({"regex_extract": {"pattern": r"(\d{5})"}}, ["Berlin 10115", "none"], ["10115", None]),
        ({"split": {"separator": ",", "index": -1}}, ["Smith, Anna"], ["Anna"]),
        ({"truncate": 3}, ["abcdef", "ab"], ["abc", "ab"]),
        ({"truncate": {"length": 5, "unit": "bytes"}}, ["héllo wörld", "abc"], ["héll", "abc"]),
        ({"pad": {"length": 5}}, ["42"], ["00042"]),
        (
            {"value_map": {"map": {"Active": "ACT"}, "case_insensitive": True, "unmapped": "null"}},
            [" active", "x"],
            ["ACT", None],
        ),
        ({"value_map": {"map": {"A": "1"}, "unmapped": "keep"}}, ["A", "B"], ["1", "B"]),
        ({"value_map": {"map": {"A": "1"}, "unmapped": "default", "default": "0"}}, ["A", "B"], ["1", "0"]),
    ],
)
def test_text_steps(step, values, expected):
    out, reasons = _one(step, values)
    assert out == expected and reasons == []


def test_every_registered_step_is_tested_here():
    import inspect
    import sys

    source = inspect.getsource(sys.modules[__name__])
    tested = [name for name in STEPS if f'"{name}"' in source or f"- {name}:" in source]
    assert sorted(set(STEPS) - set(tested) - {"reverse"}) == []


def test_casts_and_dates_quarantine_what_they_cannot_convert():
    out, reasons = _one({"cast": {"to": "integer"}}, ["12", "x", None], type="integer")
    assert out == [12, None] and reasons == ["cast: not a whole number"]
    out, reasons = _one({"cast": {"to": "decimal", "decimal_mark": ",", "thousands": "."}}, ["1.234,5"], type="decimal")
    assert out == [Decimal("1234.50")]
    out, reasons = _one({"cast": {"to": "boolean"}}, ["Yes", "0", "maybe"], type="boolean")
    assert out == [True, False] and reasons == [
        "cast: not one of the yes/no tokens ['true', 'yes', 'y', 't', '1', 'on', 'false', 'no', 'n', 'f', '0', 'off']"
    ]
    out, reasons = _one(
        {"parse_date": ["%Y-%m-%d", "%d.%m.%Y"]}, ["2024-01-31", "31.01.2024", "31/01/2024"], type="date"
    )
    assert out == [dt.date(2024, 1, 31)] * 2 and reasons[0].startswith("parse_date: not a date")
    out, _ = _one([{"parse_date": "%Y-%m-%d"}, {"format_date": "%d.%m.%Y"}], ["2024-01-31"])
    assert out == ["31.01.2024"]


def test_target_constraints_quarantine_with_reasons():
    out, reasons = _one("strip", ["ok", "toolong", None, "bad!"], max_length=5, required=True, pattern="^[a-z]+$")
    assert out == ["ok"]
    assert reasons == ["longer than 5 chars", "required but empty", "does not match the pattern"]
    out, reasons = _one("strip", ["ACT", "XXX"], allowed=["ACT"])
    assert out == ["ACT"] and reasons == ["not one of ['ACT']"]


def test_default_and_flag_keeps_the_row_and_says_so():
    m = _mapping(
        {
            "d": {
                "from": ["x"],
                "type": "date",
                "steps": [{"parse_date": "%Y-%m-%d"}],
                "on_failure": "default_and_flag",
                "default": "2020-01-01",
            }
        }
    )
    applied = apply_mapping(m, pl.DataFrame({"id": ["1", "2"], "x": ["2024-05-01", "soon"]}))
    assert applied.output["d"].to_list() == [dt.date(2024, 5, 1), dt.date(2020, 1, 1)]
    assert applied.output["_flags"].to_list() == [None, "d: parse_date: not a date in any of the formats ['%Y-%m-%d']"]
    assert applied.quarantine.height == 0 and applied.accounting.flagged_rows == 1


def test_several_sources_need_a_combining_step():
    both = {"from": ["a", "b"], "steps": [{"null_if": ["unknown"]}, "coalesce"]}
    frame = pl.DataFrame({"id": ["1", "2", "3"], "a": ["x", "unknown", None], "b": ["y", "z", None]})
    assert apply_mapping(_mapping({"c": both}), frame).output["c"].to_list() == ["x", "z", None]
    joined = {"from": ["a", "b"], "steps": [{"concat": " / "}]}
    assert apply_mapping(_mapping({"c": joined}), frame).output["c"].to_list() == ["x / y", "unknown / z", None]
    with pytest.raises(MappingError, match="2 source fields but no step combines them"):
        apply_mapping(_mapping({"c": {"from": ["a", "b"], "steps": ["strip"]}}), frame)


def test_lookup_reads_a_reference_file(tmp_path):
    (tmp_path / "countries.csv").write_text("name,iso\nGermany,DE\nFrance,FR\n")
    path = tmp_path / "m.yaml"
    path.write_text(
        "name: t\noutcome: x\nsource: {system: A}\ntarget: {system: B}\nfields:\n  c:\n    from: [x]\n"
        "    steps:\n      - lookup: {file: countries.csv, key: name, value: iso}\n"
    )
    applied = apply_mapping(Mapping.load(path), pl.DataFrame({"x": ["France", "Spain"]}))
    assert applied.output["c"].to_list() == ["FR"]
    assert applied.quarantine["reason"].to_list() == ["lookup: value not in the lookup countries.csv"]


def test_unknown_step_and_missing_column_name_the_line(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(
        "name: t\noutcome: x\nsource: {system: A}\ntarget: {system: B}\nfields:\n  c:\n    from: [x]\n"
        "    steps:\n      - strip\n      - frobnicate\n"
    )
    # An unknown step is an error when the file is loaded, not later when it is applied.
    with pytest.raises(MappingError, match=r"m.yaml:10: field 'c': unknown step 'frobnicate'"):
        Mapping.load(path)
    path.write_text(path.read_text().replace("      - frobnicate\n", ""))
    with pytest.raises(MappingError, match=r"m.yaml:7: field 'c': source column\(s\) \['x'\] are not in the extract"):
        apply_mapping(Mapping.load(path), pl.DataFrame({"y": ["a"]}))


def test_a_null_token_in_yaml_is_caught_when_the_file_is_loaded(tmp_path):
    text = "name: t\noutcome: x\nsource: {system: A}\ntarget: {system: B}\nfields:\n  c:\n    from: [x]\n"
    with pytest.raises(MappingError, match=r"m.yaml:9: field 'c': step 'null_if': tokens: .* quote them"):
        Mapping.loads(text + "    steps:\n      - null_if: [N/A, NULL]\n", tmp_path / "m.yaml")


@pytest.mark.parametrize(
    ("step", "said"),
    [
        ("truncate: {lenght: 40}", "step 'truncate': needs 'length'; has no parameter 'lenght'"),
        ("truncate: forty", "step 'truncate': length: Input should be a valid integer"),
        ("cast: number", "step 'cast': to: Input should be 'integer', 'decimal', 'boolean' or 'string'"),
        ("pad: {length: 5, char: ab}", "step 'pad': char: pad char must be one character"),
        ("regex_replace: {pattern: '(a'}", "step 'regex_replace': pattern: bad regular expression"),
        ("value_map: {map: [a, b]}", "step 'value_map': map: map is a mapping of source value to target value"),
        ("value_map: {map: {a: b}, unmapped: default}", "step 'value_map': unmapped: default needs a default"),
        ("parse_date", "step 'parse_date': needs 'formats'"),
        ("strip: yes", "step 'strip' takes named parameters"),
    ],
)
def test_a_bad_step_parameter_is_a_file_line_error_at_load(tmp_path, step, said):
    text = "name: t\noutcome: x\nsource: {system: A}\ntarget: {system: B}\nfields:\n  c:\n    from: [x]\n"
    with pytest.raises(MappingError) as err:
        Mapping.loads(text + f"    steps:\n      - strip\n      - {step}\n", tmp_path / "m.yaml")
    assert f"m.yaml:10: field 'c': {said}" in str(err.value)


def test_step_parameters_are_parsed_once_into_typed_models():
    m = _mapping({"c": {"from": ["x"], "steps": [{"null_if": {"tokens": ["N/A", 0]}}, {"parse_date": "%Y-%m-%d"}]}})
    null_if, parse_date = m.fields["c"].steps
    assert null_if.args.tokens == ["N/A", "0"] and null_if.args.blank is True
    assert parse_date.args.formats == ["%Y-%m-%d"]
    # Assigning new parameters parses them again (what the editor does).
    null_if.params = ["-"]
    assert null_if.args.tokens == ["-"]


def test_registered_project_step():
    from kit.mapping.steps import register_step

    @register_step("initials", "first letters of each word")
    def initials(value, params, ctx: StepContext) -> Outcome:
        return Outcome(value.str.replace_all(r"(\w)\w*\s*", "$1"))

    out, _ = _one("initials", ["Anna Maria Smith"])
    assert out == ["AMS"]
    del STEPS["initials"]


def test_dedup_is_explicit_and_counted():
    m = _mapping({"v": {"from": ["x"]}}, dedup={"key": ["id"], "keep": "first"})
    applied = apply_mapping(m, pl.DataFrame({"id": ["1", "1", "2"], "x": ["a", "b", "c"]}))
    assert applied.output["v"].to_list() == ["a", "c"] and applied.deduplicated == [1]
    assert applied.accounting.summary() == "source rows 3 = output 2 + quarantine 0 + removed by dedup 1"


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["1", "2", "3", "4"]),
            st.one_of(st.none(), st.sampled_from(["Active", "active ", "Closed", "N/A", "", "x" * 12])),
            st.one_of(st.none(), st.sampled_from(["2024-01-31", "31.01.2024", "soon", "0000-00-00"])),
        ),
        max_size=40,
    ),
    dedup=st.booleans(),
)
def test_every_source_row_is_output_quarantined_or_deduplicated(rows, dedup):
    fields = {
        "status": {
            "from": ["s"],
            "required": True,
            "max_length": 10,
            "allowed": ["ACT", "CLS"],
            "steps": [
                "strip",
                {"null_if": ["N/A"]},
                {"value_map": {"map": {"active": "ACT", "closed": "CLS"}, "case_insensitive": True}},
            ],
        },
        "when": {
            "from": ["d"],
            "type": "date",
            "steps": [{"parse_date": ["%Y-%m-%d", "%d.%m.%Y"]}],
            "on_failure": "default_and_flag",
            "default": "2000-01-01",
        },
    }
    m = _mapping(fields, **({"dedup": {"key": ["id"]}} if dedup else {}))
    frame = pl.DataFrame(rows, schema={"id": pl.String, "s": pl.String, "d": pl.String}, orient="row")
    applied = apply_mapping(m, frame)
    acc = applied.accounting
    assert acc.holds()
    seen = set(applied.output["_source_row"]) | set(applied.quarantine["_source_row"]) | set(applied.deduplicated)
    assert seen == set(range(frame.height))
    assert not set(applied.output["_source_row"]) & set(applied.quarantine["_source_row"])
    assert applied.output["status"].is_in(["ACT", "CLS"]).all()


def test_safe_csv_neutralises_formulas(tmp_path):
    frame = pl.DataFrame({"a": ['=HYPERLINK("x")', "+1", "-", "@SUM(A1)", "plain"], "n": [1, -2, 3, 4, 5]})
    text = write_safe_csv(frame, tmp_path / "q.csv").read_text()
    assert "'=HYPERLINK" in text and "'+1" in text and "'@SUM" in text and ",-2" in text


def test_sample_mapping_applies_with_every_row_accounted_for():
    from kit import read_extract
    from tests.conftest import SAMPLE

    m = Mapping.load(SAMPLE.parent / "mappings" / "crm_to_erp.yaml")
    applied = apply_mapping(m, read_extract(SAMPLE / "crm_contacts.csv"))
    acc = applied.accounting
    assert acc.holds() and acc.deduplicated_rows == 70 and acc.flagged_rows == 24
    assert applied.failures_by_field["email"] == 50  # the planted malformed addresses
    assert applied.output["status_code"].is_in(["ACT", "INA", "PRO", "CLS"]).all()
    assert applied.output["name"].str.len_chars().max() <= 40


def test_every_quarantine_row_carries_a_stable_code():
    from kit.mapping.apply import FAILURE_CODES

    fields = {
        "long": {"from": ["x"], "max_length": 2},
        "num": {"from": ["x"], "steps": [{"cast": "integer"}]},
        "day": {"from": ["x"], "steps": [{"parse_date": "%Y-%m-%d"}]},
        "typed": {"from": ["x"], "type": "integer"},
        "code": {"from": ["x"], "steps": [{"value_map": {"map": {"a": "A"}}}]},
        "allowed": {"from": ["x"], "allowed": ["a"]},
        "shaped": {"from": ["x"], "pattern": "^a$"},
        "needed": {"from": ["x"], "required": True, "steps": [{"null_if": ["abc"]}]},
        "part": {"from": ["x"], "steps": [{"regex_extract": {"pattern": "(z)", "required": True}}]},
    }
    applied = apply_mapping(_mapping(fields), pl.DataFrame({"id": ["1"], "x": ["abc"]}))
    codes = dict(applied.quarantine.select("field", "code").iter_rows())
    assert codes == {
        "long": "TOO_LONG",
        "num": "CAST",
        "day": "DATE",
        "typed": "TYPE",
        "code": "VALUE_MAP",
        "allowed": "NOT_ALLOWED",
        "shaped": "PATTERN",
        "needed": "REQUIRED",
        "part": "EXTRACT",
    }
    assert set(codes.values()) <= set(FAILURE_CODES)
    assert applied.quarantine.columns[:5] == ["_source_row", "id", "field", "code", "reason"]


def test_a_field_with_no_source_yet_is_left_empty_and_said_so():
    m = _mapping({"a": {"from": ["x"]}, "todo": {"type": "date", "status": "open"}, "b": {"from": ["x"]}})
    applied = apply_mapping(m, pl.DataFrame({"id": ["1", "2"], "x": ["p", "q"]}))
    assert applied.unfilled == ["todo"] and applied.accounting.holds()
    assert applied.output.columns == ["_source_row", "a", "todo", "b", "_flags"]
    assert applied.output["todo"].dtype == pl.Date and applied.output["todo"].null_count() == 2
    assert applied.mapped["todo"].null_count() == 2


def test_source_columns_named_like_quarantine_columns_do_not_clash():
    m = _mapping({"code": {"from": ["code"], "max_length": 2}, "reason": {"from": ["reason"]}})
    frame = pl.DataFrame({"id": ["1", "2"], "code": ["AB", "ABC"], "reason": ["x", "y"]})
    applied = apply_mapping(m, frame)
    q = applied.quarantine
    assert q.columns == ["_source_row", "id", "field", "code", "reason", "action", "source.code", "source.reason"]
    assert q.row(0) == (1, "2", "code", "TOO_LONG", "longer than 2 chars", "quarantine", "ABC", "y")

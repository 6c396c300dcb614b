"""Each registered alert rule fires on its defect, points at exactly the right rows, and stays quiet on clean data."""

from __future__ import annotations

import datetime as dt
import json
import re

import polars as pl
import pytest

from kit import read_extract
from kit.profiling import RULES, profile
from kit.profiling.alerts import EXTRACT_RULES
from tests.conftest import SAMPLE

CLEAN = [f"value {i}" for i in range(30)]


def _with(bad: list[str], at: list[int]) -> pl.DataFrame:
    values = list(CLEAN)
    for v, i in zip(bad, at, strict=True):
        values[i] = v
    return pl.DataFrame({"c": values})


@pytest.mark.parametrize(
    ("code", "bad"),
    [
        ("PSEUDO_NULL", ["N/A", "-", "0000-00-00"]),
        ("WHITESPACE_ONLY", ["   ", "\t", "  "]),
        ("PADDED_SPACES", [" value x", "value y ", "\u00a0value z"]),
        ("NON_BREAKING_SPACE", ["a\u00a0b", "c\u00a0", "\u00a0d"]),
        ("ZERO_WIDTH", ["a\u200bb", "c\u200d", "\ufeffd"]),
        ("CONTROL_CHARS", ["a\x07", "b\x1b[0m", "c\x0bd"]),
        ("REPLACEMENT_CHAR", ["M\ufffdller", "\ufffd", "x\ufffd"]),
        ("MOJIBAKE", ["JosÃ©", "FranÃ§ois", "donâ€™t"]),
        ("HTML_ENTITIES", ["A &amp; B", "O&#39;Neill", "&quot;x&quot;"]),
        ("LEADING_ZEROS", ["007", "0123", "00"]),
    ],
)
def test_rule_fires_on_exactly_the_planted_rows(code, bad):
    at = [3, 11, 27]
    p = profile(_with(bad, at))
    alerts = p.alerts_for(code, "c")
    assert len(alerts) == 1, [a.code for a in p.alerts]
    assert p.rows_for(alerts[0]) == at
    assert alerts[0].total == 3
    assert alerts[0].severity == RULES[code].severity


def test_clean_column_raises_no_warnings():
    p = profile(pl.DataFrame({"c": CLEAN, "d": [f"{i:03d}-X" for i in range(30)]}))
    assert [a for a in p.alerts if a.severity != "info"] == []


def test_date_formats_and_ambiguity():
    values = ["2024-01-31"] * 20 + ["03/04/2024", "25/12/2023", "05/05/2024", "1.2.2024", None]
    p = profile(pl.DataFrame({"d": values}))
    col = p.column("d")
    assert col.dates.formats == {"%Y-%m-%d": 20, "%d/%m/%Y|%m/%d/%Y": 3, "%d.%m.%Y": 1}
    (mixed,) = p.alerts_for("MIXED_DATE_FORMATS", "d")
    assert p.rows_for(mixed) == [20, 21, 22, 23]
    (amb,) = p.alerts_for("AMBIGUOUS_DATE", "d")
    assert p.rows_for(amb) == [20]  # 25/12 is unambiguous, 05/05 reads the same both ways


def test_single_date_format_raises_no_date_alert():
    p = profile(pl.DataFrame({"d": [f"2024-01-{i:02d}" for i in range(1, 29)]}))
    assert p.alerts_for("MIXED_DATE_FORMATS") == [] and p.alerts_for("AMBIGUOUS_DATE") == []


def _alerted(frame: pl.DataFrame, code: str, column: str, **kw) -> list[int]:
    p = profile(frame, **kw)
    alerts = p.alerts_for(code, column)
    assert len(alerts) == 1, [(a.code, a.column) for a in p.alerts]
    assert alerts[0].severity == RULES[code].severity
    return p.rows_for(alerts[0])


def _quiet(frame: pl.DataFrame, code: str, **kw) -> None:
    assert profile(frame, **kw).alerts_for(code) == []


def test_phone_formats_points_at_the_other_formats():
    values = [f"({i:03d}) 555-{i:04d}" for i in range(100, 160)] + ["555.123.4567", "N/A", "+44 20 7946 0958"]
    assert _alerted(pl.DataFrame({"phone": values}), "PHONE_FORMATS", "phone") == [60, 62]
    _quiet(pl.DataFrame({"phone": values[:60]}), "PHONE_FORMATS")


def test_invalid_email_ignores_placeholders():
    values = [f"person{i}@example.com" for i in range(40)] + ["a@", "b @example.com", "n/a", "c@@example.com"]
    assert _alerted(pl.DataFrame({"email": values}), "INVALID_EMAIL", "email") == [40, 41, 43]
    _quiet(pl.DataFrame({"email": values[:40]}), "INVALID_EMAIL")


def test_decimal_marks_and_thousands_separators():
    values = [f"{i}.{i % 100:02d}" for i in range(100, 160)] + ["1234,56", "2.345,67", "3,456.78"]
    frame = pl.DataFrame({"amount": values})
    assert _alerted(frame, "MIXED_DECIMAL_MARKS", "amount") == [60, 61]
    assert _alerted(frame, "THOUSANDS_SEPARATOR", "amount") == [61, 62]
    _quiet(pl.DataFrame({"amount": [v.replace(".", ",") for v in values[:60]]}), "MIXED_DECIMAL_MARKS")
    # Whole numbers of different lengths are not a format problem.
    assert [a.code for a in profile(pl.DataFrame({"n": [str(i) for i in range(1, 2000, 7)]})).alerts] == []


def test_type_mismatch_in_a_number_column():
    values = [str(i * 3) for i in range(50)] + ["12 oz", "approx. 40", "-"]
    assert _alerted(pl.DataFrame({"qty": values}), "TYPE_MISMATCH", "qty") == [50, 51]


def test_numbers_with_and_without_units():
    values = [f"{i}.0" for i in range(8, 40)] + ["12.0 oz", "16 oz.", "N/A"]
    assert _alerted(pl.DataFrame({"ounces": values}), "NUMBER_WITH_UNIT", "ounces") == [32, 33]
    # One unit written one way: a fact about the column (info, no rows), not a warning on every row.
    (same,) = profile(pl.DataFrame({"ounces": [f"{i} oz" for i in range(30)]})).alerts_for("NUMBER_WITH_UNIT")
    assert (same.severity, same.rows, same.total) == ("info", [], 30)
    # Every value carries its unit, spelled several ways (and one with more text): every value is listed.
    spelled = [f"{i}.0 {u}" for i in range(10) for u in ("oz", "oz.", "ounce", "OZ.")] + ["12.0 oz. Alumi-Tek"]
    assert _alerted(pl.DataFrame({"ounces": spelled}), "NUMBER_WITH_UNIT", "ounces") == list(range(41))
    # Fixed (the unit in its own column, the numbers plain): quiet.
    _quiet(pl.DataFrame({"ounces": [f"{i}.0" for i in range(41)]}), "NUMBER_WITH_UNIT")


def test_times_in_several_formats():
    values = ["07:10"] * 20 + ["7:10 a.m.", "8:15 PM"]
    (alert,) = profile(pl.DataFrame({"t": values})).alerts_for("MIXED_DATE_FORMATS", "t")
    assert alert.rows == [20, 21]


def test_boolean_variants_keep_the_main_pair():
    values = ["Y"] * 20 + ["N"] * 20 + ["yes", "0", "TRUE", "N"]
    assert _alerted(pl.DataFrame({"opt_in": values}), "BOOLEAN_VARIANTS", "opt_in") == [40, 41, 42]
    _quiet(pl.DataFrame({"opt_in": values[:40]}), "BOOLEAN_VARIANTS")


def test_variant_spellings_and_likely_typos_in_categories():
    values = ["Active"] * 30 + ["Closed"] * 30 + ["Birmingham"] * 30 + ["ACTIVE", " active", "Birmingxam"]
    frame = pl.DataFrame({"s": values})
    assert _alerted(frame, "VARIANT_SPELLINGS", "s") == [90, 91]
    assert _alerted(frame, "LIKELY_TYPO", "s") == [92]
    # Different digits are different things (house numbers, codes), not typos.
    streets = ["12 High St"] * 30 + ["18 High St"]
    _quiet(pl.DataFrame({"s": streets}), "LIKELY_TYPO")


def test_invalid_dates_exclude_placeholders():
    values = [f"2024-01-{i:02d}" for i in range(1, 29)] + ["2024-02-30", "0000-00-00", "2024-13-01"]
    assert _alerted(pl.DataFrame({"d": values}), "INVALID_DATE", "d") == [28, 30]


def test_code_shape_outliers():
    values = [f"AB-{i:04d}" for i in range(100)] + ["AB1234", "ab-12"]
    assert _alerted(pl.DataFrame({"code": values}), "CODE_SHAPE_OUTLIERS", "code") == [100, 101]
    # Prose varies in shape by nature.
    names = [f"Name{chr(97 + i % 26)} Surname" for i in range(60)] + ["Jean-Luc Picard", "Ann O'Neil"]
    _quiet(pl.DataFrame({"name": names}), "CODE_SHAPE_OUTLIERS")


def test_normalisation_encodability_and_markup():
    frame = pl.DataFrame({"n": ["José", "Jose\u0301", "Łukasz", "<script>x</script>", "plain"] * 5})
    assert _alerted(frame, "MIXED_NORMALISATION", "n") == [1, 6, 11, 16, 21]
    assert _alerted(frame, "NOT_ENCODABLE", "n", target_encoding="latin-1") == [2, 7, 12, 17, 22]
    assert _alerted(frame, "MARKUP", "n") == [3, 8, 13, 18, 23]
    _quiet(frame, "NOT_ENCODABLE", target_encoding="utf-8")


def test_semantic_types_and_shares():
    frame = pl.DataFrame(
        {
            "id": [f"{i:05d}" for i in range(20)],
            "email": [f"x{i}@mail.org" for i in range(19)] + ["N/A"],
            "when": ["2024-01-02"] * 20,
            "zip": ["02134", "SW1A 1AA"] * 10,
            "uuid": ["123e4567-e89b-12d3-a456-426614174000"] * 20,
            "url": ["https://example.com/a"] * 20,
            "price": ["€12.50", "$3"] * 10,
            "flag": ["yes", "no"] * 10,
            "note": [f"free text {i}" for i in range(20)],
            "reading": ["1.5e-3", "2E6", "-7.25e+2", "12"] * 5,
            "code": ["zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", "abcdefgh-ijkl-mnop-qrst-uvwxyzabcdef"] * 10,
        }
    )
    p = profile(frame)
    types = {c.name: (c.type.type, c.type.fit) for c in p.columns}
    assert types == {
        "id": ("integer", 1.0),
        "email": ("email", 1.0),
        "when": ("date", 1.0),
        "zip": ("postal_code", 1.0),
        "uuid": ("uuid", 1.0),
        "url": ("url", 1.0),
        "price": ("currency", 1.0),
        "flag": ("boolean", 1.0),
        "note": ("text", 1.0),
        "reading": ("decimal", 1.0),  # scientific notation is a number
        "code": ("text", 1.0),  # shaped like a UUID, but not hex
    }
    assert p.column("reading").type.number_forms == {"integer": 5, "scientific": 15}


def test_near_duplicates_cluster_people_entered_twice():
    frame = pl.DataFrame(
        {
            "id": ["1", "2", "3", "4", "5", "6"],
            "name": ["Anna Müller", "MULLER, Anna", "Bob Stone", "Carla Diaz", "Anna Muller", "Dan Brown"],
            "city": ["Berlin", "Berlin", "Rome", "Madrid", "berlin", "Oslo"],
            "phone": ["030 1234567", "030-1234567", "06 555 1212", "91 555 0000", "0301234567", "22 11 00 99"],
        }
    )
    p = profile(frame, key="id")
    assert [c.rows for c in p.duplicates.near] == [[0, 1, 4]]
    (alert,) = p.alerts_for("NEAR_DUPLICATES")
    assert p.rows_for(alert) == [0, 1, 4]
    assert profile(frame, key="id", near=False).duplicates.near_skipped


def test_exact_duplicates_and_conflicting_keys():
    frame = pl.DataFrame({"id": ["1", "2", "2", "3", "3"], "email": ["a", "b", "b", "c", "X"]})
    p = profile(frame, key="id")
    assert p.duplicates.exact == [[1, 2]]
    assert p.duplicates.key.conflicting_columns == {"email": 1}
    (alert,) = p.alerts_for("DUPLICATE_KEY")
    assert alert.severity == "error" and p.rows_for(alert) == [1, 2, 3, 4]


def test_pseudo_null_tokens_are_configurable_per_column():
    frame = pl.DataFrame({"a": ["x", "TBD", "y"], "b": ["x", "TBD", "N/A"]})
    p = profile(frame, pseudo_nulls={"a": ["TBD"], "*": []})
    assert p.column("a").pseudo_nulls == {"TBD": 1}
    assert p.column("b").pseudo_nulls == {}


def test_profile_json_layout():
    p = profile(_with(["N/A"], [0]))
    data = json.loads(p.to_json())
    assert data["rows"] == 30
    col = data["columns"][0]
    assert {"name", "alerts", "nulls", "pseudo_nulls", "shapes", "top", "len_max", "bytes_max"} <= set(col)
    assert col["alerts"][0]["code"] == "PSEUDO_NULL"
    assert set(data["duplicates"]) >= {"exact", "key", "near"}


# Manifest kinds and the alert that must find them. too_long_for_target, two_addresses,
# status_cardinality and leading_zeros_lost need the target or the other system: mapping lint finds those.
EXPECTED = {
    "mojibake": "MOJIBAKE",
    "control_chars": "CONTROL_CHARS",
    "html_entities": "HTML_ENTITIES",
    "non_breaking_space": "NON_BREAKING_SPACE",
    "leading_trailing_spaces": "PADDED_SPACES",
    "pseudo_null": "PSEUDO_NULL",
    "duplicate_key_conflict": "DUPLICATE_KEY",
    "invalid_email": "INVALID_EMAIL",
    "phone_formats": "PHONE_FORMATS",
    "decimal_comma": "MIXED_DECIMAL_MARKS",
    "thousands_separator": "THOUSANDS_SEPARATOR",
    "boolean_variants": "BOOLEAN_VARIANTS",
    "inconsistent_case": "VARIANT_SPELLINGS",
    "script_injection": "MARKUP",
    "quoted_newlines": "LINE_BREAKS",
    "replacement_char": "REPLACEMENT_CHAR",
    "leading_zeros": "LEADING_ZEROS",
    "mixed_date_formats": "MIXED_DATE_FORMATS",
    "ambiguous_date": "AMBIGUOUS_DATE",
    "near_duplicates": "NEAR_DUPLICATES",
    "exact_duplicate_rows": "EXACT_DUPLICATE_ROWS",
    "city_breaks_postcode": "DEPENDENCY_VIOLATION",
    "missing_in_filled": "MISSING_VALUES",
    "number_with_unit": "NUMBER_WITH_UNIT",
}
NOT_PROFILE_FINDINGS = {"too_long_for_target", "two_addresses", "status_cardinality", "leading_zeros_lost"}
LOAD_FINDINGS = {"footer", "preamble", "ragged_row"}


@pytest.mark.parametrize(("name", "key"), [("crm_contacts.csv", "contact_id"), ("erp_customers.csv", "customer_no")])
def test_every_planted_defect_is_alerted_on_its_rows_and_clean_columns_stay_quiet(name, key):
    import yaml

    p = profile(read_extract(SAMPLE / name), key=key)
    manifest = [d for d in yaml.safe_load((SAMPLE / "defects.yaml").read_text())["defects"] if d["file"] == name]
    for d in manifest:
        if d["kind"] in NOT_PROFILE_FINDINGS | LOAD_FINDINGS:
            continue
        code = EXPECTED[d["kind"]]  # a new kind in the manifest needs a rule (or a reason) here
        column = None if d["column"] == "*" or code == "NEAR_DUPLICATES" else d["column"]
        alerts = [a for a in p.alerts_for(code) if column is None or a.column == column]
        assert alerts, (d["kind"], d["column"])
        if d.get("rows") is not None:
            assert set(d["rows"]) <= set(p.rows_for(alerts[0])), (d["kind"], d["column"])
        else:
            assert alerts[0].total == d["count"], (d["kind"], d["column"])
    if name == "crm_contacts.csv":
        dates = {d["kind"]: set(d["rows"]) for d in manifest if d["column"] == "signup_date" and "date" in d["kind"]}
        (mixed,) = p.alerts_for("MIXED_DATE_FORMATS", "signup_date")
        (ambiguous,) = p.alerts_for("AMBIGUOUS_DATE", "signup_date")
        assert set(p.rows_for(mixed)) == dates["mixed_date_formats"]
        assert set(p.rows_for(ambiguous)) == dates["ambiguous_date"]
        exact = next(d for d in manifest if d["kind"] == "exact_duplicate_rows")
        assert {i for g in p.duplicates.exact for i in g} == set(exact["rows"])
        near = next(d for d in manifest if d["kind"] == "near_duplicates")
        clusters = [set(c.rows) for c in p.duplicates.near]
        # Each re-entered person sits in a cluster with the record they duplicate, not alone.
        assert all(any(i in c and len(c) > 1 for c in clusters) for i in near["rows"])
    # Columns without planted defects raise nothing above info.
    defective = {d["column"] for d in manifest}
    for col in p.columns:
        if col.name not in defective:
            assert [a.code for a in col.alerts if a.severity != "info"] == [], col.name


def test_a_scanned_file_profiles_exactly_like_the_loaded_one(tmp_path):
    """The larger-than-memory path (a LazyFrame scan) gives every count the in-memory path gives."""
    loaded = read_extract(SAMPLE / "crm_contacts.csv")
    path = tmp_path / "crm_utf8.csv"
    loaded.frame.write_csv(path)
    eager = profile(loaded, key="contact_id").to_dict()
    scanned = profile(pl.scan_csv(path, infer_schema=False), key="contact_id").to_dict()
    assert scanned.pop("source") == "scan"
    eager.pop("source")
    assert scanned == eager


def test_extract_level_alerts_are_registered_rules_with_their_severity():
    frame = pl.DataFrame(
        {
            "id": ["1", "2", "2", "3", "3", "4", "5"],
            "name": ["Ann Lee", "Bob Stone", "Bob Stone", "Cy Young", "Cy Yung", "Dee Ray", "Dee Ray"],
            "city": ["Oslo", "Rome", "Rome", "Oslo", "Oslo", "Lima", "Lima"],
        }
    )
    p = profile(frame, key="id", near=True)
    fired = {a.code: a for a in p.alerts if a.column is None or a.code == "DUPLICATE_KEY"}
    assert {"EXACT_DUPLICATE_ROWS", "DUPLICATE_KEY"} <= set(fired) <= set(EXTRACT_RULES)
    assert fired["EXACT_DUPLICATE_ROWS"].rows == [1, 2]
    # id 3 repeats with another name: the records disagree, so the registered severity (error) holds.
    assert fired["DUPLICATE_KEY"].severity == EXTRACT_RULES["DUPLICATE_KEY"].severity == "error"
    agreeing = profile(frame.filter(pl.col("id") != "3"), key="id", near=False)
    assert agreeing.alerts_for("DUPLICATE_KEY")[0].severity == "warning"
    assert not set(RULES) & set(EXTRACT_RULES)


def test_compact_dates_are_told_from_eight_digit_ids_on_their_values():
    dates = [f"2024{m:02d}{d:02d}" for m in range(1, 13) for d in (1, 15, 28)] + [" 19991231 ", "20241301"]
    ids = [f"{i:08d}" for i in range(len(dates))]
    p = profile(pl.DataFrame({"day": dates, "id": ids}), near=False)
    day, code = p.column("day"), p.column("id")
    assert day.type.fits["date"] == round(37 / 38, 6) and day.dates.formats == {"%Y%m%d": 37}  # month 13 is none
    assert "date" not in code.type.fits and code.dates.formats == {}


TIMESTAMPS = {
    "%Y-%m-%d %H:%M:%S": "2024-01-31 10:00:00",
    "%Y-%m-%d %H:%M": "2024-01-31 10:00",
    "%Y-%m-%d %H:%M:%S%.f": "2024-01-31 10:00:00.250",
    "%Y-%m-%d %H:%M:%S%.f%#z": "2024-01-31 10:00:00+01:00",
    "%Y-%m-%dT%H:%M:%S%.f": "2024-01-31T10:00:00.123456",
    "%Y-%m-%dT%H:%M": "2024-01-31T10:00",
    "%Y-%m-%dT%H:%M:%S%.f%#z": "2024-01-31T10:00:00Z",
}


@pytest.mark.parametrize("fmt", sorted(TIMESTAMPS))
def test_each_timestamp_is_a_date_in_the_format_that_parses_it(fmt):
    """ISO timestamps ('T' or a space, minutes or seconds, a fraction, a zone) are dates, in a format
    polars parses them with and the generated expectation's regex accepts."""
    from kit.expectations import strftime_regex

    value = TIMESTAMPS[fmt]
    p = profile(pl.DataFrame({"t": [value, f" {value}"] * 10}), near=False)
    assert (p.column("t").type.type, p.column("t").dates.formats) == ("date", {fmt: 20})
    assert pl.Series([value]).str.to_date(fmt, strict=False).to_list() == [dt.date(2024, 1, 31)]
    assert re.fullmatch(strftime_regex(fmt), value)

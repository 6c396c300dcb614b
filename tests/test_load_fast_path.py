"""The loader reads a well-formed body with polars' reader and anything else with Arrow's: both give
the same frame and the same report, and the fast path is taken only when the counts prove it safe."""

from __future__ import annotations

import pytest

import kit.load.delimited as delimited
from kit import read_extract
from tests.conftest import SAMPLE

CASES = {
    "clean": b"id,name,city\n1,Ann,Oslo\n2,Bob,Rome\n",
    "no_final_newline": b"id,name,city\n1,Ann,Oslo\n2,Bob,Rome",
    "crlf": b"id,name,city\r\n1,Ann,Oslo\r\n2,Bob,Rome\r\n",
    "cr_only": b"id,name,city\r1,Ann,Oslo\r2,Bob,Rome\r",
    "quoted_delimiters": b'id,name,city\n1,"Lee, Ann",Oslo\n2,"Stone, Bob","Rome, IT"\n',
    "quoted_newlines": b'id,name,note\n1,Ann,"two\nlines"\n2,Bob,"crlf\r\ninside"\n3,Cy,plain\n',
    "empty_and_quoted_empty": b'id,name,city\n1,,Oslo\n2,"",Rome\n3,Cy,\n',
    "short_row": b"id,name,city\n1,Ann,Oslo\n2,Bob\n3,Cy,Rome\n",
    "short_row_ending_empty": b"id,a,b,c\n1,x,y,z\n2,x,\n3,x,y,z\n",
    "long_row": b"id,name,city\n1,Ann,Oslo\n2,Bob,Rome,extra\n3,Cy,Rome\n",
    "blank_line": b"id,name,city\n1,Ann,Oslo\n\n3,Cy,Rome\n",
    "stray_quote": b'id,name,city\n1,Ann "the" Lee,Oslo\n2,"Bob,Rome\n3,Cy,Rome\n4,Di,Oslo\n',
    "footer": b"id,name,city\n1,Ann,Oslo\n2,Bob,Rome\nTotal: 2 rows\n",
    "semicolons_unicode": "id;name;city\n1;Zoë;Zürich\n2;Łukasz;Kraków\n".encode(),
    "one_column": b"name\nAnn\n\nBob\n",
    "tsv_literal_quotes": b'id\tname\tsize\n1\t8" pipe\t3\n2\t"quoted" word\t4\n',
    "decimal_commas": b"id;amount;note\n1;1.234,56;a\n2;0,5;b, c\n",
    "text_after_closing_quote": b'id,name,city\n1,"Ann" Lee,Oslo\n2,Bob,Rome\n',
    "quote_inside_unquoted": b'id,name,city\n1,Ann "Al" Lee,Oslo\n2,Bob,Rome\n',
    "spaces_around_quotes": b'id,name,city\n1, "Ann",Oslo\n2,"Bob" ,Rome\n',
    "doubled_quotes": b'id,name,city\n1,"say ""hi""",Oslo\n2,"""",Rome\n',
    "preamble": b"Sales report\nexported 2026-11-30\n\nid,name,city\n1,Ann,Oslo\n2,Bob,Rome\n",
    "preamble_crlf": b'Sales report\r\n\r\nid,name,city\r\n1,Ann,Oslo\r\n2,"Bob\r\nStone",Rome\r\n',
    "cp1252": "id,name\n1,Jos\u00e9\n2,Fran\u00e7ois\n".encode("cp1252") * 30,
    "repeated_header": b"id,name,city\n1,Ann,Oslo\nid,name,city\n2,Bob,Rome\n",
}


def _both(path):
    fast = read_extract(path)
    original = delimited._parse_polars
    delimited._parse_polars = lambda *a, **k: None
    try:
        arrow = read_extract(path)
    finally:
        delimited._parse_polars = original
    return fast, arrow


@pytest.mark.parametrize("name", sorted(CASES))
def test_polars_and_arrow_paths_agree(tmp_path, name):
    path = tmp_path / f"{name}.csv"
    path.write_bytes(CASES[name])
    fast, arrow = _both(path)
    assert fast.frame.equals(arrow.frame)
    assert fast.report.to_dict() == arrow.report.to_dict()
    assert fast.report.records_seen == fast.report.rows_loaded + len(fast.report.rejects)


@pytest.mark.parametrize("name", ["crm_contacts.csv", "erp_customers.csv"])
def test_the_samples_load_the_same_either_way(name):
    fast, arrow = _both(SAMPLE / name)
    assert fast.frame.equals(arrow.frame) and fast.report.to_dict() == arrow.report.to_dict()


@pytest.mark.parametrize(
    ("name", "taken"),
    [
        ("clean", True),
        ("quoted_newlines", True),
        ("short_row", False),
        ("short_row_ending_empty", False),
        ("long_row", False),
        ("blank_line", False),
    ],
)
def test_the_fast_path_is_taken_only_when_the_counts_prove_every_record_whole(tmp_path, name, taken, monkeypatch):
    seen = []
    original = delimited._parse_polars

    def spy(*args, **kwargs):
        seen.append(original(*args, **kwargs) is not None)
        return None

    monkeypatch.setattr(delimited, "_parse_polars", spy)
    path = tmp_path / f"{name}.csv"
    path.write_bytes(CASES[name])
    read_extract(path)
    assert seen == [taken]


@pytest.mark.parametrize(("name", "skipped"), [("clean", 1), ("preamble", 4), ("preamble_crlf", 3)])
def test_the_fast_path_reads_the_file_s_own_bytes_not_a_copy_of_its_body(tmp_path, name, skipped, monkeypatch):
    """Copying a body of gigabytes cost more than the reader's bookkeeping: the reader skips the lines
    above it instead."""
    seen = []
    original = delimited._body_source

    def spy(*args):
        got = original(*args)
        seen.append((got[0] is args[0] or got[0] is getattr(args[0], "obj", None), got[2]))
        return got

    monkeypatch.setattr(delimited, "_body_source", spy)
    path = tmp_path / f"{name}.csv"
    path.write_bytes(CASES[name])
    ex = read_extract(path)
    assert seen == [(True, skipped)]
    assert ex.frame["name"].to_list() == ["Ann", "Bob\r\nStone" if name == "preamble_crlf" else "Bob"]

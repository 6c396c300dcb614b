"""The loader fed random bytes and mutated real-looking extracts: a correct load or a KitError, never
a traceback or a hang, and every record accounted for."""

from __future__ import annotations

import codecs
import json

from hypothesis import given
from hypothesis import strategies as st

from kit.load import read_extract
from tests.fuzz.conftest import attempt, budget

EXTENSIONS = [".csv", ".tsv", ".txt", ".json", ".ndjson", ".xlsx", ".parquet", ".dat", ""]
ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le", "cp1251", "shift_jis", "cp437"]
_n = iter(range(10**9))


def accounted(path) -> None:
    """Load ``path``; when it loads, every record is loaded or rejected with its line."""
    ex = read_extract(path)
    r = ex.report
    assert r.records_seen == r.rows_loaded + len(r.rejects), r.summary()
    assert ex.frame.height == r.rows_loaded, (ex.frame.height, r.rows_loaded)
    assert all(isinstance(x.line, int) and x.reason for x in r.rejects)
    return ex


def _file(folder, data: bytes, ext: str):
    path = folder / f"in{next(_n)}{ext}"
    path.write_bytes(data)
    return path


@budget(40, 3000)
@given(data=st.binary(max_size=3000), ext=st.sampled_from(EXTENSIONS))
def test_random_bytes(fuzz_dir, data, ext):
    attempt("loader: random bytes", lambda: accounted(_file(fuzz_dir, data, ext)))


cells = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from(list(",;\t|\"'\\\n\r ")),
    max_size=12,
)
tables = st.lists(st.lists(cells, min_size=1, max_size=6), min_size=1, max_size=25)


def _csv(rows: list[list[str]], delimiter: str) -> str:
    def quote(v: str) -> str:
        if any(ch in v for ch in (delimiter, '"', "\n", "\r")):
            return '"' + v.replace('"', '""') + '"'
        return v

    return "".join(delimiter.join(quote(v) for v in row) + "\n" for row in rows)


MUTATIONS = [
    "truncate",
    "nul",
    "bom_in_middle",
    "mixed_line_ends",
    "unterminated_quote",
    "stray_quote",
    "drop_delimiter",
    "extra_delimiter",
    "duplicate_line",
    "invalid_utf8",
    "blank_lines",
    "control_bytes",
]


def mutate(data: bytes, mutation: str, at: int) -> bytes:
    """One mutation of ``data`` at a position chosen from ``at``."""
    i = at % (len(data) + 1)
    return {
        "truncate": lambda: data[:i],
        "nul": lambda: data[:i] + b"\x00" + data[i:],
        "bom_in_middle": lambda: data[:i] + codecs.BOM_UTF8 + data[i:],
        "mixed_line_ends": lambda: data.replace(b"\n", b"\r\n", 1 + at % 3).replace(b"\n", b"\r", at % 2),
        "unterminated_quote": lambda: data + b'"unterminated',
        "stray_quote": lambda: data[:i] + b'"' + data[i:],
        "drop_delimiter": lambda: data.replace(b",", b"", 1),
        "extra_delimiter": lambda: data[:i] + b",," + data[i:],
        "duplicate_line": lambda: data + data[: data.find(b"\n") + 1],
        "invalid_utf8": lambda: data[:i] + b"\xff\xfe\xc3" + data[i:],
        "blank_lines": lambda: data[:i] + b"\n\n\n" + data[i:],
        "control_bytes": lambda: data[:i] + bytes(range(1, 9)) + data[i:],
    }[mutation]()


@budget(60, 5000)
@given(
    rows=tables,
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(ENCODINGS),
    mutations=st.lists(st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 10**6)), max_size=4),
    ext=st.sampled_from([".csv", ".txt", ".tsv", ""]),
)
def test_mutated_delimited_text(fuzz_dir, rows, delimiter, encoding, mutations, ext):
    data = _csv([["id", "name", "city", "amount", "note", "when"][: len(rows[0])], *rows], delimiter).encode(
        encoding, errors="replace"
    )
    for mutation, at in mutations:
        data = mutate(data, mutation, at)
    attempt("loader: mutated CSV", lambda: accounted(_file(fuzz_dir, data, ext)))


@budget(30, 2000)
@given(
    doc=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
        max_leaves=30,
    ),
    lines=st.booleans(),
    cut=st.integers(0, 10**6),
    truncate=st.booleans(),
)
def test_json_documents_of_any_shape(fuzz_dir, doc, lines, cut, truncate):
    text = "\n".join(json.dumps(x) for x in doc) if lines and isinstance(doc, list) else json.dumps(doc)
    data = text.encode()
    if truncate:
        data = data[: cut % (len(data) + 1)]
    attempt("loader: JSON", lambda: accounted(_file(fuzz_dir, data, ".ndjson" if lines else ".json")))

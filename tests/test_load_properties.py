"""Property tests: whatever a CSV writer produces, the loader gives back, row for row."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit import read_extract

cell = st.text(
    alphabet=st.sampled_from(
        [*list("abcXYZ 019,;|\t\"'\n-éü€漢"), "\xa0"]
    ),  # no lone CR: csv.writer leaves it unquoted
    min_size=1,
    max_size=12,
)
plain_cell = st.text(alphabet=st.sampled_from(list("abcdefXYZ0123456789 .-@éü")), min_size=1, max_size=10).filter(
    lambda s: s.strip() == s and s.strip()
)


@st.composite
def tables(draw, cells=cell):
    width = draw(st.integers(1, 5))
    rows = draw(st.lists(st.lists(cells, min_size=width, max_size=width), min_size=1, max_size=30))
    return width, rows


def _write(rows, width, delimiter, eol):
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=eol, quoting=csv.QUOTE_MINIMAL)
    writer.writerow([f"col{j}" for j in range(width)])
    writer.writerows(rows)
    return buf.getvalue()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=tables(), delimiter=st.sampled_from([",", ";", "\t", "|"]), eol=st.sampled_from(["\n", "\r\n"]))
def test_any_quoted_content_round_trips_with_known_dialect(tmp_path_factory, data, delimiter, eol):
    width, rows = data
    path = tmp_path_factory.mktemp("p") / "t.csv"
    path.write_bytes(_write(rows, width, delimiter, eol).encode("utf-8"))
    ex = read_extract(path, delimiter=delimiter, quote_char='"', has_header=True, skip_lines=0)
    assert [list(r) for r in ex.frame.rows()] == rows
    assert ex.report.records_seen == ex.report.rows_loaded + len(ex.report.rejects)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=tables(cells=plain_cell),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    eol=st.sampled_from(["\n", "\r\n", "\r"]),
    encoding=st.sampled_from(["utf-8", "cp1252", "utf-16"]),
)
def test_sniffed_dialect_and_encoding_round_trip(tmp_path_factory, data, delimiter, eol, encoding):
    width, rows = data
    rows = [*rows, rows[-1]] if len(rows) < 3 else rows
    path = tmp_path_factory.mktemp("p") / "t.csv"
    path.write_bytes(_write(rows, width, delimiter, eol).encode(encoding))
    ex = read_extract(path)
    if width > 1:
        assert ex.report.delimiter == delimiter
    assert ex.frame.columns == [f"col{j}" for j in range(width)]
    assert [list(r) for r in ex.frame.rows()] == rows

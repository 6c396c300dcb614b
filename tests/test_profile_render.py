"""Profile display and sharing: escaped, self-contained, redactable HTML; the CLI; the deep report."""

from __future__ import annotations

import json
import re

import polars as pl
import pytest

from kit import profile
from kit.cli import main
from kit.render import SideBySide, page, profile_html
from tests.conftest import SAMPLE


def _people() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "full_name": ["<script>alert(1)</script>", "Anna Smith", "N/A", "Bob Stone"] * 5,
            "email": ["a@x.org", "anna.smith@example.com", "b@y.org", "bob@z.org"] * 5,
            "status": ["Gold", "Silver", "Gold", "GOLD"] * 5,
        }
    )


def test_values_are_escaped_and_the_page_is_self_contained():
    html = page("p", profile_html(profile(_people())))
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # Charts are embedded; nothing is fetched from elsewhere.
    assert html.count('src="data:image/png;base64,') == 3
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_redaction_shows_personal_values_as_shapes():
    html = profile_html(profile(_people()), redact=True, with_charts=False)
    assert "anna.smith@example.com" not in html and "aaaa.aaaaa@aaaaaaa.aaa" in html
    assert "Anna Smith" not in html
    assert "Gold" in html  # a status is not personal data
    named = profile_html(profile(_people()), redact=["status"], with_charts=False)
    assert "Gold" not in named.split('class="kit-columns"')[1] and "anna.smith@example.com" in named


def test_columns_with_warnings_come_first_and_unfolded():
    html = profile_html(profile(_people()), with_charts=False)
    columns = re.findall(r'<details class="kit-col"( open)?><summary><b>([^<]+)</b>', html)
    opened = [name for is_open, name in columns if is_open]
    assert opened and [name for _, name in columns][: len(opened)] == opened  # open ones first
    p = profile(_people())
    warned = {c.name for c in p.columns if any(a.severity != "info" for a in c.alerts)}
    assert set(opened) == warned
    # Every alert of a column is in its details, with how many rows it concerns.
    for a in p.alerts:
        assert f"<b>{a.code}</b> &middot; {a.total:,} rows" in html


def test_notebook_display_and_side_by_side():
    a, b = profile(_people()), profile(_people().head(8))
    assert "kit-profile" in a._repr_html_()
    both = SideBySide(a, b)._repr_html_()
    assert both.count('<div class="kit-profile">') == 2


def test_cli_profile_writes_json_and_html(tmp_path, capsys):
    out_json, out_html = tmp_path / "p.json", tmp_path / "p.html"
    code = main(
        [
            "profile",
            str(SAMPLE / "crm_contacts.csv"),
            "--key",
            "contact_id",
            "--json",
            str(out_json),
            "--html",
            str(out_html),
            "--redact",
            "--no-near",
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "DUPLICATE_KEY" in printed and "INVALID_EMAIL" in printed
    data = json.loads(out_json.read_text())
    assert data["rows"] == 19614 and data["duplicates"]["near_skipped"]
    assert "<!DOCTYPE html>" in out_html.read_text()


def test_cli_profile_names_a_missing_key(capsys):
    assert main(["profile", str(SAMPLE / "erp_customers.csv"), "--key", "nope"]) == 2
    assert "key column(s) ['nope'] not found" in capsys.readouterr().err


def test_cli_rejects_an_unknown_target_encoding(capsys):
    assert main(["profile", str(SAMPLE / "erp_status_codes.parquet"), "--target-encoding", "klingon"]) == 2
    assert "unknown target encoding" in capsys.readouterr().err


@pytest.mark.filterwarnings("ignore")
def test_deep_report_casts_types_samples_and_stays_quiet(tmp_path, capfd):
    from kit import read_extract
    from kit.ydata_report import deep_report, typed_pandas

    ex = read_extract(SAMPLE / "erp_customers.csv")
    pdf = typed_pandas(ex.frame.head(500))
    assert str(pdf["credit_limit"].dtype) == "float64" and str(pdf["customer_no"].dtype) == "Int64"
    assert str(pdf["created_on"].dtype).startswith("datetime64")
    capfd.readouterr()
    out = deep_report(ex, tmp_path / "deep.html", sample=300, minimal=True)
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""
    text = out.read_text()
    assert "random sample of 300 of 14,000 rows" in text


def test_a_table_shows_each_value_in_full_escaped_and_says_what_it_left_out():
    from kit.render import Table

    reason = "cast: not a number with decimal mark '.' (found '1.575,58')"
    frame = pl.DataFrame({"row": list(range(30)), "reason": [reason] * 29 + ["<script>x</script>"], "n": [None] * 30})
    html = Table(frame, max_rows=30)._repr_html_()
    assert html.count(reason.replace("'", "&#x27;")) == 29  # never cut (a polars repr cut it at 30 characters)
    assert "<script>x" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert html.count('<td class="null">null</td>') == 30 and html.count('<td class="long">') == 30
    assert "rows shown" not in html
    assert "10 of 30 rows shown" in Table(frame, max_rows=10)._repr_html_()

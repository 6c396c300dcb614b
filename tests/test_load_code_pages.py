"""Real text in legacy code pages beyond Western Europe, read back exactly (issue 14).

Each language's text (tests/texts.py) is written by Python's codecs in each code page its systems use,
as the one-column quoted text export that trips loaders most (delimiters, quotes and markup inside
the values), and loaded without saying the encoding.
"""

from __future__ import annotations

import re

import pytest

from kit import read_extract
from tests.texts import CODE_PAGES, TEXTS

# ISO-8859-16 and cp1250 write Romanian with the same bytes; only the glyph of ș/ş tells them
# apart, and cp1250 is far more common. Indistinguishable by construction.
AMBIGUOUS = {("romanian", "iso8859_16")}


def export(language: str) -> tuple[str, list[str]]:
    sentences = [s for s in re.split(r"(?<=[.。!?])\s*", TEXTS[language]) if s.strip()]
    values = [f'<p class="note">{s}</p>' if i % 2 else s for i, s in enumerate(sentences)]
    return "text\r\n" + "".join('"' + v.replace('"', '""') + '"\r\n' for v in values), values


def read_back(tmp_path, language: str, codepage: str) -> tuple[bool, str]:
    text, values = export(language)
    path = tmp_path / f"{language}_{codepage}.csv"
    path.write_bytes(text.encode(codepage))
    ex = read_extract(path)
    right = ex.frame.columns == ["text"] and ex.frame["text"].to_list() == values
    return right, ex.report.encoding or ""


def test_the_suite_covers_at_least_25_code_pages():
    assert len({cp for _, cp in CODE_PAGES}) >= 25
    assert len({lang for lang, _ in CODE_PAGES}) >= 20


@pytest.mark.parametrize(("language", "codepage"), sorted(set(CODE_PAGES) - AMBIGUOUS))
def test_text_in_a_legacy_code_page_reads_back_exactly(tmp_path, language, codepage):
    right, chosen = read_back(tmp_path, language, codepage)
    assert right, f"{language} in {codepage} was read as {chosen}"


def test_at_least_97_percent_of_all_files_read_back_exactly(tmp_path):
    results = [read_back(tmp_path, lang, cp)[0] for lang, cp in CODE_PAGES]
    assert sum(results) / len(results) >= 0.97


def test_the_report_names_the_language_evidence_and_the_runner_up(tmp_path):
    text, _ = export("czech")
    path = tmp_path / "czech.csv"
    path.write_bytes(text.encode("iso8859_2"))
    report = read_extract(path).report
    assert report.encoding == "iso8859-2"
    assert "czech text" in report.decisions["encoding"] and "runner-up" in report.decisions["encoding"]

"""Encoding paths: BOMs, strict UTF-8, legacy code pages, damaged bytes, overrides."""

from __future__ import annotations

import codecs

import pytest

from kit import read_extract
from kit.errors import EncodingError

WESTERN = (
    "id;name;city\n1;José Müller;Zürich\n2;Françoise Lefèvre;Besançon\n3;Søren Ærø;København\n4;Ñandú Peña;Logroño\n"
)


@pytest.mark.parametrize(
    ("encoding", "bom", "expected"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16-le"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16-be"),
        ("cp1252", b"", "cp1252"),
    ],
)
def test_detected_encodings_round_trip(write, encoding, bom, expected):
    ex = read_extract(write("t.csv", bom + WESTERN.encode(encoding)))
    assert ex.report.encoding == expected
    assert ex.report.bom is bool(bom)
    assert ex.frame["name"].to_list()[0] == "José Müller"
    assert ex.frame.columns == ["id", "name", "city"]  # no BOM glued to the first name


def test_utf16_without_bom(write):
    ex = read_extract(write("t.csv", WESTERN.encode("utf-16-le")))
    assert ex.report.encoding == "utf-16-le"
    assert ex.frame["city"].to_list()[2] == "København"


def test_cp1252_specific_characters(write):
    text = "id,note\n1,“quoted” – 5€\n2,naïve café\n3,Œuvre\n"
    ex = read_extract(write("t.csv", text.encode("cp1252")))
    assert ex.report.encoding == "cp1252"
    assert ex.frame["note"].to_list() == ["“quoted” – 5€", "naïve café", "Œuvre"]


def test_western_latin1_is_not_mistaken_for_cp1250(write):
    text = "id,desc\n1,360º view\n2,Ærø café\n3,Señor Müller\n"
    ex = read_extract(write("t.csv", text.encode("latin-1")))
    assert ex.frame["desc"].to_list()[0] == "360º view"


def test_mac_roman(write):
    text = "id,name\n1,José Müller\n2,Françoise\n3,Renée Côté\n4,Zoë Brontë\n5,Hélène Lefèvre\n"
    ex = read_extract(write("t.csv", text.encode("mac_roman")))
    assert ex.report.encoding == "mac_roman"
    assert ex.frame["name"].to_list()[0] == "José Müller"


def test_shift_jis(write):
    text = "id,name,city\n1,山田太郎,東京都\n2,佐藤花子,大阪府\n3,鈴木一郎,名古屋市\n"
    ex = read_extract(write("t.csv", text.encode("cp932")))
    assert ex.report.encoding in ("cp932", "shift_jis")
    assert ex.frame["name"].to_list() == ["山田太郎", "佐藤花子", "鈴木一郎"]


def test_cp1251_cyrillic(write):
    text = "id,name\n1,Иван Петров\n2,Мария Смирнова\n3,Ольга Кузнецова\n"
    ex = read_extract(write("t.csv", text.encode("cp1251")))
    assert ex.frame["name"].to_list()[0] == "Иван Петров"


def test_damaged_utf8_is_counted_and_located_not_hidden(write):
    good = "id,name\n" + "".join(f"{i},Zoë Brontë {i}\n" for i in range(1, 40))
    raw = good.encode("utf-8") + b"40,Bad \xff byte\n"
    ex = read_extract(write("t.csv", raw))
    assert ex.report.encoding == "utf-8"
    assert ex.report.undecodable_count == 1
    assert ex.report.undecodable[0].line == 41
    assert ex.frame["name"].to_list()[-1] == "Bad \ufffd byte"
    assert any("cannot be decoded" in w for w in ex.report.warnings)


def test_encoding_override_wins(write):
    raw = "id,name\n1,Müller\n".encode("latin-1")
    ex = read_extract(write("t.csv", raw), encoding="cp1250")
    assert ex.report.encoding == "cp1250"
    assert ex.report.encoding_confidence == 1.0


def test_encoding_override_that_cannot_decode_names_file_and_line(write):
    path = write("t.csv", "id,name\n1,ok\n2,Müller\n".encode("latin-1"))
    with pytest.raises(EncodingError, match=r"t\.csv:3: cannot be decoded as utf-8"):
        read_extract(path, encoding="utf-8")


def test_unknown_encoding_name(write):
    with pytest.raises(EncodingError, match="unknown encoding"):
        read_extract(write("t.csv", "a\n1\n"), encoding="klingon")


def test_large_utf8_file_with_late_legacy_byte_falls_back_to_detection(write):
    head = "id,name\n" + "".join(f"{i},plain ascii name\n" for i in range(60_000))
    raw = head.encode() + "60000,Café\n".encode("cp1252")
    ex = read_extract(write("t.csv", raw))
    assert ex.report.encoding == "cp1252"
    assert ex.frame["name"].to_list()[-1] == "Café"


@pytest.mark.parametrize("text", ["ééé", "üü", "Ä", "àéè"])
def test_a_few_accented_letters_keep_the_business_code_page(write, text):
    # Three bytes of E9 read as well in cp1251 ("ййй"): with this little evidence the prior decides.
    ex = read_extract(write("tiny.csv", f"col0\n{text}\n", encoding="cp1252"))
    assert ex.report.encoding == "cp1252" and ex.frame["col0"].to_list() == [text]

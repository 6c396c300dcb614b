"""Bad input: one clear error naming the file, never a traceback from the CLI."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kit import read_extract
from kit.cli import main
from kit.errors import (
    BinaryFileError,
    EmptyFileError,
    InputFileError,
    JsonFormatError,
    SheetNotFoundError,
    UnsupportedFormatError,
)


def test_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="no such file"):
        read_extract(tmp_path / "nope.csv")


def test_directory(tmp_path):
    d = tmp_path / "d.csv"
    d.mkdir()
    with pytest.raises(InputFileError, match="is a directory"):
        read_extract(d)


def test_empty_file(write):
    with pytest.raises(EmptyFileError, match=r"t\.csv: is empty"):
        read_extract(write("t.csv", b""))


def test_blank_lines_only(write):
    with pytest.raises(EmptyFileError, match="only blank lines"):
        read_extract(write("t.csv", "\n\n  \r\n"))


def test_binary_file(write):
    with pytest.raises(BinaryFileError, match="binary content"):
        read_extract(write("t.csv", bytes(range(256)) * 40))


def test_zip_with_csv_extension(write):
    with pytest.raises(BinaryFileError, match="zip archive"):
        read_extract(write("t.csv", b"PK\x03\x04" + b"\x00" * 100))


@pytest.mark.parametrize("name", ["t.ssv", "t.tab", "t.txt", "t.dat", "t.asc", "t.out", "export", "t.docx"])
def test_text_tables_are_read_by_content_whatever_their_extension(write, name):
    ex = read_extract(write(name, "id;name\n1;Ann\n2;Bob\n"))
    assert ex.frame.columns == ["id", "name"] and ex.frame.height == 2


def test_unknown_extension_says_the_format_came_from_the_content(write):
    ex = read_extract(write("t.out", '[{"id": 1}, {"id": 2}]'))
    assert ex.report.format == "json" and "content" in ex.report.decisions["format"]


@pytest.mark.parametrize(("head", "what"), [(b"PK\x03\x04rest", "zip"), (b"%PDF-1.4", "PDF"), (b"\x89PNG\r\n", "PNG")])
def test_binary_files_with_unknown_extensions_are_refused_by_name(write, head, what):
    with pytest.raises(BinaryFileError, match=what):
        read_extract(write("t.docx", head + bytes(range(256)) * 4))


def test_unsupported_format_override(write):
    with pytest.raises(UnsupportedFormatError, match="unknown format"):
        read_extract(write("t.csv", "a"), format="docx")


def test_unknown_sheet(tmp_path):
    import polars as pl

    path = tmp_path / "t.xlsx"
    pl.DataFrame({"a": ["1"]}).write_excel(path, worksheet="Data")
    with pytest.raises(SheetNotFoundError, match=r"no sheet named 'Other'; sheets are \['Data'\]"):
        read_extract(path, sheet="Other")


def test_invalid_json_names_line_and_column(write):
    with pytest.raises(JsonFormatError, match=r"t\.json:3:\d+: invalid JSON"):
        read_extract(write("t.json", '[\n{"a": 1},\n{"a": }\n]'))


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "e.csv", "is empty"),
        (b"\x7fELF\x02\x01", "x.csv", "executable"),
    ],
)
def test_cli_prints_one_line_and_exits_2(tmp_path, capsys, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["load", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0] and str(path) in err[0]


def test_cli_missing_file_no_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "kit.cli", "load", str(tmp_path / "missing.csv")], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "no such file" in proc.stderr


def test_cli_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["load"])
    assert exc.value.code == 2

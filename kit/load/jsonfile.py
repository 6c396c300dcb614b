"""JSON and NDJSON extracts: nested objects flattened to dotted names, arrays kept as JSON text.

Numbers keep the text they had in the file (``1.50`` stays ``1.50``): types are the profiler's
finding, not the parser's.
"""

from __future__ import annotations

import json
from typing import Any

import polars as pl

from kit.errors import EmptyFileError, JsonFormatError
from kit.load.dialect import split_lines
from kit.load.encoding import decode, record_decoding
from kit.load.report import LoadReport, Reject


def _scalar(value: Any) -> str | None:
    if value is None:
        return None
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def flatten(obj: dict[str, Any], prefix: str = "") -> dict[str, str | None]:
    """``{"a": {"b": 1}, "c": [1]}`` becomes ``{"a.b": "1", "c": "[1]"}``."""
    out: dict[str, str | None] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.update(flatten(value, name + "."))
        else:
            out[name] = _scalar(value)
    return out


def _loads(text: str) -> Any:
    return json.loads(text, parse_float=str, parse_int=str)


def _frame(records: list[dict[str, str | None]]) -> pl.DataFrame:
    columns: dict[str, None] = {}
    for r in records:
        columns.update(dict.fromkeys(r))
    return pl.DataFrame({c: [r.get(c) for r in records] for c in columns}, schema=dict.fromkeys(columns, pl.String))


def read_json(
    path: str, raw: bytes, report: LoadReport, *, encoding: str | None = None, lines: bool = False
) -> pl.DataFrame:
    """Read a JSON document (an array of objects, or an object holding one) or NDJSON."""
    decoded = decode(raw, path, encoding)
    record_decoding(decoded, report)
    text = bytes(decoded.data).decode("utf-8")
    if not text.strip():
        raise EmptyFileError(f"{path}: holds only blank lines; there is no data")
    if not lines:
        try:
            doc = _loads(text)
            return _read_document(path, doc, report)
        except RecursionError:
            raise JsonFormatError(f"{path}: nested too deeply to be a table of records (JSON depth)") from None
        except json.JSONDecodeError as exc:
            if exc.msg == "Extra data" and text.lstrip().startswith("{"):
                report.warnings.append("several JSON documents one per line: read as NDJSON")
                report.format = "ndjson"
                return _read_lines(text, report)
            raise JsonFormatError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    return _read_lines(text, report)


def _read_document(path: str, doc: Any, report: LoadReport) -> pl.DataFrame:
    if isinstance(doc, dict):
        lists = [k for k, v in doc.items() if isinstance(v, list)]
        if len(lists) == 1:
            report.warnings.append(f"records read from the top-level key {lists[0]!r}")
            doc = doc[lists[0]]
        elif not lists:
            doc = [doc]
        else:
            raise JsonFormatError(
                f"{path}: the top-level object holds several arrays {lists}; say which one holds the records"
            )
    if not isinstance(doc, list):
        raise JsonFormatError(f"{path}: expected an array of objects, found a {type(doc).__name__}")
    records: list[dict[str, str | None]] = []
    for i, item in enumerate(doc):
        if isinstance(item, dict):
            records.append(flatten(item))
        else:
            report.rejects.append(
                Reject(
                    line=0,
                    reason=f"element {i + 1} is a {type(item).__name__}, not an object",
                    raw=json.dumps(item)[:500],
                )
            )
    frame = _frame(records)
    report.rows_loaded = frame.height
    report.records_seen = frame.height + len(report.rejects)
    report.columns = list(frame.columns)
    return frame


def _read_lines(text: str, report: LoadReport) -> pl.DataFrame:
    records: list[dict[str, str | None]] = []
    for number, line in enumerate(split_lines(text), start=1):
        body = line.strip()
        if not body:
            report.blank_lines += 1
            continue
        try:
            item = _loads(body)
            if not isinstance(item, dict):
                report.rejects.append(Reject(line=number, reason=f"a {type(item).__name__}, not an object", raw=body))
                continue
            records.append(flatten(item))
        except json.JSONDecodeError as exc:
            report.rejects.append(
                Reject(line=number, reason=f"invalid JSON: {exc.msg} at column {exc.colno}", raw=body)
            )
        except RecursionError:
            report.rejects.append(Reject(line=number, reason="nested too deeply (JSON depth)", raw=body[:500]))
    frame = _frame(records)
    report.rows_loaded = frame.height
    report.records_seen = frame.height + len(report.rejects)
    report.columns = list(frame.columns)
    if report.rejects:
        r = report.rejects[0]
        report.warnings.append(f"{len(report.rejects)} lines rejected (first at line {r.line}: {r.reason})")
    return frame

"""What a load produced: the frame and a JSON-serialisable account of how it was read."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from kit.redact import Redactor


@dataclass
class Reject:
    """A record that was not loaded: where it is in the file, why, and its raw text."""

    line: int
    reason: str
    raw: str


@dataclass
class Undecodable:
    """One byte sequence that the chosen encoding could not decode."""

    offset: int
    line: int
    bytes_hex: str


@dataclass
class LoadReport:
    """How an extract was read. ``records_seen == rows_loaded + len(rejects)`` always holds.

    Preamble, header, footer and blank lines are not records; they are listed or counted here so
    that every physical line of the file is accounted for.
    """

    path: str
    sha256: str
    format: str
    size_bytes: int = 0
    encoding: str | None = None
    encoding_confidence: float | None = None
    bom: bool = False
    delimiter: str | None = None
    quote_char: str | None = None
    escape_char: str | None = None
    line_terminator: str | None = None
    has_header: bool = True
    header_row: int | None = None
    header_lines: list[int] = field(default_factory=list)  # 0-based; more than one for a multi-row header
    delimiter_space: bool = False  # a space follows each delimiter (", ") and is stripped
    preamble_lines: list[str] = field(default_factory=list)
    footer_lines: list[str] = field(default_factory=list)
    blank_lines: int = 0
    records_seen: int = 0
    rows_loaded: int = 0
    rejects: list[Reject] = field(default_factory=list)
    ragged: str = "reject"
    repaired_rows: int = 0
    columns: list[str] = field(default_factory=list)
    quote_repairs: list[int] = field(default_factory=list)  # lines read with a stray quote taken literally
    other_tables: list[dict[str, Any]] = field(default_factory=list)  # tables after the first: line, header, lines
    blank_line_numbers: list[int] = field(default_factory=list)  # where blank lines were (the first 100)
    decisions: dict[str, str] = field(default_factory=dict)  # what the loader decided, and the evidence
    undecodable_count: int = 0
    undecodable: list[Undecodable] = field(default_factory=list)
    sheet: str | None = None
    typed: bool = False
    overrides: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    declared_types: dict[str, str] = field(default_factory=dict)  # a database column's type (varchar(40) ...)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON data."""
        return asdict(self)

    def to_json(self, indent: int = 2) -> str:
        """The report as JSON text (what ``kit load --report`` writes)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def load(cls, path: str | Path) -> LoadReport:
        """A load report saved with ``to_json`` (``kit load --report``), validated; a ``KitError`` naming
        the file when it is not one."""
        from pydantic import TypeAdapter, ValidationError

        from kit.errors import KitError

        try:
            return TypeAdapter(cls).validate_json(Path(path).read_bytes())
        except FileNotFoundError:
            raise KitError(f"{path}: no such load report") from None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "document"
            raise KitError(f"{path}: not a load report: {where}: {first['msg']}") from None

    def redacted(self, redactor: Redactor) -> LoadReport:
        """A copy with raw lines (rejects, preamble, footer) masked whole; line numbers and reasons kept."""
        if not redactor:
            return self
        return replace(
            self,
            rejects=[Reject(r.line, r.reason, redactor.record(r.raw)) for r in self.rejects],
            preamble_lines=[redactor.record(x) for x in self.preamble_lines],
            footer_lines=[redactor.record(x) for x in self.footer_lines],
        )

    def summary(self) -> str:
        """A few readable lines for a terminal."""
        parts = [f"{self.path}: {self.format}"]
        if self.encoding:
            conf = f", confidence {self.encoding_confidence:.2f}" if self.encoding_confidence is not None else ""
            parts.append(f"  encoding {self.encoding}{' (BOM)' if self.bom else ''}{conf}")
        if self.delimiter is not None:
            header = f"row {self.header_row + 1}" if self.has_header and self.header_row is not None else "none"
            parts.append(
                f"  delimiter {self.delimiter!r}, quote {self.quote_char!r}, line endings {self.line_terminator}, "
                f"header {header}"
            )
        if self.preamble_lines or self.footer_lines or self.blank_lines:
            parts.append(
                f"  preamble lines {len(self.preamble_lines)}, footer lines {len(self.footer_lines)}, "
                f"blank lines {self.blank_lines}"
            )
        parts.append(
            f"  records {self.records_seen} = loaded {self.rows_loaded} + rejected {len(self.rejects)}"
            + (f" ({self.repaired_rows} repaired by ragged={self.ragged})" if self.repaired_rows else "")
        )
        parts.append(
            f"  columns {len(self.columns)}: {', '.join(self.columns[:12])}{' ...' if len(self.columns) > 12 else ''}"
        )
        for r in self.rejects[:5]:
            parts.append(f"  reject line {r.line}: {r.reason}: {r.raw[:80]!r}")
        if len(self.rejects) > 5:
            parts.append(f"  ... {len(self.rejects) - 5} more rejects (see the JSON report)")
        if self.undecodable_count:
            parts.append(
                f"  undecodable byte sequences: {self.undecodable_count} (first at line {self.undecodable[0].line})"
            )
        parts.extend(f"  decided {key}: {why}" for key, why in self.decisions.items())
        if self.blank_line_numbers:
            more = " ..." if self.blank_lines > len(self.blank_line_numbers) else ""
            parts.append(f"  blank lines at {', '.join(map(str, self.blank_line_numbers[:10]))}{more}")
        parts.extend(f"  warning: {w}" for w in self.warnings)
        return "\n".join(parts)


@dataclass
class Extract:
    """A loaded extract: every column as text (Parquet stays typed), plus how it was read."""

    frame: pl.DataFrame
    report: LoadReport

    @property
    def name(self) -> str:
        """The file name without its extension."""
        return Path(self.report.path).stem

    def __repr__(self) -> str:
        return f"Extract({self.report.path!r}, rows={self.frame.height}, columns={self.frame.width})"

"""Redaction: the one place that decides what is personal and how it is shown when a report is shared.

A column is personal by its inferred type (e-mail, phone), by its name (names, addresses, birth dates,
notes ... in several languages), or because it holds free text (mostly distinct, several words: names
and notes under headers nobody foresaw). Raw record lines (rejects, preamble, footer) are personal
whole: any of their fields may be. A ``Redactor`` built once from the profiles (and the mapping, so
that a target field fed by a personal source column is masked too) is handed to every object that
shows data; each returns a redacted copy (``LoadReport.redacted``, ``Profile.redacted``,
``Validation.redacted``, ``Reconciliation.redacted``, ``Drift.redacted``, ``Check.redacted``) that any
renderer then shows as it is. Masked values become their shapes ("Aaaa Aaaaa", "aaa@aaaa.aa"),
which keeps the format evidence and drops the person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from kit.mapping.spec import Mapping
    from kit.profiling.model import ColumnProfile, Profile

PERSONAL_TYPES = {"email", "phone"}
PERSONAL_NAMES = re.compile(
    r"name|mail|phone|tel|mobile|fax|street|address|addr|birth|dob|ssn|soc_sec|iban|passport|notes?$|comment|"
    r"nombre|apellido|vorname|nachname|strasse|straße|calle|rue\b|adresse|direcci|telefon|geburt|naiss|"
    r"contact_person|person|remark|memo|description|message|signature|ip_?addr|latitude|longitude|geo",
    re.I,
)
# Free text: most present values distinct and long enough to be words rather than codes.
FREE_TEXT_DISTINCT = 0.5
FREE_TEXT_MEDIAN_LENGTH = 10


def is_personal(column: ColumnProfile) -> bool:
    """Whether a profiled column holds personal data: by inferred type, by name, or as free text.

    >>> from kit.profiling import profile
    >>> p = profile(pl.DataFrame({"kunde": [f"Person Number {i}" for i in range(20)], "code": ["A"] * 20}))
    >>> [is_personal(c) for c in p.columns]
    [True, False]
    """
    if column.type.type in PERSONAL_TYPES or PERSONAL_NAMES.search(column.name):
        return True
    present = max(column.present, 1)
    return (
        column.type.type == "text"
        and not column.categorical
        and column.distinct >= FREE_TEXT_DISTINCT * present
        and (column.len_p50 or 0) >= FREE_TEXT_MEDIAN_LENGTH
    )


def shape(value: object) -> str:
    """A value as its shape: letters of any script to A/a, digits to 9, everything else kept.

    >>> shape("Zoë Núñez, +44 20 7946")
    'Aaa Aaaaa, +99 99 9999'
    """
    return "".join("A" if c.isupper() else "a" if c.isalpha() else "9" if c.isdigit() else c for c in str(value))


def shape_column(expr: pl.Expr) -> pl.Expr:
    """``shape`` as a polars expression (whole columns, no Python per row)."""
    return (
        expr.cast(pl.String)
        .str.replace_all(r"[\p{Ll}\p{Lm}\p{Lo}]", "a")
        .str.replace_all(r"[\p{Lu}\p{Lt}]", "A")
        .str.replace_all(r"\p{Nd}", "9")
    )


@dataclass(frozen=True)
class Redactor:
    """What is masked: the values of ``columns`` (by name) and, when ``active``, raw record lines whole.

    >>> r = Redactor.of(["email"])
    >>> r.value("ann@example.org", "email"), r.value("Active", "status")
    ('aaa@aaaaaaa.aaa', 'Active')
    >>> r.record("1;Ann Lee;ann@example.org")
    '9;Aaa Aaa;aaa@aaaaaaa.aaa'
    """

    columns: frozenset[str] = frozenset()
    active: bool = False

    @classmethod
    def of(
        cls, redact: bool | Iterable[str] | Redactor | None, *profiles: Profile | None, mapping: Mapping | None = None
    ) -> Redactor:
        """The redactor for ``redact``: False/None shows everything; True masks the personal columns of
        the ``profiles`` and the target fields the ``mapping`` fills from them; a list masks those names."""
        if isinstance(redact, Redactor):
            return redact
        if redact is None or redact is False:
            return cls()
        if redact is True:
            names = {c.name for p in profiles if p is not None for c in p.columns if is_personal(c)}
            if mapping is not None:
                for name, spec in mapping.fields.items():
                    if PERSONAL_NAMES.search(name) or any(s in names for s in spec.from_):
                        names.add(name)
            return cls(frozenset(names), True)
        return cls(frozenset(redact), True)

    def __bool__(self) -> bool:
        return self.active

    def masks(self, column: str | None) -> bool:
        """Whether values of ``column`` are masked; a value of no known column is masked when active."""
        return self.active and (column is None or column in self.columns)

    def value(self, value: object, column: str | None) -> str:
        """A value as it may be shown."""
        return shape(value) if self.masks(column) else str(value)

    def values(self, values: Iterable[object], column: str | None) -> list[str]:
        """Several values of one column as they may be shown."""
        return [self.value(v, column) for v in values]

    def record(self, text: str) -> str:
        """A raw record line (a reject, a preamble or footer line): masked whole when active."""
        return shape(text) if self.active else text

    def frame(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The frame with the masked columns as shapes (rows to show: an alert's, the quarantine)."""
        if not self.active:
            return frame
        return frame.with_columns(shape_column(pl.col(c)).alias(c) for c in frame.columns if c in self.columns)

    def message(self, message: str, column: str | None, description: str) -> str:
        """A message that may quote values: the rule's data-free description stands in when masked."""
        return without_examples(description) if self.masks(column) else message


def without_examples(description: str) -> str:
    """A rule's description without its illustration: "one value spelled several ways (Active, ACTIVE)"
    shown for a masked name column reads as that column's own values.

    >>> without_examples("one value spelled several ways (Active, ACTIVE, ' active')")
    'one value spelled several ways (values masked)'
    """
    return re.sub(r"\s*\([^()]*\)\s*$", "", description) + " (values masked)"

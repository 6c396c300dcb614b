"""Redaction: the one place that decides what is personal and how it is shown when a report is shared.

A column is personal by its inferred type (e-mail, phone) or by its name (names, addresses, birth
dates, notes ...). ``redact=True`` masks those; a list of column names masks exactly those. Masked values
are shown as their shapes ("Aaaa Aaaaa"), which keeps the format evidence and drops the person; an
alert message that quotes values is replaced by its rule's data-free description.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import polars as pl

from kit.profiling.measures import SHAPE_FROM, SHAPE_TO, shape_expr
from kit.profiling.model import ColumnProfile, Profile

# Columns treated as personal data when redact=True: by inferred type, or by name.
PERSONAL_TYPES = {"email", "phone"}
PERSONAL_NAMES = re.compile(
    r"name|mail|phone|tel|mobile|street|address|addr|birth|dob|ssn|soc_sec|iban|passport|notes?$|comment", re.I
)
_SHAPE = str.maketrans(dict(zip(SHAPE_FROM, SHAPE_TO, strict=True)))

Redact = bool | Iterable[str]


def is_personal(column: ColumnProfile) -> bool:
    """Whether a profiled column holds personal data (by inferred type or by name)."""
    return column.type.type in PERSONAL_TYPES or bool(PERSONAL_NAMES.search(column.name))


def masked(column: ColumnProfile | None, redact: bool | Iterable[str]) -> bool:
    """Whether a column's values are masked under ``redact``."""
    if column is None or redact is False:
        return False
    if redact is True:
        return is_personal(column)
    return column.name in set(redact)


def shown(value: object, column: ColumnProfile | None, redact: bool | Iterable[str]) -> str:
    """A value as it may be shown: its shape when its column is masked, else as it is."""
    text = str(value)
    return text.translate(_SHAPE) if masked(column, redact) else text


def alert_message(code: str, message: str, column: ColumnProfile | None, redact: bool | Iterable[str]) -> str:
    """Alert messages quote values; for a masked column, the rule's data-free description stands in."""
    if not masked(column, redact):
        return message
    from kit.profiling.alerts import EXTRACT_RULES, RULES

    rule = RULES.get(code) or EXTRACT_RULES.get(code)
    return rule.description if rule else f"{code} (details masked)"


def mask_frame(frame: pl.DataFrame, profile: Profile, redact: bool | Iterable[str] = True) -> pl.DataFrame:
    """The frame with personal-data columns replaced by their shapes, for display in shared reports.

    >>> from kit.profiling import profile
    >>> f = pl.DataFrame({"email": ["ann@x.org", "bob@y.com"] * 5, "status": ["A", "B"] * 5})
    >>> mask_frame(f, profile(f)).row(0)
    ('aaa@a.aaa', 'A')
    """
    by_name = {c.name: c for c in profile.columns}
    personal = [c for c in frame.columns if c in by_name and masked(by_name[c], redact)]
    return frame.with_columns(shape_expr(pl.col(c).cast(pl.String)).alias(c) for c in personal)

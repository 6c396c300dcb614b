"""Characters a target system's code page cannot store.

Tested after NFC normalisation (a decomposed 'é' is MIXED_NORMALISATION's finding, and fixable), and
per distinct character, not per value: the non-ASCII characters of a column are few even when
its values are many, so the check costs one ``extract_all`` over the distinct values.
"""

from __future__ import annotations

import codecs
import re

import polars as pl

from kit.errors import KitError
from kit.profiling.model import NotEncodable


def check_encoding_name(encoding: str) -> str:
    """The codec's canonical name, or a ``KitError`` for an unknown one."""
    try:
        return codecs.lookup(encoding).name
    except LookupError as exc:
        raise KitError(
            f"unknown target encoding {encoding!r}; use a Python codec name such as 'latin-1' or 'cp1252'"
        ) from exc


def not_encodable(counts: pl.DataFrame, name: str, encoding: str | None) -> NotEncodable | None:
    """The characters ``encoding`` cannot store, with a regex matching them; None when there are none.

    >>> not_encodable(pl.DataFrame({"n": ["Łukasz", "José"], "c": [1, 1]}).rename({"c": "n", "n": "x"}), "x", "latin-1")
    NotEncodable(encoding='latin-1', characters=['Ł'], pattern='[Ł]')
    """
    if encoding is None or counts.height == 0:
        return None
    chars = counts.select(pl.col(name).str.extract_all(r"[^\x00-\x7f]").explode().drop_nulls().unique().sort())[
        name
    ].to_list()
    bad = []
    for ch in chars:
        try:
            ch.encode(encoding)
        except UnicodeEncodeError:
            bad.append(ch)
    if not bad:
        return None
    return NotEncodable(encoding, bad[:50], "[" + "".join(re.escape(ch) for ch in bad) + "]")

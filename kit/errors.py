"""The kit's own exceptions: each message names the file (and line or field) and what is wrong.

The CLI prints ``str(error)`` on one line and exits 2; nothing here is meant to surface as a traceback.
"""

from __future__ import annotations


class KitError(Exception):
    """Base class for every error the kit reports to a user."""


class InputFileError(KitError):
    """The path is missing, a directory, or cannot be read."""


class EmptyFileError(KitError):
    """The file holds no bytes, or nothing but blank lines."""


class BinaryFileError(KitError):
    """The file is not text (NUL bytes, a known binary signature)."""


class UnsupportedFormatError(KitError):
    """The extension names a format the loader does not read."""


class SheetNotFoundError(KitError):
    """An Excel sheet asked for by name or index does not exist."""


class EncodingError(KitError):
    """The bytes cannot be decoded with the encoding asked for."""


class DialectError(KitError):
    """A delimiter, quote or header override does not fit the file."""


class JsonFormatError(KitError):
    """A JSON or NDJSON extract is not the shape the loader expects."""

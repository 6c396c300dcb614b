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


def next_step(exc: KitError) -> str:
    """What to do after a kit error, in one line (shown under the error in a notebook)."""
    text = str(exc)
    if "not a mapping file" in text or "no such mapping" in text or ("mapping" in text and "no such file" in text):
        return "next: draft a mapping from two extracts with kit init, or open notebooks/00_start_mapping.ipynb"
    return "next: fix what the line above names, then run the cell again"


def show_in_notebooks() -> bool:
    """In a Jupyter kernel, show a ``KitError`` as two lines (the error, what to do next) instead of a
    traceback: the analyst needs the message, not the kit's call stack. Returns whether it was installed.

    Called on ``import kit``; a no-op outside a kernel (scripts, tests and the CLI keep their behaviour)."""
    import sys

    if "IPython" not in sys.modules:  # a kernel has imported it; importing it here would cost every command
        return False
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return False

    def handler(shell, etype, value, tb, tb_offset=None):  # IPython's custom exception signature
        import sys

        print(f"kit: {value}\n{next_step(value)}", file=sys.stderr)
        return None

    shell.set_custom_exc((KitError,), handler)
    return True

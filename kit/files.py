"""Writing a user's files so a reader never sees half a file: a temporary file beside it, then a rename.

Every file the kit writes for a user (mapping saves, suites, reports, CSVs, Parquet, run artifacts)
goes through ``write_atomic``: an interrupted write leaves the old file as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kit.errors import KitError


def write_atomic(path: str | Path, content: str | bytes | Callable[[Path], Any]) -> Path:
    """Write ``content`` to ``path`` atomically, creating folders; returns the path.

    ``content`` is text (written as UTF-8, line ends as given), bytes, or a function that writes a
    file at the path it is given (``frame.write_parquet``, say).

    >>> import tempfile
    >>> write_atomic(Path(tempfile.mkdtemp()) / "a" / "b.txt", "x").read_text()
    'x'
    """
    target = Path(path)
    if target.is_dir():
        raise KitError(f"{target}: is a folder; give the path of a file to write")
    if target.exists() and not target.is_file():
        # /dev/null, /dev/stdout, a named pipe: written to, never replaced by a renamed file (replacing
        # /dev/null with a regular file breaks every program on the machine that writes to it).
        data = content if not isinstance(content, str) else content.encode("utf-8")
        if callable(data):
            raise KitError(f"{target}: not a regular file; give the path of a file to write")
        try:
            with target.open("wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise KitError(f"{target}: cannot write here: {exc.strerror or exc}") from None
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        # A parent that is a file, a read-only folder, a full disk: said with the path, not a traceback.
        raise KitError(f"{target}: cannot write here: {exc.strerror or exc}") from None
    tmp = Path(name)
    try:
        if callable(content):
            os.close(fd)
            content(tmp)
        else:
            data = content.encode("utf-8") if isinstance(content, str) else content
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise KitError(f"{target}: cannot write: {exc.strerror or exc}; the file is as it was") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def read_text(path: str | Path, what: str, error: type[Exception] | None = None, missing: str | None = None) -> str:
    """A user's text file as UTF-8, or a one-line ``error`` (a ``KitError`` by default) naming it and why.

    ``what`` names the kind of file in the messages; ``missing`` replaces the "no such" message (to
    say how to make one).
    """
    error = error or KitError
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{p}: {missing or f'no such {what}'}") from None
    except IsADirectoryError:
        raise error(f"{p}: is a folder, not a {what}") from None
    except NotADirectoryError:
        raise error(f"{p.parent}: is not a folder") from None
    except UnicodeDecodeError as exc:
        raise error(f"{p}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise error(f"{p}: cannot be read: {exc.strerror or exc}") from None


def sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, read in blocks (extracts can be larger than memory)."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()

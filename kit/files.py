"""Writing results so a reader never sees half a file: a temporary file beside it, then a rename."""

from __future__ import annotations

from pathlib import Path


def write_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically, creating folders; returns the path.

    >>> import tempfile
    >>> write_atomic(Path(tempfile.mkdtemp()) / "a" / "b.txt", "x").read_text()
    'x'
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    return target


def sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, read in blocks (extracts can be larger than memory)."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Notebooks run headlessly in the tests; their kernels inherit this and draw no progress bars.
os.environ["KIT_PROGRESS"] = "0"

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"


@pytest.fixture
def write(tmp_path: Path):
    """write(name, bytes_or_text, encoding="utf-8") -> Path in a temporary folder."""

    def _write(name: str, content: bytes | str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return _write

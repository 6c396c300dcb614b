"""Freed memory goes back to the system during a profile (kit.profiling.memory)."""

from __future__ import annotations

import subprocess
import sys

import pytest

_HEAP = """
import sys
from pathlib import Path
import numpy as np

def anon_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon"):
            return int(line.split()[1]) // 1024

if sys.argv[1] == "returned":
    from kit.profiling.memory import return_freed_memory
    assert return_freed_memory()
big = np.ones(16 << 20, np.uint8)
del big  # once a 16 MB block is freed, glibc serves blocks up to 16 MB from its heap
base = anon_mb()
arrays, pins = [], []
for _ in range(40):  # 320 MB of 8 MB arrays, each followed by a small block that stays
    arrays.append(np.ones(8 << 20, np.uint8))
    pins.append(np.ones(1000))
del arrays
print(anon_mb() - base)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_freed_arrays_are_returned_to_the_system_not_kept_in_the_heap():
    def held(mode: str) -> int:
        out = subprocess.run([sys.executable, "-c", _HEAP, mode], capture_output=True, text=True, check=True)
        return int(out.stdout.strip().splitlines()[-1])

    assert held("default") > 250  # glibc keeps what was freed between the small blocks
    assert held("returned") < 40


def test_profile_sets_it():
    import polars as pl

    import kit.profiling.memory as memory
    from kit.profiling import profile

    profile(pl.DataFrame({"a": ["x", "y"]}), near=False)
    assert memory._done == [sys.platform.startswith("linux")]

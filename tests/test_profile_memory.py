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


_SET_BY = """
import polars as pl
import kit.profiling.memory as memory
from kit.profiling import profile

profile(pl.DataFrame({"a": ["x", "y"]}), near=False)
print(memory.return_freed_memory.cache_info().currsize)
profile(pl.DataFrame({"a": ["x", "y"]}).lazy(), near=False)
print(memory.return_freed_memory.cache_info().currsize, memory.return_freed_memory())
"""


def test_a_scan_sets_it_a_loaded_frame_does_not():
    out = subprocess.run([sys.executable, "-c", _SET_BY], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "1", str(sys.platform.startswith("linux"))]


_BETWEEN_COLUMNS = """
import gc, sys
from pathlib import Path
import polars as pl
import kit.profiling as profiling

def anon_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon"):
            return int(line.split()[1]) // 1024

rows, path = 1_000_000, sys.argv[1]
n = pl.int_range(0, rows, eager=True)
value = "customer-record-" + n.cast(pl.String).str.zfill(12) + "-with-a-long-tail"  # 45 MB of text
# Every 50th value padded: a rule fires on 2% of the values, spread over the whole file.
value = pl.select(pl.when(n % 50 == 7).then(" " + value + " ").otherwise(value)).to_series()
pl.DataFrame({"a": value}).write_csv(path)
del n, value
gc.collect()
base, held = anon_mb(), []
one_pass = profiling._alerts_in_one_pass

def measured(lazy, fired):  # every column described; the rows of the alerts not read yet
    gc.collect()
    held.append(anon_mb() - base)
    return one_pass(lazy, fired)

profiling._alerts_in_one_pass = measured
p = profiling.profile(pl.scan_csv(path, infer_schema=False), near=False)
assert [a.total for a in p.alerts if a.code == "PADDED_SPACES"] == [20_000], p.alerts
print(held[0])
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_a_rule_on_values_spread_over_a_scan_does_not_keep_the_columns_text(tmp_path):
    """A rule's lookup values are a filter of the column's counts, which takes a value from every chunk
    of the scan and so kept every chunk's text: 69 MB of this column until the rows were read (at 30M
    rows, gigabytes per column). Measured in a process of its own, jemalloc returning freed memory at
    once, so what is measured is what is held."""
    import os

    env = {**os.environ, "_RJEM_MALLOC_CONF": "dirty_decay_ms:0,muzzy_decay_ms:0"}
    script = [sys.executable, "-c", _BETWEEN_COLUMNS, str(tmp_path / "t.csv")]
    out = subprocess.run(script, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    held = int(out.stdout.strip().splitlines()[-1])
    assert held < 45, f"{held} MB held once the column was described (its text is 45 MB)"

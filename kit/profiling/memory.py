"""Memory the profile frees goes back to the system, so the peak of a large profile is what it holds.

NumPy arrays, Python objects and some Arrow buffers come from the C library's ``malloc``. glibc
serves a block of up to 32 MB from its heaps once a block that large has been freed (its mmap
threshold rises on its own), and keeps what is freed there for reuse: in a 30M-row profile of a
scan, the memory it kept between one column and the next was about 2 GB, and the peak 4.76 GB
instead of 3.50 GB with the threshold held at 1 MB. Blocks of 1 MB and more are then mapped and
unmapped as they are made and freed, at the cost of a page fault per page on each use: a loaded
file of 1M rows took 320,000 more faults (about 0.9 s of CPU in the kernel) for 0.17 GB less peak,
so it is set for a scan (a large extract) only, where memory is what binds.

polars' own allocator (jemalloc) already returns freed memory after a second or two.
"""

from __future__ import annotations

import ctypes
import functools
import sys

RETURN_ABOVE = 1 << 20  # bytes
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)


@functools.cache
def return_freed_memory(threshold: int = RETURN_ABOVE) -> bool:
    """Have glibc map blocks of ``threshold`` bytes and more on their own and give back freed heap tops
    above it; True when it was set (Linux with glibc), False elsewhere. Set once per process.

    >>> return_freed_memory() in (True, False)
    True
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(_M_MMAP_THRESHOLD, threshold)) and bool(libc.mallopt(_M_TRIM_THRESHOLD, threshold))
    except (OSError, AttributeError):  # another C library (musl): its own policy stands
        return False

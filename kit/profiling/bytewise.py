"""A String column's whole UTF-8 buffer as NumPy bytes, and back: for the transformations of shapes
that polars' string functions make costly (a byte table, runs collapsed).

ASCII bytes never occur inside a multi-byte UTF-8 character, so a change of ASCII bytes changes
ASCII characters only.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pyarrow as pa

# Imported here, with kit.profiling, not by one of two describe workers while the other waits on the
# import's lock (polars imports it too, on its first Series made from Arrow).
import pyarrow.compute


def text_buffers(values: pl.Series) -> tuple[pa.LargeStringArray, np.ndarray, np.ndarray] | None:
    """A String Series as one Arrow large-string array, its value offsets (``len + 1``, from the
    array's offset) and its text bytes; None when it holds no text."""
    arr = values.cast(pl.String).to_arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    _, offset_buffer, data = arr.buffers()
    if data is None or data.size == 0:
        return None
    offsets = np.frombuffer(offset_buffer, dtype=np.int64)[arr.offset : arr.offset + len(arr) + 1]
    return arr, offsets, np.frombuffer(data, dtype=np.uint8)


def squeezed(arr: pa.LargeStringArray, offsets: np.ndarray, text: np.ndarray, drop: np.ndarray, name: str) -> pl.Series:
    """The values of ``arr`` (whose text bytes, from ``offsets[0]``, are ``text``) with the bytes
    ``drop`` marks taken out; nulls stay null."""
    starts = offsets - offsets[0]
    # A value's new start is its old one less the bytes dropped before it, counted per value (a running
    # count per byte was three times slower, and eight bytes a byte).
    lengths = np.diff(starts)
    dropped = np.zeros(len(lengths), dtype=np.int64)
    filled = lengths > 0
    if filled.any():
        dropped[filled] = np.add.reduceat(drop, starts[:-1][filled], dtype=np.int64)
    new_starts = starts - np.concatenate([[0], np.cumsum(dropped)])
    # Led by ``arr.offset`` zeros, so that the one offset applies to the validity and the offsets alike.
    new_offsets = np.concatenate([np.zeros(arr.offset, dtype=np.int64), new_starts])
    out = pa.LargeStringArray.from_buffers(
        len(arr),
        pa.py_buffer(new_offsets),
        pa.py_buffer(text[~drop]),
        null_bitmap=arr.buffers()[0],
        null_count=arr.null_count,
        offset=arr.offset,
    )
    return pl.Series(name, out, dtype=pl.String)


def _arrow(values: np.ndarray) -> pa.Array:
    """A NumPy integer array as an Arrow array over the same memory (``pa.array`` would import pandas,
    0.4 s and 22 MB on its first call)."""
    values = np.ascontiguousarray(values)
    return pa.Array.from_buffers(pa.from_numpy_dtype(values.dtype), len(values), [None, pa.py_buffer(values)])


def gathered(values: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``values[index]`` (integer arrays), by Arrow's ``take``, which lets go of the GIL: NumPy's fancy
    indexing holds it, so two threads gathering took as long as one after the other. As a byte table's
    lookup over a column's text (``values`` the 256-entry table) it is also faster than NumPy's, which
    was 2 ns a byte.

    >>> gathered(np.arange(256, dtype=np.uint8)[::-1], np.frombuffer(b"aZ9", dtype=np.uint8)).tolist()
    [158, 165, 198]
    """
    # From the system's allocator, as NumPy's arrays are: what is freed goes back to the system as
    # ``kit.profiling.memory`` arranges for a scan (Arrow's own pool keeps some for reuse).
    taken = pyarrow.compute.take(_arrow(values), _arrow(index), memory_pool=pa.system_memory_pool())
    size = values.dtype.itemsize
    return np.frombuffer(taken.buffers()[1], dtype=values.dtype, count=len(taken), offset=taken.offset * size)


def compacted(values: pl.Series) -> pl.Series:
    """A copy of String ``values`` that holds only their own text. A filter of a String Series keeps the
    text buffers of every chunk it takes a value from: 2% of a scanned column's values, spread over
    it, held the whole column's text (gigabytes at 30M rows) for as long as the filter lived.

    >>> s = pl.Series(["alpha-value-one", "beta-value-two"])
    >>> compacted(s.filter(s.str.starts_with("b"))).to_list()
    ['beta-value-two']
    """
    if values.dtype != pl.String:
        return values
    return pl.Series(values.name, values.to_arrow(), dtype=pl.String)

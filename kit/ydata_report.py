"""A deep, per-extract HTML report by ydata-profiling (published as fg-data-profiling, import ``data_profiling``).

The only module that imports it: it is slow to import and to run, so ``kit profile`` never touches
it. Columns are cast by the kit profile's inferred types first (numbers as numbers, dates as dates,
placeholders as nulls), because on all-text columns its default mode builds string "interactions"
that exhausted 24 GiB at 1M rows. Above ``sample`` rows a seeded random sample is profiled and the
report title says so.
"""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from kit.errors import KitError
from kit.load.report import Extract
from kit.profiling.measures import DEFAULT_PSEUDO_NULLS

if TYPE_CHECKING:
    import pandas as pd

    from kit.profiling import ColumnProfile, Profile

SAMPLE_ROWS = 100_000
_DATE_FORMATS = {"%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d", "%Y%m%d"}


def _cast(col: ColumnProfile) -> pl.Expr | None:
    """The cast for one profiled column, or None to keep it as text."""
    kind, name = col.type.type, col.name
    v = pl.col(name).str.strip_chars()
    if kind == "integer" and not col.leading_zeros:
        return v.cast(pl.Int64, strict=False)
    if kind in ("integer", "decimal") and not col.leading_zeros:
        forms = col.type.number_forms
        comma = forms.get("decimal_comma", 0) + forms.get("grouped_comma", 0)
        point = forms.get("decimal_point", 0) + forms.get("grouped_point", 0)
        if comma > point:
            v = v.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
        else:
            v = v.str.replace_all(",", "", literal=True)
        return v.cast(pl.Float64, strict=False)
    if kind == "date" and col.dates.formats:
        main = next(iter(col.dates.formats))
        if main in _DATE_FORMATS:
            return v.str.to_date(main, strict=False)
    if kind == "boolean":
        from kit.profiling.types import BOOLEAN_TRUE

        return pl.when(v.str.to_lowercase().is_in(BOOLEAN_TRUE)).then(True).otherwise(False)
    return None


def typed_pandas(frame: pl.DataFrame, profile: Profile | None = None) -> pd.DataFrame:
    """The frame as pandas with columns cast by the profile's inferred types; placeholders become null.

    Values that do not cast become null here (this frame is for the report only; the profile has
    already counted and located them).

    >>> typed_pandas(pl.DataFrame({"n": ["1", "2", "N/A"]})).dtypes["n"].name
    'Int64'
    """
    from kit.profiling import profile as run_profile

    p = profile or run_profile(frame, near=False)
    text = frame.with_columns(pl.col(c).cast(pl.String) for c, t in frame.schema.items() if t != pl.String)
    cleaned = text.with_columns(
        pl.when(
            pl.col(c.name).is_in([*c.pseudo_nulls, *DEFAULT_PSEUDO_NULLS]) | (pl.col(c.name).str.strip_chars() == "")
        )
        .then(None)
        .otherwise(pl.col(c.name))
        .alias(c.name)
        for c in p.columns
    )
    casts = [e.alias(c.name) for c in p.columns if (e := _cast(c)) is not None]
    typed = cleaned.with_columns(casts) if casts else cleaned
    # Plain (NumPy-backed) pandas: ydata-profiling computes kurtosis etc. wrongly on Arrow-backed frames.
    pdf = typed.to_pandas()
    for c in typed.columns:
        if typed.schema[c] == pl.Int64:
            pdf[c] = pdf[c].astype("Int64")
    return pdf


def deep_report(
    extract: Extract | pl.DataFrame,
    path: str | Path,
    sample: int | None = SAMPLE_ROWS,
    minimal: bool = False,
    profile: Profile | None = None,
    title: str | None = None,
    seed: int = 0,
) -> Path:
    """Write a ydata-profiling HTML report for one extract to ``path``; returns the path.

    ``sample`` caps the rows profiled (None for all); ``minimal`` uses ydata's minimal mode. Its
    progress bars and warnings are kept out of the caller's output.

    >>> deep_report(read_extract("sample_data/erp_customers.csv"), "reports/erp.deep.html")  # doctest: +SKIP
    """
    frame, source = (extract.frame, extract.report.path) if isinstance(extract, Extract) else (extract, "frame")
    if frame.height == 0:
        raise KitError(f"{source}: no rows to report on")
    rows = frame.height
    label = title or f"{Path(source).name}: deep profile"
    if sample is not None and rows > sample:
        frame = frame.sample(n=sample, seed=seed)
        label += f" (random sample of {sample:,} of {rows:,} rows)"
        profile = None  # the casts are decided on what is reported
    pdf = typed_pandas(frame, profile)
    os.environ.setdefault("TQDM_DISABLE", "1")  # its per-column bars ignore progress_bar=False
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        from data_profiling import ProfileReport

        report = ProfileReport(pdf, title=label, minimal=minimal, progress_bar=False)
        report.to_file(out, silent=True)
    return out

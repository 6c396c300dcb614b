"""kit validate against calling great-expectations directly, with the sample mapping's suites.

    python benchmarks/validate.py                 # 100k and 1M rows
    python benchmarks/validate.py --rows 100000

The sample CRM extract is repeated (with fresh contact ids) up to the row count. "GX direct" gets what a
team calling GX by hand would hold: the source rows and their ETL's mapped rows as polars frames, which
it converts to pandas and validates in one ephemeral context with the same two suites. "kit validate"
starts from the polars frame: it applies the mapping, converts, and runs the same suites in one context.
Peak memory (max RSS) is per process.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
MAPPING = ROOT / "mappings" / "crm_to_erp.yaml"


def scaled(rows: int) -> pl.DataFrame:
    from kit import read_extract

    base = read_extract(ROOT / "sample_data" / "crm_contacts.csv").frame
    copies = -(-rows // base.height)
    # Copy k gets ids k*100000 + id: still 7 digits, and the planted duplicate keys repeat within each copy.
    ids = pl.col("contact_id").cast(pl.Int64)
    frames = [
        base.with_columns((ids + k * 100_000).cast(pl.String).str.zfill(7).alias("contact_id")) for k in range(copies)
    ]
    return pl.concat(frames).head(rows)


def worker(tool: str, rows: int) -> None:
    sys.path.insert(0, str(ROOT))
    from kit.mapping.apply import apply_mapping
    from kit.mapping.spec import Mapping
    from kit.validation import _quiet, _text_pandas, load_suite, suites_dir_for, validate

    mapping = Mapping.load(MAPPING)
    frame = scaled(rows)
    if tool == "gx direct":
        mapped = apply_mapping(mapping, frame).mapped.drop("_source_row")  # the direct user's ETL output
        folder = suites_dir_for(mapping)
        suites = [load_suite(folder / f"{mapping.name}.{side}.json") for side in ("source", "target")]
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        start = time.perf_counter()
        source_pdf, mapped_pdf = _text_pandas(frame), _text_pandas(mapped)  # GX needs pandas: part of its cost
        with _quiet():
            ctx = gx.get_context(mode="ephemeral")
            ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
            ds = ctx.data_sources.add_pandas("direct")
            for side, suite_json, pdf in (("source", suites[0], source_pdf), ("target", suites[1], mapped_pdf)):
                batch = ds.add_dataframe_asset(side).add_batch_definition_whole_dataframe("all")
                suite = ctx.suites.add(gx.ExpectationSuite(**suite_json))
                vd = ctx.validation_definitions.add(gx.ValidationDefinition(data=batch, suite=suite, name=side))
                vd.run(batch_parameters={"dataframe": pdf}, result_format={"result_format": "SUMMARY"})
    elif tool == "kit validate, mapped rows given":
        import great_expectations

        applied = apply_mapping(mapping, frame)
        start = time.perf_counter()
        validate(mapping, source=frame, applied=applied)
    else:
        import great_expectations  # noqa: F401  (imported by both sides before timing)

        start = time.perf_counter()
        validate(mapping, source=frame)
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {"tool": tool, "seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="*", default=[100_000, 1_000_000])
    ap.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], int(args.worker[1]))
        return
    for rows in args.rows:
        results = {}
        for tool in ("gx direct", "kit validate", "kit validate, mapped rows given"):
            out = subprocess.run(
                [sys.executable, __file__, "--worker", tool, str(rows)], capture_output=True, text=True, check=True
            )
            results[tool] = json.loads(out.stdout.strip().splitlines()[-1])
        direct, kit = results["gx direct"]["seconds"], results["kit validate"]["seconds"]
        given = results["kit validate, mapped rows given"]["seconds"]
        print(
            f"{rows:,} rows: GX direct {direct:.2f} s ({results['gx direct']['peak_mb']:.0f} MB), kit validate "
            f"{kit:.2f} s ({results['kit validate']['peak_mb']:.0f} MB), "
            f"overhead {100 * (kit - direct) / direct:+.1f}% "
            "(target <= 10%; kit's time includes applying the mapping)"
        )
        print(
            f"  with the mapped rows given (as GX direct gets them): kit validate {given:.2f} s, "
            f"overhead {100 * (given - direct) / direct:+.1f}%"
        )


if __name__ == "__main__":
    main()

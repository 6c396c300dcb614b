"""kit profile against ydata-profiling (fg-data-profiling) and a bare polars read, from one run.

    python benchmarks/profile_vs_ydata.py                    # 1M and 10M rows, ydata minimal
    python benchmarks/profile_vs_ydata.py --rows 100000 --default   # ydata's default mode too

The same mixed data at each size (``sample_data.mixed.make_frame(rows, varied=True)``): 20 columns of
ids with leading zeros, names, emails, phones, street addresses, dates in several formats, amounts,
statuses, free-text notes and timestamps, with the defects real extracts have (pseudo-nulls, padded
values, variant spellings, decimal commas, typos) and 0.5% of people entered twice; eight of the
columns are mostly distinct text, the hard case. It is written to CSV so that "polars read" and "kit
profile" start from the same file. "kit profile" is what ``kit profile FILE`` does (near-duplicates
on, the default): its stages are printed, and the pair F1 of its near-duplicates against the planted
copies. ydata-profiling gets a typed pandas frame (numbers as numbers: on all-text columns its default
mode exhausts memory at 1M rows), so it is measured at its best. Each tool runs in its own process so
peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from sample_data.mixed import make_frame, planted_pairs


def peak_mb() -> float:
    """This process's peak resident memory. Not ``ru_maxrss``: Linux carries it over an exec from the
    parent, so a worker started by a parent that generated 10M rows would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(tool: str, path: str, rows: int, timeout: float | None = None) -> dict:
    """Measured in a fresh process (see ``--worker``) so each peak RSS belongs to one tool.

    A tool still running after ``timeout`` seconds is stopped and reported as "more than" that.
    """
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--worker", tool, path, str(rows)],
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {
            "tool": tool,
            "seconds": float(timeout),
            "peak_mb": float("nan"),
            "stopped": True,
            "error": f"stopped after {timeout:.0f} s: ratios below are lower bounds",
        }
    if out.returncode:
        why = out.stderr.strip()[-300:]
        if out.returncode < 0:  # killed: by the kernel's out-of-memory killer when it is SIGKILL
            why = f"killed by signal {-out.returncode}" + (" (out of memory)" if out.returncode == -9 else "")
        return {"tool": tool, "seconds": float("nan"), "peak_mb": float("nan"), "error": why}
    return json.loads(out.stdout.strip().splitlines()[-1])


def worker(tool: str, path: str, rows: int) -> None:
    os.environ["TQDM_DISABLE"] = "1"
    start = time.perf_counter()
    extra: dict = {}
    if tool == "polars read":
        pl.read_csv(path, infer_schema=False)
    elif tool == "kit profile":  # as `kit profile FILE` runs it: loaded below 256 MB, scanned above
        from kit.load import open_extract
        from kit.profiling import profile
        from kit.progress import Stages, recording

        with recording() as stages:
            with Stages("load", 1) as s:
                s.start("load" if Path(path).stat().st_size < 256e6 else "scan (head)")
                opened = open_extract(path).data
            p = profile(opened, key="customer_id")
        found = {pair for c in p.duplicates.near for pair in itertools.combinations(c.rows, 2)}
        truth = planted_pairs(rows)
        if p.duplicates.near_clusters > len(p.duplicates.near):
            # The profile lists the first 10,000 clusters (by first row): score the rows they cover.
            last = max(c.rows[0] for c in p.duplicates.near)
            truth = {(a, b) for a, b in truth if min(a, b) <= last}
        tp = len(found & truth)
        extra = {
            "alerts": len(p.alerts),
            "near_clusters": p.duplicates.near_clusters,
            "pair_f1": 2 * tp / (len(found) + len(truth)) if found or truth else 1.0,
            "stages": [(stage, seconds) for _, stage, seconds in stages],
        }
    else:
        from kit.ydata_report import typed_pandas

        frame = pl.read_csv(path, infer_schema=False)
        load_s = time.perf_counter() - start
        pdf = typed_pandas(frame)
        import warnings

        warnings.filterwarnings("ignore")
        from data_profiling import ProfileReport

        start = time.perf_counter() - load_s  # count the read, as kit's time does
        report = ProfileReport(pdf, minimal=tool == "ydata minimal", progress_bar=False)
        report.get_description()
    print(json.dumps({"tool": tool, "seconds": time.perf_counter() - start, "peak_mb": peak_mb(), **extra}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="*", default=[1_000_000, 10_000_000])
    ap.add_argument("--default", action="store_true", help="also ydata-profiling's default mode (slowest)")
    ap.add_argument("--timeout", type=float, default=900, help="stop a tool after this many seconds (default 900)")
    ap.add_argument("--data", type=Path, help="directory to keep the generated CSVs in (reused when present)")
    ap.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], args.worker[1], int(args.worker[2]))
        return
    tools = ["polars read", "kit profile", "ydata minimal"] + (["ydata default"] if args.default else [])
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.data or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for rows in args.rows:
            path = str(folder / f"varied_{rows}.csv")
            if not Path(path).exists():
                make_frame(rows, varied=True).write_csv(path)
            size = Path(path).stat().st_size / 1e6
            print(f"\n{rows:,} rows x 20 columns, {size:.0f} MB CSV")
            results = {t: run_one(t, path, rows, None if t.startswith("kit") else args.timeout) for t in tools}
            kit = results["kit profile"]["seconds"]
            print(f"{'tool':<22}{'seconds':>9}{'peak MB':>9}  ratio to kit profile")
            for t, r in results.items():
                ratio = r["seconds"] / kit if kit == kit else float("nan")
                note = r.get("error", "")
                if "alerts" in r:
                    note = (
                        f"{r['alerts']} alerts, {r['near_clusters']} near-duplicate clusters, "
                        f"pair F1 {r['pair_f1']:.3f} on the planted copies"
                    )
                print(f"{t:<22}{r['seconds']:>9.2f}{r['peak_mb']:>9.0f}  {ratio:>6.2f}x  {note}")
                for stage, seconds in r.get("stages", []):
                    print(f"    {stage[:60]:<62}{seconds:>7.2f} s")
            polars_s = results["polars read"]["seconds"]
            print(f"kit profile / polars read = {kit / polars_s:.1f} (target <= 4)")
            for t in ("ydata minimal", "ydata default"):
                if t in results:
                    more = "more than " if results[t].get("stopped") else ""
                    print(
                        f"{t} / kit profile = {more}{results[t]['seconds'] / kit:.1f}"
                        f" (target >= {10 if 'minimal' in t else 100})"
                    )


if __name__ == "__main__":
    main()

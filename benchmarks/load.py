"""Loader speed: kit.read_extract against a bare polars read of the same file.

    python benchmarks/load.py            # 1 GB (about 10M rows), the issue's target: kit <= 3x polars
    python benchmarks/load.py --mb 100   # a quicker look

The file is generated once into benchmarks/data/ (ignored by git). One run each; ratios from that run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl

DATA = Path(__file__).parent / "data"


def make(path: Path, target_mb: int) -> None:
    rng = np.random.default_rng(7)
    n = 200_000
    chunk = pl.DataFrame(
        {
            "id": np.char.zfill(np.arange(n).astype(str), 8),
            "name": rng.choice(["Ann Smith", "José García", "Zoë Brontë", "Li Wei", "O'Brien, Pat"], n),
            "email": rng.choice(["ann@x.org", "jose@y.com", "bad@", "N/A"], n),
            "phone": rng.choice(["(555) 123-4567", "+44 20 7946 0123", "555.123.4567"], n),
            "signup": rng.choice(["2024-01-02", "03/04/2023", "31.12.2022", "0000-00-00"], n),
            "amount": (rng.random(n) * 10_000).round(2).astype(str),
            "status": rng.choice(["Active", "Inactive", "Prospect", "Churned"], n),
            "notes": rng.choice(["", "Call after 5pm", "line one\nline two", 'said "hi"', "a, b and c"], n),
        }
    )
    one = len(chunk.write_csv().encode())
    repeats = max(1, round(target_mb * 1_000_000 / one))
    with path.open("wb") as f:
        f.write(",".join(chunk.columns).encode() + b"\n")
        for _ in range(repeats):
            chunk.write_csv(f, include_header=False)


def timed(code: str) -> tuple[float, float]:
    """Run ``code`` in a fresh interpreter; return (seconds, peak RSS in MB)."""
    script = (
        "import time, resource\n"
        f"{code.split(';;')[0]}\n"
        "t = time.perf_counter()\n"
        f"{code.split(';;')[1]}\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    return float(out[-2]), float(out[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=1000, help="size of the generated CSV in MB")
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    path = DATA / f"load_{args.mb}mb.csv"
    if not path.exists():
        make(path, args.mb)
    size = path.stat().st_size / 1e6
    polars_s, polars_mb = timed(f"import polars as pl;;df = pl.read_csv({str(path)!r}, infer_schema=False)")
    kit_s, kit_mb = timed(f"from kit import read_extract;;ex = read_extract({str(path)!r})")
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from kit import read_extract; r = read_extract({str(path)!r}).report; "
            "print(r.rows_loaded, len(r.rejects), r.encoding, r.delimiter == ',')",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(f"file: {path.name} ({size:,.0f} MB); kit loaded rows, rejects, encoding, delimiter ok: {check}")
    print(f"{'reader':28} {'seconds':>8} {'peak MB':>9}")
    print(f"{'polars read_csv (all text)':28} {polars_s:8.2f} {polars_mb:9.0f}")
    print(f"{'kit read_extract':28} {kit_s:8.2f} {kit_mb:9.0f}")
    print(f"ratio kit / polars: {kit_s / polars_s:.2f}x (target <= 3x)")


if __name__ == "__main__":
    main()

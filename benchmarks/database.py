"""kit profile of a PostgreSQL table against kit profile of the same rows as a CSV file, from one run.

    python benchmarks/database.py                  # 10M rows (about 15 minutes with the table load)
    python benchmarks/database.py --rows 1000000

Starts a throwaway PostgreSQL cluster (``initdb`` in a temporary folder, a Unix socket; as root the
server runs as the ``postgres`` user), writes the benchmark's mixed data (``sample_data.mixed``) as a
CSV, loads it into a table of text columns with ``COPY``, then times in fresh processes:

- ``kit profile FILE.csv`` (scanned from 256 MB, as the command does);
- ``kit profile postgresql://... --table t``: from ``SPILL_ROWS`` rows the table is read in Arrow batches
  into a temporary Parquet file and profiled from a scan (bounded memory), else held;
- reading the table alone with ADBC (``read_database``), and with connectorx when it is installed
  (``pl.read_database_uri``), to show what the driver choice costs.

Peak memory is each process's own (VmHWM). Near-duplicates are off in both profiles (``--near`` turns
them on): the comparison is about reading the database.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.profile_vs_ydata import peak_mb


def pg_bin(name: str) -> str:
    import glob

    found = shutil.which(name) or (sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [None])[-1]
    if not found:
        sys.exit(f"no {name}: install PostgreSQL (Debian: apt-get install postgresql)")
    return found


def start_cluster(folder: Path) -> tuple[str, list[str], Path]:
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", 55000 + os.getpid() % 1000
    subprocess.run(
        [*as_user, pg_bin("initdb"), "-D", str(data), "-U", "kit", "-A", "trust", "--no-sync"],
        check=True,
        capture_output=True,
    )
    opts = f"-k {folder} -c listen_addresses='' -p {port} -c fsync=off -c shared_buffers=256MB"
    subprocess.run(
        [*as_user, pg_bin("pg_ctl"), "-D", str(data), "-o", opts, "-l", str(folder / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    return f"postgresql://kit@/postgres?host={folder}&port={port}", as_user, data


def worker(tool: str, csv: str, url: str) -> None:
    os.environ["TQDM_DISABLE"] = "1"
    start = time.perf_counter()
    extra: dict = {}
    if tool == "profile csv":
        from kit.cli import main

        main(["profile", csv, "--no-near", "--json", os.devnull])
    elif tool == "profile table":
        from kit.cli import main

        main(["profile", url, "--table", "t", "--no-near", "--json", os.devnull])
    elif tool == "read adbc":
        from kit.load.database import read_database

        extra["rows"] = read_database(url, table="t").frame.height
    elif tool == "read connectorx":
        import polars as pl

        host = url.split("host=")[1].split("&")[0]
        port = url.split("port=")[1]
        frame = pl.read_database_uri(
            "SELECT * FROM t", f"postgresql://kit@localhost:{port}/postgres?host={host}", engine="connectorx"
        )
        extra["rows"] = frame.height
    print(json.dumps({"tool": tool, "seconds": time.perf_counter() - start, "peak_mb": peak_mb(), **extra}))


def run(tool: str, csv: Path, url: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", tool, str(csv), url], capture_output=True, text=True, check=False
    )
    if out.returncode:
        return {"tool": tool, "error": out.stderr.strip().splitlines()[-1][:200] if out.stderr else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    from sample_data.mixed import make_frame

    folder = Path(tempfile.mkdtemp(prefix="kitbench"))
    os.chmod(folder, 0o755)
    csv = folder / "mixed.csv"
    t = time.perf_counter()
    frame = make_frame(args.rows, varied=True)
    frame.write_csv(csv)
    os.chmod(csv, 0o644)
    print(
        f"{args.rows:,} rows x {frame.width} columns, {csv.stat().st_size / 1e6:,.0f} MB CSV "
        f"(generated in {time.perf_counter() - t:.0f} s)"
    )
    columns = ", ".join(f'"{c}" text' for c in frame.columns)
    del frame
    url, as_user, data = start_cluster(folder)
    try:
        host, port = url.split("host=")[1].split("&")[0], url.split("port=")[1]
        psql = [pg_bin("psql"), "-h", host, "-p", port, "-U", "kit", "-d", "postgres", "-q", "-c"]
        t = time.perf_counter()
        subprocess.run([*psql, f"CREATE TABLE t ({columns})"], check=True)
        # COPY reads the file as the server user: the CSV sits in the cluster's readable folder.
        subprocess.run([*psql, f"COPY t FROM '{csv}' WITH (FORMAT csv, HEADER true)"], check=True)
        print(f"loaded into PostgreSQL in {time.perf_counter() - t:.0f} s")
        results = [run(tool, csv, url) for tool in ("profile csv", "profile table", "read adbc", "read connectorx")]
    finally:
        subprocess.run(
            [*as_user, pg_bin("pg_ctl"), "-D", str(data), "-m", "fast", "stop"], capture_output=True, check=False
        )
        shutil.rmtree(folder, ignore_errors=True)
    base = next((r["seconds"] for r in results if r["tool"] == "profile csv" and "seconds" in r), None)
    print(f"{'tool':<20}{'seconds':>9}{'peak MB':>9}  ratio to profile csv")
    for r in results:
        if "error" in r:
            print(f"{r['tool']:<20}  {r['error']}")
            continue
        ratio = f"{r['seconds'] / base:.2f}x" if base else ""
        print(f"{r['tool']:<20}{r['seconds']:>9.1f}{r['peak_mb']:>9.0f}  {ratio}")


if __name__ == "__main__":
    main()

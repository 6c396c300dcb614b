"""Cell precision and recall of the profile's alerts against the planted defects of the sample extracts.

    python benchmarks/alert_cells.py            # both sample extracts, per file and per alert code

A cell is (row, column). The profile "points at" a cell when a warning or error alert on that column
lists the row; the planted cells are the rows the manifest (``sample_data/defects.yaml``) gives for a
column. Row-level findings (duplicate rows, ragged lines) and planted facts about a whole column
(leading zeros everywhere, two address columns) have no cells and are left out of both sides.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kit.profiling.model import Profile

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
EXTRACTS = {"crm_contacts.csv": "contact_id", "erp_customers.csv": "customer_no"}
# Planted findings about rows or whole extracts, not cells of a column; values too long for the target
# (a finding of the mapping's lint, not of the profile); line breaks, which the profile reports as a fact
# about the column (info), since many targets take them.
NOT_CELLS = {
    "near_duplicates",
    "duplicate_key_conflict",
    "exact_duplicate_rows",
    "ragged_row",
    "too_long_for_target",
    "quoted_newlines",
}


def cell_scores(profile: Profile, manifest: list[dict]) -> dict:
    """Precision, recall and the counts behind them, overall and per alert code (its precision)."""
    planted = {
        (r, d["column"])
        for d in manifest
        if d["column"] != "*" and d["kind"] not in NOT_CELLS and d.get("rows") is not None
        for r in d["rows"]
    }
    pointed: set[tuple[int, str]] = set()
    by_code: dict[str, set[tuple[int, str]]] = {}
    for a in profile.alerts:
        if a.severity == "info" or a.column is None or a.code == "DUPLICATE_KEY":
            continue
        cells = {(r, a.column) for r in profile.rows_for(a)}
        pointed |= cells
        by_code.setdefault(a.code, set()).update(cells)
    hit = pointed & planted
    return {
        "precision": len(hit) / len(pointed) if pointed else 1.0,
        "recall": len(hit) / len(planted) if planted else 1.0,
        "pointed": len(pointed),
        "planted": len(planted),
        "hit": len(hit),
        "codes": {code: (len(cells & planted), len(cells)) for code, cells in sorted(by_code.items())},
    }


def main() -> None:
    from kit import read_extract
    from kit.profiling import profile

    manifest = yaml.safe_load((SAMPLE / "defects.yaml").read_text())["defects"]
    for name, key in EXTRACTS.items():
        s = cell_scores(profile(read_extract(SAMPLE / name), key=key), [d for d in manifest if d["file"] == name])
        print(
            f"{name}: precision {s['precision']:.3f} ({s['hit']:,} of {s['pointed']:,} cells pointed at are planted), "
            f"recall {s['recall']:.3f} ({s['hit']:,} of {s['planted']:,} planted cells pointed at)"
        )
        for code, (hit, cells) in s["codes"].items():
            print(f"    {code:<24}{hit:>6,} of {cells:>6,} cells planted")


if __name__ == "__main__":
    main()

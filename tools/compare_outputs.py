"""The kit's outputs on the sample, made by two versions of the kit and compared byte by byte.

    python tools/compare_outputs.py --base b31eb80          # that commit against the working tree

Both versions run the same commands (profile JSON of every sample extract, the generated suites, the
sign-off exports, the mapped output and quarantine CSVs, the findings): the base one from a git
worktree, the current one from this checkout. A refactoring must leave every file equal; the
differences it is allowed (``--allow``) are normalised away before comparing and listed.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXTRACTS = {
    "crm_contacts.csv": "contact_id",
    "erp_customers.csv": "customer_no",
    "erp_customers.xlsx": "customer_no",
    "erp_customers_feed.ndjson": "customer_no",
    "erp_status_codes.parquet": "code",
}
MAPPING = "mappings/crm_to_erp.yaml"


def commands(out: Path) -> list[list[str]]:
    cmds = [
        ["profile", f"sample_data/{name}", "--key", key, "--json", str(out / f"{name}.profile.json")]
        for name, key in EXTRACTS.items()
    ]
    cmds += [
        ["expectations", MAPPING, "--out", str(out / "suites")],
        ["apply", MAPPING, "--output", str(out / "output.csv"), "--quarantine", str(out / "quarantine.csv")],
        ["check", MAPPING, "--json", str(out / "findings.json")],
    ]
    cmds += [["export", MAPPING, "--out", str(out / f"signoff.{ext}")] for ext in ("md", "html", "csv", "tsv")]
    return cmds


def make(tree: Path, out: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(tree), "KIT_PROGRESS": "0"}
    for cmd in commands(out):
        done = subprocess.run([sys.executable, "-m", "kit.cli", *cmd], cwd=tree, env=env, capture_output=True)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{tree}: kit {' '.join(cmd)} failed:\n{done.stderr.decode()}")


def normalised(path: Path, allow: set[str]) -> str:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json" and "profile" in path.name and "format_version" in allow:
        data = json.loads(text)
        data.pop("format_version", None)
        return json.dumps(data, indent=2, ensure_ascii=False)
    if path.name == "quarantine.csv" and "code" in allow:
        lines = text.splitlines()
        header = lines[0].split(",")
        if "code" in header:
            i = header.index("code")
            lines = [",".join(c for j, c in enumerate(line.split(",")) if j != i) for line in lines]
        return "\n".join(lines)
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="git revision to compare with")
    parser.add_argument(
        "--allow", action="append", default=[], choices=["format_version", "code"], help="an allowed difference"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base_tree, base_out, new_out = Path(tmp) / "tree", Path(tmp) / "base", Path(tmp) / "new"
        subprocess.run(["git", "worktree", "add", "--detach", str(base_tree), args.base], cwd=ROOT, check=True)
        try:
            make(base_tree, base_out)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base_tree)], cwd=ROOT, check=True)
        make(ROOT, new_out)
        files = sorted(p.relative_to(base_out) for p in base_out.rglob("*") if p.is_file())
        differ = 0
        for rel in files:
            new = new_out / rel
            if not new.exists():
                print(f"MISSING {rel}")
                differ += 1
                continue
            a, b = normalised(base_out / rel, set(args.allow)), normalised(new, set(args.allow))
            if a != b:
                differ += 1
                diff = difflib.unified_diff(a.splitlines(), b.splitlines(), str(rel), str(rel), n=0, lineterm="")
                print("\n".join(list(diff)[:20]))
            else:
                print(f"same    {rel}")
        print(f"{len(files)} files, {differ} differ")
        return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())

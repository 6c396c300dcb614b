"""`kit demo`: the README's first command, on the bundled sample."""

from __future__ import annotations

from pathlib import Path

from kit.cli import main


def test_demo_runs_and_lists_every_file_it_writes_once(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    listing = out.split("Results in", 1)[1].splitlines()[1:]
    listed = [Path(line.strip()) for line in listing if line.startswith("  ")]
    assert len(listed) >= 30
    assert len(set(listed)) == len(listed), [p for p in listed if listed.count(p) > 1]  # nothing written twice
    assert all(p.exists() for p in listed)
    on_disk = {p for p in tmp_path.rglob("*") if p.is_file() and not any(s.startswith(".") for s in p.parts)}
    # Every file the demo left is one it said it wrote: a folder it lists, or a site whose index.html it
    # lists (Data Docs), covers the files inside.
    folders = [p for p in listed if p.is_dir()] + [p.parent for p in listed if p.name == "index.html"]
    assert [p for p in on_disk if p not in listed and not any(d in p.parents for d in folders)] == []
    names = {p.name for p in listed}
    assert {"crm_contacts.csv.profile.json", "erp_customers.xlsx.load.json"} <= names
    assert {"01_profile_extracts.html", "04_validate_and_reconcile.html", "crm_to_erp.signoff.html"} <= names

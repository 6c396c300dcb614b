"""Every command given a missing, empty, unreadable, binary or folder argument: the kit's own one-line
error (exit 2) or a result, never a traceback (exit 3)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kit.cli import main
from tests.conftest import SAMPLE

GOOD_CSV = str(SAMPLE / "erp_customers.csv")
MAPPING = str(SAMPLE.parent / "mappings" / "crm_to_erp.yaml")
KINDS = ["missing", "empty", "folder", "binary", "unreadable", "wrong kind"]

# {X}: the argument under test; {OUT}: a fresh folder for what a command writes.
COMMANDS = [
    ["load", "{X}"],
    ["load", GOOD_CSV, "--report", "{X}"],
    ["profile", "{X}", "--no-near"],
    ["profile", GOOD_CSV, "--no-near", "--json", "{X}"],
    ["init", "{X}", GOOD_CSV, "--out", "{OUT}"],
    ["init", GOOD_CSV, "{X}", "--out", "{OUT}"],
    ["check", "{X}"],
    ["apply", "{X}", "--out", "{OUT}"],
    ["suggest", "{X}", GOOD_CSV],
    ["suggest", GOOD_CSV, "{X}"],
    ["export", "{X}", "--out", "{OUT}/x.md"],
    ["export", MAPPING, "--out", "{X}"],
    ["expectations", "{X}", "--out", "{OUT}"],
    ["validate", "{X}"],
    ["validate", MAPPING, "--suites", "{X}"],
    ["validate", MAPPING, "--source", "{X}"],
    ["drift", "{X}", GOOD_CSV],
    ["drift", GOOD_CSV, "{X}"],
    ["reconcile", "{X}"],
    ["reconcile", MAPPING, "--target", "{X}"],
    ["run", "{X}", "--out", "{OUT}", "--no-render"],
    ["render", "--mapping", "{X}", "--out", "{OUT}"],
]


def _argument(kind: str, folder, name: str) -> str:
    path = folder / name
    if kind == "missing":
        return str(folder / "does-not-exist" / name)
    if kind == "folder":
        path.mkdir()
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "binary":
        path.write_bytes(bytes(range(256)) * 16)
    elif kind == "unreadable":
        path.write_text("id,name\n1,a\n")
        path.chmod(0)  # as root this is still readable: then it must simply work
    elif kind == "wrong kind":
        # A mapping given where an extract is expected and an extract where a mapping is.
        path.write_bytes(Path(MAPPING if name.endswith(".csv") else GOOD_CSV).read_bytes())
    return str(path)


def _name(command: list[str]) -> str:
    return " ".join(a if "{" in a else a.rsplit("/", 1)[-1] for a in command)


TAKE_A_MAPPING = ("check", "apply", "export", "expectations", "validate", "reconcile", "run")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", COMMANDS, ids=_name)
def test_every_command_with_a_bad_argument(tmp_path, capsys, command, kind):
    ext = ".yaml" if command[0] in TAKE_A_MAPPING else ".csv"
    if "--suites" in command:
        ext = ""
    x = _argument(kind, tmp_path, f"arg{ext}")
    out = tmp_path / "out"
    argv = [a.replace("{X}", x).replace("{OUT}", str(out)) for a in command]
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own usage errors exit 2 with one usage message
        code = exc.code
    err = capsys.readouterr().err
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in err and "unexpected error" not in err, err
    if code == 2 and err:
        assert err.startswith(("kit: error:", "usage:")), err
    os.chmod(tmp_path, 0o755)

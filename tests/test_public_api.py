"""The public surface: documented, named without clashes, and speaking of parameters, not CLI flags."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import kit

KIT = Path(kit.__file__).parent


def _public(module):
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(obj) or inspect.isclass(obj):
            yield f"{module.__name__}.{name}", obj
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if attr.startswith("_"):
                        continue
                    fn = member.fget if isinstance(member, property) else getattr(member, "__func__", member)
                    if inspect.isfunction(fn):
                        yield f"{module.__name__}.{name}.{attr}", fn


def test_every_public_name_has_a_docstring():
    modules = [importlib.import_module(m.name) for m in pkgutil.walk_packages(kit.__path__, "kit.")]
    missing = [name for m in modules for name, obj in _public(m) if not (obj.__doc__ or "").strip()]
    assert missing == []


def test_public_functions_stay_functions_whatever_is_imported():
    import kit.profiling.measures
    import kit.validation

    assert inspect.isfunction(kit.profile) and inspect.isfunction(kit.validate)
    # No module is named like a public function of the package.
    assert not {m.name for m in pkgutil.iter_modules(kit.__path__)} & set(kit._LAZY)


FLAG = re.compile(r"(?:^|[\s(])--[a-z]")


@pytest.mark.parametrize("path", sorted(p for p in KIT.rglob("*.py") if p.name != "cli.py"), ids=str)
def test_library_errors_name_parameters_not_cli_flags(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    said = [
        node.value
        for raise_ in ast.walk(tree)
        if isinstance(raise_, ast.Raise)
        for node in ast.walk(raise_)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    assert [s for s in said if FLAG.search(s)] == []


def test_cli_translates_parameters_into_flags(tmp_path, capsys):
    from kit.cli import main

    path = tmp_path / "a.csv"
    path.write_bytes("id;name\n1;Jos\xe9\n".encode("cp1252"))
    assert main(["profile", str(path), "--encoding", "utf-8"]) == 2
    err = capsys.readouterr().err
    assert "--encoding" in err and "encoding=" not in err


def test_open_extract_loads_small_files_and_scans_when_asked(tmp_path):
    import polars as pl

    from kit.errors import KitError
    from kit.load import open_extract
    from kit.load.scan import ScanRefused

    path = tmp_path / "a.csv"
    path.write_text("id,name\n1,Ann\n2,Bob\n")
    loaded = open_extract(path)
    assert not loaded.scanned and loaded.data.frame.height == 2 and "records 2" in loaded.summary
    scanned = open_extract(path, "scan")
    assert scanned.scanned and isinstance(scanned.data, pl.LazyFrame) and scanned.data.collect().height == 2
    latin = tmp_path / "b.csv"
    latin.write_bytes("id,name\n1,Jos\xe9\n".encode("cp1252"))
    with pytest.raises(ScanRefused, match="mode='load'"):
        open_extract(latin, "scan")
    with pytest.raises(KitError, match="mode= is auto, scan or load"):
        open_extract(path, "fast")

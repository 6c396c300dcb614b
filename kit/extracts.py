"""A mapping's two extracts, loaded and profiled once, and kept as run artifacts.

``kit run`` loads and profiles the source and the target once, saves them (``RunInputs.save``: Parquet
for the rows, JSON for the load reports and profiles) and hands the folder to every notebook it renders,
so four notebooks do not load and profile the same files eight more times. A notebook run on its own
(``artifacts=None``) loads them from scratch with ``prepare``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kit.errors import KitError
from kit.files import write_atomic
from kit.load.report import Extract, LoadReport
from kit.mapping.spec import Mapping
from kit.profiling import Profile, profile
from kit.profiling.near import NEAR_ROWS

Side = Literal["source", "target"]


def profile_side(mapping: Mapping, side: Side, extract: Extract, near: bool | int = NEAR_ROWS) -> Profile:
    """A side's extract profiled as the mapping needs it: duplicates by the side's key (the key columns
    the extract has), and values the target's code page cannot store.

    >>> m = Mapping.load("mappings/crm_to_erp.yaml")
    >>> profile_side(m, "target", m.load_extract("target"), near=False).duplicates.key.key
    ['customer_no']
    """
    system = mapping.source if side == "source" else mapping.target
    key = [k for k in system.key if k in extract.frame.columns] or None
    return profile(extract, key=key, target_encoding=mapping.target.code_page, near=near)


@dataclass
class RunInputs:
    """The source and target extracts of a mapping with their profiles (no target when the mapping
    names none that exists)."""

    source: Extract
    target: Extract | None
    source_profile: Profile
    target_profile: Profile | None

    def key(self, side: Side) -> list[str] | None:
        """The key the side was profiled by (its duplicates were checked on it), or None."""
        prof = self.source_profile if side == "source" else self.target_profile
        return prof.duplicates.key.key if prof is not None and prof.duplicates.key is not None else None

    @property
    def extracts(self) -> list[Extract]:
        """The extracts there are (the target may be missing)."""
        return [e for e in (self.source, self.target) if e is not None]

    def save(self, folder: str | Path) -> list[Path]:
        """Write the rows (Parquet), load reports and profiles (JSON) to ``folder``; the paths written."""
        folder = Path(folder)
        written = []
        for side, extract, prof in (
            ("source", self.source, self.source_profile),
            ("target", self.target, self.target_profile),
        ):
            if extract is None or prof is None:
                continue
            written.append(write_atomic(folder / f"{side}.parquet", extract.frame.write_parquet))
            written.append(write_atomic(folder / f"{side}.load.json", extract.report.to_json() + "\n"))
            written.append(write_atomic(folder / f"{side}.profile.json", prof.to_json() + "\n"))
        return written

    @classmethod
    def load(cls, folder: str | Path) -> RunInputs:
        """What ``save`` wrote: the extracts and profiles, read back (profiles validated)."""
        import polars as pl

        folder = Path(folder)
        if not (folder / "source.parquet").exists():
            raise KitError(f"{folder}: no run artifacts here (source.parquet is missing); run kit run first")
        sides = {}
        for side in ("source", "target"):
            if not (folder / f"{side}.parquet").exists():
                sides[side] = (None, None)
                continue
            report = LoadReport.load(folder / f"{side}.load.json")
            extract = Extract(pl.read_parquet(folder / f"{side}.parquet"), report)
            sides[side] = (extract, Profile.load(folder / f"{side}.profile.json"))
        return cls(sides["source"][0], sides["target"][0], sides["source"][1], sides["target"][1])


def prepare(mapping: Mapping, artifacts: str | Path | None = None) -> RunInputs:
    """The mapping's extracts and profiles: read from ``artifacts`` (a folder ``RunInputs.save`` wrote)
    when given, else loaded as the mapping file says and profiled now.

    >>> inputs = prepare(Mapping.load("mappings/crm_to_erp.yaml"))
    >>> inputs.source_profile.rows == inputs.source.frame.height
    True
    """
    if artifacts is not None:
        return RunInputs.load(artifacts)
    source = mapping.load_extract("source")
    target = mapping.load_extract("target") if mapping.has_extract("target") else None
    return RunInputs(
        source,
        target,
        profile_side(mapping, "source", source),
        profile_side(mapping, "target", target) if target is not None else None,
    )


def explore(source_path: str | Path, target_path: str | Path | None = None) -> RunInputs:
    """Two extracts before any mapping exists: loaded, their keys detected, profiled.

    >>> inputs = explore("sample_data/erp_status_codes.parquet")
    >>> inputs.key("source"), inputs.target is None
    (['code'], True)
    """
    from kit.init import detect_key_in
    from kit.load import read_extract

    def side(path: str | Path) -> tuple[Extract, Profile]:
        extract = read_extract(path)
        return extract, profile(extract, key=detect_key_in(extract.frame) or None)

    source, source_profile = side(source_path)
    target, target_profile = side(target_path) if target_path else (None, None)
    return RunInputs(source, target, source_profile, target_profile)


def open_inputs(
    mapping_path: str | Path | None = None,
    source_path: str | Path | None = None,
    target_path: str | Path | None = None,
    artifacts: str | Path | None = None,
) -> tuple[Mapping | None, RunInputs]:
    """What a notebook works on: the extracts given by path (exploring, no mapping yet), else the
    mapping's extracts (from ``artifacts`` when given). A ``mapping_path`` that is not a mapping file (a
    CSV, a file not written yet) is a one-line error saying what to pass instead."""
    if source_path is not None:
        return None, explore(source_path, target_path)
    if mapping_path is None:
        raise KitError("give a mapping_path, or a source_path (and a target_path) to explore extracts")
    mapping = Mapping.load(mapping_path)  # says what to do when given an extract or a file not written yet
    return mapping, prepare(mapping, artifacts)

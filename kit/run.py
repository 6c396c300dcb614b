"""The main job: everything the kit does for one mapping, in order, with one summary at the end.

load -> profile -> drift (against the snapshot the mapping was made on) -> check -> apply -> suites ->
validate -> reconcile -> render. Each step is a kit function; this module only wires them and writes
their results under one folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kit.drift import drift
from kit.expectations import generate_suites
from kit.extracts import prepare
from kit.files import write_atomic as _write
from kit.mapping.apply import apply_mapping, write_safe_csv
from kit.mapping.lint import check, redact_findings
from kit.mapping.spec import Mapping
from kit.profiling import Profile
from kit.reconcile import KEY_MATCH_WORDS, reconcile_or_skip
from kit.redact import Redactor
from kit.render import page, profile_page, render_notebooks
from kit.render.reconcile import reconcile_html
from kit.render.signoff import signoff_html
from kit.validation import suites_dir_for, validate


@dataclass
class RunResult:
    mapping: str
    lines: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    validation_passed: bool = True
    breaking_drift: bool = False

    def summary(self) -> str:
        """What each stage said, then every file written."""
        return "\n".join([*self.lines, "", "wrote:", *[f"  {p}" for p in self.written]])


def run(mapping_path: str | Path, out: str | Path = "reports", render: bool = True, redact: bool = True) -> RunResult:
    """Run the whole path on one mapping; results under ``out``. See ``kit run --help``.

    With ``redact`` every report (HTML, Markdown, JUnit, the JSON reports, Data Docs, the rendered
    notebooks) shows personal values as shapes and raw record lines masked; the data files are the
    data: ``*.output.csv``, ``*.quarantine.csv``, ``artifacts/`` and ``snapshots/``.
    """
    mapping = Mapping.load(mapping_path)
    out = Path(out)
    result = RunResult(mapping.name)
    say, wrote = result.lines.append, result.written.append
    name = mapping.name

    inputs = prepare(mapping)
    source, target, source_profile = inputs.source, inputs.target, inputs.source_profile
    redactor = Redactor.of(redact, source_profile, inputs.target_profile, mapping=mapping)
    say(
        f"load: source {source.report.rows_loaded:,} rows ({len(source.report.rejects)} rejected lines)"
        + (f", target {target.report.rows_loaded:,} rows" if target else ", no target extract")
    )
    wrote(_write(out / f"{name}.source.load.json", source.report.redacted(redactor).to_json() + "\n"))
    # Loaded and profiled once: the notebooks rendered below read these instead of loading again.
    artifacts = out / "artifacts" / name
    for path in inputs.save(artifacts):
        wrote(path)

    wrote(_write(out / f"{name}.source.profile.json", source_profile.redacted(redactor).to_json() + "\n"))
    wrote(_write(out / f"{name}.source.profile.html", profile_page(source_profile, redactor)))
    errors = sum(a.severity == "error" for a in source_profile.alerts)
    say(f"profile: {len(source_profile.alerts)} alerts on the source ({errors} errors)")

    snapshot = out / "snapshots" / f"{name}.source.profile.json"
    if snapshot.exists():
        changes = drift(Profile.load(snapshot), source_profile, mapping)
        result.breaking_drift = bool(changes.breaking)
        wrote(_write(out / f"{name}.drift.json", changes.redacted(redactor).to_json()))
        say(f"drift: {len(changes.changes)} changes since the snapshot, {len(changes.breaking)} break the mapping")
    else:
        wrote(_write(snapshot, source_profile.to_json() + "\n"))
        say("drift: no snapshot yet; this profile is now the snapshot later runs compare with")

    checked = check(mapping, source, target, source_profile, inputs.target_profile)
    findings = checked.findings
    wrote(_write(out / f"{name}.findings.json", checked.redacted(redactor).to_json()))
    say(f"check: {checked.summary()}")

    applied = apply_mapping(mapping, source)
    wrote(write_safe_csv(applied.output, out / f"{name}.output.csv"))
    wrote(write_safe_csv(applied.quarantine, out / f"{name}.quarantine.csv"))
    say(f"apply: {applied.accounting.summary()}")

    suites_dir = suites_dir_for(mapping)
    if not (suites_dir / f"{name}.source.json").exists():
        suites_dir = out / "expectations"
        wrote(suites_dir)
        generate_suites(mapping, source_profile).write(suites_dir, name)
        say(f"expectations: none committed; generated into {suites_dir}")
    validation = validate(
        mapping, source=source, suites_dir=suites_dir, docs=out / "data_docs", applied=applied, redact=redactor
    )
    result.validation_passed = validation.success
    validation = validation.redacted(redactor)
    wrote(_write(out / f"{name}.validation.json", validation.to_json()))
    wrote(_write(out / f"{name}.validation.xml", validation.to_junit()))
    wrote(_write(out / f"{name}.validation.md", validation.to_markdown()))
    wrote(out / "data_docs" / "index.html")
    failed = sum(r.critical_failure for r in validation.results)
    say(f"validate: {len(validation.results)} expectations, {failed} critical failures")

    if target is not None:
        rec, why = reconcile_or_skip(mapping, applied.output, target)
        if rec is None:
            say(f"reconcile: skipped ({why})")
        else:
            rec = rec.redacted(redactor)
            wrote(_write(out / f"{name}.reconcile.html", page(f"Reconciliation {name}", reconcile_html(rec))))
            wrote(_write(out / f"{name}.reconcile.json", rec.to_json()))
            say(
                f"reconcile: {rec.matched:,} in both, {rec.only_in_source:,} only in the source, "
                f"{rec.only_in_target:,} only in the target "
                f"(keys matched {KEY_MATCH_WORDS.get(rec.key_match, rec.key_match)})"
            )

    wrote(_write(out / f"{name}.signoff.html", signoff_html(mapping, redact_findings(findings, redactor))))
    if render:
        for path in render_notebooks(mapping.path, out, redact=redact, artifacts=artifacts):
            wrote(path)
        say(
            f"render: {len(list(out.glob('0*.html')))} notebooks as HTML (code hidden"
            + (", personal data masked)" if redact else ")")
        )
    return result

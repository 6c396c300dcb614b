"""The `kit` command line. Thin: every command calls functions in `kit` and prints their results.

Exit codes: 0 success, 1 a check failed, 2 bad usage or bad input (one line on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from kit.errors import KitError
from kit.files import write_atomic as _write
from kit.load.database import is_database_url, safe_url

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
# Each sample extract and its key: the demo profiles duplicates by key as an analyst would.
SAMPLE_EXTRACTS = {
    "crm_contacts.csv": "contact_id",
    "erp_customers.csv": "customer_no",
    "erp_customers.xlsx": "customer_no",
    "erp_customers_feed.ndjson": "customer_no",
    "erp_status_codes.parquet": "code",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 too; keep its one-line usage message
        self.print_usage(sys.stderr)
        print(f"kit: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _quote_arg(value: str) -> str | None:
    return None if value.lower() in ("none", "") else value


def _load_kwargs(args: argparse.Namespace) -> dict:
    kwargs: dict = {}
    if args.encoding:
        kwargs["encoding"] = args.encoding
    if args.delimiter:
        kwargs["delimiter"] = "\t" if args.delimiter in ("\\t", "tab", "TAB") else args.delimiter
    if args.quote is not None:
        kwargs["quote_char"] = _quote_arg(args.quote)
    if args.header is not None:
        kwargs["has_header"] = args.header
    if args.skip_lines is not None:
        kwargs["skip_lines"] = args.skip_lines
    if args.sheet is not None:
        kwargs["sheet"] = args.sheet
    if args.format:
        kwargs["format"] = args.format
    kwargs["ragged"] = args.ragged
    for name in ("table", "query", "timeout"):
        if getattr(args, name, None) is not None:
            kwargs[name] = getattr(args, name)
    if ("table" in kwargs or "query" in kwargs) and not is_database_url(str(getattr(args, "path", ""))):
        raise KitError(
            f"{args.path}: --table and --query are for a database URL (postgresql://, sqlite:///, duckdb:///)"
        )
    if is_database_url(str(getattr(args, "path", ""))):
        if ("table" in kwargs) == ("query" in kwargs):
            raise KitError(f"{safe_url(args.path)}: give --table NAME or --query 'SELECT ...' (one of them)")
        return {k: v for k, v in kwargs.items() if k in ("table", "query", "timeout")}
    return kwargs


def _add_load_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--encoding", help="decode with this encoding instead of detecting it (e.g. cp1252)")
    p.add_argument("--delimiter", help="field separator instead of sniffing it (use 'tab' for a tab)")
    p.add_argument("--quote", help="quote character, or 'none' for no quoting")
    p.add_argument("--header", dest="header", action="store_true", default=None, help="the first record is a header")
    p.add_argument("--no-header", dest="header", action="store_false", help="the file has no header row")
    p.add_argument("--skip-lines", type=int, help="lines above the header (preamble) instead of detecting them")
    p.add_argument("--sheet", help="Excel sheet name or 0-based index (default: the first)")
    p.add_argument("--format", choices=["csv", "excel", "json", "ndjson", "parquet"], help="override the extension")
    p.add_argument("--table", help="with a database URL: the table to read (schema.name)")
    p.add_argument("--query", help="with a database URL: a SELECT to read instead of a table")
    p.add_argument("--timeout", type=float, help="with a database URL: seconds a statement may run (default 300)")
    p.add_argument(
        "--ragged",
        choices=["reject", "pad", "truncate"],
        default="reject",
        help="rows with the wrong number of fields: reject (default, listed), pad short rows, truncate long ones",
    )


def cmd_load(args: argparse.Namespace) -> int:
    """kit load: read an extract and print how it was read; optionally write the rows and the report."""
    from kit.load import read_extract

    ex = read_extract(args.path, **_load_kwargs(args))
    print(ex.report.summary())
    if args.output:
        out = Path(args.output)
        if out.suffix.lower() == ".parquet":
            _write(out, ex.frame.write_parquet)
        elif out.suffix.lower() in (".csv", ".txt"):
            _write(out, ex.frame.write_csv)
        else:
            raise KitError(f"{out}: --output must end in .csv or .parquet")
        print(f"wrote {ex.frame.height} rows to {out}")
    if args.report:
        _write(Path(args.report), ex.report.to_json() + "\n")
        print(f"wrote load report to {args.report}")
    return 0


def cmd_profile(args: argparse.Namespace) -> int:
    """kit profile: profile an extract (loaded, or scanned when large) and print its alerts."""
    from kit.load import open_extract
    from kit.profiling import profile
    from kit.profiling.near import NEAR_ROWS
    from kit.render import profile_page, summary_text

    near: bool | int = False if args.no_near else (True if args.near else NEAR_ROWS)
    if args.scan and args.deep:
        raise KitError("--deep needs the loaded rows; run it without --scan")
    mode = "scan" if args.scan else "load" if (args.load or args.deep) else "auto"
    opened = open_extract(args.path, mode, **_load_kwargs(args))
    if opened.note:
        print(opened.note)
    print(opened.summary)
    ex = opened.data
    # A scan has no path of its own; an extract has.
    source = args.path if opened.scanned else None
    columns = [c.strip() for c in args.columns.split(",") if c.strip()] if args.columns else None
    prof = profile(
        ex,
        args.key or None,
        target_encoding=args.target_encoding,
        near=near,
        source=source,
        columns=columns,
        declared_types=opened.declared_types,
    )
    print(summary_text(prof, max_alerts=args.max_alerts))
    if is_database_url(args.path) and args.table:
        from kit.load.catalog import catalog, describe

        print(f"catalog of {args.table} (what the database enforces):")
        for line in describe(catalog(args.path, args.table, args.timeout or 300.0)) or ["no constraints"]:
            print(f"  {line}")
    for target, text in ((args.json, lambda: prof.to_json()), (args.html, lambda: profile_page(prof, args.redact))):
        if target:
            _write(Path(target), text() + ("\n" if target == args.json else ""))
            print(f"wrote {target}")
    if args.deep:
        from kit.ydata_report import deep_report

        deep_report(ex, args.deep, sample=args.deep_sample, minimal=args.deep_minimal)
        print(f"wrote {args.deep} (ydata-profiling)")
    return 0


def _mapping_and_source(path: str):
    from kit.mapping.spec import Mapping

    mapping = Mapping.load(path)
    return mapping, mapping.load_extract("source")


def cmd_init(args: argparse.Namespace) -> int:
    """kit init: draft a mapping from two extracts; every decision in it is a proposal."""
    from kit.init import init_mapping

    mapping = init_mapping(
        args.source,
        args.target,
        name=args.name,
        out=args.out,
        source_key=args.source_key,
        target_key=args.target_key,
        source_system=args.source_system,
        target_system=args.target_system,
        force=args.force,
        source_table=args.source_table,
        source_query=args.source_query,
        target_table=args.target_table,
        target_query=args.target_query,
    )
    statuses = [f.status for f in mapping.fields.values()]
    print(
        f"wrote {mapping.path}: {len(statuses)} target fields, {statuses.count('proposed')} proposed, "
        f"{statuses.count('open')} open; {len(mapping.unmapped_source)} source fields with no target"
    )
    print(f"next: kit check {mapping.path}, then review the proposals in the editor (make lab)")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """kit check: lint a mapping against its extracts; exit 1 on an error finding."""
    from kit.mapping.lint import check
    from kit.mapping.spec import Mapping

    result = check(Mapping.load(args.mapping))
    for f in result.findings:
        print(f.line())
    print(f"{result.mapping.path}: {result.summary()}")
    if args.json:
        _write(Path(args.json), result.to_json())
    return 0 if result.ok else 1


def cmd_apply(args: argparse.Namespace) -> int:
    """kit apply: map the source rows; print the row accounting, write output and quarantine."""
    from kit.mapping.apply import apply_mapping, write_safe_csv

    mapping, source = _mapping_and_source(args.mapping)
    applied = apply_mapping(mapping, source)
    print(applied.accounting.summary())
    if applied.unfilled:
        print(f"  left empty, no source decided yet: {', '.join(applied.unfilled)}")
    for f, n in applied.failures_by_field.items():
        print(f"  quarantined for {f}: {n:,}")
    if args.output:
        out = Path(args.output)
        if out.suffix.lower() == ".parquet":
            _write(out, applied.output.write_parquet)
        else:
            write_safe_csv(applied.output, out)
        print(f"wrote {applied.output.height:,} rows to {out}")
    if args.quarantine:
        write_safe_csv(applied.quarantine, args.quarantine)
        print(f"wrote {applied.quarantine.height:,} failures to {args.quarantine}")
    return 0


def cmd_suggest(args: argparse.Namespace) -> int:
    """kit suggest: rank source fields for every target field of two extracts."""
    import json

    from kit.load import read_extract
    from kit.profiling import profile
    from kit.suggestions import suggest

    def side(path: str, table: str | None, query: str | None):
        return profile(read_extract(path, table=table, query=query), near=False)

    found = suggest(
        side(args.source, args.source_table, args.source_query), side(args.target, args.target_table, args.target_query)
    )
    print(found.summary())
    if args.json:
        _write(Path(args.json), json.dumps(found.to_dict(), indent=2, ensure_ascii=False) + "\n")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """kit export: the mapping as a sign-off document, a reviewers' CSV or SSSOM TSV."""
    from kit.mapping import export
    from kit.mapping.spec import Mapping
    from kit.render.signoff import signoff_html

    mapping = Mapping.load(args.mapping)
    findings = None
    if args.with_findings:
        from kit.mapping.lint import check

        findings = check(mapping).findings
    fmt = args.format or {".md": "md", ".html": "html", ".csv": "csv", ".tsv": "sssom"}.get(Path(args.out).suffix, "")
    render = {
        "md": lambda: export.to_markdown(mapping, findings),
        "html": lambda: signoff_html(mapping, findings),
        "csv": lambda: export.to_csv(mapping),
        "sssom": lambda: export.to_sssom(mapping),
    }
    if fmt not in render:
        raise KitError(f"{args.out}: say --format md, html, csv or sssom (or use .md/.html/.csv/.tsv)")
    _write(Path(args.out), render[fmt]())
    print(f"wrote {args.out}")
    return 0


def cmd_expectations(args: argparse.Namespace) -> int:
    """kit expectations: generate the mapping's GX suites into expectations/."""
    from kit.expectations import generate_suites
    from kit.profiling import profile
    from kit.validation import suites_dir_for

    mapping, source = _mapping_and_source(args.mapping)
    suites = generate_suites(mapping, profile(source, key=mapping.source.key or None, near=False))
    for path in suites.write(args.out or suites_dir_for(mapping), mapping.name):
        n = len(json.loads(path.read_text(encoding="utf-8"))["expectations"])
        print(f"wrote {path} ({n} expectations)")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """kit validate: run the committed suites; exit 1 when a critical expectation fails."""
    from kit.mapping.spec import Mapping
    from kit.validation import validate

    mapping = Mapping.load(args.mapping)
    result = validate(
        mapping,
        suite=args.suite,
        source=args.source,
        suites_dir=args.suites,
        docs=args.docs,
        result_format=args.result_format,
        engine=args.engine,
        spark_master=args.spark_master,
    )
    print(result.summary(failures_only=not args.verbose))
    outputs = ((args.json, result.to_json), (args.junit, result.to_junit), (args.summary, result.to_markdown))
    for target, render in outputs:
        if target:
            _write(Path(target), render())
            print(f"wrote {target}")
    if args.docs:
        print(f"wrote Data Docs to {args.docs}/index.html")
    return 0 if result.success else 1


def _profile_of(path: str, mapping=None):
    """A saved profile (.json) or an extract to profile now."""
    from kit.load import read_extract
    from kit.profiling import Profile, profile

    if path.endswith(".json"):
        return Profile.load(path)
    key = mapping.source.key if mapping else None
    extract = read_extract(path)
    return profile(extract, key=[k for k in (key or []) if k in extract.frame.columns] or None, near=False)


def cmd_drift(args: argparse.Namespace) -> int:
    """kit drift: what changed between two profiles or extracts; exit 1 when it breaks the mapping."""
    from kit.drift import drift
    from kit.mapping.spec import Mapping

    mapping = Mapping.load(args.mapping) if args.mapping else None
    result = drift(_profile_of(args.old, mapping), _profile_of(args.new, mapping), mapping)
    print(result.summary())
    if args.json:
        _write(Path(args.json), result.to_json())
    return 1 if result.breaking else 0


def cmd_reconcile(args: argparse.Namespace) -> int:
    """kit reconcile: the mapped output against the target system's extract."""
    from kit.mapping.apply import apply_mapping
    from kit.reconcile import reconcile

    mapping, source = _mapping_and_source(args.mapping)
    target_path = args.target or mapping.resolve(mapping.target.extract)
    if target_path is None:
        raise KitError(f"{mapping.where('target')}: no target extract to reconcile with; pass --target")
    result = reconcile(
        mapping,
        apply_mapping(mapping, source).output,
        mapping.load_extract("target", target_path),
        key=args.key or None,
        abs_tol=args.tolerance,
    )
    print(result.summary())
    if args.json:
        _write(Path(args.json), result.to_json())
    if args.html:
        from kit.render import page
        from kit.render.reconcile import reconcile_html

        _write(Path(args.html), page(f"Reconciliation {mapping.name}", reconcile_html(result)))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """kit run: the main job on one mapping; exit 1 when validation fails or drift breaks the mapping."""
    from kit.run import run

    result = run(args.mapping, args.out, render=not args.no_render, redact=not args.no_redact)
    print(result.summary())
    if args.no_fail:
        return 0
    return 0 if result.validation_passed and not result.breaking_drift else 1


def cmd_render(args: argparse.Namespace) -> int:
    """kit render: execute the notebooks on a mapping and write self-contained HTML."""
    from kit.render import render_notebooks

    for path in render_notebooks(
        args.mapping, args.out, args.notebooks or None, no_code=not args.code, redact=args.redact
    ):
        print(f"wrote {path}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """kit demo: profile every sample extract and run the sample mapping; results in one folder."""
    from kit.load import read_extract
    from kit.profiling import profile
    from kit.redact import Redactor
    from kit.render import profile_page, summary_text

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, key in SAMPLE_EXTRACTS.items():
        ex = read_extract(SAMPLE_DIR / name)
        prof = profile(ex, key=key)
        # The demo's folder is a set of reports to show: personal values masked in every file of it.
        redactor = Redactor.of(True, prof)
        print(ex.report.redacted(redactor).summary())
        path = out / f"{name}.load.json"
        _write(path, ex.report.redacted(redactor).to_json() + "\n")
        written.append(path)
        ppath = out / f"{name}.profile.json"
        _write(ppath, prof.redacted(redactor).to_json() + "\n")
        hpath = out / f"{name}.profile.html"
        _write(hpath, profile_page(prof, redactor))
        print(summary_text(prof, max_alerts=8, redact=redactor))
        written += [ppath, hpath]
        print()
    written += _demo_database(out)
    written += _demo_mapping(out)
    print(f"Results in {out}/ (per extract: a load report, a profile as JSON and as HTML, personal data masked;")
    print("for the sample mapping: findings, mapped rows, quarantine, validation, reconciliation, sign-off, and the")
    print(f"analyst's notebooks rendered for stakeholders: open {out}/01_profile_extracts.html first):")
    for p in written:
        print(f"  {p}")
    return 0


def _demo_database(out: Path) -> list[Path]:
    """The ERP side read from its own database (SQLite, no server), with the rules its catalog states."""
    from kit.load.catalog import catalog, describe
    from kit.load.database import read_database
    from kit.profiling import profile
    from kit.redact import Redactor
    from kit.render import profile_page, summary_text

    url = f"sqlite:///{SAMPLE_DIR / 'erp.sqlite'}"
    ex = read_database(url, table="customers")
    prof = profile(ex, key="customer_no")
    redactor = Redactor.of(True, prof)
    print(ex.report.redacted(redactor).summary())
    print(summary_text(prof, max_alerts=8, redact=redactor))
    print("catalog of customers (what the ERP database enforces, taken as the target's rules):")
    for line in describe(catalog(url, "customers")):
        print(f"  {line}")
    print()
    paths = [out / "erp.sqlite.customers.load.json", out / "erp.sqlite.customers.profile.json"]
    _write(paths[0], ex.report.redacted(redactor).to_json() + "\n")
    _write(paths[1], prof.redacted(redactor).to_json() + "\n")
    paths.append(out / "erp.sqlite.customers.profile.html")
    _write(paths[2], profile_page(prof, redactor))
    return paths


def _demo_mapping(out: Path) -> list[Path]:
    """The main job on the sample mapping, as `kit run` does it."""
    from kit.run import run

    result = run(SAMPLE_DIR.parent / "mappings" / "crm_to_erp.yaml", out)
    print("kit run mappings/crm_to_erp.yaml:")
    for line in result.lines:
        print(f"  {line}")
    return result.written


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "load": cmd_load,
    "profile": cmd_profile,
    "init": cmd_init,
    "check": cmd_check,
    "apply": cmd_apply,
    "suggest": cmd_suggest,
    "export": cmd_export,
    "expectations": cmd_expectations,
    "validate": cmd_validate,
    "drift": cmd_drift,
    "reconcile": cmd_reconcile,
    "run": cmd_run,
    "render": cmd_render,
    "demo": cmd_demo,
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every ``kit`` command."""
    parser = _Parser(prog="kit", description="Data-mapping kit for system integration.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    p = sub.add_parser("load", help="load an extract and report how it was read (encoding, dialect, rejects)")
    p.add_argument(
        "path",
        help="CSV/TSV/TXT, Excel, JSON/NDJSON or Parquet file (optionally .gz), or a database URL "
        "(postgresql://user@host/db, sqlite:///file.db, duckdb:///file.duckdb) with --table or --query",
    )
    _add_load_options(p)
    p.add_argument("--output", help="write the loaded rows (all text) to OUT.csv or OUT.parquet")
    p.add_argument("--report", help="write the load report as JSON")
    p = sub.add_parser("profile", help="profile an extract: nulls, formats, encodings, duplicates, alerts")
    p.add_argument("path", help="the extract to profile (any format or database URL `kit load` reads)")
    _add_load_options(p)
    p.add_argument("--key", action="append", help="key column (repeat for a compound key): duplicate keys are checked")
    p.add_argument("--columns", help="profile only these columns (comma-separated), e.g. of a very wide extract")
    p.add_argument("--json", help="write the profile as JSON")
    p.add_argument("--html", help="write the profile as a self-contained HTML page")
    p.add_argument("--redact", action="store_true", help="in the HTML, show personal data as shapes (Aaaa 9999)")
    p.add_argument("--target-encoding", help="report values this code page cannot store (e.g. latin-1, cp1252)")
    how = p.add_mutually_exclusive_group()
    how.add_argument(
        "--scan",
        action="store_true",
        help="stream the file instead of loading it (UTF-8 delimited files; the default from 256 MB): "
        "same profile, without the loader's per-line accounting",
    )
    how.add_argument("--load", action="store_true", help="load the file whole, whatever its size")
    p.add_argument(
        "--near",
        action="store_true",
        help="check near-duplicates at any size (default: up to 20M rows, kit.profiling.near.NEAR_ROWS)",
    )
    p.add_argument("--no-near", action="store_true", help="skip near-duplicate detection")
    p.add_argument("--max-alerts", type=int, default=30, help="alerts printed (all are in the JSON)")
    p.add_argument("--deep", help="also write a ydata-profiling report to this HTML file (slow)")
    p.add_argument("--deep-sample", type=int, default=100_000, help="rows sampled for --deep (default 100,000)")
    p.add_argument("--deep-minimal", action="store_true", help="ydata-profiling minimal mode for --deep")
    p = sub.add_parser("init", help="draft mappings/<name>.yaml from two extracts (every decision proposed)")
    p.add_argument("source", help="the source system's extract, or a database URL (with --source-table/--query)")
    p.add_argument("target", help="the target system's extract, or a database URL (with --target-table/--query)")
    p.add_argument("--name", help="mapping name (default: <source>_to_<target> from the file names)")
    p.add_argument("--out", help="where to write it (default: mappings/<name>.yaml)")
    p.add_argument("--source-key", action="append", help="source key column (repeatable; default: detected)")
    p.add_argument("--target-key", action="append", help="target key column (repeatable; default: detected)")
    p.add_argument("--source-system", help="the source system's name (default: from the file name)")
    p.add_argument("--target-system", help="the target system's name (default: from the file name)")
    p.add_argument("--force", action="store_true", help="overwrite an existing mapping file")
    for side in ("source", "target"):
        p.add_argument(f"--{side}-table", help=f"with a database URL as the {side}: its table (schema.name)")
        p.add_argument(f"--{side}-query", help=f"with a database URL as the {side}: a SELECT instead of a table")
    p = sub.add_parser("check", help="lint a mapping against its source data; exit 1 on error findings")
    p.add_argument("mapping", help="mappings/<name>.yaml")
    p.add_argument("--json", help="write the findings as JSON")
    p = sub.add_parser("apply", help="apply a mapping to its source extract: output, quarantine, row accounting")
    p.add_argument("mapping", help="mappings/<name>.yaml")
    p.add_argument("--output", help="mapped rows to OUT.csv (formula-safe) or OUT.parquet")
    p.add_argument("--quarantine", help="rows that could not be mapped, with field and reason, to Q.csv")
    p = sub.add_parser("suggest", help="rank source fields for every target field, with the evidence")
    p.add_argument("source", help="source extract, or a database URL (with --source-table or --source-query)")
    p.add_argument("target", help="target extract, or a database URL (with --target-table or --target-query)")
    p.add_argument("--json", help="write the suggestions as JSON")
    for side in ("source", "target"):
        p.add_argument(f"--{side}-table", help=f"with a database URL as the {side}: its table")
        p.add_argument(f"--{side}-query", help=f"with a database URL as the {side}: a SELECT instead of a table")
    p = sub.add_parser("export", help="a mapping as a sign-off document (md/html), CSV for reviewers, or SSSOM TSV")
    p.add_argument("mapping", help="mappings/<name>.yaml")
    p.add_argument("--out", required=True, help="output file (.md, .html, .csv or .tsv for SSSOM)")
    p.add_argument("--format", choices=["md", "html", "csv", "sssom"], help="instead of guessing from --out")
    p.add_argument("--with-findings", action="store_true", help="include what kit check finds in the data")
    p = sub.add_parser("expectations", help="generate the GX suites of a mapping into expectations/")
    p.add_argument("mapping", help="mappings/<name>.yaml")
    p.add_argument("--out", help="folder for the suites (default: expectations/ beside mappings/)")
    p = sub.add_parser("validate", help="run the committed suites; exit 1 when a critical expectation fails")
    p.add_argument("mapping", help="mappings/<name>.yaml")
    p.add_argument("--suite", choices=["source", "target", "all"], default="all")
    p.add_argument("--source", help="validate this extract instead of the one named in the mapping")
    p.add_argument("--suites", help="folder of the suites (default: expectations/ beside mappings/)")
    p.add_argument("--json", help="write the results as JSON")
    p.add_argument("--junit", help="write JUnit XML (one testcase per expectation)")
    p.add_argument("--summary", help="write a Markdown summary (e.g. $GITHUB_STEP_SUMMARY)")
    p.add_argument("--docs", help="write GX Data Docs HTML to this folder")
    p.add_argument(
        "--result-format",
        choices=["summary", "complete"],
        default="summary",
        help="complete lists every unexpected row (default: the first 20)",
    )
    p.add_argument("--verbose", action="store_true", help="print passing expectations too")
    p.add_argument(
        "--engine",
        choices=["pandas", "spark", "sql"],
        default="pandas",
        help="pandas (one machine, default), spark (GX's Spark data source) or sql (the source suite inside the "
        "source's database, through GX's SQL data source; the mapped rows on pandas)",
    )
    p.add_argument("--spark-master", help="Spark master URL for --engine spark (default: local[*])")
    p = sub.add_parser("drift", help="what changed between two profiles (or extracts); exit 1 if it breaks the mapping")
    p.add_argument("old", help="profile JSON (kit profile --json) or extract: the snapshot the mapping was made on")
    p.add_argument("new", help="profile JSON or extract: now")
    p.add_argument("--mapping", help="mark the changes that break this mapping's assumptions")
    p.add_argument("--json", help="write the changes as JSON")
    p = sub.add_parser("reconcile", help="compare the mapped output with what the target system holds")
    p.add_argument("mapping", help="mappings/<name>.yaml")
    p.add_argument("--target", help="target extract (default: the one named in the mapping)")
    p.add_argument("--key", action="append", help="target field identifying a record in both (repeatable)")
    p.add_argument("--tolerance", type=float, default=0.005, help="numbers closer than this are equal")
    p.add_argument("--json", help="write the reconciliation as JSON")
    p.add_argument("--html", help="write the reconciliation as HTML")
    p = sub.add_parser("run", help="the main job: load, profile, drift, check, apply, validate, reconcile, render")
    p.add_argument("mapping", help="mappings/<name>.yaml")
    p.add_argument("--out", default="reports", help="folder for everything it writes (default: reports)")
    p.add_argument("--no-fail", action="store_true", help="exit 0 even when validation fails (demos)")
    p.add_argument("--no-render", action="store_true", help="skip executing and rendering the notebooks")
    p.add_argument("--no-redact", action="store_true", help="show personal data in the reports")
    p = sub.add_parser("render", help="execute the notebooks on a mapping and write self-contained HTML")
    p.add_argument("notebooks", nargs="*", help="notebooks to render (default: notebooks/01-04)")
    p.add_argument("--mapping", required=True, help="mappings/<name>.yaml, passed to every notebook")
    p.add_argument("--out", default="reports", help="folder for the HTML (default: reports)")
    p.add_argument("--code", action="store_true", help="keep the code cells (default: hidden for stakeholders)")
    p.add_argument("--redact", action="store_true", help="mask personal data in every table and example")
    p = sub.add_parser("demo", help="run the main job on the bundled sample data")
    p.add_argument("--out", default="reports", help="folder for the results (default: reports)")
    return parser


# Library errors name parameters; on the command line the same choice is a flag.
FLAG_FOR = {"mode='load'": "--load", "mode='scan'": "--scan", "encoding=": "--encoding", "suite=": "--suite"}
FLAG_FOR |= {"engine=": "--engine", "force=True": "--force", "columns=[...]": "--columns a,b,c"}


def as_flags(message: str) -> str:
    """A library error message with parameter names replaced by the CLI flags that set them.

    >>> as_flags("not UTF-8; load it whole instead (mode='load')")
    'not UTF-8; load it whole instead (--load)'
    """
    for parameter, flag in FLAG_FOR.items():
        message = message.replace(parameter, flag)
    return message


def main(argv: list[str] | None = None) -> int:
    """Run ``kit`` with ``argv``; the exit code (0 ok, 1 a check failed, 2 bad input, 3 a bug)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        return COMMANDS[args.command](args)
    except KitError as exc:
        print(f"kit: error: {as_flags(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Whoever read the output stopped (``kit load x | head``): nothing is wrong, nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except MemoryError:
        print("kit: error: out of memory on this input; try a smaller extract", file=sys.stderr)
        return 2
    except Exception as exc:
        if os.environ.get("KIT_DEBUG"):
            raise
        print(f"kit: unexpected error: {type(exc).__name__}: {exc} (set KIT_DEBUG=1 for details)", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())

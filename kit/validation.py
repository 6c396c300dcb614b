"""Run the committed suites with great-expectations and report per mapped field, to the person who must act.

The only module (with ``expectations.py`` writing the JSON) that talks to great-expectations: one
context per run (ephemeral, or file-based when Data Docs are wanted), the pandas engine fed from
polars through Arrow, progress bars off. The source suite runs on the source extract; the target suite
on the mapped rows *before* the quarantine gate, i.e. on what system B would receive if nothing were
held back, so a failure shows how much of the data breaks B's rules.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import shutil
import tempfile
import warnings
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

import polars as pl

from kit.errors import KitError
from kit.expectations import Suites
from kit.files import read_text
from kit.load.report import Extract
from kit.mapping.spec import Mapping
from kit.progress import steps

if TYPE_CHECKING:
    from kit.redact import Redactor


@dataclass
class Result:
    suite: str
    side: str  # source or target
    field: str | None
    type: str
    column: str | None
    success: bool
    severity: str
    unexpected_count: int = 0
    unexpected_percent: float = 0.0
    examples: list[str] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    owner: str | None = None
    rule: str = ""
    reason: str = ""
    error: str | None = None

    @property
    def critical_failure(self) -> bool:
        """Whether this expectation failed and is critical."""
        return not self.success and self.severity == "critical"

    def line(self) -> str:
        """The result as one line of ``kit validate``'s output."""
        status = "ok  " if self.success else ("FAIL" if self.severity == "critical" else "warn")
        what = f"{self.type}({self.column})" if self.column else self.type
        detail = ""
        if not self.success:
            detail = f": {self.unexpected_count:,} unexpected ({self.unexpected_percent:.2f}%)"
            if self.examples:
                detail += f" e.g. {self.examples[:3]!r}" + (f" at rows {self.rows[:3]}" if self.rows else "")
            if self.error:
                detail = f": {self.error}"
            detail += f" -> {self.owner or 'no owner named in the mapping'}"
        return f"  {status} {what}{detail}"


@dataclass
class Validation:
    mapping: str
    results: list[Result]
    rows: dict[str, int]

    @property
    def success(self) -> bool:
        """No critical expectation failed."""
        return not any(r.critical_failure for r in self.results)

    def by_field(self) -> dict[str, list[Result]]:
        """Results grouped by the mapped field they concern."""
        out: dict[str, list[Result]] = {}
        for r in self.results:
            out.setdefault(f"{r.side}: {r.field or '(whole extract)'}", []).append(r)
        return out

    def redacted(self, redactor: Redactor) -> Validation:
        """A copy whose unexpected examples from masked columns are shapes (the row numbers are kept)."""
        if not redactor:
            return self
        results = [replace(r, examples=redactor.values(r.examples, r.column)) for r in self.results]
        return replace(self, results=results)

    def summary(self, failures_only: bool = False) -> str:
        """Results as text by field, with the owner who must act."""
        lines = []
        for name, results in self.by_field().items():
            shown = [r for r in results if not (failures_only and r.success)]
            if not shown:
                continue
            lines.append(name)
            lines += [r.line() for r in shown]
        failed = sum(r.critical_failure for r in self.results)
        warned = sum(not r.success and not r.critical_failure for r in self.results)
        lines.append(
            f"{self.mapping}: {len(self.results)} expectations, {failed} critical failures, {warned} warnings "
            f"({', '.join(f'{k} {v:,} rows' for k, v in self.rows.items())})"
        )
        return "\n".join(lines)

    def to_json(self) -> str:
        """The results as JSON text."""
        data = {
            "mapping": self.mapping,
            "success": self.success,
            "rows": self.rows,
            "results": [asdict(r) for r in self.results],
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    def to_junit(self) -> str:
        """JUnit XML: one testsuite per suite, one testcase per expectation, named by field."""
        root = ET.Element("testsuites", name=f"kit validate {self.mapping}")
        for side in ("source", "target"):
            results = [r for r in self.results if r.side == side]
            if not results:
                continue
            suite = ET.SubElement(
                root,
                "testsuite",
                name=results[0].suite,
                tests=str(len(results)),
                failures=str(sum(r.critical_failure for r in results)),
                errors=str(sum(bool(r.error) for r in results)),
            )
            for r in results:
                case = ET.SubElement(
                    suite,
                    "testcase",
                    classname=f"{r.suite}.{r.field or '_extract'}",
                    name=f"{r.type}({r.column or ''})",
                )
                if r.critical_failure:
                    failure = ET.SubElement(case, "failure", message=r.line().strip(), type=r.type)
                    failure.text = f"{r.reason}\nowner: {r.owner}\nrows: {r.rows[:20]}"
                elif not r.success:
                    ET.SubElement(case, "system-out").text = f"warning: {r.line().strip()}"
        ET.indent(root)
        return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"

    def to_markdown(self) -> str:
        """A summary that fits a CI job summary: failures first, by field, with who must act."""
        icon = {True: "pass", False: "FAIL"}
        lines = [
            f"## kit validate {self.mapping}: {'passed' if self.success else 'failed'}",
            "",
            "| suite | field | expectation | result | unexpected | examples | owner |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        ordered = sorted(self.results, key=lambda r: (r.success, r.severity != "critical", r.side, r.field or ""))
        for r in ordered:
            result = icon[r.success] if r.success or r.severity == "critical" else "warn"
            examples = ", ".join(f"`{e}`" for e in r.examples[:3]).replace("|", "\\|")
            lines.append(
                f"| {r.side} | {r.field or ''} | {r.type}({r.column or ''}) | {result} | "
                f"{'' if r.success else f'{r.unexpected_count:,} ({r.unexpected_percent:.2f}%)'} | {examples} | "
                f"{'' if r.success else (r.owner or '')} |"
            )
        from kit.mapping.export import no_maths

        return no_maths("\n".join(lines) + "\n")  # GitHub's job summary reads $...$ as a formula


def suites_dir_for(mapping: Mapping) -> Path:
    """``expectations/`` beside ``mappings/`` (the project layout)."""
    base = mapping.path.parent.parent if mapping.path else Path.cwd()
    return base / "expectations"


SEVERITIES = ("critical", "warning", "info")


def load_suite(path: Path) -> dict[str, Any]:
    """A GX suite JSON file, read and checked (no expectation silently dropped)."""
    text = read_text(path, "suite file", missing="no suite; generate it with `kit expectations MAPPING`")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise KitError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise KitError(f"{path}: nested too deeply to be a suite") from None
    return check_suite(data, str(path))


def check_suite(suite: Any, where: str) -> dict[str, Any]:
    """The suite, when it has the shape great-expectations needs; a KitError naming what is wrong.

    Checked before GX sees it, because GX answers a hand-edited suite with its own internal errors.
    """
    if not isinstance(suite, dict):
        raise KitError(f"{where}: not a suite (a JSON object with a name and a list of expectations)")
    if not isinstance(suite.get("name"), str) or not suite["name"].strip():
        raise KitError(f"{where}: the suite has no name")
    if not isinstance(suite.get("expectations"), list):
        raise KitError(f"{where}: 'expectations' is not a list")
    for key in ("meta", "notes", "id"):
        if key in suite and suite[key] is not None and not isinstance(suite[key], (dict, str, list)):
            raise KitError(f"{where}: {key!r} has the wrong type ({type(suite[key]).__name__})")
    if suite.get("meta") is not None and not isinstance(suite["meta"], dict):
        raise KitError(f"{where}: 'meta' is not an object")
    for i, e in enumerate(suite["expectations"], start=1):
        what = f"{where}: expectation {i}"
        if not isinstance(e, dict):
            raise KitError(f"{what} is not an object")
        if not isinstance(e.get("type"), str) or not e["type"].startswith("expect_"):
            raise KitError(f"{what}: 'type' is not an expectation type (expect_...)")
        if not isinstance(e.get("kwargs", {}), dict):
            raise KitError(f"{what} ({e['type']}): 'kwargs' is not an object")
        if e.get("meta") is not None and not isinstance(e["meta"], dict):
            raise KitError(f"{what} ({e['type']}): 'meta' is not an object")
        if e.get("severity") is not None and e["severity"] not in SEVERITIES:
            raise KitError(f"{what} ({e['type']}): severity is one of {', '.join(SEVERITIES)}, not {e['severity']!r}")
    return suite


def _text_pandas(frame: pl.DataFrame):
    """``_text`` as plain NumPy-backed pandas, which is what GX handles best."""
    return _text(frame).to_pandas()


def _text(frame: pl.DataFrame) -> pl.DataFrame:
    """Every column as text (dates ISO, decimals as written, booleans true/false), nulls kept: the suites'
    regexes check values in their text form."""
    cols = []
    for c, t in frame.schema.items():
        if t == pl.String:
            cols.append(pl.col(c))
        elif t == pl.Boolean:
            cols.append(pl.when(pl.col(c)).then(pl.lit("true")).when(~pl.col(c)).then(pl.lit("false")).alias(c))
        else:
            cols.append(pl.col(c).cast(pl.String).alias(c))
    return frame.select(cols)


@contextlib.contextmanager
def _quiet():
    """GX logs, warnings and progress bars kept out of CI logs."""
    loggers = [logging.getLogger(n) for n in ("great_expectations", "great_expectations.core")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        for lg, lvl in zip(loggers, levels, strict=True):
            lg.setLevel(lvl)


def spark_session(master: str | None = None):
    """A SparkSession for validation: the active one if there is one (a cluster the caller set up),
    else a local one (``local[*]`` unless ``master`` says otherwise), quiet."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    spark = (
        SparkSession.builder.master(master or "local[*]")
        .appName("kit validate")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _spark_frame(frame: pl.DataFrame, spark, folder: Path):
    """The text frame handed to Spark as Parquet (how an engine on a cluster would read it)."""
    path = folder / f"{len(list(folder.iterdir()))}.parquet"
    frame.write_parquet(path)
    return spark.read.parquet(str(path))


def _mask_stored_results(project: Path, redactor: Redactor) -> None:
    """Mask the values GX stored with each validation result (what Data Docs show) for masked columns."""
    keys = ("partial_unexpected_list", "unexpected_list")
    for path in (project / "gx" / "uncommitted" / "validations").rglob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        for res in data.get("results", []):
            column = (res.get("expectation_config") or {}).get("kwargs", {}).get("column")
            if not redactor.masks(column):
                continue
            r = res.get("result") or {}
            for key in keys:
                if isinstance(r.get(key), list):
                    r[key] = [None if v is None else redactor.value(v, column) for v in r[key]]
            for item in r.get("partial_unexpected_counts") or []:
                if isinstance(item, dict) and item.get("value") is not None:
                    item["value"] = redactor.value(item["value"], column)
            if isinstance(r.get("observed_value"), str):
                r["observed_value"] = redactor.value(r["observed_value"], column)
        path.write_text(json.dumps(data), encoding="utf-8")


def _run(
    suites: dict[str, tuple[dict, Any]],
    docs: Path | None,
    result_format: str,
    engine: str = "pandas",
    redactor: Redactor | None = None,
) -> dict[str, Any]:
    """Run each suite on its frame in one GX context (pandas, or Spark DataFrames); results by side.
    Data Docs show the values of ``redactor``'s masked columns as shapes."""
    with _quiet():
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        project = Path(tempfile.mkdtemp(prefix="kit-gx-")) if docs else None
        try:
            ctx = (
                gx.get_context(mode="file", project_root_dir=str(project))
                if project
                else gx.get_context(mode="ephemeral")
            )
            ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
            source = ctx.data_sources.add_spark("kit") if engine == "spark" else ctx.data_sources.add_pandas("kit")
            out = {}
            fmt = {"result_format": result_format.upper(), "partial_unexpected_count": 20}
            for side, (suite_json, pdf) in steps(list(suites.items()), "validating"):
                if isinstance(pdf, InDatabase):  # the rows stay in the database: GX queries them there
                    sql = ctx.data_sources.add_sql(f"kit_{side}_sql", connection_string=pdf.connection)
                    asset = sql.add_query_asset(side, query=pdf.query)
                    batch = asset.add_batch_definition_whole_table(f"{side}_all")
                    pdf = None
                else:
                    asset = source.add_dataframe_asset(side)
                    batch = asset.add_batch_definition_whole_dataframe(f"{side}_all")
                try:
                    suite = ctx.suites.add(gx.ExpectationSuite(**suite_json))
                except Exception as exc:  # GX's own errors for a suite it cannot build
                    raise KitError(f"suite {suite_json.get('name')!r}: great-expectations refused it: {exc}") from None
                if len(suite.expectations) != len(suite_json["expectations"]):
                    raise KitError(f"suite {suite_json['name']}: GX dropped unknown expectation types")
                vd = ctx.validation_definitions.add(gx.ValidationDefinition(data=batch, suite=suite, name=side))
                if project:
                    cp = ctx.checkpoints.add(
                        gx.Checkpoint(
                            name=f"kit_{side}",
                            validation_definitions=[vd],
                            actions=[gx.checkpoint.UpdateDataDocsAction(name="docs")],
                            result_format=fmt,
                        )
                    )
                    run = cp.run(batch_parameters={"dataframe": pdf} if pdf is not None else None)
                    out[side] = next(iter(run.run_results.values()))
                else:
                    params = {"dataframe": pdf} if pdf is not None else None
                    out[side] = vd.run(batch_parameters=params, result_format=fmt)
            if project and docs:
                if redactor:
                    _mask_stored_results(project, redactor)
                    ctx.build_data_docs()
                site = project / "gx" / "uncommitted" / "data_docs" / "local_site"
                if docs.exists():
                    shutil.rmtree(docs)
                shutil.copytree(site, docs)
            return out
        finally:
            if project:
                shutil.rmtree(project, ignore_errors=True)


@dataclass(frozen=True)
class InDatabase:
    """A suite's data left in its database: a SQLAlchemy URL and the text SELECT the kit reads it with."""

    connection: str
    query: str


def _in_database(mapping: Mapping) -> InDatabase:
    """The mapping's source as great-expectations' SQL data source sees it (``engine="sql"``)."""
    from kit.load.database import DEFAULT_TIMEOUT, sqlalchemy_url, text_query

    db = mapping.source.database
    if db is None:
        raise KitError(
            f"{mapping.where('source')}: engine sql runs the source suite in the source's database; this "
            "source is a file (give it as database: {url: ..., table: ...})"
        )
    url = mapping.database_url("source")
    timeout = db.timeout or DEFAULT_TIMEOUT
    return InDatabase(sqlalchemy_url(url, timeout), text_query(url, db.table, db.query, timeout))


def _redactor(redact: bool | list[str] | Redactor, frame: pl.DataFrame, mapping: Mapping) -> Redactor:
    from kit.redact import Redactor

    if redact is True:
        from kit.profiling import profile

        return Redactor.of(True, profile(frame, near=False), mapping=mapping)
    return Redactor.of(redact)


def validate(
    mapping: Mapping,
    suite: str = "all",
    source: Extract | pl.DataFrame | str | Path | None = None,
    suites_dir: str | Path | None = None,
    docs: str | Path | None = None,
    result_format: str = "summary",
    applied: Any = None,
    engine: str = "pandas",
    spark_master: str | None = None,
    suites: Suites | None = None,
    redact: bool | list[str] | Redactor = False,
) -> Validation:
    """Validate the source extract and the mapped rows against the mapping's committed suites (or the
    ``suites`` given, e.g. ``expectations.suites_for`` on a draft nobody committed suites for yet).

    ``source`` replaces the extract named in the mapping (e.g. tonight's export). ``result_format``
    "complete" lists every unexpected row (slower on big failures). ``applied``: the result of
    ``apply_mapping`` on this source when the caller has it already (it is not computed twice).
    ``engine="spark"`` runs the same suites through GX's Spark data source (the frames handed over as
    Parquet; ``spark_master`` or an active SparkSession picks the cluster); Spark results carry no row
    indices. ``redact`` masks personal values in the Data Docs written to ``docs`` (True: the personal
    columns of both extracts' profiles and the fields fed from them; the returned results are raw: use
    ``Validation.redacted`` to show them).

    >>> v = validate(Mapping.load("mappings/crm_to_erp.yaml"))  # doctest: +SKIP
    >>> v.success, v.summary(failures_only=True)  # doctest: +SKIP
    """
    from kit.mapping.apply import apply_mapping

    if suite not in ("source", "target", "all"):
        raise KitError(f"suite= is source, target or all, not {suite!r}")
    if engine not in ("pandas", "spark", "sql"):
        raise KitError(f"engine= is pandas, spark or sql, not {engine!r}")
    if source is None or isinstance(source, (str, Path)):
        source = mapping.load_extract("source", source)
    frame = source.frame if isinstance(source, Extract) else source
    redactor = _redactor(redact, frame, mapping) if docs else None
    folder = Path(suites_dir) if suites_dir else suites_dir_for(mapping)
    runs: dict[str, tuple[dict, Any]] = {}
    rows: dict[str, int] = {}
    if suite in ("source", "all"):
        given = (
            check_suite(suites.source, "source suite")
            if suites is not None
            else load_suite(folder / f"{mapping.name}.source.json")
        )
        runs["source"] = (given, _text(frame))
        rows["source"] = frame.height
    if suite in ("target", "all"):
        applied = applied if applied is not None else apply_mapping(mapping, frame)
        mapped = applied.mapped.drop("_source_row")
        given = (
            check_suite(suites.target, "target suite")
            if suites is not None
            else load_suite(folder / f"{mapping.name}.target.json")
        )
        runs["target"] = (given, _text(mapped))
        rows["mapped"] = mapped.height
        row_ids = applied.mapped["_source_row"].to_list()
    if engine == "spark":
        spark = spark_session(spark_master)
        with tempfile.TemporaryDirectory(prefix="kit-spark-") as tmp:
            runs = {side: (s, _spark_frame(f, spark, Path(tmp))) for side, (s, f) in runs.items()}
            raw = _run(runs, Path(docs) if docs else None, result_format, engine, redactor)
    elif engine == "sql":
        # The source suite runs inside the source's database; the mapped rows exist only here (pandas).
        data = {side: _in_database(mapping) if side == "source" else f.to_pandas() for side, (_, f) in runs.items()}
        runs = {side: (s, data[side]) for side, (s, _) in runs.items()}
        try:
            raw = _run(runs, Path(docs) if docs else None, result_format, "pandas", redactor)
        except KitError:
            raise
        except Exception as exc:  # SQLAlchemy and GX errors: one line, without the URL's password
            from kit.load.database import safe_url

            db = mapping.source.database
            raise KitError(
                f"{safe_url(db.url) if db else 'source'}: the checks inside the database failed: "
                f"{str(exc).splitlines()[0][:300]}"
            ) from None
    else:
        runs = {side: (s, f.to_pandas()) for side, (s, f) in runs.items()}
        raw = _run(runs, Path(docs) if docs else None, result_format, engine, redactor)
    results: list[Result] = []
    for side, run in raw.items():
        suite_json = runs[side][0]
        for res in run.results:
            cfg = res.expectation_config
            meta = cfg.meta or {}
            field_name = meta.get("target_field")
            owner = mapping.source.owner
            if side == "target" and field_name in mapping.fields and mapping.truth_for(field_name) == "target":
                owner = mapping.target.owner
            r = res.result or {}
            indices = r.get("unexpected_index_list") or r.get("partial_unexpected_index_list") or []
            if side == "target":
                indices = [row_ids[i] for i in indices if isinstance(i, int) and i < len(row_ids)]
            error = None
            if res.exception_info and res.exception_info.get("raised_exception"):
                error = str(res.exception_info.get("exception_message"))
            results.append(
                Result(
                    suite=suite_json["name"],
                    side=side,
                    field=field_name,
                    type=cfg.type,
                    column=cfg.kwargs.get("column"),
                    success=bool(res.success),
                    severity=str(getattr(cfg.severity, "value", cfg.severity) or "critical").lower(),
                    unexpected_count=int(r.get("unexpected_count") or 0),
                    unexpected_percent=float(r.get("unexpected_percent") or 0.0),
                    examples=[str(v) for v in (r.get("partial_unexpected_list") or [])[:10] if v is not None],
                    rows=[int(i) for i in indices if isinstance(i, int)],
                    owner=owner,
                    rule=meta.get("rule", ""),
                    reason=meta.get("reason", ""),
                    error=error,
                )
            )
    return Validation(mapping.name, results, rows)

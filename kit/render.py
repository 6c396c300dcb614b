"""HTML for profiles: compact, self-contained (charts are embedded PNGs), safe to share.

Rendering only: every number comes from a ``Profile``; nothing is computed from data here. Every data
value passes through ``html.escape`` (a CRM name can be ``<script>``), and ``redact`` replaces the
values of personal-data columns by their shapes ("Aaaa Aaaaa"), which keeps the format evidence and
drops the person.
"""

from __future__ import annotations

import base64
import html
import io
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from kit.errors import KitError
from kit.files import write_atomic
from kit.profiling.measures import SHAPE_FROM, SHAPE_TO, shape_expr

if TYPE_CHECKING:
    from kit.profiling import Profile
    from kit.profiling.model import ColumnProfile

SEVERITY_COLOUR = {"error": "#b3261e", "warning": "#b26a00", "info": "#44617b"}
# Columns treated as personal data when redact=True: by inferred type, or by name.
PERSONAL_TYPES = {"email", "phone"}
PERSONAL_NAMES = re.compile(
    r"name|mail|phone|tel|mobile|street|address|addr|birth|dob|ssn|soc_sec|iban|passport|notes?$|comment", re.I
)
_SHAPE = str.maketrans(dict(zip(SHAPE_FROM, SHAPE_TO, strict=True)))

CSS = """
.kit-profile{font-family:system-ui,-apple-system,Segoe UI,sans-serif;font-size:13px;color:#1d1d1f;max-width:1400px}
.kit-profile h3{margin:4px 0 8px;font-size:16px}
.kit-profile table{border-collapse:collapse;width:100%;margin:6px 0 12px}
.kit-profile th,.kit-profile td{border-bottom:1px solid #e3e3e3;padding:3px 6px;text-align:left;vertical-align:top}
.kit-profile th{background:#f5f5f7;font-weight:600}
.kit-profile code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;background:#f3f3f3;padding:0 2px}
.kit-profile .bar{display:inline-block;width:90px;height:9px;background:#e6e6e6;vertical-align:middle}
.kit-profile .bar span{display:block;height:9px;background:#2f7d4f}
.kit-profile .sev{color:#fff;border-radius:3px;padding:0 4px;margin-right:3px;font-size:11px;white-space:nowrap}
.kit-profile .charts img{max-width:32%;margin-right:1%;vertical-align:top}
.kit-profile .muted{color:#6b6b6b}
.kit-side{display:flex;gap:16px;align-items:flex-start}.kit-side>div{flex:1;min-width:0}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def is_personal(column: ColumnProfile) -> bool:
    """Whether a profiled column holds personal data (by inferred type or by name)."""
    return column.type.type in PERSONAL_TYPES or bool(PERSONAL_NAMES.search(column.name))


def _masked(column: ColumnProfile | None, redact: bool | Iterable[str]) -> bool:
    if column is None or redact is False:
        return False
    if redact is True:
        return is_personal(column)
    return column.name in set(redact)


def _shown(value: object, column: ColumnProfile | None, redact: bool | Iterable[str]) -> str:
    text = str(value)
    return text.translate(_SHAPE) if _masked(column, redact) else text


def _message(code: str, message: str, column: ColumnProfile | None, redact: bool | Iterable[str]) -> str:
    """Alert messages quote values; for a masked column, the rule's data-free description stands in."""
    if not _masked(column, redact):
        return message
    from kit.profiling.alerts import EXTRACT_RULES, RULES

    rule = RULES.get(code) or EXTRACT_RULES.get(code)
    return rule.description if rule else f"{code} (details masked)"


def mask_frame(frame: pl.DataFrame, profile: Profile, redact: bool | Iterable[str] = True) -> pl.DataFrame:
    """The frame with personal-data columns replaced by their shapes, for display in shared reports.

    >>> from kit.profiling import profile
    >>> f = pl.DataFrame({"email": ["ann@x.org", "bob@y.com"] * 5, "status": ["A", "B"] * 5})
    >>> mask_frame(f, profile(f)).row(0)
    ('aaa@a.aaa', 'A')
    """
    by_name = {c.name: c for c in profile.columns}
    masked = [c for c in frame.columns if c in by_name and _masked(by_name[c], redact)]
    return frame.with_columns(shape_expr(pl.col(c).cast(pl.String)).alias(c) for c in masked)


def summary_text(profile: Profile, max_alerts: int = 20, redact: bool | Iterable[str] = False) -> str:
    """The plain-text summary of a profile, with personal values shown as shapes when ``redact``."""
    from kit.profiling import SEVERITY_ORDER

    by_name = {c.name: c for c in profile.columns}
    lines = [
        f"profile of {profile.source}: {profile.rows:,} rows, {len(profile.columns)} columns, "
        f"{len(profile.alerts)} alerts"
    ]
    for a in sorted(profile.alerts, key=lambda a: (SEVERITY_ORDER[a.severity], a.column or ""))[:max_alerts]:
        col = by_name.get(a.column or "")
        where = f"{a.column}: " if a.column else ""
        examples = [_shown(v, col, redact) for v in a.examples[:2]]
        ex = f" e.g. {examples!r}" if examples else ""
        lines.append(f"  [{a.severity}] {a.code} {where}{_message(a.code, a.message, col, redact)}{ex}")
    if len(profile.alerts) > max_alerts:
        lines.append(f"  ... {len(profile.alerts) - max_alerts} more alerts (see the JSON)")
    lines += [f"  not exact: {figure}: {why}" for figure, why in profile.approximate.items()]
    return "\n".join(lines)


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def charts(profile: Profile) -> list[tuple[str, str]]:
    """(title, PNG data URI) for completeness, lengths and shape concentration per column."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    cols = profile.columns
    if not cols:
        return []
    names = [c.name for c in cols][::-1]
    height = max(2.0, 0.22 * len(cols) + 0.8)
    out = []

    rows = max(profile.rows, 1)
    present = [c.present / rows for c in cols]
    pseudo = [c.pseudo_null_total / rows for c in cols]
    blank = [(c.nulls + c.empty + c.whitespace) / rows for c in cols]
    fig, ax = plt.subplots(figsize=(4.2, height))
    y = range(len(cols))
    ax.barh(y, present[::-1], color="#2f7d4f", label="value")
    ax.barh(y, pseudo[::-1], left=present[::-1], color="#e0a100", label="placeholder")
    ax.barh(
        y,
        blank[::-1],
        left=[p + q for p, q in zip(present[::-1], pseudo[::-1], strict=True)],
        color="#c9c9c9",
        label="null/empty",
    )
    ax.set_yticks(list(y), names, fontsize=7)
    ax.set_xlim(0, 1)
    ax.tick_params(axis="x", labelsize=7)
    ax.legend(fontsize=6, loc="lower right")
    out.append(("Completeness per column", _png(fig)))

    fig, ax = plt.subplots(figsize=(4.2, height))
    for i, c in enumerate(cols[::-1]):
        if c.len_max is None:
            continue
        ax.plot([c.len_min, c.len_max], [i, i], color="#9aa7b3", lw=1)
        ax.plot([c.len_p50], [i], "o", color="#44617b", ms=3)
        ax.plot([c.len_p95], [i], "|", color="#b26a00", ms=7)
    ax.set_yticks(list(y), names, fontsize=7)
    ax.set_xscale("symlog")
    ax.tick_params(axis="x", labelsize=7)
    ax.set_xlabel("length in characters (min-max, median o, 95th |)", fontsize=7)
    out.append(("Value lengths", _png(fig)))

    fig, ax = plt.subplots(figsize=(4.2, height))
    for i, c in enumerate(cols[::-1]):
        left = 0.0
        for k, s in enumerate(c.shapes[:3]):
            share = s.count / max(c.rows - c.nulls, 1)
            ax.barh(i, share, left=left, color=["#44617b", "#7d97ad", "#b7c6d3"][k])
            left += share
    ax.set_yticks(list(y), names, fontsize=7)
    ax.set_xlim(0, 1)
    ax.tick_params(axis="x", labelsize=7)
    ax.set_xlabel("share of values in the 3 most common shapes", fontsize=7)
    out.append(("Shape concentration", _png(fig)))
    return out


def _alert_badges(column: ColumnProfile, redact: bool | Iterable[str]) -> str:
    return "".join(
        f'<span class="sev" style="background:{SEVERITY_COLOUR[a.severity]}" '
        f'title="{_e(_message(a.code, a.message, column, redact))}">{_e(a.code)}</span>'
        for a in column.alerts
    )


def profile_html(profile: Profile, redact: bool | Iterable[str] = False, with_charts: bool = True) -> str:
    """One profile as a self-contained HTML fragment (wrap it with ``page()`` for a file).

    >>> from kit.profiling import profile
    >>> import polars as pl
    >>> "&lt;script&gt;" in profile_html(profile(pl.DataFrame({"n": ["<script>"] * 3})), with_charts=False)
    True
    """
    counts = {s: sum(1 for a in profile.alerts if a.severity == s) for s in SEVERITY_COLOUR}
    parts = [
        '<div class="kit-profile">',
        f"<h3>{_e(profile.source)}</h3>",
        f'<div class="muted">{profile.rows:,} rows, {len(profile.columns)} columns; alerts: '
        + ", ".join(f"{n} {s}" for s, n in counts.items())
        + (" &middot; personal data shown as shapes" if redact else "")
        + "</div>",
    ]
    if with_charts:
        parts.append('<div class="charts">')
        parts += [f'<img alt="{_e(t)}" title="{_e(t)}" src="{uri}">' for t, uri in charts(profile)]
        parts.append("</div>")
    parts.append(
        "<table><tr><th>column</th><th>type (fit)</th><th>complete</th><th>distinct</th><th>length</th>"
        "<th>top shapes</th><th>top values</th><th>alerts</th></tr>"
    )
    rows = max(profile.rows, 1)
    for c in profile.columns:
        present = c.present
        share = present / rows
        # Shapes of free text can still spell a person (a one-letter word, a non-ASCII letter): mask too.
        shapes = " ".join(f"<code>{_e(_shown(s.shape, c, redact))}</code>&nbsp;{s.count:,}" for s in c.shapes[:3])
        top = ", ".join(f"<code>{_e(_shown(v, c, redact))}</code>&nbsp;{n:,}" for v, n in c.top[:3])
        length = "" if c.len_max is None else f"{c.len_min}-{c.len_max} (bytes {c.bytes_max})"
        parts.append(
            f"<tr><td><b>{_e(c.name)}</b></td>"
            f"<td>{_e(c.type.type)} ({100 * c.type.fit:.0f}%)</td>"
            f'<td><span class="bar"><span style="width:{100 * share:.0f}%"></span></span> {100 * share:.1f}%</td>'
            f"<td>{c.distinct:,}</td><td>{length}</td><td>{shapes}</td><td>{top}</td>"
            f"<td>{_alert_badges(c, redact)}</td></tr>"
        )
    parts.append("</table>")
    if profile.alerts:
        parts.append(
            "<table><tr><th>severity</th><th>code</th><th>column</th><th>finding</th><th>rows</th>"
            "<th>examples</th></tr>"
        )
        from kit.profiling import SEVERITY_ORDER

        by_name = {c.name: c for c in profile.columns}
        for a in sorted(profile.alerts, key=lambda a: (SEVERITY_ORDER[a.severity], a.column or "")):
            col = by_name.get(a.column or "")
            examples = ", ".join(f"<code>{_e(_shown(v, col, redact))}</code>" for v in a.examples[:3])
            parts.append(
                f'<tr><td><span class="sev" style="background:{SEVERITY_COLOUR[a.severity]}">{_e(a.severity)}</span>'
                f"</td><td>{_e(a.code)}</td><td>{_e(a.column or '(rows)')}</td>"
                f"<td>{_e(_message(a.code, a.message, col, redact))}</td>"
                f"<td>{a.total:,}</td><td>{examples}</td></tr>"
            )
        parts.append("</table>")
    near = profile.duplicates.near_skipped
    if near:
        parts.append(f'<div class="muted">Near-duplicates not checked: {_e(near)}</div>')
    for figure, why in profile.approximate.items():
        parts.append(f'<div class="muted">Not exact: <code>{_e(figure)}</code>: {_e(why)}</div>')
    parts.append("</div>")
    return f"<style>{CSS}</style>" + "\n".join(parts)


def side_by_side(a: Profile, b: Profile, redact: bool | Iterable[str] = False) -> str:
    """Two profiles (system A and system B) next to each other."""
    return (
        f'<style>{CSS}</style><div class="kit-side"><div>{profile_html(a, redact)}</div>'
        f"<div>{profile_html(b, redact)}</div></div>"
    )


def page(title: str, body: str) -> str:
    """A complete, self-contained HTML document (no external scripts, styles or fonts)."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title></head><body>{body}</body></html>\n"
    )


class SideBySide:
    """Notebook display of two profiles next to each other: ``SideBySide(profile_a, profile_b)``."""

    def __init__(self, a: Profile, b: Profile, redact: bool | Iterable[str] = False) -> None:
        self.a, self.b, self.redact = a, b, redact

    def _repr_html_(self) -> str:
        return side_by_side(self.a, self.b, self.redact)


# --- notebooks for stakeholders -----------------------------------------------------------------

NOTEBOOK_ORDER = (
    "01_profile_extracts.ipynb",
    "02_map_fields.ipynb",
    "03_expectations.ipynb",
    "04_validate_and_reconcile.ipynb",
)
_EXTERNAL = re.compile(
    r"""<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*["'](https?:)?//[^"']*["'][^>]*>(\s*</script>)?""", re.I
)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def sha256(path: str | Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def title_cell(mapping, when: str) -> str:
    """Markdown for the title page: mapping, outcome, owners, date and the extracts' fingerprints."""
    lines = [
        f"# {mapping.name}: {mapping.source.system} → {mapping.target.system}",
        "",
        " ".join(mapping.outcome.split()),
        "",
        f"Rendered {when}.",
        "",
        "| | system | owner | extract | sha256 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for side, s in (("source", mapping.source), ("target", mapping.target)):
        path = mapping.resolve(s.extract)
        digest = sha256(path)[:16] + "…" if path and path.exists() else "(not found)"
        lines.append(f"| {side} | {s.system} | {s.owner or ''} | {s.extract or ''} | `{digest}` |")
    return "\n".join(lines)


def _static(nb) -> None:
    """Widgets cannot render in static HTML (their renderer comes from a CDN): put a note in their place."""
    import nbformat

    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for i, out in enumerate(cell.get("outputs", [])):
            if WIDGET_VIEW in out.get("data", {}):
                cell.outputs[i] = nbformat.v4.new_output(
                    "display_data",
                    data={
                        "text/html": "<p><i>The interactive editor is shown here in JupyterLab; the decisions "
                        "it saves are in the mapping file and the tables of this report.</i></p>"
                    },
                )
    nb.metadata.pop("widgets", None)


def self_contained(body: str) -> str:
    """Drop scripts, styles and images fetched from elsewhere (nbconvert adds require.js and MathJax)."""
    return _EXTERNAL.sub("", body)


def render_notebooks(
    mapping_path: str | Path,
    out: str | Path,
    notebooks: list[str | Path] | None = None,
    no_code: bool = True,
    redact: bool = False,
    timeout: int = 600,
) -> list[Path]:
    """Execute the analyst's notebooks on a mapping and write self-contained HTML for stakeholders.

    Each notebook gets ``mapping_path`` (and ``redact``) through its papermill parameters cell, a
    title page naming the mapping, outcome, owners, date and the extracts' sha256, and no code cells
    unless ``no_code=False``.
    """
    import datetime as dt
    import logging

    from kit.mapping.spec import Mapping

    mapping_path = Path(mapping_path).resolve()
    mapping = Mapping.load(mapping_path)
    root = mapping_path.parent.parent
    paths = [Path(n) for n in notebooks] if notebooks else [root / "notebooks" / n for n in NOTEBOOK_ORDER]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    when = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    logging.getLogger("papermill").setLevel(logging.ERROR)
    # Kernels inherit the environment: no progress bars in a report that nobody watches being made.
    previous = os.environ.get("KIT_PROGRESS")
    os.environ["KIT_PROGRESS"] = "0"
    try:
        written = _render_all(paths, out, mapping, mapping_path, when, no_code, redact, timeout)
    finally:
        if previous is None:
            os.environ.pop("KIT_PROGRESS", None)
        else:
            os.environ["KIT_PROGRESS"] = previous
    return written


def _render_all(paths, out, mapping, mapping_path, when, no_code, redact, timeout) -> list[Path]:
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    written = []
    for path in paths:
        if not path.exists():
            raise KitError(f"{path}: no such notebook")
        executed = out / f".{path.stem}.executed.ipynb"
        params = {"mapping_path": str(mapping_path), "redact": redact}
        try:
            pm.execute_notebook(
                str(path),
                str(executed),
                parameters=params,
                kernel_name="python3",
                cwd=str(path.parent),
                progress_bar=False,
                log_output=False,
                execution_timeout=timeout,
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            )
        except pm.PapermillExecutionError as exc:
            raise KitError(f"{path.name}: cell {exc.exec_count} failed: {exc.ename}: {exc.evalue}") from None
        nb = nbformat.read(executed, as_version=4)
        executed.unlink()
        _static(nb)
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(title_cell(mapping, when)))
        exporter = HTMLExporter(
            exclude_input=no_code, exclude_input_prompt=True, exclude_output_prompt=True, embed_images=True
        )
        body, _ = exporter.from_notebook_node(nb)
        written.append(write_atomic(out / f"{path.stem}.html", self_contained(body)))
    return written

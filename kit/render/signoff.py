"""The sign-off document as a self-contained HTML page (a Jinja2 template) with the field-flow diagram.

Open questions come first, because they are what a sign-off meeting is for. Everything comes from the
``Mapping`` (and, optionally, lint findings); every value is escaped.
"""

from __future__ import annotations

import html

from markupsafe import Markup

from kit.mapping.export import STATUS_COLOUR, TABLE_HEAD, decisions, table_cells
from kit.mapping.lint import Finding
from kit.mapping.spec import Mapping
from kit.render.html import render

STYLE = (
    "body{font-family:system-ui,sans-serif;font-size:13px;max-width:1200px;margin:20px auto;color:#1d1d1f}"
    "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:4px 6px;"
    "text-align:left;vertical-align:top}th{background:#f5f5f7}"
)

FRAGMENT_STYLE = (
    ".kit-signoff{font-family:system-ui,sans-serif;font-size:13px;color:#1d1d1f;overflow-wrap:anywhere}"
    ".kit-signoff h1{font-size:18px}.kit-signoff h2{font-size:15px}"
    ".kit-signoff table{border-collapse:collapse;width:100%}"
    "div.kit-signoff.kit-signoff td,div.kit-signoff.kit-signoff th"
    "{border-bottom:1px solid #ddd;padding:3px 5px;text-align:left;vertical-align:top}"
    "div.kit-signoff.kit-signoff th{background:#f5f5f7}"
    ".kit-signoff .kit-flow{overflow-x:auto;max-width:100%}"
)


def flow_svg(mapping: Mapping) -> str:
    """Source fields → steps → target fields, as an inline SVG (no scripts, no external references)."""
    fields = list(mapping.fields.items())
    sources: list[str] = []
    for _, f in fields:
        for s in f.from_:
            if s not in sources:
                sources.append(s)
    row, width = 26, 980
    height = max(len(sources), len(fields)) * row + 40
    sy = {s: 30 + i * row for i, s in enumerate(sources)}
    parts = [
        # A viewBox so the diagram scales down to a notebook's output area (12 px text stays 10 px or more
        # down to 820 px wide; below that the box scrolls).
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'style="max-width:100%;min-width:820px;height:auto" font-family="sans-serif" font-size="12" role="img" '
        'aria-label="field flows">',
        f'<text x="10" y="14" font-weight="bold">{html.escape(mapping.source.system)}</text>',
        f'<text x="{width - 190}" y="14" font-weight="bold">{html.escape(mapping.target.system)}</text>',
    ]
    for s, y in sy.items():
        parts.append(f'<rect x="10" y="{y - 12}" width="170" height="18" rx="3" fill="#eef2f6" stroke="#9aa7b3"/>')
        parts.append(f'<text x="16" y="{y + 1}">{html.escape(s)}</text>')
    for i, (name, f) in enumerate(fields):
        y = 30 + i * row
        colour = STATUS_COLOUR[f.status]
        dash = ' stroke-dasharray="4 3"' if f.status == "rejected" else ""
        for s in f.from_:
            parts.append(
                f'<path d="M180 {sy[s] - 3} C 380 {sy[s] - 3}, 560 {y - 3}, {width - 200} {y - 3}" fill="none" '
                f'stroke="{colour}" stroke-width="1.3"{dash}/>'
            )
        label = " → ".join(s.name for s in f.steps) or "as is"
        parts.append(
            f'<text x="{width - 210}" y="{y - 6}" text-anchor="end" fill="#444">{html.escape(label[:60])}</text>'
        )
        parts.append(
            f'<rect x="{width - 200}" y="{y - 12}" width="190" height="18" rx="3" fill="#fff" stroke="{colour}"/>'
        )
        parts.append(f'<text x="{width - 194}" y="{y + 1}">{html.escape(name)} ({html.escape(f.status)})</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _context(mapping: Mapping, findings: list[Finding] | None) -> dict:
    m = mapping
    return {
        "m": m,
        "outcome": " ".join(m.outcome.split()),
        "systems": [
            (side, s.system, s.extract or "", ", ".join(s.key), s.owner or "", " ".join((s.notes or "").split()))
            for side, s in (("source", m.source), ("target", m.target))
        ],
        "svg": Markup(flow_svg(m)),
        "head": TABLE_HEAD,
        "status_at": TABLE_HEAD.index("status"),
        "rows": [(table_cells(r), STATUS_COLOUR[r["status"]]) for r in decisions(m)],
        "findings": findings or [],
    }


def signoff_html(mapping: Mapping, findings: list[Finding] | None = None) -> str:
    """The sign-off document as a self-contained HTML page, with the flow diagram; every value escaped.

    >>> html = signoff_html(Mapping.load("mappings/crm_to_erp.yaml"))
    >>> html.startswith("<!DOCTYPE html>") and "<svg" in html
    True
    """
    return render("signoff.html.j2", style=Markup(STYLE), **_context(mapping, findings))


def signoff_fragment(mapping: Mapping, findings: list[Finding] | None = None) -> str:
    """The sign-off's content as an HTML fragment for a notebook: its tables wrap, the diagram scales to
    the output area (a Markdown table of the decisions was 1,083 px wide in an 848 px one)."""
    body = render("signoff_body.html.j2", **_context(mapping, findings))
    return f'<style>{FRAGMENT_STYLE}</style><div class="kit-signoff">{body}</div>'


class SignOff:
    """Notebook display of the sign-off document: ``SignOff(mapping, findings)``."""

    def __init__(self, mapping: Mapping, findings: list[Finding] | None = None) -> None:
        self.mapping, self.findings = mapping, findings

    def _repr_html_(self) -> str:
        return signoff_fragment(self.mapping, self.findings)

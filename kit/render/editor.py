"""The HTML panes of the mapping editor: the overview table and a field's evidence (templates)."""

from __future__ import annotations

from typing import Any

from kit.mapping.lint import Finding
from kit.mapping.spec import Mapping
from kit.profiling.model import ColumnProfile
from kit.render.html import render


def overview_html(mapping: Mapping, shown: list[str], counts: dict[str, int]) -> str:
    """A line under the field list: how many fields of each status, how many shown, how many have
    warnings or errors (each field's own count is on its line in the list).

    ``counts``: warnings and errors per field."""
    given = [f.status for f in mapping.fields.values()]
    statuses = {s: given.count(s) for s in ("open", "proposed", "approved", "rejected") if s in given}
    flagged = sum(1 for n in mapping.fields if counts.get(n))
    return render(
        "editor_overview.html.j2", total=len(mapping.fields), shown=len(shown), statuses=statuses, flagged=flagged
    )


def evidence_html(
    columns: list[tuple[str, ColumnProfile | None]],
    preview: dict[str, Any] | None = None,
    error: str | None = None,
    findings: list[Finding] | None = None,
) -> str:
    """A field's evidence: each source column's profile in a line, the preview of the mapped values on
    a sample with its quarantine count by reason (``preview_field``), or the error that stopped it, and
    the field's findings."""
    return render(
        "editor_evidence.html.j2",
        columns=columns,
        preview=preview,
        failed=sum(preview["failures"].values()) if preview else 0,
        error=error,
        findings=findings or [],
    )

"""A reconciliation (mapped output against what system B holds) as an HTML fragment."""

from __future__ import annotations

from kit.reconcile import Reconciliation
from kit.render.html import render


def reconcile_html(rec: Reconciliation) -> str:
    """Counts in both, only in the mapped source, only in the target, and the fields that differ with
    examples; every value escaped (wrap it with ``page()`` for a file)."""
    fields = [
        (f, "; ".join(f"{x['key']}: {x['source']!r} vs {x['target']!r}" for x in f.examples[:3])) for f in rec.fields
    ]
    return render("reconcile.html.j2", rec=rec, fields=fields)

"""Rendering: every output a person reads, made from results (profiles, mappings, reconciliations)
and never computed from data here. One module per output (``profile``, ``charts``, ``signoff``,
``reconcile``, ``table``, ``notebooks``), HTML from the Jinja2 templates in ``templates/`` with every value
escaped (``html``); what is masked when a report is shared is decided in ``kit.redact``.

>>> from kit.render import page
>>> page("t", "<p>x</p>").startswith("<!DOCTYPE html>")
True
"""

from kit.render.html import page, render
from kit.render.notebooks import NOTEBOOK_ORDER, render_notebooks, self_contained, title_cell
from kit.render.profile import SideBySide, profile_html, profile_page, side_by_side, summary_text
from kit.render.table import Table, table_html

__all__ = [
    "NOTEBOOK_ORDER",
    "SideBySide",
    "Table",
    "page",
    "profile_html",
    "profile_page",
    "render",
    "render_notebooks",
    "self_contained",
    "side_by_side",
    "summary_text",
    "table_html",
    "title_cell",
]

"""A polars frame as an HTML table that fits a notebook's output area: long values wrap in their cell
instead of being cut, a wide frame scrolls inside its own box, every value escaped."""

from __future__ import annotations

import polars as pl
from markupsafe import Markup

from kit.render.html import render

# Selectors strong enough to win over JupyterLab's (`:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td`
# right-aligns and pads every cell of an HTML output).
CSS = """
.kit-table{max-width:100%;overflow-x:auto;font-family:system-ui,-apple-system,Segoe UI,sans-serif;font-size:12px}
.kit-table table{border-collapse:collapse;margin:4px 0}
div.kit-table.kit-table th,div.kit-table.kit-table td{border-bottom:1px solid #e3e3e3;padding:2px 6px;text-align:left;
vertical-align:top;max-width:28em;white-space:break-spaces;overflow-wrap:break-word}
div.kit-table.kit-table .long{min-width:14em}
div.kit-table.kit-table th{background:#f5f5f7;font-weight:600}
.kit-table .null{color:#9a9a9a}
.kit-table .muted{color:#6b6b6b}
"""


LONG = 24  # characters from which a value is text to read rather than a code


def table_html(frame: pl.DataFrame, max_rows: int = 20) -> str:
    """The first ``max_rows`` rows of ``frame`` as an HTML fragment, each value in full (wrapped).

    >>> "&lt;b&gt;" in table_html(pl.DataFrame({"name": ["<b>"]}))
    True
    """
    shown = frame.head(max_rows)
    rows = list(shown.iter_rows())
    # A column of sentences gets room to read as lines, not a word a line, when the table is wide.
    long = ["long" if any(v is not None and len(str(v)) > LONG for v in col) else "" for col in shown.iter_columns()]
    cells = [
        [("null", f"null {long[i]}".strip()) if v is None else (str(v), long[i]) for i, v in enumerate(row)]
        for row in rows
    ]
    return render(
        "table.html.j2",
        css=Markup(CSS),
        header=list(zip(frame.columns, map(str, frame.dtypes), long, strict=True)),
        rows=cells,
        total=frame.height,
    )


class Table:
    """Notebook display of a frame that fits the output area: ``Table(frame, max_rows=10)``."""

    def __init__(self, frame: pl.DataFrame, max_rows: int = 20) -> None:
        self.frame, self.max_rows = frame, max_rows

    def _repr_html_(self) -> str:
        return table_html(self.frame, self.max_rows)

"""HTML from Jinja2 templates (``kit/render/templates``), every value escaped.

Values are escaped with ``html.escape`` (quotes as ``&quot;`` and ``&#x27;``), the same escaping the kit
always wrote, so a report rendered from a template is byte-identical to the one written before. Only
values wrapped in ``Markup`` (an SVG or an HTML fragment the kit built) pass as they are.
"""

from __future__ import annotations

import html
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup


def _escaped(value: Any) -> Any:
    if isinstance(value, Markup) or value is None:
        return value
    return Markup(html.escape(str(value), quote=True))


@cache
def environment() -> Environment:
    """The one Jinja2 environment of the kit: autoescaping, strict about missing names."""
    env = Environment(
        loader=PackageLoader("kit.render", "templates"),
        autoescape=True,
        finalize=_escaped,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = lambda n: f"{n:,}"
    return env


def render(template: str, **values: Any) -> str:
    """A template of ``kit/render/templates`` filled with ``values``.

    >>> render("page.html.j2", title="<b>", body=Markup("<p>ok</p>"))[-61:]
    '<title>&lt;b&gt;</title></head><body><p>ok</p></body></html>\\n'
    """
    return environment().get_template(template).render(**values)


def page(title: str, body: str) -> str:
    """A complete, self-contained HTML document (no external scripts, styles or fonts) around ``body``,
    an HTML fragment the kit rendered."""
    return render("page.html.j2", title=title, body=Markup(body))

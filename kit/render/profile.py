"""A profile as HTML (a Jinja2 template, charts embedded) and as text, with personal data maskable.

Rendering only: every number comes from a ``Profile``; nothing is computed from data here.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup

from kit.profiling.model import SEVERITY_ORDER, Profile
from kit.redact import Redactor
from kit.render.charts import charts
from kit.render.html import page, render

SEVERITY_COLOUR = {"error": "#b3261e", "warning": "#b26a00", "info": "#44617b"}

CSS = """
.kit-profile{font-family:system-ui,-apple-system,Segoe UI,sans-serif;font-size:13px;color:#1d1d1f;max-width:1400px;
overflow-x:auto;overflow-wrap:anywhere}
.kit-profile h3{margin:4px 0 8px;font-size:16px}
.kit-profile code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;background:#f3f3f3;padding:0 2px;
white-space:break-spaces}
.kit-profile .bar{display:inline-block;width:60px;height:9px;background:#e6e6e6;vertical-align:middle}
.kit-profile .bar span{display:block;height:9px;background:#2f7d4f}
.kit-profile .sev{display:inline-block;color:#fff;border-radius:3px;padding:0 4px;margin:1px 3px 1px 0;font-size:11px;
line-height:16px;white-space:nowrap;overflow:visible}
.kit-profile .charts{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
.kit-profile .charts img{max-width:100%;height:auto}
.kit-profile .muted{color:#6b6b6b}
.kit-profile details.kit-col{border-bottom:1px solid #e3e3e3;padding:3px 0}
.kit-profile details.kit-col summary{cursor:pointer;line-height:20px}
.kit-profile .kit-col-body{padding:2px 0 4px 18px}
.kit-profile .kit-col-body>div{margin:2px 0}
.kit-profile .kit-findings,.kit-profile .kit-columns{margin:8px 0}
.kit-profile .kit-findings .kit-finding{margin:4px 0 6px}
.kit-side{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
.kit-side>div{flex:1 1 560px;min-width:0;max-width:100%}
"""


def summary_text(profile: Profile, max_alerts: int = 20, redact: bool | Iterable[str] = False) -> str:
    """The plain-text summary of a profile, with personal values shown as shapes when ``redact``."""
    profile = profile.redacted(Redactor.of(redact, profile))
    lines = [
        f"profile of {profile.source}: {profile.rows:,} rows, {len(profile.columns)} columns, "
        f"{len(profile.alerts)} alerts"
    ]
    for a in sorted(profile.alerts, key=lambda a: (SEVERITY_ORDER[a.severity], a.column or ""))[:max_alerts]:
        where = f"{a.column}: " if a.column else ""
        ex = f" e.g. {a.examples[:2]!r}" if a.examples else ""
        lines.append(f"  [{a.severity}] {a.code} {where}{a.message}{ex}")
    if len(profile.alerts) > max_alerts:
        lines.append(f"  ... {len(profile.alerts) - max_alerts} more alerts (see the JSON)")
    lines += [f"  not exact: {figure}: {why}" for figure, why in profile.approximate.items()]
    return "\n".join(lines)


def profile_html(profile: Profile, redact: bool | Iterable[str] = False, with_charts: bool = True) -> str:
    """One profile as a self-contained HTML fragment (``profile_page`` makes a file of it).

    >>> from kit.profiling import profile
    >>> import polars as pl
    >>> "&lt;script&gt;" in profile_html(profile(pl.DataFrame({"n": ["<script>"] * 3})), with_charts=False)
    True
    """
    redactor = Redactor.of(redact, profile)
    profile = profile.redacted(redactor)
    rows = max(profile.rows, 1)

    by_column: dict[str | None, list] = {}  # the profile's alerts carry their row counts; a column's do not
    for a in sorted(profile.alerts, key=lambda a: SEVERITY_ORDER[a.severity]):
        by_column.setdefault(a.column, []).append((a, a.message, a.examples[:3]))
    columns = [
        {
            "c": c,
            "share": c.present / rows,
            "shapes": [(s.shape, s.count) for s in c.shapes[:3]],
            "top": c.top[:3],
            "badges": [(a, a.message) for a in c.alerts],
            "alerts": by_column.get(c.name, []),
            # A column with a warning or an error is a question to answer: shown first, unfolded.
            "open": any(a.severity != "info" for a in c.alerts),
        }
        for c in profile.columns
    ]
    columns.sort(key=lambda col: not col["open"])
    return render(
        "profile.html.j2",
        css=Markup(CSS),
        profile=profile,
        counts={s: sum(1 for a in profile.alerts if a.severity == s) for s in SEVERITY_COLOUR},
        colour=SEVERITY_COLOUR,
        redact=bool(redactor),
        charts=charts(profile) if with_charts else [],
        columns=columns,
        row_alerts=by_column.get(None, []),
    )


def profile_page(profile: Profile, redact: bool | Iterable[str] = False) -> str:
    """A self-contained HTML page of a profile (values escaped; ``redact`` masks personal data)."""
    return page(f"Profile of {profile.source}", profile_html(profile, redact))


def side_by_side(a: Profile, b: Profile | None, redact: bool | Iterable[str] = False) -> str:
    """Two profiles (system A and system B) next to each other; A alone when there is no B."""
    if b is None:
        return profile_html(a, redact)
    # Each profile carries the stylesheet (the side-by-side rules too): no third copy around them.
    return f'<div class="kit-side"><div>{profile_html(a, redact)}</div><div>{profile_html(b, redact)}</div></div>'


class SideBySide:
    """Notebook display of two profiles next to each other: ``SideBySide(profile_a, profile_b)``."""

    def __init__(self, a: Profile, b: Profile | None, redact: bool | Iterable[str] = False) -> None:
        self.a, self.b, self.redact = a, b, redact

    def _repr_html_(self) -> str:
        return side_by_side(self.a, self.b, self.redact)

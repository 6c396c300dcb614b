"""Charts of a profile as embedded PNG data URIs (matplotlib, Agg backend): completeness, lengths, shapes."""

from __future__ import annotations

import base64
import io

from kit.profiling.model import Profile

DPI = 90
# Points at DPI: 9 pt is 11.25 px in the image, at least 10 px on screen while the image is shown at
# 89% of its width or more (the profile's CSS never scales a chart up and scales it down only to fit).
FONT = 9


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
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
    height = max(2.0, 0.2 * len(cols) + 0.9)
    out = []

    rows = max(profile.rows, 1)
    present = [c.present / rows for c in cols]
    pseudo = [c.pseudo_null_total / rows for c in cols]
    blank = [(c.nulls + c.empty + c.whitespace) / rows for c in cols]
    fig, ax = plt.subplots(figsize=(3.3, height))
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
    ax.set_yticks(list(y), names, fontsize=FONT)
    ax.set_xlim(0, 1)
    ax.tick_params(axis="x", labelsize=FONT)
    ax.legend(fontsize=FONT, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)  # off the bars
    out.append(("Completeness per column", _png(fig)))

    fig, ax = plt.subplots(figsize=(3.3, height))
    for i, c in enumerate(cols[::-1]):
        if c.len_max is None:
            continue
        ax.plot([c.len_min, c.len_max], [i, i], color="#9aa7b3", lw=1)
        ax.plot([c.len_p50], [i], "o", color="#44617b", ms=3)
        ax.plot([c.len_p95], [i], "|", color="#b26a00", ms=7)
    ax.set_yticks(list(y), names, fontsize=FONT)
    ax.set_xscale("symlog")
    ax.tick_params(axis="x", labelsize=FONT)
    ax.set_xlabel("length in characters (min-max, median o, 95th |)", fontsize=FONT)
    out.append(("Value lengths", _png(fig)))

    fig, ax = plt.subplots(figsize=(3.3, height))
    for i, c in enumerate(cols[::-1]):
        left = 0.0
        for k, s in enumerate(c.shapes[:3]):
            share = s.count / max(c.rows - c.nulls, 1)
            ax.barh(i, share, left=left, color=["#44617b", "#7d97ad", "#b7c6d3"][k])
            left += share
    ax.set_yticks(list(y), names, fontsize=FONT)
    ax.set_xlim(0, 1)
    ax.tick_params(axis="x", labelsize=FONT)
    ax.set_xlabel("share of values in the 3 most common shapes", fontsize=FONT)
    out.append(("Shape concentration", _png(fig)))
    return out

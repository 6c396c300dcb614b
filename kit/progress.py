"""Progress for long runs: a bar in a terminal or a notebook, nothing in CI logs or pipes.

``KIT_PROGRESS=0`` turns it off everywhere, ``KIT_PROGRESS=1`` on everywhere.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def enabled() -> bool:
    forced = os.environ.get("KIT_PROGRESS")
    if forced is not None:
        return forced not in ("0", "", "false", "no")
    if os.environ.get("CI"):
        return False
    if "ipykernel" in sys.modules:
        return True
    return sys.stderr.isatty()


def steps(items: Iterable[T], label: str, total: int | None = None) -> Iterator[T]:
    """``items`` unchanged, with a progress bar labelled ``label`` when one is wanted.

    >>> list(steps([1, 2], "demo"))
    [1, 2]
    """
    if not enabled():
        yield from items
        return
    from tqdm.auto import tqdm

    yield from tqdm(items, desc=label, total=total, leave=False, file=sys.stderr)

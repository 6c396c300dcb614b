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
    """Whether to draw progress (a terminal or a notebook, never CI, pipes or rendered reports)."""
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


class Stages:
    """One bar for a run made of a few long stages: ``with Stages("profiling x", 4) as s: s.start("...")``.

    The bar shows which stage is running and how many are done; stages that read a whole file say so
    in their name, so a user watching a 10-million-row scan sees where the time goes. ``expected`` is
    the number of stages known in advance; a run may start more (the bar grows).

    >>> with Stages("demo", 2) as s:
    ...     s.start("one"); s.start("two")
    """

    def __init__(self, label: str, expected: int) -> None:
        self.label, self.expected, self.started, self.bar = label, expected, 0, None

    def __enter__(self) -> Stages:
        if enabled():
            from tqdm.auto import tqdm

            self.bar = tqdm(total=self.expected, desc=self.label, leave=False, file=sys.stderr)
        return self

    def start(self, name: str) -> None:
        """Begin the next stage, named as the bar shows it."""
        self.started += 1
        if self.bar is not None:
            if self.started > 1:
                self.bar.update(1)
            self.bar.total = max(self.bar.total, self.started)
            self.bar.set_description(f"{self.label}: {name}")

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.update(self.bar.total - self.bar.n)
            self.bar.close()

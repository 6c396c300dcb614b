"""Progress for long runs: a bar in a terminal or a notebook, nothing in CI logs or pipes.

``KIT_PROGRESS=0`` turns it off everywhere, ``KIT_PROGRESS=1`` on everywhere.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
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


# Bars are made with disable=False: they are only made when wanted, and a TQDM_DISABLE set by another
# library (ydata-profiling's report sets it for its own bars) must not switch ours off for the session.


def steps(items: Iterable[T], label: str, total: int | None = None) -> Iterator[T]:
    """``items`` unchanged, with a progress bar labelled ``label`` when one is wanted.

    >>> list(steps([1, 2], "demo"))
    [1, 2]
    """
    if not enabled():
        yield from items
        return
    from tqdm.auto import tqdm

    yield from tqdm(items, desc=label, total=total, leave=False, file=sys.stderr, disable=False)


_recorders: list[list[tuple[str, str, float]]] = []


@contextmanager
def recording() -> Iterator[list[tuple[str, str, float]]]:
    """Collect ``(label, stage, seconds)`` of every ``Stages`` stage run inside, for benchmarks.

    >>> with recording() as times:
    ...     with Stages("demo", 1) as s:
    ...         s.start("one")
    >>> [(label, stage) for label, stage, _ in times]
    [('demo', 'one')]
    """
    times: list[tuple[str, str, float]] = []
    _recorders.append(times)
    try:
        yield times
    finally:
        _recorders.remove(times)


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
        self.current: tuple[str, float] | None = None

    def __enter__(self) -> Stages:
        if enabled():
            from tqdm.auto import tqdm

            self.bar = tqdm(total=self.expected, desc=self.label, leave=False, file=sys.stderr, disable=False)
        return self

    def start(self, name: str) -> None:
        """Begin the next stage, named as the bar shows it."""
        self._record()
        self.current = (name, time.perf_counter())
        self.started += 1
        if self.bar is not None:
            if self.started > 1:
                self.bar.update(1)
            self.bar.total = max(self.bar.total, self.started)
            self.bar.set_description(f"{self.label}: {name}")

    def _record(self) -> None:
        if self.current is not None:
            name, began = self.current
            for times in _recorders:
                times.append((self.label, name, time.perf_counter() - began))
        self.current = None

    def __exit__(self, *exc: object) -> None:
        self._record()
        if self.bar is not None:
            self.bar.update(self.bar.total - self.bar.n)
            self.bar.close()

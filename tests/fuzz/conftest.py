"""The fuzzing campaign's budget, its bounds and its figures.

``make test`` runs a short, derandomised budget (the same inputs every time, so CI is not flaky);
``make fuzz`` sets ``KIT_FUZZ=long`` for thousands of random inputs per target and prints, per
target, how many inputs were tried and how many tests failed.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from kit.errors import KitError

LONG = os.environ.get("KIT_FUZZ") == "long"
_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("short", max_examples=15, deadline=None, derandomize=True, suppress_health_check=_HEALTH)
settings.register_profile(
    "long", max_examples=int(os.environ.get("KIT_FUZZ_EXAMPLES", "1000")), deadline=None, suppress_health_check=_HEALTH
)

# A fuzz input gets this long before it counts as a hang (inputs are small; a real load of them takes
# well under a second).
HANG_SECONDS = 30

TRIED: Counter[str] = Counter()
REFUSED: Counter[str] = Counter()
WHY: dict[str, Counter[str]] = {}


def budget(short: int, long: int | None = None):
    """Hypothesis settings for one target: ``short`` examples in ``make test``, more in ``make fuzz``."""
    if LONG:
        # KIT_FUZZ_EXAMPLES, when set, is the budget of every target (a quick or a very long run).
        n = int(os.environ["KIT_FUZZ_EXAMPLES"]) if "KIT_FUZZ_EXAMPLES" in os.environ else long or 1000
        return settings(settings.get_profile("long"), max_examples=n)
    return settings(settings.get_profile("short"), max_examples=short)


class Hang(Exception):
    """An input took longer than the bound: a failure, never a pass."""


@contextlib.contextmanager
def bounded(seconds: float = HANG_SECONDS) -> Iterator[None]:
    """Fail with ``Hang`` when the body runs past ``seconds`` (SIGALRM; the tests run in the main thread)."""

    def alarm(signum: int, frame: Any) -> None:
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def attempt(target: str, fn: Callable[[], Any], seconds: float = HANG_SECONDS) -> Any:
    """Run ``fn`` on one input: its result, or None when the kit refused it with its own one-line error.

    Anything else (a traceback of another type, a hang) propagates and fails the test: that is the
    invariant of the whole campaign.
    """
    TRIED[target] += 1
    try:
        with bounded(seconds):
            return fn()
    except KitError as exc:
        message = str(exc).strip()
        assert message and "Traceback" not in message, message
        REFUSED[target] += 1
        WHY.setdefault(target, Counter())[type(exc).__name__] += 1
        return None


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not TRIED:
        return
    failed = Counter()
    for report in terminalreporter.stats.get("failed", []):
        if "/fuzz/" in report.nodeid.replace("\\", "/"):
            failed[report.nodeid.split("::")[0].rsplit("/", 1)[-1]] += 1
    terminalreporter.section(f"fuzzing figures ({'long' if LONG else 'short'} budget)")
    for target in sorted(TRIED):
        why = ", ".join(f"{k} {v:,}" for k, v in WHY.get(target, Counter()).most_common())
        terminalreporter.write_line(
            f"{target:<28} {TRIED[target]:>7,} inputs tried, {REFUSED[target]:>6,} refused"
            + (f" ({why})" if why else "")
        )
    terminalreporter.write_line(
        f"{'total':<28} {sum(TRIED.values()):>7,} inputs; failed fuzz test files: {dict(failed) or 0}"
    )


@pytest.fixture(scope="session")
def fuzz_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")

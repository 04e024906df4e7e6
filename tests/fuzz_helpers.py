"""Shared by the fuzz tests (tests/test_fuzz_*.py): a hard bound on one example's time.

Hypothesis' ``deadline`` judges an example only once it has returned, so an input that makes the
code loop forever would hang the run; :func:`bounded` interrupts it with :class:`TimeoutError`
instead, which Hypothesis reports (and shrinks) like any other failure. The fuzz tests' own
pytest-timeout uses the thread method so that it does not share SIGALRM with this.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

# Every fuzz test: the marker, and a whole-test bound that ends the run rather than hang it.
FUZZ = [pytest.mark.fuzz, pytest.mark.timeout(300, method="thread")]
EXAMPLE_LIMIT = 10.0  # seconds: far above any example's time (the deadline is 2 s), below a hang's


@contextmanager
def bounded(seconds: float = EXAMPLE_LIMIT) -> Iterator[None]:
    """Raise :class:`TimeoutError` in the block if it runs longer than ``seconds``."""

    def expire(signum, frame):
        raise TimeoutError(f"example still running after {seconds} s (an endless loop?)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

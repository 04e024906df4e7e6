"""Extraction beside the crawl, in worker processes.

Extraction is CPU-bound Python (lxml, trafilatura). In the reactor's thread pool it holds the GIL
the reactor needs, so every page extracted is time the crawl does not fetch; worker processes run
it on the other cores instead. Workers are spawned (never forked from a process whose reactor and
threads are running) and ignore SIGINT/SIGTERM: a graceful stop of the crawl lets them finish the
pages in flight, then shuts them down. A worker that dies (a parser crash, the OOM killer) costs
the pages it held, never the crawl: the pool is rebuilt for the next page.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from twisted.internet.defer import Deferred

from crawler.orphans import exit_with_parent

logger = logging.getLogger(__name__)
T = TypeVar("T")


def default_processes() -> int:
    """One worker per core the reactor does not need, at least one, at most four."""
    return max(1, min(4, (os.cpu_count() or 2) - 1))


def _init_worker(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    exit_with_parent(parent)  # a crawl killed outright must not leave its workers behind
    import archive.extract  # noqa: F401 - warm: the first page should not pay for the imports


def extract_page(body: bytes, url: str, hints, headers: dict):
    """The worker's job (module level, so that it pickles by name)."""
    from archive.extract import extract

    return extract(body, url, hints=hints, headers=headers)


class ExtractionPool:
    """``await pool.extract(...)`` from the reactor thread; ``close()`` when the spider closes."""

    def __init__(self, processes: int):
        self.processes = processes
        self._executor: ProcessPoolExecutor | None = None
        self._retired: list = []  # worker processes of pools given up on, joined by close()

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(os.getpid(),),
            )
        return self._executor

    def start(self) -> None:
        """Spawn the workers now, so that the first article does not wait for them."""
        for _ in range(self.processes):
            self._pool().submit(int)

    def extract(self, body: bytes, url: str, hints, headers: dict) -> Deferred:
        """A Deferred firing with the :class:`~archive.extract.Article` (or the worker's error)."""
        try:
            future = self._pool().submit(extract_page, body, url, hints, headers)
        except BrokenProcessPool:  # a worker died since the last page: start afresh
            self._rebuild(self._executor)
            future = self._pool().submit(extract_page, body, url, hints, headers)
        executor = self._executor
        return _deferred(future, lambda: self._rebuild(executor))

    def _rebuild(self, broken: ProcessPoolExecutor | None) -> None:
        """Replace ``broken`` (once: every page it held reports the same death)."""
        if broken is not None and broken is self._executor:
            logger.warning("an extraction worker died; starting new ones")
            self._retired += _workers(broken)
            broken.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def close(self) -> None:
        """Stop the workers and wait until every one has exited: a crawl that returns leaves no
        extraction process behind (not even for the second its parent watch would take)."""
        if self._executor is not None:
            workers = _workers(self._executor)
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
            self._retired += workers
        for worker in self._retired:
            worker.join(timeout=10)
            if worker.is_alive():  # a worker stuck in a parser: it holds no page worth waiting for
                worker.kill()
                worker.join(timeout=5)
        self._retired = []


def _workers(executor: ProcessPoolExecutor) -> list:
    """The executor's worker processes (``_processes``: its pid -> Process map, None once shut down)."""
    return list((getattr(executor, "_processes", None) or {}).values())


def _deferred(future: Future[T], on_broken) -> Deferred[T]:
    """The future's outcome delivered on the reactor thread."""
    from twisted.internet import reactor

    result: Deferred[T] = Deferred()

    def done(finished: Future) -> None:
        error = finished.exception() if not finished.cancelled() else BrokenProcessPool("cancelled")
        if isinstance(error, BrokenProcessPool):
            reactor.callFromThread(on_broken)
        if error is None:
            reactor.callFromThread(result.callback, finished.result())
        else:
            reactor.callFromThread(result.errback, error)

    future.add_done_callback(done)
    return result

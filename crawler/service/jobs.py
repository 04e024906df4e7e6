"""The scheduled job: one crawl of one seed, recorded in the crawl history.

The job store keeps ``crawler.service.jobs:run_seed`` by import path; moving or renaming it would
make APScheduler drop every stored job on load. Its only argument is the seed's name: the seed file,
the data directory and the running crawls come from the service that is running (``bind``), so a
seed file edited since the job was stored is read afresh at every run.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from crawler.crawls import log_path, new_crawl_id
from crawler.seed import Seed, SeedError, load_seed

from .children import CrawlStartError, ServiceStopping, crawl_command
from .outcome import read_report, summarize

logger = logging.getLogger(__name__)

FAILURE_ALERT = 3  # this many failures in a row are reported as an error, and shown by `arsip jobs`

_service = None
_active: set[str] = set()  # seeds crawling now: a run-now never overlaps the scheduled run
_active_lock = threading.Lock()


def bind(service) -> None:
    """Make ``service`` (``data``, ``store``, ``runner``, ``seed_path()``) the one jobs run in."""
    global _service
    _service = service


def is_running(seed_name: str) -> bool:
    with _active_lock:
        return seed_name in _active


def run_seed(seed_name: str, trigger: str = "schedule") -> None:
    """Run one crawl of ``seed_name`` in a subprocess and record it (stable path: never move)."""
    service = _service
    if service is None:
        logger.error("seed=%s job ran outside the scheduler service; ignored", seed_name)
        return
    path = service.seed_path(seed_name)
    if path is None:
        logger.error("seed=%s has no seed file any more; not run", seed_name)
        return
    try:
        seed = load_seed(path)
    except SeedError as exc:
        logger.error("seed=%s not run: malformed seed file: %s", seed_name, exc)
        return
    with _active_lock:
        if seed_name in _active:
            logger.warning(
                "seed=%s is still crawling: %s run skipped (runs never overlap)", seed_name, trigger
            )
            return
        _active.add(seed_name)
    try:
        crawl(service, seed, trigger)
    except ServiceStopping:
        logger.info("seed=%s not started: the scheduler is stopping", seed_name)
    finally:
        with _active_lock:
            _active.discard(seed_name)


def crawl(service, seed: Seed, trigger: str) -> None:
    """Start the crawl process, wait for it within the seed's time limit, record the outcome."""
    crawl_id = new_crawl_id()
    # run_seed() loads the seed from its file, so it always knows its path
    assert seed.path is not None, f"seed {seed.name!r} has no file"
    argv = crawl_command(seed.path, service.data, crawl_id)
    log = log_path(Path(service.data) / seed.name, crawl_id)
    started = time.monotonic()
    try:
        with service.runner.launch(argv, log) as proc:
            run_id = service.store.begin_run(seed.name, crawl_id, trigger, proc.pid, str(log))
            logger.info(
                "seed=%s crawl_id=%s pid=%d trigger=%s started", seed.name, crawl_id, proc.pid, trigger
            )
            status, timed_out = service.runner.wait(proc, seed.schedule.time_limit)
            summary = summarize(status, timed_out, read_report(service.data, seed.name, crawl_id))
            duration = round(time.monotonic() - started, 3)
            service.store.finish_run(run_id, exit_status=status, duration=duration, **summary)
    except CrawlStartError as exc:
        logger.error("seed=%s crawl_id=%s could not start: %s", seed.name, crawl_id, exc)
        status, duration, summary = None, 0.0, summarize(1, False, None)
        run_id = service.store.begin_run(seed.name, crawl_id, trigger, None, str(log))
        service.store.finish_run(run_id, duration=duration, **summary)
    log_outcome(service.store, seed.name, crawl_id, status, duration, summary)


def log_outcome(store, seed_name: str, crawl_id: str, status, duration: float, summary: dict) -> None:
    """One structured line per run, and a prominent one when failures pile up."""
    outcome = summary["outcome"]
    level = logging.WARNING if outcome in ("failed", "timeout", "killed") else logging.INFO
    logger.log(
        level,
        "seed=%s crawl_id=%s outcome=%s exit=%s duration=%.1fs pages=%s bytes=%s errors=%s",
        seed_name,
        crawl_id,
        outcome,
        status,
        duration,
        summary["pages"],
        summary["bytes"],
        summary["errors"],
    )
    streak = store.failure_streak(seed_name)
    if streak >= FAILURE_ALERT:
        logger.error(
            "seed=%s REPEATED FAILURE: %d crawls in a row failed (last crawl_id=%s outcome=%s)",
            seed_name,
            streak,
            crawl_id,
            outcome,
        )

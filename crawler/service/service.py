"""The scheduler service: APScheduler 3's ``BlockingScheduler`` over a persistent SQLite job store.

Seed jobs live in ``<data>/scheduler.sqlite`` (SQLAlchemy job store) so a restart keeps their next
run times. A housekeeping job in a memory store runs every second on its own thread: it re-syncs the
seed files when they change (or on SIGHUP) and applies the CLI's control requests. SIGTERM/SIGINT
stop new runs, forward SIGTERM to running crawls, wait for them to close their WARCs (up to
``stop_timeout``, then SIGKILL) and return 0.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from datetime import UTC, datetime
from pathlib import Path

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_SCHEDULER_STARTED,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler

from . import jobs
from .children import KILL_GRACE, Runner, stop_orphan
from .lock import ServiceLock
from .outcome import read_report, summarize
from .store import Store, jobstore_url
from .syncer import JOB_FUNC, Syncer

logger = logging.getLogger(__name__)

MAX_PARALLEL = 8  # crawls running at once across seeds (each is one waiting thread and one process)
STOP_TIMEOUT = 60.0  # seconds running crawls get to close their WARCs when the service stops
INTERNAL = "internal"  # memory job store and one-thread executor for housekeeping and run-now jobs


class Service:
    """One scheduler process for one data directory."""

    def __init__(
        self,
        data: str | Path,
        seeds: str | Path,
        stop_timeout: float = STOP_TIMEOUT,
        max_parallel: int = MAX_PARALLEL,
    ):
        self.data, self.seeds_dir, self.stop_timeout = Path(data), Path(seeds), stop_timeout
        self.lock = ServiceLock(self.data)
        self.store: Store | None = None
        self.runner = Runner(KILL_GRACE)
        self.scheduler = BlockingScheduler(
            jobstores={
                "default": SQLAlchemyJobStore(url=jobstore_url(self.data)),
                INTERNAL: MemoryJobStore(),
            },
            executors={"default": ThreadPoolExecutor(max_parallel), INTERNAL: ThreadPoolExecutor(1)},
            job_defaults={"coalesce": True, "max_instances": 1},
            timezone=UTC,
        )
        self.syncer = Syncer(self.scheduler, self.seeds_dir)
        self._hup = threading.Event()
        self._stopping = False

    def seed_path(self, name: str) -> Path | None:
        """The file of seed ``name`` as of the last sync (used by the job function)."""
        return self.syncer.paths.get(name)

    def run(self) -> int:
        """Hold the data directory, run jobs until SIGTERM/SIGINT, stop cleanly; returns 0."""
        self.lock.acquire()
        # The housekeeping job runs every second: its "Running job" lines would drown the log.
        logging.getLogger(f"apscheduler.executors.{INTERNAL}").setLevel(logging.WARNING)
        try:
            self.store = Store(self.data)
            jobs.bind(self)
            self.recover()
            self._install_signals()
            self.scheduler.add_listener(self._on_started, EVENT_SCHEDULER_STARTED)
            self.scheduler.add_listener(
                self._on_job_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES
            )
            self.scheduler.add_job(
                self._housekeeping,
                "interval",
                seconds=1,
                id="housekeeping",
                jobstore=INTERNAL,
                executor=INTERNAL,
                misfire_grace_time=None,
            )
            logger.info("scheduler starting: data=%s seeds=%s", self.data, self.seeds_dir)
            self.scheduler.start()  # blocks until a signal shuts it down
            self.runner.stop_all(self.stop_timeout)
            logger.info("scheduler stopped cleanly")
            return 0
        finally:
            jobs.bind(None)
            self.lock.release()

    def recover(self) -> None:
        """Close the history rows of crawls a killed scheduler left behind, stopping any still running.

        An orphaned crawl gets SIGTERM (it closes its WARCs and stays resumable); the seed's next run
        resumes it, so two crawls of one collection never write at the same time.
        """
        store = self.store
        assert store is not None, "run() opens the store before recovering"
        for run in store.unfinished():
            if run.pid:
                stop_orphan(run.pid, run.crawl_id, self.stop_timeout)
            summary = summarize(None, False, read_report(self.data, run.seed, run.crawl_id))
            store.finish_run(run.id, **summary)
            logger.warning(
                "seed=%s crawl_id=%s outcome=%s: left unfinished by a scheduler that was killed",
                run.seed,
                run.crawl_id,
                summary["outcome"],
            )

    def _install_signals(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._on_stop_signal)
        signal.signal(signal.SIGHUP, lambda signum, frame: self._hup.set())

    def _on_stop_signal(self, signum, frame) -> None:
        if self._stopping:
            return
        self._stopping = True
        logger.info("%s received: no new runs; stopping running crawls", signal.Signals(signum).name)
        # Shutting down takes the scheduler's locks: do it off the signal handler's stack.
        threading.Thread(target=self._shutdown, name="arsip-stop").start()

    def _shutdown(self) -> None:
        self.runner.refuse_new()
        self.scheduler.shutdown(wait=False)

    def _on_started(self, event) -> None:
        self.syncer.sync()
        logger.info(
            "scheduler running: %d seeds scheduled, pid %d",
            len(self.scheduler.get_jobs("default")),
            os.getpid(),
        )
        self._apply_requests()

    def _housekeeping(self) -> None:
        if self._stopping:
            return
        if self._hup.is_set():
            self._hup.clear()
            logger.info("SIGHUP received: re-reading seed files")
            self.syncer.sync()
        else:
            self.syncer.check()
        self._apply_requests()

    def _apply_requests(self) -> None:
        store = self.store
        assert store is not None, "run() opens the store before the scheduler starts"
        for request in store.pending_requests():
            result = self._apply(request.seed, request.action)
            store.complete_request(request.id, result)
            logger.info("seed=%s control=%s: %s", request.seed, request.action, result)

    def _apply(self, seed: str, action: str) -> str:
        job = self.scheduler.get_job(seed, jobstore="default")
        if job is None:
            return f"error: no scheduled seed named {seed!r}"
        if action == "pause":
            self.scheduler.pause_job(seed, jobstore="default")
            return "paused"
        if action == "resume":
            job = self.scheduler.resume_job(seed, jobstore="default")
            return f"resumed; next run {job.next_run_time.isoformat(timespec='seconds')}"
        if action == "run-now":
            if jobs.is_running(seed):
                return f"error: {seed} is crawling right now; runs never overlap"
            # A one-off job leaves the seed's own schedule (and its paused state) untouched.
            self.scheduler.add_job(
                JOB_FUNC,
                "date",
                run_date=datetime.now(UTC),
                args=[seed, "run-now"],
                id=f"run-now:{seed}",
                name=f"{seed} run-now",
                jobstore=INTERNAL,
                replace_existing=True,
                misfire_grace_time=None,
            )
            return "started"
        return f"error: unknown action {action!r}"

    def _on_job_event(self, event) -> None:
        seed = event.job_id
        if event.code == EVENT_JOB_ERROR:
            logger.error(
                "seed=%s job failed inside the scheduler: %r\n%s", seed, event.exception, event.traceback
            )
        elif event.code == EVENT_JOB_MISSED:
            logger.warning(
                "seed=%s run due %s missed: later than its misfire grace time", seed, event.scheduled_run_time
            )
        elif event.code == EVENT_JOB_MAX_INSTANCES:
            logger.warning(
                "seed=%s run due %s skipped: the previous crawl is still running",
                seed,
                event.scheduled_run_times,
            )

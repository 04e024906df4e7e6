"""Crawl processes: one ``arsip crawl`` subprocess per run, because Scrapy's reactor cannot restart.

Each crawl starts in its own session (``start_new_session=True``) so a Ctrl-C in the scheduler's
terminal does not reach it and the whole process group can be signalled at once. Stopping is always
SIGTERM first (the crawl closes its WARCs and exits 3, resumable), then SIGKILL after a grace period.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

logger = logging.getLogger(__name__)

KILL_GRACE = 30.0  # seconds a crawl gets after SIGTERM to close its WARCs before SIGKILL


class ServiceStopping(Exception):
    """The service is shutting down and starts no new crawl."""


class CrawlStartError(Exception):
    """The crawl process could not be started (its log file or the interpreter failed)."""


def crawl_command(seed_path: str | Path, data: str | Path, crawl_id: str) -> list[str]:
    """The command line of one crawl; the same interpreter runs it, so the same install is used."""
    return [
        sys.executable,
        "-m",
        "crawler.cli",
        "crawl",
        str(seed_path),
        "--data",
        str(data),
        "--crawl-id",
        crawl_id,
    ]


def signal_group(pgid: int, signum: int) -> bool:
    """Send ``signum`` to a crawl's process group; False when the group is gone."""
    try:
        os.killpg(pgid, signum)
        return True
    except ProcessLookupError:
        return False


class Runner:
    """Starts crawl processes, remembers the running ones, and stops them all on shutdown."""

    def __init__(self, kill_grace: float = KILL_GRACE):
        self.kill_grace = kill_grace
        self.stopping = False
        self._cond = threading.Condition()
        self._procs: dict[int, subprocess.Popen] = {}

    @property
    def running(self) -> int:
        with self._cond:
            return len(self._procs)

    @contextmanager
    def launch(self, argv: list[str], log_path: Path):
        """Start ``argv`` with output to ``log_path``; the run counts as active until the block ends."""
        with self._cond:
            if self.stopping:
                raise ServiceStopping
            try:
                log_path.parent.mkdir(parents=True, exist_ok=True)
                log = open(log_path, "ab")  # noqa: SIM115 - closed in the finally below
            except OSError as exc:
                raise CrawlStartError(f"cannot write {log_path}: {exc.strerror}") from None
            try:
                proc = subprocess.Popen(
                    argv,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            except OSError as exc:
                log.close()
                raise CrawlStartError(f"cannot start {argv[0]}: {exc.strerror}") from None
            self._procs[proc.pid] = proc
        try:
            yield proc
        finally:
            log.close()
            if proc.poll() is None:
                self.terminate(proc, 0)
            with self._cond:
                del self._procs[proc.pid]
                self._cond.notify_all()

    def wait(self, proc: subprocess.Popen, time_limit: float) -> tuple[int, bool]:
        """Wait for a crawl up to its time limit, then stop it; returns (exit status, timed out)."""
        try:
            return proc.wait(timeout=time_limit), False
        except subprocess.TimeoutExpired:
            logger.warning("pid=%d exceeded its time limit of %ss: stopping it", proc.pid, time_limit)
            return self.terminate(proc, self.kill_grace), True

    def terminate(self, proc: subprocess.Popen, grace: float) -> int:
        """SIGTERM the crawl's group, SIGKILL it after ``grace`` seconds, and reap it."""
        signal_group(proc.pid, signal.SIGTERM)
        try:
            return proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            logger.warning("pid=%d still running %ss after SIGTERM: killing it", proc.pid, grace)
            signal_group(proc.pid, signal.SIGKILL)
            return proc.wait()

    def refuse_new(self) -> None:
        """From now on :meth:`launch` raises :class:`ServiceStopping`."""
        with self._cond:
            self.stopping = True

    def stop_all(self, timeout: float) -> None:
        """Start no more crawls, forward SIGTERM to running ones, SIGKILL what is left after ``timeout``."""
        with self._cond:
            self.stopping = True
            pids = list(self._procs)
        for pid in pids:
            logger.info("forwarding SIGTERM to crawl pid=%d", pid)
            signal_group(pid, signal.SIGTERM)
        with self._cond:
            if self._cond.wait_for(lambda: not self._procs, timeout):
                return
            pids = list(self._procs)
        for pid in pids:
            logger.warning("crawl pid=%d did not stop within %ss: killing it", pid, timeout)
            signal_group(pid, signal.SIGKILL)
        with self._cond:
            self._cond.wait_for(lambda: not self._procs, 10)


def stop_orphan(pid: int, crawl_id: str, grace: float) -> bool:
    """Stop a crawl left running by a scheduler that was killed; False when it is already gone.

    The pid is only trusted if its command line still names the crawl id (pids are reused).
    """
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    if crawl_id.encode() not in cmdline:
        return False
    logger.warning("crawl_id=%s pid=%d outlived the previous scheduler: stopping it", crawl_id, pid)
    signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while _alive(pid):
        if time.monotonic() > deadline:
            signal_group(pid, signal.SIGKILL)
            break
        time.sleep(0.2)  # not our child: nothing to wait() on, so poll
    return True


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"

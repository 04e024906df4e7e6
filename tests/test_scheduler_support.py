"""Helpers for the scheduler's subprocess tests (no tests here): the CLI in process, the service.

Seed files come from ``crawl_helpers.write_seed``; the ``service`` fixture (conftest) starts
:class:`ServiceProcess` instances and kills them when the test ends.
"""

from __future__ import annotations

import fcntl
import io
import json
import signal
import subprocess
import sys
import time
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from itertools import count
from pathlib import Path

import pytest

from crawler.cli import main
from crawler.service.lock import running_pid

REPO = Path(__file__).resolve().parents[1]
_logs = count()


def arsip(*argv) -> list[str]:
    """Run an ``arsip`` CLI command in this process; its stdout lines, or SystemExit with its error."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main([str(arg) for arg in argv])
    if status:
        raise SystemExit(err.getvalue())
    return out.getvalue().splitlines()


def wait_for(predicate, svc, what: str, timeout: float = 45.0):
    """Poll ``predicate`` until it is true; fail with the service's log if it never gets there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if svc.proc.poll() is not None:
            pytest.fail(f"scheduler exited ({svc.proc.returncode}) waiting for {what}:\n{svc.log()}")
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}:\n{svc.log()}")


@contextmanager
def collection_locked(data: Path, name: str):
    """Hold a collection's crawl lock: each crawl of it then fails at once ("another crawl ... is running")."""
    (data / name).mkdir(parents=True, exist_ok=True)
    with open(data / name / ".crawl.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        yield


class ServiceProcess:
    """``python scheduler.py`` on ``<root>/data`` and ``<root>/seeds``, its output in a log file."""

    def __init__(self, root: Path, stop_timeout: float = 30):
        self.repo, self.data, self.seeds = REPO, root / "data", root / "seeds"
        self.stop_timeout = stop_timeout
        self.log_path = root / f"service-{next(_logs)}.log"

    def start(self) -> ServiceProcess:
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in kill()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "scheduler.py",
                "--data",
                str(self.data),
                "--seeds",
                str(self.seeds),
                "--stop-timeout",
                str(self.stop_timeout),
            ],
            cwd=REPO,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: "scheduler running:" in self.log(), self, "the scheduler to start")
        assert running_pid(self.data) == self.proc.pid
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def jobs(self) -> dict[str, dict]:
        try:
            return {job["seed"]: job for job in map(json.loads, arsip("jobs", "--data", self.data, "--json"))}
        except SystemExit:
            return {}

    def stop(self, signum=signal.SIGTERM, timeout: float = 90) -> int:
        self.proc.send_signal(signum)
        return self.proc.wait(timeout=timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._log.close()

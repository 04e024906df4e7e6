"""The CLI's side of the scheduler: read jobs and history, queue requests for the running service.

The CLI never writes the job store itself (one job store, one scheduler): ``run-now``, ``pause`` and
``resume`` become rows of the ``control`` table, which the service applies within a second. Jobs are
read straight from the table rows rather than through APScheduler's job store, whose loader deletes
any job it cannot restore: a reader must never change what it reads.
"""

from __future__ import annotations

import pickle
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from archive.errors import ArsipError

from .jobs import FAILURE_ALERT
from .lock import running_pid
from .store import JOBS_TABLE, Run, Store, db_path

ACTIONS = ("run-now", "pause", "resume")


@dataclass
class JobInfo:
    """What ``arsip jobs`` shows for one seed."""

    seed: str
    schedule: str
    next_run: datetime | None  # None: paused
    last: Run | None
    failures: int  # failed runs in a row

    @property
    def paused(self) -> bool:
        return self.next_run is None

    @property
    def failing(self) -> bool:
        return self.failures >= FAILURE_ALERT


def read_jobs(data: str | Path) -> list[JobInfo]:
    """Every scheduled seed of ``data``, ordered by name."""
    path = db_path(data)
    if not path.exists():
        raise ArsipError(
            f"no scheduler has run on {data} yet (no {path.name}); start one with "
            f"`arsip schedule --data {data}`"
        )
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)) as db:
        try:
            rows = db.execute(f"SELECT id, job_state FROM {JOBS_TABLE} ORDER BY id").fetchall()
        except sqlite3.OperationalError:
            rows = []  # the service has not created its job table yet
    store = Store(data, create=False)
    infos = []
    for seed, blob in rows:
        state = _job_state(blob)
        schedule = str(state.get("name", "?")).removeprefix(
            f"{seed} "
        )  # the job's name is "<seed> <schedule>"
        infos.append(
            JobInfo(
                seed=seed,
                schedule=schedule,
                next_run=state.get("next_run_time"),
                last=store.last_run(seed),
                failures=store.failure_streak(seed),
            )
        )
    return infos


def _job_state(blob: bytes) -> dict:
    try:
        state = pickle.loads(blob)  # our own job store, written by our own scheduler
    except Exception:  # noqa: BLE001 - an unreadable job is shown as such, never fatal to the listing
        return {"name": "<unreadable job>"}
    return state if isinstance(state, dict) else {}


def request(data: str | Path, seed: str, action: str, wait: float = 10.0) -> str:
    """Queue ``action`` for ``seed`` and wait for the running service to apply it; returns its answer."""
    known = [job.seed for job in read_jobs(data)]
    if seed not in known:
        raise ArsipError(
            f"no scheduled seed named {seed!r} in {data} (scheduled: {', '.join(known) or 'none'})"
        )
    store = Store(data)
    request_id = store.add_request(seed, action)
    pid = running_pid(data)
    if pid is None:
        return f"queued: no scheduler is running on {data}; it will apply this when it starts"
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        done = store.request(request_id)
        if done and done.done:
            assert done.result is not None, "complete_request() writes done and result together"
            if done.result.startswith("error: "):
                raise ArsipError(done.result.removeprefix("error: "))
            return done.result
        time.sleep(0.1)  # the service polls its control table every second
    return f"queued: the scheduler (pid {pid}) has not applied it yet"

"""The scheduler's SQLite file: crawl history and control requests beside APScheduler's job table.

One file, ``<data>/scheduler.sqlite``, holds three tables: ``apscheduler_jobs`` (APScheduler's
SQLAlchemy job store), ``crawl_history`` (one row per crawl process) and ``control`` (requests from
the CLI that the running service applies). Every call opens its own short connection, so job threads,
the service and CLI processes can share the file; WAL mode lets readers run beside the writer.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing, contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

DB_NAME = "scheduler.sqlite"
LOCK_NAME = "scheduler.lock"
JOBS_TABLE = "apscheduler_jobs"
# Outcomes that count towards "N failures in a row"; "interrupted" (a stop) neither counts nor resets.
FAILURES = ("failed", "timeout", "killed")

SCHEMA = """
CREATE TABLE IF NOT EXISTS crawl_history (
    id INTEGER PRIMARY KEY, seed TEXT NOT NULL, crawl_id TEXT NOT NULL, trigger TEXT,
    started TEXT NOT NULL, finished TEXT, exit_status INTEGER, outcome TEXT, duration REAL,
    pages INTEGER, bytes INTEGER, errors INTEGER, pid INTEGER, log TEXT);
CREATE INDEX IF NOT EXISTS crawl_history_seed ON crawl_history (seed, id);
CREATE TABLE IF NOT EXISTS control (
    id INTEGER PRIMARY KEY, seed TEXT NOT NULL, action TEXT NOT NULL, requested TEXT NOT NULL,
    done TEXT, result TEXT);
"""


def utcnow() -> str:
    """The current time as the ISO 8601 UTC text stored in every table."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def db_path(data: str | Path) -> Path:
    return Path(data) / DB_NAME


def jobstore_url(data: str | Path) -> str:
    """The SQLAlchemy URL of the job store (same file as the history)."""
    return f"sqlite:///{db_path(data).resolve()}"


@dataclass
class Run:
    """One row of ``crawl_history``: a crawl process the scheduler started."""

    id: int
    seed: str
    crawl_id: str
    trigger: str | None
    started: str
    finished: str | None
    exit_status: int | None
    outcome: str | None
    duration: float | None
    pages: int | None
    bytes: int | None
    errors: int | None
    pid: int | None
    log: str | None


@dataclass
class Request:
    """One row of ``control``: ``run-now``, ``pause`` or ``resume`` for a seed."""

    id: int
    seed: str
    action: str
    requested: str
    done: str | None
    result: str | None


class Store:
    """Crawl history and control requests in ``<data>/scheduler.sqlite``."""

    def __init__(self, data: str | Path, create: bool = True):
        self.path = db_path(data)
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._db() as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(SCHEMA)

    @property
    def exists(self) -> bool:
        return self.path.exists()

    @contextmanager
    def _db(self):
        with closing(sqlite3.connect(self.path, timeout=30)) as db:
            db.row_factory = sqlite3.Row
            with db:
                yield db

    def begin_run(self, seed: str, crawl_id: str, trigger: str, pid: int, log: str) -> int:
        """Record a crawl process that has just started; returns the row id."""
        with self._db() as db:
            cur = db.execute(
                "INSERT INTO crawl_history (seed, crawl_id, trigger, started, pid, log) VALUES (?,?,?,?,?,?)",
                (seed, crawl_id, trigger, utcnow(), pid, log),
            )
            return cur.lastrowid

    def finish_run(self, run_id: int, **values) -> None:
        """Fill in the end of a run: ``exit_status, outcome, duration, pages, bytes, errors``."""
        values.setdefault("finished", utcnow())
        names = ", ".join(f"{key} = ?" for key in values)
        with self._db() as db:
            db.execute(f"UPDATE crawl_history SET {names} WHERE id = ?", (*values.values(), run_id))

    def unfinished(self) -> list[Run]:
        """Runs with no end time: crawls a killed scheduler left behind."""
        return self._runs("WHERE finished IS NULL ORDER BY id", ())

    def history(self, seed: str | None = None, limit: int = 50) -> list[Run]:
        """The latest runs, newest first, of one seed or of all."""
        where, args = ("WHERE seed = ?", (seed,)) if seed else ("", ())
        return self._runs(f"{where} ORDER BY id DESC LIMIT ?", (*args, limit))

    def last_run(self, seed: str) -> Run | None:
        runs = self.history(seed, limit=1)
        return runs[0] if runs else None

    def failure_streak(self, seed: str) -> int:
        """How many of the seed's latest finished runs failed in a row."""
        streak = 0
        for run in self._runs("WHERE seed = ? AND finished IS NOT NULL ORDER BY id DESC LIMIT 100", (seed,)):
            if run.outcome in FAILURES:
                streak += 1
            elif run.outcome != "interrupted":
                break
        return streak

    def _runs(self, tail: str, args: tuple) -> list[Run]:
        if not self.exists:
            return []
        names = ", ".join(f.name for f in fields(Run))
        with self._db() as db:
            return [Run(*row) for row in db.execute(f"SELECT {names} FROM crawl_history {tail}", args)]

    def add_request(self, seed: str, action: str) -> int:
        """Queue a control request for the running service."""
        with self._db() as db:
            cur = db.execute(
                "INSERT INTO control (seed, action, requested) VALUES (?,?,?)", (seed, action, utcnow())
            )
            return cur.lastrowid

    def pending_requests(self) -> list[Request]:
        return self._requests("WHERE done IS NULL ORDER BY id", ())

    def request(self, request_id: int) -> Request | None:
        found = self._requests("WHERE id = ?", (request_id,))
        return found[0] if found else None

    def complete_request(self, request_id: int, result: str) -> None:
        with self._db() as db:
            db.execute("UPDATE control SET done = ?, result = ? WHERE id = ?", (utcnow(), result, request_id))

    def _requests(self, tail: str, args: tuple) -> list[Request]:
        with self._db() as db:
            return [
                Request(*row)
                for row in db.execute(
                    f"SELECT id, seed, action, requested, done, result FROM control {tail}", args
                )
            ]

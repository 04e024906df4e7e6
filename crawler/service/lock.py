"""One scheduler per data directory: an exclusive ``flock`` on ``<data>/scheduler.lock``.

Two schedulers on one job store would duplicate or miss runs, so the service holds this lock for its
whole life. The kernel drops the lock when the process dies, even by SIGKILL, so a restart after a
crash never finds a stale lock. The file holds the owner's pid for the error message.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from archive.errors import ArsipError

from .store import LOCK_NAME


class SchedulerLockedError(ArsipError):
    """Another scheduler already runs on this data directory."""


class ServiceLock:
    """The exclusive lock a running scheduler holds on its data directory."""

    def __init__(self, data: str | Path):
        self.path = Path(data) / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise :class:`SchedulerLockedError` naming the other scheduler's pid."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise SchedulerLockedError(
                f"another scheduler (pid {holder_pid(self.path) or '?'}) is already running on "
                f"{self.path.parent}; stop it first (one job store, one scheduler)"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None


def holder_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip() or 0) or None
    except (OSError, ValueError):
        return None


def running_pid(data: str | Path) -> int | None:
    """The pid of the scheduler running on ``data``, or None when none runs."""
    path = Path(data) / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return holder_pid(path) or -1
    finally:
        os.close(fd)  # also drops the shared lock if we got it
    return None

"""Child processes that must not outlive their parent (extraction workers, replay workers).

A parent killed outright (SIGKILL, the OOM killer) runs no clean-up, and a child blocked on a
queue or an accept() it shares with siblings would never notice. Each such child watches its
parent's pid from a daemon thread and exits once it is gone.
"""

from __future__ import annotations

import os
import threading
import time


def exit_with_parent(parent: int, interval: float = 1.0) -> None:
    """Start watching ``parent`` (its pid, taken by the parent itself: it may already be gone)."""
    threading.Thread(target=_watch, args=(parent, interval), daemon=True, name="parent-watch").start()


def _watch(parent: int, interval: float) -> None:
    while os.getppid() == parent:
        time.sleep(interval)
    os._exit(0)

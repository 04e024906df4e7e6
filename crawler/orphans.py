"""Child processes that must not outlive their parent (extraction workers, replay workers).

A parent killed outright (SIGKILL, the OOM killer) runs no clean-up, and a child blocked on a
queue or an accept() it shares with siblings would never notice. Each such child watches its
parent's pid from a daemon thread and exits once it is gone.
"""

from __future__ import annotations

import gc
import multiprocessing
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


def reap_children(timeout: float = 10.0) -> None:
    """Before a process that used worker processes exits: wait for its multiprocessing children,
    then stop multiprocessing's resource tracker (a child too, started with the first worker
    pool, which otherwise exits only after its parent has), so none outlives the process."""
    for child in multiprocessing.active_children():
        child.join(timeout)
    gc.collect()  # finalize the pools' semaphores, so that the tracker has nothing left to clean
    from multiprocessing import resource_tracker

    stop = getattr(resource_tracker._resource_tracker, "_stop", None)  # CPython 3.8+, private
    if stop is not None:
        stop()

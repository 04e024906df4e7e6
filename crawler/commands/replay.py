"""``arsip replay``: browse archived captures over HTTP, wayback-style, on 127.0.0.1.

Rewriting a page for replay is CPU-bound Python, so the server runs one worker process per core:
the parent binds the listening socket, forks the workers before any event loop or thread exists
(forking is safe then), and every process accepts on the shared socket with its own aiohttp app.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
from pathlib import Path

from archive.errors import ArsipError
from crawler.commands import check_port
from crawler.orphans import exit_with_parent

log = logging.getLogger(__name__)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", default="./data", help="data directory (default: ./data)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port (default: 8080; 0 picks a free one)")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="server processes (default: one per core, at most 8)",
    )


def default_workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def listen(host: str, port: int) -> socket.socket:
    """The listening socket every worker accepts on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except (OSError, OverflowError) as exc:
        sock.close()
        raise ArsipError(f"cannot listen on {host}:{port}: {getattr(exc, 'strerror', None) or exc}") from None
    sock.listen(1024)
    sock.setblocking(False)
    return sock


async def serve(data: Path, sock: socket.socket, access_log: bool, announce: str | None) -> None:
    """Serve on ``sock`` until cancelled; ``announce`` is printed once the app is up."""
    from aiohttp import web

    from archive.replay.server import make_app

    runner = web.AppRunner(make_app(data), access_log=log if access_log else None)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    if announce:
        print(announce, flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def run(args: argparse.Namespace) -> int:
    data = Path(args.data)
    if not data.is_dir():
        raise ArsipError(f"no data directory at {data}")
    workers = args.workers or default_workers()
    if workers < 1:
        raise ArsipError(f"--workers must be 1 or more, got {workers}")
    sock = listen(args.host, check_port(args.port))
    host, port = sock.getsockname()[:2]
    children = [pid for pid in (_fork_worker(data, sock, args) for _ in range(workers - 1)) if pid]
    announce = (
        f"arsip replay: serving {data.resolve()} at http://{host}:{port}/ "
        f"({workers} worker process{'es' if workers > 1 else ''}; Ctrl-C stops)"
    )
    signal.signal(signal.SIGTERM, _raise_interrupt)  # stop like Ctrl-C: clean up, then the workers
    try:
        asyncio.run(serve(data, sock, getattr(args, "verbose", False), announce))
    except KeyboardInterrupt:
        pass
    finally:
        _stop(children)
    return 0


def _fork_worker(data: Path, sock: socket.socket, args: argparse.Namespace) -> int:
    parent = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the workers; Ctrl-C reaches all
    # SIGTERM from the parent ends a worker at once; the handler inherited from `arsip`'s start-up
    # would unwind the event loop and wait there for open keep-alive connections.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    exit_with_parent(parent)  # and a parent killed outright must not leave them serving
    code = 0
    try:
        asyncio.run(serve(data, sock, getattr(args, "verbose", False), None))
    except BaseException:  # noqa: BLE001 - a worker must never return into the parent's code
        code = 1
    finally:
        sys.stdout.flush()
        os._exit(code)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def _stop(children: list[int]) -> None:
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    for pid in children:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)

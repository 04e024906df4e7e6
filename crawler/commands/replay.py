"""``arsip replay``: browse archived captures over HTTP, wayback-style, on 127.0.0.1."""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path

from archive.errors import ArsipError

log = logging.getLogger(__name__)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", default="./data", help="data directory (default: ./data)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port (default: 8080; 0 picks a free one)")


async def serve(data: Path, host: str, port: int, access_log: bool) -> None:
    """Serve until cancelled; prints the real URL first (port 0 picks one)."""
    from aiohttp import web

    from archive.replay import make_app

    runner = web.AppRunner(make_app(data), access_log=log if access_log else None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    real_host, real_port = runner.addresses[0][:2]
    print(f"arsip replay: serving {data.resolve()} at http://{real_host}:{real_port}/ (Ctrl-C stops)", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def run(args: argparse.Namespace) -> int:
    data = Path(args.data)
    if not data.is_dir():
        raise ArsipError(f"no data directory at {data}")
    asyncio.run(serve(data, args.host, args.port, getattr(args, "verbose", False)))
    return 0

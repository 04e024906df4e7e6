"""Replay under load: requests/s and p50/p99 latency of article captures, arsip versus pywb.

Both servers replay the same WARCs on loopback, each in a process of its own; the load generator
(an aiohttp client keeping ``concurrency`` requests in flight) runs in a third process:

    python -m bench.replay_load BASE_URL URL_FILE [--seconds 6] [--concurrency 16]

prints one JSON line: ``{"requests", "errors", "seconds", "rps", "p50_ms", "p99_ms"}``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.staticsite import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[1]
PYWB_BIN = ROOT / ".venv-pywb" / "bin"
WARMUP = 50


async def _load(base: str, paths: list[str], seconds: float, concurrency: int) -> dict:
    import aiohttp

    latencies: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, auto_decompress=False) as session:

        async def get(path: str) -> bool:
            async with session.get(base + path) as response:
                await response.read()
                return response.status == 200

        for path in paths[:WARMUP]:  # first requests pay for imports, caches and index loading
            await get(path)
        deadline = time.perf_counter() + seconds
        counter = iter(range(10**9))

        async def worker():
            nonlocal errors
            while time.perf_counter() < deadline:
                path = paths[next(counter) % len(paths)]
                start = time.perf_counter()
                ok = await get(path)
                latencies.append(time.perf_counter() - start)
                errors += not ok

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    latencies.sort()
    pick = (
        (lambda q: 1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))])
        if latencies
        else (lambda q: 0.0)
    )
    return {
        "requests": len(latencies),
        "errors": errors,
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        "p50_ms": pick(0.50),
        "p99_ms": pick(0.99),
    }


def load(base: str, paths: list[str], work: Path, seconds: float = 6.0, concurrency: int = 16) -> dict:
    """Run the load generator in its own process against ``base`` + each of ``paths``."""
    url_file = work / "replay-paths.txt"
    url_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.replay_load",
            base,
            str(url_file),
            "--seconds",
            str(seconds),
            "--concurrency",
            str(concurrency),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=seconds * 10 + 120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


class Server:
    """A replay server process on a free port (arsip or pywb) until :meth:`stop`."""

    def __init__(self, cmd: list[str], port: int, cwd: Path):
        self.port = port
        self.proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(port, self.proc, timeout=120)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


def arsip_server(data: Path, workers: int | None = None) -> Server:
    """``arsip replay`` with its default workers (one per core) or ``workers`` processes."""
    port = free_port()
    extra = ["--workers", str(workers)] if workers else []
    return Server(
        [sys.executable, "-m", "crawler.cli", "replay", "--data", str(data), "--port", str(port), *extra],
        port,
        ROOT,
    )


def have_pywb() -> bool:
    return (PYWB_BIN / "wayback").exists()


def pywb_server(warcs: list[Path], work: Path, coll: str) -> Server:
    """pywb's ``wayback`` over a collection made by ``wb-manager`` from the same WARC files."""
    root = work / "pywb"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    manager = str(PYWB_BIN / "wb-manager")
    subprocess.run([manager, "init", coll], cwd=root, check=True, capture_output=True)
    subprocess.run([manager, "add", coll, *map(str, warcs)], cwd=root, check=True, capture_output=True)
    port = free_port()
    return Server([str(PYWB_BIN / "wayback"), "-p", str(port), "-b", "127.0.0.1"], port, root)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base")
    parser.add_argument("url_file")
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args(argv)
    paths = Path(args.url_file).read_text(encoding="utf-8").split()
    print(json.dumps(asyncio.run(_load(args.base, paths, args.seconds, args.concurrency))))
    return 0


if __name__ == "__main__":
    sys.exit(main())

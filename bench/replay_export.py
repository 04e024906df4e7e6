"""Replay requests per second and export pages per second, on a crawl of the bundled demo site.

    .venv/bin/python -m bench.replay_export [--articles 60] [--requests 400]

Crawls the bundled site once (loopback), then times sequential replay GETs of every captured
article (rewriting and banner included) and a full export (extraction of every HTML capture).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path


async def _replay_rate(data: Path, urls: list[str], requests: int) -> float:
    import aiohttp
    from aiohttp import web

    from archive.replay.server import make_app

    runner = web.AppRunner(make_app(data), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    async with aiohttp.ClientSession() as session:
        start = time.perf_counter()
        for n in range(requests):
            async with session.get(f"http://127.0.0.1:{port}/channel9/2099/{urls[n % len(urls)]}") as r:
                assert r.status == 200, r.status
                await r.read()
        elapsed = time.perf_counter() - start
    await runner.cleanup()
    return requests / elapsed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args(argv)
    from archive.export.articles import ExportOptions, run_export
    from archive.index.query import CdxjIndex
    from crawler.demosite import SiteConfig, start_site

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from warc_helpers import crawl

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        site = start_site(SiteConfig(articles=args.articles, seed=9), port=0)
        try:
            crawl(data / "channel9", [site.url + "/"], timeout=600)
        finally:
            site.stop()
        caps = [c for c in CdxjIndex(data / "channel9" / "indexes").all() if c.mime == "text/html"]
        urls = sorted({c.url for c in caps})
        rate = asyncio.run(_replay_rate(data, urls, args.requests))
        report = run_export(
            sorted((data / "channel9" / "warcs").glob("*.warc.gz")), ExportOptions(out=Path(tmp) / "out")
        )
    print(f"replay: {rate:.0f} requests/s over {len(urls)} HTML captures ({args.requests} sequential GETs)")
    print(
        f"export: {report.pages_per_second:.1f} pages/s ({report.captures} HTML pages, {report.articles} articles, "
        f"1 process)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

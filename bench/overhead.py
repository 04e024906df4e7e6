"""WARC capture alone: a minimal Scrapy spider crawls with arsip's capture on and off, alternated.

    .venv/bin/python -m bench.overhead [--articles 20] [--rounds 2]

The crawl matrix of ``make bench`` measures the whole crawler with and without WARC (``arsip``
against ``arsip --no-warc``); this leaves out all but the capture middleware. The spider is the one
of ``tests/warc_helpers.py`` (fetch, follow same-host links, nothing more), a fresh process per crawl,
against two sites: that module's raw test server (nine awkward answers: gzip, chunked, redirects,
errors; its figure is mostly process start-up) and the bundled demo site, served live. Two figures
per crawl: the process's wall time and Scrapy's own ``elapsed_time_seconds``.

These two measurements were tests once, which printed their figures and asserted nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench import results

STATES = {"off": False, "on": True}  # ARSIP_WARC_ENABLED


def side_by_side(url: str, work: Path, rounds: int = 2) -> dict:
    """Crawl ``url`` with capture off, on, off, on... (``rounds`` of each, alternated so that drift hits
    both alike): ``{"off" | "on": {"wall": [s...], "scrapy": [s...], "pages": [n...]}}``."""
    from tests.warc_helpers import crawl

    out: dict = {state: {"wall": [], "scrapy": [], "pages": []} for state in STATES}
    for n in range(rounds):
        for state, enabled in STATES.items():
            start = time.perf_counter()
            report = crawl(
                work / f"{state}-{n}", [url], settings={"ARSIP_WARC_ENABLED": enabled}, timeout=900
            )
            out[state]["wall"].append(time.perf_counter() - start)
            out[state]["scrapy"].append(report["stats"]["elapsed_time_seconds"])
            out[state]["pages"].append(len(report["captures"]))
    return out


def measure(work: Path, articles: int = 20, rounds: int = 2) -> dict[str, dict]:
    """:func:`side_by_side` on the raw test server and on the bundled site with ``articles``, by site."""
    from crawler.demosite import SiteConfig, start_site
    from tests.warc_helpers import RawSite

    raw = RawSite()
    try:
        figures = {"raw test server": side_by_side(raw.url + "/", work / "raw", rounds)}
    finally:
        raw.stop()
    with start_site(SiteConfig(articles=articles, seed=9), port=0) as site:
        home = site.url.rstrip("/") + "/"
        figures[f"bundled site, {articles:,} articles"] = side_by_side(home, work / "demo", rounds)
    return figures


def table(figures: dict[str, dict]) -> list[str]:
    """One row per site: pages, seconds with capture off and on (median, min–max), the on/off ratios."""
    lines = [
        "| site | pages | wall s, off | wall s, on | on/off (wall) | on/off (Scrapy elapsed) |",
        "|---|---|---|---|---|---|",
    ]
    for site, by_state in figures.items():
        off, on = by_state["off"], by_state["on"]
        lines.append(
            f"| {site} | {int(results.median(on['pages']))} | {results.spread(off['wall'], 2)} "
            f"| {results.spread(on['wall'], 2)} | {_ratio(on['wall'], off['wall'])} "
            f"| {_ratio(on['scrapy'], off['scrapy'])} |"
        )
    return lines


def _ratio(on: list[float], off: list[float]) -> str:
    below = results.median(off)
    return f"{results.median(on) / below:.2f}" if below else "n/a"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20, help="articles of the bundled site (20)")
    parser.add_argument("--rounds", type=int, default=2, help="crawls with capture off and on, each (2)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="arsip-overhead-") as tmp:
        figures = measure(Path(tmp), args.articles, args.rounds)
    print("\n".join(table(figures)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

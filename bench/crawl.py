"""Crawl throughput: ``arsip crawl`` (WARC on/off, extraction on/off) against ``wget --warc-file``.

Every crawl runs under the small launcher :mod:`bench.peak` (see there why), so wall time, CPU
seconds (user + system) and peak memory (``ru_maxrss``) are the crawler's own, never the harness's.

    python -m bench.crawl --no-extract crawl SEED ...   # arsip crawl without the article pipeline

``--no-extract`` exists only here: ``arsip crawl`` has no switch to skip extraction (every
article page goes through the item pipeline: extract in the thread pool, write the text file,
the catalog row and the WARC conversion record), so the bench drops that pipeline from the
settings to measure what extraction and its bookkeeping cost.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# wget follows every link; these keep it to what arsip fetches (listings, sitemaps, articles),
# so both tools crawl comparable page sets.
WGET_REJECT = r"(/tag/|/author/|/wp-content/|/private/|\?)"


@dataclass
class CrawlRun:
    """One measured crawl."""

    tool: str
    pages: int
    wall: float
    cpu: float
    maxrss_mb: float
    ok: bool = True

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.wall if self.wall else 0.0

    @property
    def cpu_ms_per_page(self) -> float:
        return 1000 * self.cpu / self.pages if self.pages else 0.0


def measured(
    cmd: list[str], env: dict | None = None, timeout: float = 1800
) -> tuple[int, float, float, float]:
    """Run ``cmd``; ``(exit code, wall s, CPU s, peak RSS MB)`` of that process (and of the
    processes it waited for), measured by the small launcher :mod:`bench.peak`."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "usage.json"
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.peak", str(report), *cmd],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        wall = time.perf_counter() - start
        usage = (
            json.loads(report.read_text()) if report.exists() else {"code": -9, "cpu": 0.0, "maxrss_kb": 0}
        )
    return usage["code"], wall, usage["cpu"], usage["maxrss_kb"] / 1024


def arsip_crawl(seed: Path, data: Path, warc: bool = True, extract: bool = True) -> CrawlRun:
    """One fresh ``arsip crawl`` of ``seed`` into ``data``; pages as its report counts them."""
    args = ["crawl", str(seed), "--data", str(data), "--progress", "off"] + ([] if warc else ["--no-warc"])
    cmd = (
        [sys.executable, "-m", "bench.crawl", "--no-extract", *args]
        if not extract
        else [sys.executable, "-m", "crawler.cli", *args]
    )
    code, wall, cpu, rss = measured(cmd)
    reports = sorted(data.glob("*/crawls/*.json"))
    report = json.loads(reports[-1].read_text()) if reports else {}
    tool = "arsip" + ("" if warc else " --no-warc") + ("" if extract else " (no extraction)")
    return CrawlRun(
        tool, report.get("pages", 0), wall, cpu, rss, ok=code == 0 and report.get("outcome") == "finished"
    )


def wget_crawl(url: str, work: Path) -> CrawlRun:
    """``wget --recursive --warc-file`` of ``url``; pages are the response records it wrote."""
    work.mkdir(parents=True, exist_ok=True)
    warc = work / "wget"
    with tempfile.TemporaryDirectory(dir=work) as mirror:
        code, wall, cpu, rss = measured(
            [
                "wget",
                "--recursive",
                "--level=inf",
                "--no-parent",
                "--no-verbose",
                "--delete-after",
                "-e",
                "robots=off",
                "--no-host-directories",
                "--reject-regex",
                WGET_REJECT,
                "--directory-prefix",
                mirror,
                f"--warc-file={warc}",
                "-o",
                str(work / "wget.log"),
                url,
            ]
        )
    pages = count_responses(warc.with_name("wget.warc.gz"))
    return CrawlRun("wget --warc-file", pages, wall, cpu, rss, ok=code in (0, 8) and pages > 0)


def count_responses(path: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as fh:
        return sum(1 for rec in ArchiveIterator(fh) if rec.rec_type == "response")


def _without_pipeline(argv: list[str]) -> int:
    import crawler.runner
    from crawler.cli import main

    build = crawler.runner.build_settings

    def build_without_pipeline(*args, **kwargs):
        settings = build(*args, **kwargs)
        settings["ITEM_PIPELINES"] = {}
        return settings

    crawler.runner.build_settings = build_without_pipeline
    return main(argv)


if __name__ == "__main__" and sys.argv[1:2] == ["--no-extract"]:
    sys.exit(_without_pipeline(sys.argv[2:]))

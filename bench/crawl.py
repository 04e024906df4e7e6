"""Crawl throughput: ``arsip crawl`` (WARC on/off, extraction on/off, page requisites on/off)
against ``wget --warc-file`` (pages only, and with ``--page-requisites``).

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
from urllib.parse import urlsplit

from tests.crawl_helpers import wget_argv

ROOT = Path(__file__).resolve().parents[1]
# wget follows every link; these keep it to what arsip fetches (listings, sitemaps, articles),
# so both tools crawl comparable page sets.
WGET_REJECT = r"(/tag/|/author/|/wp-content/|/private/|\?)"
# with --page-requisites: the same pages, and what they load (the theme and uploads under /wp-content/)
WGET_REJECT_PAGES = r"(/tag/|/author/|/private/|\?)"
# what wget fetches that is a page, as arsip's report counts pages (the rest are requisites)
PAGE_TYPES = ("text/html", "text/xml", "application/xml", "application/rss+xml", "text/plain")


@dataclass
class CrawlRun:
    """One measured crawl."""

    tool: str
    pages: int
    wall: float
    cpu: float
    maxrss_mb: float
    ok: bool = True
    requisites: int = 0  # requisite responses fetched (stylesheets, fonts, images), not in pages
    requisite_bytes: int = 0

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


def arsip_crawl(
    seed: Path, data: Path, warc: bool = True, extract: bool = True, requisites: bool = True
) -> CrawlRun:
    """One fresh ``arsip crawl`` of ``seed`` into ``data``; pages (the site's pages, never its
    requisites) and requisites as its report counts them."""
    args = ["crawl", str(seed), "--data", str(data), "--progress", "off"]
    args += ([] if warc else ["--no-warc"]) + ([] if requisites else ["--no-requisites"])
    cmd = (
        [sys.executable, "-m", "bench.crawl", "--no-extract", *args]
        if not extract
        else [sys.executable, "-m", "crawler.cli", *args]
    )
    code, wall, cpu, rss = measured(cmd)
    reports = sorted(data.glob("*/crawls/*.json"))
    report = json.loads(reports[-1].read_text()) if reports else {}
    tool = (
        "arsip"
        + ("" if warc else " --no-warc")
        + ("" if requisites else " --no-requisites")
        + ("" if extract else " (no extraction)")
    )
    req = report.get("requisites") or {}
    return CrawlRun(
        tool,
        report.get("pages", 0),
        wall,
        cpu,
        rss,
        ok=code == 0 and report.get("outcome") == "finished",
        requisites=sum(req.get(k, 0) for k in ("fetched", "revalidated", "deduplicated")),
        requisite_bytes=req.get("bytes", 0),
    )


def wget_crawl(url: str, work: Path, cdn_url: str | None = None) -> CrawlRun:
    """``wget --recursive --warc-file`` of ``url``; pages are the page responses it wrote.

    With ``cdn_url`` (the site's asset host), ``--page-requisites`` too: what the pages load from
    the site and from that host (``--span-hosts`` kept to the two by ``--domains``); their
    responses are counted as requisites, not pages.
    """
    work.mkdir(parents=True, exist_ok=True)
    hosts = [urlsplit(u).hostname or "" for u in (url, cdn_url)] if cdn_url else []
    with_requisites = ["--page-requisites", "--span-hosts", f"--domains={','.join(hosts)}"] if cdn_url else []
    warc = work / "wget"
    with tempfile.TemporaryDirectory(dir=work) as mirror:
        code, wall, cpu, rss = measured(
            wget_argv(
                "inf",
                *with_requisites,
                "--reject-regex",
                WGET_REJECT_PAGES if cdn_url else WGET_REJECT,
                "--directory-prefix",
                mirror,
                f"--warc-file={warc}",
                "-o",
                work / "wget.log",
                url,
            )
        )
    pages, requisites, requisite_bytes = count_responses(warc.with_name("wget.warc.gz"))
    return CrawlRun(
        "wget --warc-file" + (" --page-requisites" if cdn_url else ""),
        pages,
        wall,
        cpu,
        rss,
        ok=code in (0, 8) and pages > 0,
        requisites=requisites,
        requisite_bytes=requisite_bytes,
    )


def count_responses(path: Path) -> tuple[int, int, int]:
    """Page responses, other (requisite) responses and the latter's payload bytes in a WARC."""
    from warcio.archiveiterator import ArchiveIterator

    pages = requisites = size = 0
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type != "response":
                continue
            kind = (rec.http_headers.get_header("Content-Type") or "") if rec.http_headers else ""
            if kind.split(";")[0].strip().lower() in PAGE_TYPES:
                pages += 1
            else:
                requisites += 1
                size += len(rec.content_stream().read())
    return pages, requisites, size


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

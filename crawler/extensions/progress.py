"""Live operator feedback: a progress line on a terminal, plain log lines otherwise.

``ARSIP_PROGRESS``: ``auto`` (a line on stderr when it is a terminal, else log lines), ``tty``,
``log`` or ``off``. The line shows pages, articles, bytes downloaded, page rate and errors.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.extensions.report import page_statuses

if TYPE_CHECKING:
    from twisted.internet.task import LoopingCall

logger = logging.getLogger(__name__)

TTY_INTERVAL, LOG_INTERVAL = 1.0, 15.0


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def progress_line(stats: dict, elapsed: float, skipped: int = 0) -> str:
    """One line of counters from the crawl's stats (``skipped``: archived articles not refetched)."""
    pages = sum(page_statuses(stats).values())
    articles = sum(stats.get(f"arsip/articles/{k}", 0) for k in ("new", "changed", "unchanged"))
    rate = pages / elapsed if elapsed > 0 else 0.0
    return (
        f"pages {pages} | articles {articles} (new {stats.get('arsip/articles/new', 0)}, changed "
        f"{stats.get('arsip/articles/changed', 0)}, skipped {skipped}) | "
        f"{human_bytes(stats.get('downloader/response_bytes', 0))} | {rate:.1f} pages/s | "
        f"errors {stats.get('arsip/errors', 0)}"
    )


class Progress:
    """Extension printing :func:`progress_line` periodically while the spider runs."""

    def __init__(self, crawler, mode: str):
        self.crawler, self.mode = crawler, mode
        self.task: LoopingCall | None = None
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler):
        mode = crawler.settings.get("ARSIP_PROGRESS", "auto")
        if mode == "auto":
            mode = "tty" if sys.stderr.isatty() else "log"
        if mode not in ("tty", "log"):
            raise NotConfigured
        ext = cls(crawler, mode)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider):
        from twisted.internet.task import LoopingCall

        self.started = time.monotonic()
        self.task = task = LoopingCall(self.show)
        task.start(TTY_INTERVAL if self.mode == "tty" else LOG_INTERVAL, now=False)

    def show(self):
        skipped = len(getattr(self.crawler.spider, "skipped", ()))
        line = progress_line(self.crawler.stats.get_stats(), time.monotonic() - self.started, skipped)
        if self.mode == "tty":
            sys.stderr.write("\r\033[K" + line)
            sys.stderr.flush()
        else:
            logger.info("progress: %s", line)

    def spider_closed(self, spider, reason):
        if self.task is not None and self.task.running:
            self.task.stop()
        if self.mode == "tty":
            self.show()
            sys.stderr.write("\n")
            sys.stderr.flush()

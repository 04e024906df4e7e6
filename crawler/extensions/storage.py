"""What a crawl does when it cannot write (disk full, file size limit, read-only disk): stop.

Going on would fetch every remaining page only to fail storing each one, so the first failed write
closes the spider with reason ``storage_failed``; the WARC writer has already cut the failed record
off, so every file it closes stays valid. The error is named once, with its cause, in the log and
in the crawl report.
"""

from __future__ import annotations

import contextlib
import logging
import resource
import shutil
import sqlite3
from pathlib import Path

from scrapy.core.scheduler import Scheduler
from scrapy.utils.defer import deferred_from_coro

from crawler.extensions.report import CrawlReport

logger = logging.getLogger(__name__)

STORAGE_FAILED = "storage_failed"
# What a failed write raises: the OS's errors, and SQLite's "database or disk is full".
STORAGE_ERRORS = (OSError, sqlite3.OperationalError)


def describe(exc: BaseException, directory: str | Path | None = None) -> str:
    """The failed write in words. SQLite says only "disk I/O error", so add what the OS knows:
    the free space where the data lives, and the file size limit (``ulimit -f``) if one is set."""
    if isinstance(exc, OSError):
        return str(exc)
    words = [str(exc), getattr(exc, "sqlite_errorname", "")]
    if directory is not None:
        with contextlib.suppress(OSError):
            words.append(f"{shutil.disk_usage(directory).free:,} bytes free in {directory}")
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    if limit != resource.RLIM_INFINITY:
        words.append(f"files are limited to {limit:,} bytes (ulimit -f)")
    return "; ".join(w for w in words if w)


class StorageGuard:
    """Extension: remembers the crawl's first failed write, so every component stops writing."""

    def __init__(self):
        self.failure: BaseException | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls()


def storage_failed(crawler) -> bool:
    """Whether a write of this crawl has already failed (nothing more should be written)."""
    guard = crawler.get_extension(StorageGuard)
    return guard is not None and guard.failure is not None


def stop_for_storage(crawler, url: str, exc: BaseException) -> None:
    """Record the first failed write and close the spider; later failures are only counted."""
    crawler.stats.inc_value("arsip/storage/failed_writes")
    guard = crawler.get_extension(StorageGuard)
    if guard is not None:
        if guard.failure is not None:
            return
        guard.failure = exc
    message = (
        f"storage: cannot write the archive: {describe(exc, crawler.settings.get('ARSIP_COLLECTION_DIR'))}"
    )
    logger.error("%s (while storing %s); stopping the crawl, closed WARC files stay valid", message, url)
    report = crawler.get_extension(CrawlReport)
    if report is not None:
        report.add_error(url, message)
    if crawler.engine is not None and crawler.engine.spider is not None:
        deferred_from_coro(crawler.engine.close_spider_async(reason=STORAGE_FAILED))


class StorageAwareScheduler(Scheduler):
    """Scrapy's scheduler, except that a full disk under ``JOBDIR`` (the request queue and the
    seen-requests file live there) stops the crawl like any other failed write, instead of
    raising inside the engine."""

    def enqueue_request(self, request) -> bool:
        try:
            return super().enqueue_request(request)
        except OSError as exc:
            stop_for_storage(self.crawler, request.url, exc)
            return False

    def next_request(self):
        try:
            return super().next_request()
        except OSError as exc:  # queuelib saves a sub-queue's state when it pops the last request
            stop_for_storage(self.crawler, "", exc)
            return None

    def close(self, reason: str):
        try:
            return super().close(reason)
        except OSError as exc:  # the job state is incomplete; a failed crawl's JOBDIR is discarded
            logger.error("cannot save the crawl's request queue: %s", describe(exc))
            return None

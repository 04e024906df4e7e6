"""Retries that wait: ``Retry-After`` respected, exponential backoff otherwise.

Scrapy's :class:`~scrapy.downloadermiddlewares.retry.RetryMiddleware` re-queues a failed request at
once, so a struggling server gets the same load again immediately. This subclass waits before
handing the retry back: the server's ``Retry-After`` (seconds or an HTTP date, capped by
``ARSIP_RETRY_AFTER_MAX``) when it gave one, else ``ARSIP_RETRY_BACKOFF_BASE * 2**(n-1)`` with
jitter, capped by ``ARSIP_RETRY_BACKOFF_MAX``.
"""

from __future__ import annotations

import random
import time

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

from archive.dates import parse_http_date
from crawler.extensions.report import CrawlReport


def retry_after_seconds(value: bytes | str | None, now: float | None = None) -> float | None:
    """Parse a ``Retry-After`` header: delta-seconds or an HTTP date; None when absent or bad."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    when = parse_http_date(text)
    if when is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class BackoffRetryMiddleware(RetryMiddleware):
    """Drop-in replacement for Scrapy's RetryMiddleware that pauses before each retry."""

    # seconds, set by from_crawler
    base: float  # ARSIP_RETRY_BACKOFF_BASE
    cap: float  # ARSIP_RETRY_BACKOFF_MAX
    after_cap: float  # ARSIP_RETRY_AFTER_MAX

    @classmethod
    def from_crawler(cls, crawler):
        mw = super().from_crawler(crawler)
        settings = crawler.settings
        mw.base = settings.getfloat("ARSIP_RETRY_BACKOFF_BASE", 1.0)
        mw.cap = settings.getfloat("ARSIP_RETRY_BACKOFF_MAX", 60.0)
        mw.after_cap = settings.getfloat("ARSIP_RETRY_AFTER_MAX", 120.0)
        return mw

    # async overrides of the base class's plain methods: Scrapy awaits middleware coroutine methods
    async def process_response(self, request, response):  # type: ignore[override]
        result = super().process_response(request, response)
        if isinstance(result, Request):
            self._note(request, f"HTTP {response.status}")
            server = retry_after_seconds(response.headers.get(b"Retry-After"))
            await self._pause(result, server)
        return result

    async def process_exception(self, request, exception):  # type: ignore[override]
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            self._note(request, f"{type(exception).__name__}: {exception}")
            await self._pause(result, None)
        return result

    def _note(self, request: Request, reason: str):
        report = self.crawler.get_extension(CrawlReport)
        if report is not None:
            report.add_retry(request.url, reason, request.meta.get("retry_times", 0) + 1)

    def delay_for(self, retry_times: int, server_delay: float | None) -> float:
        """Seconds to wait before retry number ``retry_times`` (1 for the first retry)."""
        if server_delay is not None:
            return min(server_delay, self.after_cap)
        backoff = self.base * 2 ** max(0, retry_times - 1)
        return min(self.cap, backoff) * random.uniform(0.5, 1.0)

    async def _pause(self, retry: Request, server_delay: float | None):
        delay = self.delay_for(retry.meta.get("retry_times", 1), server_delay)
        self.crawler.stats.inc_value("arsip/retry/waited_ms", int(delay * 1000))
        if delay > 0:
            from twisted.internet import reactor  # the installed one: import late, never install

            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))

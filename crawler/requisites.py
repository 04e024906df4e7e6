"""Which page requisites a crawl fetches, and how: the policy behind ``[requisites]`` in a seed.

The finder (``archive/requisites.py``) says what a page references; this module decides what is
requested: the seed's types, host allow/deny suffixes, at most ``max_per_page`` per page and
``max_bytes_per_crawl`` in all, each URL once per crawl. Requisite requests have low priority,
may leave the page scope (CDNs, font hosts: ``allow_offsite``) but are never parsed for links,
only CSS for its own requisites (to a bounded depth); they are conditional, so a second crawl
revalidates (304) or deduplicates (revisit) what did not change. Their outcomes are counted under
``arsip/requisites/*`` for the report's ``requisites`` section; a failed requisite is never an
error of its page nor of the crawl.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request
from w3lib.url import safe_url_string

from archive.requisites import FONT, ICON, IMAGE, MEDIA, SCRIPT, STYLESHEET
from crawler.links import host_matches

PRIO_REQUISITE = -10  # below listings (0): pages first, their assets as the queue drains
MAX_CSS_DEPTH = 3  # page -> CSS -> @import -> @import; fonts and images at any of them
MAX_FAILURES_LISTED = 100
STAT = "arsip/requisites/"
COUNTERS = (
    "found",
    "requested",
    "fetched",
    "revalidated",
    "deduplicated",
    "failed",
    "skipped_budget",
    "skipped_robots",
    "skipped_private",
    "skipped_excluded",
    "skipped_archived",
    "bytes",
)
# What a browser asks for; servers that negotiate formats (image CDNs) answer as they would it.
ACCEPT = {
    STYLESHEET: b"text/css,*/*;q=0.1",
    IMAGE: b"image/avif,image/webp,image/apng,image/*,*/*;q=0.8",
    ICON: b"image/avif,image/webp,image/apng,image/*,*/*;q=0.8",
    FONT: b"*/*",
    SCRIPT: b"*/*",
    MEDIA: b"*/*",
}


class RequisitePolicy:
    """The requisites of one crawl: what to request for a page or a stylesheet, and the budget.

    ``config`` is the seed's :class:`crawler.seed.Requisites`; ``site_domains`` the seed's
    allowed domains (always allowed by ``hosts_allow``); ``crawler`` the Scrapy crawler, whose
    stats collector (set once the crawl starts) holds the counts.
    """

    def __init__(self, config, site_domains, crawler):
        self.config, self.crawler = config, crawler
        self.site_domains = tuple(d.lower() for d in site_domains)
        self.types = frozenset(config.types)
        self.seen: set[str] = set()
        self.over_budget: set[str] = set()
        self.archived: set[str] = set()
        self.failures: list[dict] = []

    @property
    def enabled(self) -> bool:
        return self.config.enabled and bool(self.types)

    @property
    def stats(self):
        return self.crawler.stats

    def count(self, name: str, n: int = 1) -> None:
        self.stats.inc_value(STAT + name, n)

    # -- budget --------------------------------------------------------------------------------
    def bytes_left(self) -> int | None:
        """Bytes the crawl may still fetch as requisites (None: no budget)."""
        if not self.config.max_bytes_per_crawl:
            return None
        return self.config.max_bytes_per_crawl - self.stats.get_value(STAT + "bytes", 0)

    def budget_spent(self) -> bool:
        left = self.bytes_left()
        return left is not None and left <= 0

    # -- selection -----------------------------------------------------------------------------
    def allowed_host(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        if not host or host_matches(host, self.config.hosts_deny):
            return False
        if not self.config.hosts_allow:
            return True
        return host_matches(host, self.config.hosts_allow) or host_matches(host, self.site_domains)

    def requests_for(self, found, referrer: str, callback, errback, depth: int = 0) -> list[Request]:
        """Requests for ``found`` (``(url, kind)`` pairs of one page or stylesheet): each URL once
        per crawl, at most ``max_per_page``, none once the byte budget is spent."""
        if not self.enabled:
            return []
        requests: list[Request] = []
        limit = self.config.max_per_page or None
        for url, kind in found:
            if url == referrer or url in self.seen:
                continue
            if kind not in self.types or not self.allowed_host(url):
                self.seen.add(url)
                self.count("skipped_excluded")
                continue
            if (limit is not None and len(requests) >= limit) or self.budget_spent():
                if url not in self.over_budget:  # counted once; another page may still fit it in
                    self.over_budget.add(url)
                    self.count("skipped_budget")
                continue
            if url in self.over_budget:  # skipped on an earlier page, fits on this one
                self.over_budget.discard(url)
                self.count("skipped_budget", -1)
            self.seen.add(url)
            try:
                requests.append(self.request(url, kind, callback, errback, depth))
            except ValueError:  # a URL Scrapy refuses: never the page's failure
                self.count("skipped_excluded")
        self.count("found", len(found))
        self.count("requested", len(requests))
        return requests

    def drop_archived(self, found, archived) -> list[tuple[str, str]]:
        """``found`` without the URLs ``archived(url)`` says an earlier crawl captured (each
        counted once as ``skipped_archived``); for a page unchanged since it was archived."""
        kept = []
        for url, kind in found:
            if url in self.seen:
                continue
            if url in self.archived or archived(safe_url_string(url)):
                if url not in self.archived:
                    self.archived.add(url)
                    self.count("skipped_archived")
            else:
                kept.append((url, kind))
        return kept

    def request(self, url: str, kind: str, callback, errback, depth: int) -> Request:
        meta = {
            "arsip_requisite": kind,
            "arsip_requisite_depth": depth,
            "allow_offsite": True,  # CDNs and font hosts: fetched, never crawled
            "arsip_conditional": True,  # If-None-Match / If-Modified-Since from the last capture
            "handle_httpstatus_list": [304],
            "max_retry_times": 2,  # a broken asset host costs little time
        }
        if self.config.ignore_robots:
            meta["dont_obey_robotstxt"] = True
        return Request(
            url,
            callback=callback,
            errback=errback,
            priority=PRIO_REQUISITE,
            meta=meta,
            headers={"Accept": ACCEPT.get(kind, b"*/*")},
        )

    # -- outcomes ------------------------------------------------------------------------------
    def fetched(self, response, revisit: bool) -> None:
        """A requisite arrived (its bytes are counted as downloaded, by RequisiteMiddleware):
        revalidated when unchanged since an earlier capture of it (304, or the same payload to a
        conditional request), deduplicated when its payload was archived already from another
        URL (a revisit record), else fetched."""
        headers = response.request.headers if response.request is not None else {}
        conditional = b"If-None-Match" in headers or b"If-Modified-Since" in headers
        if response.status == 304 or (revisit and conditional):
            self.count("revalidated")
        else:
            self.count("deduplicated" if revisit else "fetched")

    def failed(self, url: str, why: str, error: str | None = None) -> None:
        """``why``: failed, skipped_robots, skipped_private or skipped_budget."""
        self.count(why)
        if why == "failed" and error and len(self.failures) < MAX_FAILURES_LISTED:
            self.failures.append({"url": url, "error": error})


def report_section(stats: dict, previous: dict | None, failures: list[dict]) -> dict:
    """The crawl report's ``requisites`` section (added to a resumed crawl's earlier run)."""
    previous = previous or {}
    section = {
        name: previous.get(name, 0) + stats.get(STAT + name, 0)
        for name in COUNTERS
        if name not in ("found", "requested")
    }
    by_status = dict(previous.get("by_status", {}))
    for key, value in stats.items():
        if key.startswith(STAT + "status_count/"):
            code = key.rsplit("/", 1)[1]
            by_status[code] = by_status.get(code, 0) + value
    section["by_status"] = dict(sorted(by_status.items()))
    section["failures"] = (list(previous.get("failures", [])) + failures)[:MAX_FAILURES_LISTED]
    return section

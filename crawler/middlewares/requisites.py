"""Downloader middlewares of page requisites (policy: ``crawler/requisites.py``).

:class:`RequisiteOffsiteMiddleware` replaces Scrapy's OffsiteMiddleware (order 50): a requisite
may be on another host (``meta["allow_offsite"]``), and so may the robots.txt that Scrapy's
RobotsTxtMiddleware (100) fetches before it; Scrapy's own middleware would filter that robots.txt
as offsite and the asset host's rules would silently not apply. Robots.txt fetches reach it only
for requests that already passed the offsite check, so allowing them widens nothing.

:class:`RequisiteMiddleware` (order 960, next to the network) refuses a requisite once the crawl's
requisite byte budget is spent and counts every requisite response (redirects included, and the
robots.txt of asset hosts), so the report can tell the site's pages from their assets.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.httpobj import urlparse_cached

from crawler.links import host_matches
from crawler.requisites import STAT

OFFSITE_ORDER = 50
ORDER = 960


class RequisiteBudgetSpent(IgnoreRequest):
    """The crawl's ``max_bytes_per_crawl`` of requisites is spent."""


def requisite_settings() -> dict:
    return {
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
            "crawler.middlewares.requisites.RequisiteOffsiteMiddleware": OFFSITE_ORDER,
            "crawler.middlewares.requisites.RequisiteMiddleware": ORDER,
        }
    }


def is_robots_fetch(request) -> bool:
    """The robots.txt request RobotsTxtMiddleware sends on its own before another request."""
    return (
        request.callback is NO_CALLBACK
        and request.meta.get("dont_obey_robotstxt")
        and urlparse_cached(request).path == "/robots.txt"
    )


class RequisiteOffsiteMiddleware(OffsiteMiddleware):
    def should_follow(self, request, spider) -> bool:
        return is_robots_fetch(request) or super().should_follow(request, spider)


class RequisiteMiddleware:
    def __init__(self, crawler):
        self.crawler, self.stats = crawler, crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        if not request.meta.get("arsip_requisite"):
            return None
        policy = getattr(self.crawler.spider, "requisites", None)
        if policy is not None and policy.budget_spent():
            raise RequisiteBudgetSpent(f"requisite byte budget spent: {request.url}")
        return None

    def process_response(self, request, response):
        if request.meta.get("arsip_requisite"):
            self.stats.inc_value(f"{STAT}status_count/{response.status}")
            self.stats.inc_value(f"{STAT}bytes", len(response.body))
        elif is_robots_fetch(request) and not self._on_site(request):
            self.stats.inc_value(f"{STAT}status_count/{response.status}")  # an asset host's robots.txt
        return response

    def _on_site(self, request) -> bool:
        domains = getattr(self.crawler.spider, "allowed_domains", None) or ()
        return not domains or host_matches(urlparse_cached(request).hostname or "", domains)

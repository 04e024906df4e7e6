"""Scrapy's RobotsTxtMiddleware with every waiting request checked, not only the first.

In Scrapy 2.19, requests that arrive for a host while its robots.txt is being fetched all await
one Deferred (``robot_parser``: ``await maybe_deferred_to_future(parser)``); the first awaiter's
callback consumes the parser and returns None, so every later one is let through unchecked. A
page's requisites arrive at a new asset host many at once: without this fix that host's robots.txt
would apply to one or two of them. Here each waiter gets its own Deferred, chained so that the
parser is passed on.

The response it fetched is kept too (:meth:`~EveryWaiterRobotsTxtMiddleware.robots_response`): the
spider reads the ``Sitemap:`` lines from it instead of fetching robots.txt a second time.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

ORDER = 100  # Scrapy's own place for it


def robots_settings() -> dict:
    return {
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawler.middlewares.robots.EveryWaiterRobotsTxtMiddleware": ORDER,
        }
    }


def robots_middleware(crawler) -> EveryWaiterRobotsTxtMiddleware | None:
    """The crawl's robots.txt middleware, None when robots.txt is not obeyed (it is not enabled)."""
    downloader = getattr(crawler.engine, "downloader", None)
    for middleware in getattr(getattr(downloader, "middleware", None), "middlewares", ()):
        if isinstance(middleware, EveryWaiterRobotsTxtMiddleware):
            return middleware
    return None


class EveryWaiterRobotsTxtMiddleware(RobotsTxtMiddleware):
    def __init__(self, crawler):
        super().__init__(crawler)
        self._responses: dict[str, Response] = {}  # netloc -> the robots.txt response fetched for it

    async def _parse_robots(self, response, netloc, request):
        self._responses[netloc] = response
        await super()._parse_robots(response, netloc, request)

    async def robots_response(self, url: str) -> Response | None:
        """The robots.txt response of ``url``'s host, as fetched for the robots check (fetched now
        if no request went there yet); None if it could not be fetched."""
        request = Request(url)
        await self.robot_parser(request)
        return self._responses.get(urlparse_cached(request).netloc)

    async def robot_parser(self, request):
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if not isinstance(pending, Deferred):
            return await super().robot_parser(request)
        mine: Deferred = Deferred()

        def pass_on(parser):
            mine.callback(parser)
            return parser  # for the next waiter

        pending.addCallback(pass_on)
        return await maybe_deferred_to_future(mine)

"""Scrapy's RobotsTxtMiddleware with every waiting request checked, not only the first.

In Scrapy 2.19, requests that arrive for a host while its robots.txt is being fetched all await
one Deferred (``robot_parser``: ``await maybe_deferred_to_future(parser)``); the first awaiter's
callback consumes the parser and returns None, so every later one is let through unchecked. A
page's requisites arrive at a new asset host many at once: without this fix that host's robots.txt
would apply to one or two of them. Here each waiter gets its own Deferred, chained so that the
parser is passed on.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
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


class EveryWaiterRobotsTxtMiddleware(RobotsTxtMiddleware):
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

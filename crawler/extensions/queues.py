"""The crawl's request queue on disk (``JOBDIR``): Scrapy's pickle FIFO, with a cheaper way to
name a request's callback and errback.

Scrapy's ``Request.to_dict(spider=...)`` finds the spider method a request calls back by listing
every member of the spider (``inspect.getmembers``, twice per request: callback and errback),
which was the dearest step of queueing a request. :class:`RequestDiskQueue` looks the method up
under its own name and checks it is the same function; whatever that cannot name (no method of
the spider, another object's) goes through ``to_dict`` as before, so the queued dicts are the
same and ``request_from_dict`` reads them as before.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.squeues import PickleFifoDiskQueue

_UNNAMED = object()  # a callable that only Request.to_dict can name (or refuse to)


def method_name(spider, method) -> Any:
    """The name ``request_from_dict`` finds ``method`` under on ``spider`` (None and names stay
    as they are), or ``_UNNAMED``."""
    if not callable(method):
        return method
    name, func = getattr(method, "__name__", None), getattr(method, "__func__", None)
    if name is None or func is None:
        return _UNNAMED
    return name if getattr(getattr(spider, name, None), "__func__", None) is func else _UNNAMED


def request_dict(request: Request, spider) -> dict:
    """``request.to_dict(spider=spider)``, without listing the spider's members."""
    callback, errback = method_name(spider, request.callback), method_name(spider, request.errback)
    if callback is _UNNAMED or errback is _UNNAMED:
        return request.to_dict(spider=spider)
    d = {"url": request.url, "callback": callback, "errback": errback, "headers": dict(request.headers)}
    for attr in request.attributes:
        d.setdefault(attr, getattr(request, attr))
    if type(request) is not Request:
        d["_class"] = type(request).__module__ + "." + type(request).__name__
    return d


class RequestDiskQueue(PickleFifoDiskQueue):  # type: ignore[valid-type,misc]
    """``scrapy.squeues.PickleFifoDiskQueue`` with :func:`request_dict` for ``Request.to_dict``."""

    def push(self, request: Request) -> None:
        # the pickling queue under Scrapy's request layer, which would call to_dict itself
        super(PickleFifoDiskQueue, self).push(request_dict(request, self.spider))  # type: ignore[misc]

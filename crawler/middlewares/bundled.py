"""Reach the bundled demo site's public origin through the loopback port that serves it.

The bundled site's URLs start with a fixed origin such as ``http://channel9.arsip.test/`` (``.test``
never resolves), so what a crawl archives does not depend on the free port the site was given. The
site answers for that origin as an HTTP proxy does: this middleware sets ``request.meta["proxy"]``
on every request to the origin's host, and Scrapy's HttpProxyMiddleware (order 750) and HTTP/1.1
download handler send ``GET http://channel9.arsip.test/path HTTP/1.1`` to the loopback port. No
credentials are set, so no Proxy-Authorization header is sent nor archived; Scrapy adds no other
proxy header (such as Proxy-Connection). Requests, URLs and WARC records are the origin's.

Enabled by ``ARSIP_BUNDLED_SITE_PROXY`` = ``{host: "http://127.0.0.1:PORT"}`` (the origin's host and
its CDN's, ``cdn.channel9.arsip.test``), which
:func:`bundled_proxy_settings` builds for a crawl of a ``[bundled_site]`` seed.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.exceptions import NotConfigured
from scrapy.utils.httpobj import urlparse_cached

from crawler.demosite import cdn_base

ORDER = 740  # before HttpProxyMiddleware (750), which turns meta["proxy"] into the proxy to use


def bundled_proxy_settings(origin: str, served_at: str) -> dict:
    """Scrapy settings that send requests for ``origin`` and for its CDN origin (the theme's
    fonts, images and photos, :func:`crawler.demosite.cdn_base`) to the site listening at ``served_at``."""
    hosts = {host for host in (urlsplit(origin).hostname, urlsplit(cdn_base(origin)).hostname) if host}
    return {
        "DOWNLOADER_MIDDLEWARES": {"crawler.middlewares.bundled.BundledSiteProxyMiddleware": ORDER},
        "ARSIP_BUNDLED_SITE_PROXY": {host: served_at.rstrip("/") for host in sorted(hosts)},
    }


class BundledSiteProxyMiddleware:
    """Downloader middleware: proxy plain-http requests for the bundled site's host to loopback."""

    def __init__(self, proxies: dict[str, str]):
        self.proxies = {host.lower(): proxy for host, proxy in proxies.items()}
        self.ours = set(self.proxies.values())

    @classmethod
    def from_crawler(cls, crawler):
        proxies = crawler.settings.getdict("ARSIP_BUNDLED_SITE_PROXY")
        if not proxies:
            raise NotConfigured("ARSIP_BUNDLED_SITE_PROXY is not set")
        return cls(proxies)

    def process_request(self, request):
        parts = urlparse_cached(request)
        proxy = self.proxies.get(parts.hostname or "") if parts.scheme == "http" else None
        if proxy is not None:
            # set, not setdefault: a request resumed from an earlier run's queue has its old port
            request.meta["proxy"] = proxy
        elif request.meta.get("proxy") in self.ours:
            # a redirect off the site keeps its source's meta: it goes to the real host instead
            del request.meta["proxy"]
        return None

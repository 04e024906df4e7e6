"""Refuse requests to private, loopback, link-local and other non-public addresses.

A crawler fed links by the sites it visits must not become a way into the network it runs on
(SSRF): a page, a redirect or a sitemap can name ``http://169.254.169.254/`` or an intranet host.
The check is on the addresses the host name resolves to, not on the name, and it applies to every
request the downloader sends, redirects and robots.txt included. Seeds that target loopback on
purpose (the bundled demo site) set ``allow_private_networks``.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

logger = logging.getLogger(__name__)


class PrivateAddressRefused(IgnoreRequest):
    """The request's host resolves to an address arsip may not crawl."""


def refused_reason(address: str) -> str | None:
    """Why ``address`` (an IP literal) is not a public address, or None when it is."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for label in ("unspecified", "loopback", "link_local", "private", "multicast", "reserved"):
        if getattr(ip, f"is_{label}"):
            return label.replace("_", "-")
    if not ip.is_global:
        return "non-global"
    return None


def resolve(host: str) -> list[str]:
    """Every address ``host`` resolves to (blocking; call it off the reactor thread)."""
    try:
        return [ipaddress.ip_address(host).compressed]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    # an IP sockaddr starts with the address as text (typeshed's int first item is AF_CAN's, never asked for)
    return sorted({info[4][0] for info in infos if isinstance(info[4][0], str)})


class PrivateAddressMiddleware:
    """Downloader middleware: raise :class:`PrivateAddressRefused` for non-public targets.

    Enabled unless ``ARSIP_ALLOW_PRIVATE_NETWORKS`` is true. Verdicts are cached per host for the
    crawl; a host that does not resolve is left to the downloader, which reports the DNS error.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.verdicts: dict[str, str | None] = {}

    @classmethod
    def from_crawler(cls, crawler):
        if crawler.settings.getbool("ARSIP_ALLOW_PRIVATE_NETWORKS"):
            raise NotConfigured
        return cls(crawler)

    async def process_request(self, request):
        host = urlsplit(request.url).hostname
        if not host:
            return None
        if host not in self.verdicts:
            self.verdicts[host] = await self._verdict(host)
        reason = self.verdicts[host]
        if reason:
            self.crawler.stats.inc_value("arsip/safety/refused")
            raise PrivateAddressRefused(
                f"refused {request.url}: {reason} (set allow_private_networks or --allow-private-networks)"
            )
        return None

    async def _verdict(self, host: str) -> str | None:
        try:
            addresses = await maybe_deferred_to_future(deferToThread(resolve, host))
        except OSError:
            return None
        for address in addresses:
            reason = refused_reason(address)
            if reason:
                return f"{host} resolves to {reason} address {address}"
        return None

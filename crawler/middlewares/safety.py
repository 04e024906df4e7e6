"""Refuse connections to private, loopback, link-local and other non-public addresses.

A crawler fed links by the sites it visits must not become a way into the network it runs on
(SSRF): a page, a redirect or a sitemap can name ``http://169.254.169.254/`` or an intranet host.

The check is made where the connection is made. :class:`GuardedResolver` is the crawl's DNS
resolver (Scrapy's ``TWISTED_DNS_RESOLVER``): Twisted's ``HostnameEndpoint``, which every
download connects through, asks it for the addresses of the host, literal IP hosts included, and
it hands over only addresses it has checked. So a name that answers a public address to one lookup
and loopback to the next (DNS rebinding) cannot slip through: there is no second lookup. A lookup
that fails refuses the host (fail closed). Checked answers are cached for the crawl
(``DNSCACHE_ENABLED``/``DNSCACHE_SIZE``).

Two downloader middlewares turn the resolver's verdicts into clear errors:
:class:`PrivateAddressMiddleware` (order 760) asks the resolver before a request is sent (the URL's
host, also when the request goes through a proxy, which connects for us), and
:class:`RefusedConnectionMiddleware` (order 990, next to the downloader, so retries never see it)
turns the DNS error of a connection the resolver refused into :class:`PrivateAddressRefused` or
:class:`UnresolvableHostRefused`.

Connections to the hosts of the operator's proxies (``http_proxy``...) are not refused: a proxy
connects for us, so the URL sent through it is what :class:`PrivateAddressMiddleware` checks.

Seeds that target loopback on purpose (the bundled demo site) set ``allow_private_networks``
(``ARSIP_ALLOW_PRIVATE_NETWORKS``): the resolver then checks nothing, and still resolves IPv6.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar
from urllib.parse import urlsplit
from urllib.request import getproxies

from scrapy.exceptions import CannotResolveHostError, IgnoreRequest, NotConfigured
from scrapy.utils.datatypes import LocalCache
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import defer
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IHostnameResolver, IHostResolution, IResolverSimple
from twisted.internet.threads import deferToThreadPool
from twisted.python.failure import Failure
from zope.interface import implementer

logger = logging.getLogger(__name__)

HINT = "set allow_private_networks or --allow-private-networks"
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the last 32 bits are the IPv4 address


class TargetRefused(IgnoreRequest):
    """The request's host may not be connected to."""


class PrivateAddressRefused(TargetRefused):
    """The request's host resolves to an address arsip may not crawl."""


class UnresolvableHostRefused(TargetRefused):
    """The host's addresses could not be looked up, so none of them could be checked."""


class Refusal(Exception):
    """The resolver's verdict on a host: ``private`` (an address arsip may not crawl) or not (the
    lookup failed). Its text is the reason, without the URL."""

    def __init__(self, reason: str, private: bool):
        super().__init__(reason)
        self.private = private

    def for_request(self, url: str) -> TargetRefused:
        if self.private:
            return PrivateAddressRefused(f"refused {url}: {self} ({HINT})")
        return UnresolvableHostRefused(f"refused {url}: {self}")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[str, list[ipaddress.IPv4Address]] | None:
    """The IPv4 addresses an IPv6 address stands for, and how (mapped, 6to4, Teredo, NAT64)."""
    if ip.ipv4_mapped is not None:
        return "mapped", [ip.ipv4_mapped]
    if ip.sixtofour is not None:
        return "6to4", [ip.sixtofour]
    if ip.teredo is not None:
        server, client = ip.teredo
        return "Teredo", [client, server]
    if ip in NAT64:
        return "NAT64", [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    return None


def refused_reason(address: str) -> str | None:
    """Why ``address`` (an IP literal) is not a public address, or None when it is.

    An IPv6 address that carries an IPv4 address (IPv4-mapped ``::ffff:0:0/96``, 6to4
    ``2002::/16``, Teredo ``2001::/32``, NAT64 ``64:ff9b::/96``) is refused when the IPv4 address
    is; a NAT64 address of a public IPv4 address is public (how an IPv6-only network reaches IPv4).
    """
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            kind, inner = embedded
            for v4 in inner:
                reason = refused_reason(str(v4))
                if reason and kind == "mapped":
                    return reason
                if reason:
                    return f"{reason} ({kind} of {v4})"
            if kind in ("mapped", "NAT64"):
                return None
        if ip.is_site_local:  # fec0::/10, deprecated (RFC 3879) but still routed inside some sites
            return "site-local"
    for label in ("unspecified", "loopback", "link_local", "private", "multicast", "reserved"):
        if getattr(ip, f"is_{label}"):
            return label.replace("_", "-")
    if not ip.is_global:
        return "non-global"
    return None


def system_lookup(host: str) -> list[str]:
    """Every address ``host`` resolves to, in the system's order of preference (blocking: call it off
    the reactor thread). A literal IP host is its own answer, looked up nowhere."""
    try:
        return [ipaddress.ip_address(host).compressed]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    # an IP sockaddr starts with the address as text (typeshed's int first item is AF_CAN's, never asked for)
    return list(dict.fromkeys(info[4][0] for info in infos if isinstance(info[4][0], str)))


resolve = system_lookup  # the name the tests and older callers know


def screen(host: str, addresses: Sequence[str]) -> list[str]:
    """``addresses`` when every one of them is public; else raise :class:`Refusal`.

    One private answer refuses the host: a name that mixes public and private answers is not
    a public site."""
    if not addresses:
        raise Refusal(f"cannot resolve host {host} (no addresses)", private=False)
    for address in addresses:
        reason = refused_reason(address)
        if reason:
            raise Refusal(f"{host} resolves to {reason} address {address}", private=True)
    return list(addresses)


@implementer(IHostResolution)
class _Resolution:
    def __init__(self, name: str):
        self.name = name

    def cancel(self) -> None:  # pragma: no cover - HostnameEndpoint never cancels a resolution
        pass


@implementer(IHostnameResolver, IResolverSimple)
class GuardedResolver:
    """The crawl's resolver: IPv4 and IPv6, and, unless private networks are allowed, only public
    addresses.

    ``lookup`` (a class attribute: ``host -> [address, ...]``, blocking) is where addresses come
    from; a subclass may give another, as the tests do for a name whose answers change.
    """

    lookup: ClassVar[Callable[[str], list[str]]] = staticmethod(system_lookup)

    def __init__(self, reactor: Any, *, guard: bool, cache_size: int, proxy_hosts: Iterable[str] = ()):
        self.reactor = reactor
        self.guard = guard
        # the operator's proxies (http_proxy...) may be on a private network: connections to them are
        # not refused, while the URLs sent through them are checked by PrivateAddressMiddleware
        self.proxy_hosts = frozenset(host.lower() for host in proxy_hosts)
        # host -> addresses, or the Refusal of a private answer; lookups that failed are not kept
        self.cache: LocalCache[str, list[str] | Refusal] | None = (
            LocalCache(cache_size) if cache_size > 0 else None
        )
        self.refusals: LocalCache[str, Refusal] = LocalCache(10_000)  # the last refusal of each host

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> GuardedResolver:
        settings = crawler.settings
        size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        proxies = getproxies().values() if settings.getbool("HTTPPROXY_ENABLED", True) else ()
        return cls(
            reactor,
            guard=not settings.getbool("ARSIP_ALLOW_PRIVATE_NETWORKS"),
            cache_size=size,
            proxy_hosts=[host for proxy in proxies if (host := _host_of(proxy))],
        )

    def install_on_reactor(self) -> None:
        self.reactor.installResolver(self)  # reactor.resolve(), connectTCP() by name
        self.reactor.installNameResolver(self)  # HostnameEndpoint: every download's connection

    # -- the verdict ---------------------------------------------------------------------------
    def check(self, host: str, guard: bool = True) -> list[str]:
        """The addresses ``host`` may be connected to (blocking); raise :class:`Refusal`. Any
        address when the resolver (or the call: ``guard``) does not guard."""
        try:
            addresses = type(self).lookup(host)
        except (OSError, UnicodeError) as exc:
            raise Refusal(f"cannot resolve host {host} ({exc})", private=False) from exc
        if not (self.guard and guard):
            if not addresses:
                raise Refusal(f"cannot resolve host {host} (no addresses)", private=False)
            return list(addresses)
        return screen(host, addresses)

    def addresses(self, host: str) -> defer.Deferred[list[str]]:
        """:meth:`check` off the reactor thread, through the cache; fails with :class:`Refusal`."""
        host = host.lower()
        if self.cache is not None and host in self.cache:
            known = self.cache[host]
            return defer.fail(known) if isinstance(known, Refusal) else defer.succeed(known)
        d: defer.Deferred[list[str]] = deferToThreadPool(
            self.reactor, self.reactor.getThreadPool(), self.check, host
        )

        def keep(result: list[str] | Failure) -> list[str] | Failure:
            if isinstance(result, Failure) and result.check(Refusal):
                refusal = result.value
                assert isinstance(refusal, Refusal)
                self.refusals[host] = refusal
                if refusal.private and self.cache is not None:
                    self.cache[host] = refusal
            elif not isinstance(result, Failure) and self.cache is not None:
                self.cache[host] = result
            return result

        return d.addBoth(keep)

    def connect_addresses(self, host: str) -> defer.Deferred[list[str]]:
        """The addresses a connection to ``host`` may go to: :meth:`addresses`, but any address of a
        configured proxy's host."""
        if host.lower() in self.proxy_hosts:
            return deferToThreadPool(self.reactor, self.reactor.getThreadPool(), self.check, host, False)
        return self.addresses(host)

    # -- IHostnameResolver: HostnameEndpoint, so every HTTP(S) connection ----------------------
    def resolveHostName(
        self,
        resolutionReceiver: Any,  # IResolutionReceiver (zope interfaces are not types to mypy)
        hostName: str,
        portNumber: int = 0,
        addressTypes: Sequence[type] | None = None,
        transportSemantics: str = "TCP",
    ) -> _Resolution:
        resolution = _Resolution(hostName)
        resolutionReceiver.resolutionBegan(resolution)

        def deliver(addresses: list[str]) -> None:
            for text in addresses:
                host, _, scope = text.partition("%")
                if ipaddress.ip_address(host).version == 6:
                    address: IPv4Address | IPv6Address = IPv6Address(
                        "TCP", text, portNumber, scopeID=int(scope) if scope.isdigit() else 0
                    )
                else:
                    address = IPv4Address("TCP", text, portNumber)
                if addressTypes and not isinstance(address, tuple(addressTypes)):
                    continue
                resolutionReceiver.addressResolved(address)

        def finish(result: list[str] | Failure) -> None:
            try:
                if not isinstance(result, Failure):
                    deliver(result)
                elif result.check(Refusal):
                    # no addresses: HostnameEndpoint fails with DNSLookupError, which
                    # RefusedConnectionMiddleware turns back into this refusal
                    logger.debug("resolver refused %s: %s", hostName, result.value)
                else:
                    logger.error("resolving %s: %s", hostName, result.value)
            finally:
                resolutionReceiver.resolutionComplete()

        self.connect_addresses(hostName).addBoth(finish)
        return resolution

    # -- IResolverSimple: reactor.resolve() (IPv4 only) ------------------------------------------
    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:
        def first_ipv4(addresses: list[str]) -> str:
            for text in addresses:
                if ipaddress.ip_address(text.split("%", 1)[0]).version == 4:
                    return text
            raise DNSLookupError(f"no IPv4 address for {name}")

        def refused(failure: Failure) -> Failure:
            failure.trap(Refusal)
            return Failure(DNSLookupError(f"refused: {failure.value}"))

        return self.connect_addresses(name).addCallbacks(first_ipv4, refused)


def _host_of(proxy: str) -> str | None:
    return urlsplit(proxy if "://" in proxy else f"http://{proxy}").hostname


def crawl_resolver() -> GuardedResolver:
    """The resolver installed on the running reactor; an error if it is not arsip's (whatever
    resolver it is could connect anywhere)."""
    from twisted.internet import reactor

    resolver = reactor.nameResolver
    if not isinstance(resolver, GuardedResolver):
        raise RuntimeError(
            f"the crawl's DNS resolver is {type(resolver).__name__}, not GuardedResolver: "
            "private addresses would not be refused"
        )
    return resolver


class _SafetyMiddleware:
    """What the safety middlewares share: the crawler, and no middleware at all where
    ``ARSIP_ALLOW_PRIVATE_NETWORKS`` is true."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        if crawler.settings.getbool("ARSIP_ALLOW_PRIVATE_NETWORKS"):
            raise NotConfigured
        return cls(crawler)


class PrivateAddressMiddleware(_SafetyMiddleware):
    """Downloader middleware (order 760, after HttpProxyMiddleware has chosen the proxy): refuse a
    request whose host the resolver refuses, before it is sent.

    Enabled unless ``ARSIP_ALLOW_PRIVATE_NETWORKS`` is true. Raises :class:`PrivateAddressRefused`
    or :class:`UnresolvableHostRefused`. A request sent through a proxy is the one case where the
    URL's host is not connected to by arsip: a literal IP or a name that resolves here to a private
    address is refused, and a name that does not resolve here is left to the proxy, whose DNS it
    is (arsip cannot see where a proxy connects).
    """

    async def process_request(self, request):
        host = urlparse_cached(request).hostname
        if not host:
            return None
        try:
            await maybe_deferred_to_future(crawl_resolver().addresses(host))
        except Refusal as refusal:
            if request.meta.get("proxy") and not refusal.private:
                return None
            self.crawler.stats.inc_value("arsip/safety/refused")
            raise refusal.for_request(request.url) from None
        return None


class RefusedConnectionMiddleware(_SafetyMiddleware):
    """Downloader middleware (order 990): the DNS error of a connection the resolver refused (a
    name whose answer changed since :class:`PrivateAddressMiddleware` asked) becomes the refusal,
    which is not retried."""

    def process_exception(self, request, exception):
        if not isinstance(exception, (CannotResolveHostError, DNSLookupError)):
            return None
        proxy = request.meta.get("proxy")
        host = _host_of(proxy) if proxy else urlparse_cached(request).hostname  # what was connected to
        refusal = crawl_resolver().refusals.get(host.lower()) if host else None
        if refusal is not None:
            self.crawler.stats.inc_value("arsip/safety/refused")
            raise refusal.for_request(request.url) from exception
        # the resolver refused every lookup it could not make: no address, no connection
        raise UnresolvableHostRefused(
            f"refused {request.url}: cannot resolve host ({exception})"
        ) from exception

"""Serving the demo site with aiohttp in a background thread: gzip, ETag/Last-Modified/304, chunking.

:class:`RunningSite` is what :func:`crawler.demosite.start_site` returns. Its content can be
reconfigured while it runs (same port, same URLs), which is what incremental-crawl tests need.

Every absolute URL the site writes (links, sitemaps, feeds, robots.txt, canonical links,
redirects) starts with its ``origin``: by default the address it listens on, or a public origin
such as ``http://channel9.arsip.test/`` that the site answers for as an HTTP proxy would, so that
its URLs do not depend on the port it was given. It answers the absolute-form request targets a
client sends to a proxy (``GET http://channel9.arsip.test/path HTTP/1.1``) for that origin and for
its CDN (``http://cdn.channel9.arsip.test/``, which serves the theme's fonts, images and photos
only), and 421 Misdirected Request for any other.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from datetime import UTC
from email.utils import format_datetime, parsedate_to_datetime

from aiohttp import web
from yarl import URL

from . import faults as fx
from .assets import cdn_base, is_cdn_host
from .config import Faults, SiteConfig
from .corpus import Corpus
from .generate import build_corpus
from .pages import Page, Pages

log = logging.getLogger(__name__)
CHUNK = 8192
MANY_SLASHES = re.compile(r"/{2,}")
SMALL_PAGE = b'<!DOCTYPE html><html><head><meta charset="UTF-8"><title>Lambat</title></head><body><p>Halaman lambat.</p></body></html>\n'


class RunningSite:
    """The demo site served on ``host``; ``url``, ``origin``, ``corpus``, ``requests_log``; a context manager."""

    def __init__(self, config: SiteConfig, host: str = "127.0.0.1", port: int = 0, origin: str | None = None):
        self.host, self.port = host, port
        self._origin = origin.rstrip("/") + "/" if origin else None
        self.requests_log: list[tuple[str, str, int]] = []
        self._config = config
        self._state: tuple[SiteConfig, Pages, fx.FaultPicker] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._corpus: Corpus | None = None

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://[{host}]:{self.port}/" if ":" in host else f"http://{host}:{self.port}/"

    @property
    def origin(self) -> str:
        """The site's public origin, which every URL it writes starts with (by default ``url``)."""
        return self._origin or self.url

    def _running(self) -> tuple[SiteConfig, Pages, fx.FaultPicker]:
        """The live (config, pages, fault picker), set by the serving thread before start() returns."""
        assert self._state is not None, "the demo site is not started"
        return self._state

    @property
    def config(self) -> SiteConfig:
        return self._running()[0]

    @property
    def corpus(self):
        return self._running()[1].corpus

    def start(self) -> RunningSite:
        """Bind and serve in a daemon thread; returns once the port is known."""
        self._corpus = build_corpus(self._config)
        ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(ready,), name="demosite", daemon=True)
        self._thread.start()
        ready.wait()
        if self._error is not None:
            raise self._error
        log.info("demo site %s serving on %s (%d articles)", self.origin, self.url, len(self.corpus))
        return self

    def reconfigure(self, **changes) -> None:
        """Change ``added``, ``changed`` (absolute values), ``faults``... in place, same URL."""
        config, pages, picker = self._running()
        new = config.with_changes(**changes)
        if new.content_key() != config.content_key():
            pages = Pages(build_corpus(new), self.origin)
        if "faults" in changes:  # a fresh count, so the same faults replay the same sequence
            picker = fx.FaultPicker(new.faults)
        self._state = (new, pages, picker)

    def set_faults(self, faults: Faults) -> None:
        self.reconfigure(faults=faults)

    def stop(self) -> None:
        """Stop serving and wait for the thread to finish."""
        if self._loop is not None and self._thread is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)

    def __enter__(self) -> RunningSite:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _serve(self, ready: threading.Event) -> None:
        loop = self._loop = asyncio.new_event_loop()
        try:
            runner = loop.run_until_complete(self._open())
        except BaseException as exc:  # noqa: BLE001 - reported to start() in the caller's thread
            self._error = exc
            ready.set()
            loop.close()
            return
        ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(runner.cleanup())
            loop.close()

    async def _open(self) -> web.AppRunner:
        # Every request is the site's, whatever its path: a middleware rather than a route, since
        # aiohttp's router answers 404 itself for the empty path of the target "http://host".
        app = web.Application(middlewares=[self._every_request])
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, backlog=1024)
        await site.start()
        self.port = runner.addresses[0][1]
        self._state = (self._config, Pages(self._corpus, self.origin), fx.FaultPicker(self._config.faults))
        return runner

    @web.middleware
    async def _every_request(self, request: web.Request, handler) -> web.StreamResponse:
        return await self._handle(request)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        status = 0  # stays 0 when the connection is dropped
        target = request.path_qs if request.path else "/" + request.path_qs
        try:
            response = await self._respond(request, target, *self._running())
            status = response.status
            return response
        finally:
            self.requests_log.append((request.method, target, status))

    def _misdirected(self, request: web.Request) -> bool:
        """An absolute-form target (``GET http://host/path``, as sent to a proxy) naming another
        origin than this site's or its CDN's. Origin-form targets are answered whatever their Host."""
        if request.raw_path.startswith("/"):
            return False
        asked = URL(request.raw_path)  # request.url has the socket's scheme
        return all(
            (asked.scheme, asked.host, asked.port) != (ours.scheme, ours.host, ours.port)
            for ours in (URL(self.origin), URL(cdn_base(self.origin)))
        )

    def _on_cdn(self, request: web.Request) -> bool:
        """Whether the request is for the CDN origin (by its absolute-form target, else its Host)."""
        host = URL(request.raw_path).host if not request.raw_path.startswith("/") else request.host
        return is_cdn_host(self.origin, host or "")

    async def _respond(
        self, request: web.Request, target: str, config: SiteConfig, pages: Pages, picker
    ) -> web.StreamResponse:
        if request.method not in ("GET", "HEAD"):
            return web.Response(status=405, headers={"Allow": "GET, HEAD"})
        if self._misdirected(request):
            return web.Response(status=421, text=f"this server answers for {self.origin} only\n")
        path = MANY_SLASHES.sub("/", request.path) or "/"  # nginx's merge_slashes
        outcome = picker.pick(target)
        if outcome in (503, 500):
            return await send(request, fx.error_page(outcome, config.faults))
        if outcome == fx.SLOW:
            await asyncio.sleep(config.faults.slow_seconds)
        if path.startswith("/fault/"):
            return await self._fault(request, config, pages, path)
        page = pages.cdn(path) if self._on_cdn(request) else pages.get(path, request.query_string)
        if outcome == fx.DROP:
            return await fx.drop_connection(request, page)
        return await send(request, page)

    async def _fault(
        self, request: web.Request, config: SiteConfig, pages: Pages, path: str
    ) -> web.StreamResponse:
        result = fx.fault_route(pages, config.faults, path)
        if result is None:
            return await send(request, pages.not_found(path))
        if isinstance(result, Page):
            return await send(request, result)
        if result == fx.DROP:
            return await fx.drop_connection(request, pages.get("/"))
        kind, _, value = result.partition(":")
        if kind == "huge":
            return await fx.huge_response(request, float(value))
        await asyncio.sleep(float(value))
        return await send(request, Page(200, SMALL_PAGE))


async def send(request: web.Request, page: Page) -> web.StreamResponse:
    """Answer with ``page``: 304 when the validators match, gzip when accepted, chunked if marked."""
    headers = {"Content-Type": page.content_type, "Server": "nginx", **page.headers}
    if page.location:
        headers["Location"] = page.location
    body, etag = page.body, page.etag
    if page.compressible:
        headers["Vary"] = "Accept-Encoding"
        if accepts_gzip(request.headers.get("Accept-Encoding", "")):
            body, etag = page.gzipped, etag[:-1] + '-gzip"'
            headers["Content-Encoding"] = "gzip"
    if page.status == 200 and page.last_modified is not None:
        headers["ETag"], headers["Last-Modified"] = etag, http_date(page.last_modified)
        if not_modified(request, page):
            for name in ("Content-Type", "Content-Encoding"):
                headers.pop(name, None)
            return web.Response(status=304, headers=headers)
    if not page.chunked or request.method == "HEAD":
        return web.Response(status=page.status, body=body, headers=headers)
    response = web.StreamResponse(status=page.status, headers=headers)
    response.enable_chunked_encoding()
    await response.prepare(request)
    for start in range(0, len(body), CHUNK):
        await response.write(body[start : start + CHUNK])
    await response.write_eof()
    return response


def accepts_gzip(header: str) -> bool:
    """True when Accept-Encoding lists gzip (or ``*``) without ``q=0``."""
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        if name.strip().lower() in ("gzip", "x-gzip", "*"):
            return params.replace(" ", "").lower() not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def http_date(moment) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def not_modified(request: web.Request, page: Page) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since; any representation's ETag matches."""
    match = request.headers.get("If-None-Match")
    if match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in match.split(",")}
        return "*" in tags or page.etag in tags or page.etag[:-1] + '-gzip"' in tags
    since = request.headers.get("If-Modified-Since")
    if since is None or page.last_modified is None:  # send() only asks for pages that have one
        return False
    try:
        return page.last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False

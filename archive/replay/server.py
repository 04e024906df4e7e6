"""Wayback-style replay of a data directory over HTTP (aiohttp), with Memento (RFC 7089) headers.

``/<coll>/<timestamp>[mod]/<url>`` serves the capture closest in time. Lookups are a binary search
in the collection's CDXJ files and one seek into a WARC. Replayed documents are sandboxed by CSP:
they get an opaque origin and no script authority, and may load nothing but the archive itself.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from urllib.parse import urljoin

from aiohttp import web

from archive.dates import LATEST, http_date_to_ts, ts_to_http_date
from archive.errors import ArsipError
from archive.index import cdx
from archive.index.query import Capture
from archive.replay import pages, search_pages
from archive.replay.collection import Collection, CollectionError, list_collections
from archive.replay.rewrite import UrlRewriter, decode_text, encode_text
from archive.warc.reader import ArchivedResponse

log = logging.getLogger(__name__)

SANDBOX_CSP = (
    "sandbox; default-src 'self' data: blob: 'unsafe-inline'; script-src 'none'; "
    "object-src 'none'; base-uri 'self'; form-action 'none'"
)
PAGE_CSP = "default-src 'self'; style-src 'unsafe-inline'; script-src 'none'"
# The header policy: replay answers with its own headers. Of the archived ones it keeps only what
# describes the body it sends (its type, and its encoding when the body is served still encoded);
# Location is rewritten into the archive (below). Every other archived header (Date, Server, ETag,
# Set-Cookie, CSP, CORS, Content-Disposition, Clear-Site-Data, Service-Worker-Allowed, Link...) is
# shown as X-Archive-Orig-<name>, as pywb does, so that none of them acts in the browser.
KEPT = {"content-type"}
ORIG_PREFIX = "X-Archive-Orig-"
# What aiohttp refuses in a header (RFC 9110 5.5): C0 controls but tab, and DEL.
CONTROL_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
TOKEN_RE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
# A sandboxed page has an opaque origin, so its fonts and its crossorigin images, stylesheets and
# preloads are cross-origin requests to the replay server itself: every capture allows them.
CORS = ("Access-Control-Allow-Origin", "*")
TS_RE = re.compile(r"^(\d{1,14})([a-z]{2}_)?$")
CALENDAR_RE = re.compile(r"^(\d{0,14})\*$")  # pywb's /<coll>/*/<url> and /<coll>/2024*/<url>
PER_PAGE = 50


def target_url(request: web.Request, prefix: str) -> str:
    """The archived URL in the request path, query included, as the browser sent it."""
    raw = request.raw_path[len(prefix) :]
    raw = re.sub(r"^(https?):/+", r"\1://", raw)
    return raw if re.match(r"^https?://", raw) else "http://" + raw


class ReplayApp:
    """The handlers, bound to one data directory."""

    def __init__(self, data_dir: str | Path):
        self.data_dir = Path(data_dir).resolve()
        self._collections: dict[str, Collection] = {}

    def collection(self, name: str) -> Collection:
        if name not in self._collections:
            try:
                self._collections[name] = Collection(self.data_dir, name)
            except CollectionError as exc:
                raise web.HTTPNotFound(text=f"{exc.public}\n") from None  # never the data directory
        return self._collections[name]

    async def index(self, request: web.Request) -> web.Response:
        return html_response(pages.collections_page(list_collections(self.data_dir)))

    async def captures(self, request: web.Request) -> web.Response:
        coll = self.collection(request.match_info["coll"])
        q = request.query.get("q", "").strip()
        try:
            page_no = max(1, int(request.query.get("page", "1")))
        except ValueError:
            page_no = 1
        articles = coll.search(q)
        total, pages_count = len(articles), -(-len(articles) // PER_PAGE)
        rows = [coll.listing_row(a) for a in articles[(page_no - 1) * PER_PAGE : page_no * PER_PAGE]]
        return html_response(pages.captures_page(coll.name, rows, q, page_no, pages_count, total))

    async def memento(self, request: web.Request) -> web.Response:
        name, ts_mod = request.match_info["coll"], request.match_info["ts"]
        match = TS_RE.match(ts_mod)
        if not match:
            if CALENDAR_RE.match(ts_mod):
                return await self.calendar(request)
            return await self.timegate(request)
        coll = self.collection(name)
        ts, mod = match.group(1), match.group(2) or ""
        url = target_url(request, f"/{name}/{ts_mod}/")
        caps = coll.closest(url, ts)
        if not caps:
            body = pages.not_found_page(name, url, coll.index.nearby(url))
            return html_response(body, status=404)
        return self.replay(request, coll, caps[0], mod)

    def replay(self, request: web.Request, coll: Collection, cap: Capture, mod: str) -> web.Response:
        exchange = load_or_refuse(coll, cap)
        all_caps = coll.replayable(cap.url)
        position = next((i for i, c in enumerate(all_caps, 1) if c.timestamp == cap.timestamp), 1)
        prefix = f"/{coll.name}/"
        rewriter = UrlRewriter(prefix, cap.timestamp, exchange.url or cap.url)
        headers = replay_headers(exchange.headers, exchange.decoded)
        if exchange.location:
            location = rewriter.rewrite(urljoin(exchange.url, exchange.location), mod)
            headers.append(("Location", safe_header_value(location)))
        body = exchange.body
        if mod != "id_" and exchange.mime in ("text/html", "application/xhtml+xml"):
            banner = ""
            if mod in ("", "mp_"):
                text_link = coll.is_article(cap, exchange)
                banner = pages.banner(coll.name, cap, position, len(all_caps), text_link)
            body = encode_text(rewriter.rewrite_html(decode_text(body), banner))
        elif mod != "id_" and exchange.mime == "text/css":
            body = encode_text(rewriter.rewrite_css(decode_text(body)))
        headers += memento_headers(request, coll.name, cap)
        headers += [
            ("Content-Security-Policy", SANDBOX_CSP),
            CORS,
            ("X-Archive-Src", f"{cap.filename}:{cap.offset}"),
            ("Content-Location", f"{prefix}{cap.timestamp}{mod}/{cap.url}"),
        ]
        reason = safe_header_value(exchange.reason) if exchange.reason else None
        response = web.Response(status=exchange.status, reason=reason, body=body)
        for key, value in headers:
            response.headers.add(key, value)
        return response

    async def calendar(self, request: web.Request) -> web.Response:
        """``/<coll>/*/<url>`` (or ``/<coll>/<ts prefix>*/<url>``): the captures of a URL as an HTML
        page, by year and month, each a link into replay. The TimeMap stays for machines."""
        name, stars = request.match_info["coll"], request.match_info["ts"]
        coll = self.collection(name)
        url = target_url(request, f"/{name}/{stars}/")
        since = stars.rstrip("*")
        caps = [c for c in coll.replayable(url) if c.timestamp.startswith(since)]
        if not caps:
            return html_response(pages.not_found_page(name, url, coll.index.nearby(url)), status=404)
        versions = search_pages.versions_note(self.data_dir, name, caps[0].url)
        return html_response(pages.calendar_page(name, caps[0].url, caps, since, versions))

    async def timegate(self, request: web.Request) -> web.Response:
        """``/<coll>/<url>``: redirect to the capture closest to Accept-Datetime (default: latest)."""
        name = request.match_info["coll"]
        coll = self.collection(name)
        url = target_url(request, f"/{name}/")
        wanted = request.headers.get("Accept-Datetime")
        ts = (wanted and http_date_to_ts(wanted)) or LATEST
        caps = coll.closest(url, ts)
        if not caps:
            return html_response(pages.not_found_page(name, url, coll.index.nearby(url)), status=404)
        headers = {
            "Location": f"/{name}/{caps[0].timestamp}/{caps[0].url}",
            "Vary": "accept-datetime",
            "Link": f'<{caps[0].url}>; rel="original", </{name}/timemap/link/{caps[0].url}>; rel="timemap"',
        }
        return web.Response(status=302, headers=headers)

    async def timemap(self, request: web.Request) -> web.Response:
        name = request.match_info["coll"]
        coll = self.collection(name)
        raw = re.sub(r"^link/", "", request.raw_path[len(f"/{name}/timemap/") :])
        url = target_url(request, request.raw_path[: len(request.raw_path) - len(raw)])
        caps = coll.replayable(url)
        if not caps:
            raise web.HTTPNotFound(text=f"{url} was never captured in {name}\n")
        base = f"/{name}"  # relative, as the Link headers: the request's Host header is never echoed
        lines = [
            f'<{caps[0].url}>; rel="original"',
            f'<{base}/timemap/link/{caps[0].url}>; rel="self"; type="application/link-format"; '
            f'from="{ts_to_http_date(caps[0].timestamp)}"; until="{ts_to_http_date(caps[-1].timestamp)}"',
            f'<{base}/{caps[0].url}>; rel="timegate"',
        ]
        lines += [
            f'<{base}/{c.timestamp}/{c.url}>; rel="memento"; datetime="{ts_to_http_date(c.timestamp)}"'
            for c in caps
        ]
        return web.Response(text=",\n".join(lines) + "\n", content_type="application/link-format")

    async def cdx(self, request: web.Request) -> web.Response:
        """pywb's CDX server API (``archive/index/cdx.py``): url, matchType, from, to, closest, sort,
        reverse, limit, filter, fl, output (cdxj, json, text, link), collapseTime, resolveRevisits."""
        coll, q = self.collection(request.match_info["coll"]), request.query
        try:
            query = cdx.CdxQuery.parse(dict(q.items()), q.getall("filter", []))  # the last one wins, as pywb
            lines = list(cdx.render(cdx.run(coll.index, query), query, coll.name))
        except cdx.CdxQueryError as exc:
            raise web.HTTPBadRequest(text=f"{exc}\n") from None
        return web.Response(
            text="".join(lines), headers={"Content-Type": cdx.CONTENT_TYPES[query.output] + "; charset=utf-8"}
        )

    async def text(self, request: web.Request) -> web.Response:
        """The clean article text of the closest capture, extracted now (the extractor may have improved);
        offered for articles only: any other page is a 404 saying what it is."""
        name, ts = request.match_info["coll"], request.match_info["ts"]
        coll = self.collection(name)
        url = target_url(request, f"/{name}/text/{ts}/")
        stamp = TS_RE.match(ts)
        caps = coll.closest(url, stamp.group(1) if stamp else "9")
        if not caps:
            return html_response(pages.not_found_page(name, url, coll.index.nearby(url)), status=404)
        try:
            article = coll.article(caps[0])
        except ArsipError as exc:
            raise unreadable(caps[0], exc) from None
        if not article.ok:
            raise web.HTTPNotFound(text=f"no article text in {caps[0].url}: {article.reason}\n")
        if not article.is_article:  # the one rule (archive/extract/identity.py), as the crawl and export
            kind = {"listing": "listing page", "page": "WordPress page"}.get(
                article.page_kind, "no article signals, little text"
            )
            raise web.HTTPNotFound(
                text=f"not an article: {kind}\n{caps[0].url} is replayed at /{name}/{caps[0].timestamp}/{caps[0].url}\n"
            )
        response = web.Response(text=article.render(), content_type="text/plain", charset="utf-8")
        response.headers.extend(memento_headers(request, name, caps[0]))
        return response


def load_or_refuse(coll: Collection, cap: Capture) -> ArchivedResponse:
    """The capture's record; one that cannot be read (damaged, its WARC missing, a body past the
    32 MB every reader stops at: a decompression bomb) is a 500 saying so, in any mode (``id_`` too:
    its raw bytes would be the bomb, for the visitor's browser to inflate)."""
    try:
        return coll.load(cap)
    except ArsipError as exc:
        raise unreadable(cap, exc) from None


def unreadable(cap: Capture, exc: ArsipError) -> web.HTTPInternalServerError:
    return web.HTTPInternalServerError(
        text=f"cannot replay {cap.url} captured {cap.timestamp}: {getattr(exc, 'public', exc)}\n"
    )


def replay_headers(archived: list[tuple[str, str]], decoded: bool) -> list[tuple[str, str]]:
    """The archived headers replay passes on: the body's type (and encoding, if still encoded) as
    they are, every other one as ``X-Archive-Orig-<name>``; control characters escaped, a header
    whose name is no HTTP token dropped."""
    out = []
    for key, value in archived:
        if not TOKEN_RE.match(key):
            continue
        low = key.lower()
        keep = low in KEPT or (low == "content-encoding" and not decoded)
        out.append((key if keep else ORIG_PREFIX + key, safe_header_value(value)))
    return out


def safe_header_value(value: str) -> str:
    """``value`` with each control character aiohttp would refuse written as ``\\xNN``."""
    return CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", value)


def memento_headers(request: web.Request, coll: str, cap: Capture) -> list[tuple[str, str]]:
    base = f"/{coll}"
    link = (
        f'<{cap.url}>; rel="original", <{base}/{cap.url}>; rel="timegate", '
        f'<{base}/timemap/link/{cap.url}>; rel="timemap"; type="application/link-format", '
        f'<{base}/{cap.timestamp}/{cap.url}>; rel="memento"; datetime="{ts_to_http_date(cap.timestamp)}"'
    )
    return [("Memento-Datetime", ts_to_http_date(cap.timestamp)), ("Link", link)]


def html_response(body: str, status: int = 200) -> web.Response:
    response = web.Response(text=body, status=status, content_type="text/html", charset="utf-8")
    response.headers["Content-Security-Policy"] = PAGE_CSP
    return response


def make_app(data_dir: str | Path) -> web.Application:
    """The aiohttp application serving every collection under ``data_dir``."""
    handlers = ReplayApp(data_dir)
    app = web.Application()
    app.router.add_get("/", handlers.index)
    app.router.add_get("/{coll}/", handlers.captures)
    app.router.add_get("/{coll}/cdx", handlers.cdx)
    app.router.add_get("/{coll}/timemap/{tail:.*}", handlers.timemap)
    app.router.add_get("/{coll}/text/{ts}/{tail:.*}", handlers.text)
    search_pages.add_routes(app, data_dir)  # /search, /<coll>/search, /<coll>/diff/..., /<coll>/changes
    app.router.add_get("/{coll}/{ts}/{tail:.*}", handlers.memento)
    app.router.add_get("/{coll}/{tail:.*}", handlers.timegate)
    return app

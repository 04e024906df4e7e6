"""A hostile site on loopback for the reliability tests: a decompression bomb, a 50 MB page, deeply
nested HTML, an XML entity bomb as the sitemap, a redirect loop and a page of 10,000 links, next to
a few ordinary articles the crawl must still archive."""

from __future__ import annotations

import asyncio
import threading
import zlib

from aiohttp import web

ARTICLES = [f"/berita-{n}/" for n in range(1, 6)]
HOSTILE = ["/bom-gzip/", "/halaman-raksasa/", "/sarang-dalam/", "/putaran-1/", "/seribu-tautan/"]
HUGE_MB = 50
BOMB_MB = 256  # inflates to 256 MB from about 250 KB on the wire
ENTITY_BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol9;</loc></url>
{urls}</urlset>
"""


def article(title: str, body: str = "", links: str = "") -> bytes:
    paragraphs = "".join(
        f"<p>{title}: paragraf {n} berisi kalimat berita yang cukup panjang untuk "
        f"diekstrak sebagai teks artikel yang bersih dan utuh.</p>"
        for n in range(1, 6)
    )
    return (
        f'<!doctype html><html lang="id"><head><title>{title}</title><meta property="og:type" content="article">'
        f'</head><body><nav>{links}</nav><article><h1 class="entry-title">{title}</h1>'
        f'<div class="entry-content">{paragraphs}{body}</div></article></body></html>'
    ).encode()


def _bomb() -> bytes:
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip framing
    block = b"\0" * (1 << 20)
    return b"".join(squeeze.compress(block) for _ in range(BOMB_MB)) + squeeze.flush()


def make_app() -> web.Application:
    bomb = _bomb()
    home = "".join(f'<a href="{p}">{p}</a> ' for p in ARTICLES + HOSTILE)

    async def page(request: web.Request) -> web.StreamResponse:
        path = request.path
        if path == "/":
            return web.Response(body=article("Beranda", links=home), content_type="text/html")
        if path in ARTICLES:
            return web.Response(
                body=article(f"Berita {path.strip('/')}", links=home), content_type="text/html"
            )
        if path == "/robots.txt":
            return web.Response(
                text=f"User-agent: *\nAllow: /\nSitemap: {request.url.origin()}/sitemap.xml\n"
            )
        if path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{request.url.origin()}{p}</loc></url>" for p in ARTICLES)
            return web.Response(text=ENTITY_BOMB.format(urls=urls), content_type="application/xml")
        if path == "/bom-gzip/":
            return web.Response(body=bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
        if path == "/halaman-raksasa/":
            return await _huge(request)
        if path == "/sarang-dalam/":
            return web.Response(
                body=article("Sarang", "<div>" * 100_000 + "dalam" + "</div>" * 100_000),
                content_type="text/html",
            )
        if path.startswith("/putaran-"):
            step = int(path.strip("/").split("-")[1])
            raise web.HTTPFound(f"/putaran-{step % 3 + 1}/")
        if path == "/seribu-tautan/":
            return web.Response(body=article("Tautan", _links()), content_type="text/html")
        raise web.HTTPNotFound()

    app = web.Application()
    app.router.add_get("/{tail:.*}", page)
    return app


def _links() -> str:
    """10,000 links: 5,000 distinct tag pages (never fetched) and 5,000 tracking variants of the
    five articles (one fetch each after canonicalisation)."""
    tags = "".join(f'<a href="/tag/t{n}/">t{n}</a>' for n in range(5000))
    variants = "".join(f'<a href="{ARTICLES[n % 5]}?utm_source=s{n}#c{n}">v</a>' for n in range(5000))
    return f"<ul>{tags}{variants}</ul>"


async def _huge(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/html"})
    response.enable_chunked_encoding()  # no Content-Length: the crawler learns the size by reading
    await response.prepare(request)
    chunk = (b"<p>" + b"isi halaman raksasa " * 50 + b"</p>\n").ljust(1 << 16, b" ")
    for _ in range(HUGE_MB * 16):
        await response.write(chunk)
    return response


class HostileSite:
    """The app served from a background thread on a free loopback port."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.url = ""

    def start(self) -> HostileSite:
        self.thread.start()
        self.ready.wait(60)
        return self

    def _serve(self):
        asyncio.set_event_loop(self.loop)
        self.runner = web.AppRunner(make_app(), access_log=None)
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}/"
        self.ready.set()
        self.loop.run_forever()

    def stop(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)

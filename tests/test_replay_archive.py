"""A hand-built archive for the replay and export tests, plus tests of the CDXJ search and the reader.

``build_archive`` writes two crawls of a small news site with warcio: gzip bodies, a redirect, a
stylesheet and an image, and a revisit record for an unchanged article; then indexes the WARC with
cdxj-indexer, exactly as a pywb collection would be.
"""

from __future__ import annotations

import asyncio
import gzip
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.dates import pad_timestamp
from archive.index import cdx
from archive.index.query import CdxjIndex
from archive.warc.reader import read_at, scan

BASE = "http://news.test"
ARTICLE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title} - News Test</title>
<link rel="stylesheet" href="/style.css"><link rel="canonical" href="{url}">
<meta property="og:title" content="{title}"><script src="/app.js"></script></head>
<body class="single"><header><nav><a href="/">Beranda</a> <a href="/category/nasional/">Nasional</a></nav></header>
<main><article><header><span class="cat-links"><a href="/category/nasional/" rel="category tag">Nasional</a></span>
<h1 class="entry-title">{title}</h1><time class="entry-date" datetime="{published}">{published}</time></header>
<div class="entry-content"><p>News Test – Jakarta. {lead}</p><p>{para}</p>
<p>Baca juga: <a href="{other}">{other_title}</a></p><img src="/logo.png" srcset="/logo.png 1x, /logo.png 2x">
<p>Paragraf penutup tentang {title} yang cukup panjang untuk diekstrak dengan baik oleh trafilatura.</p></div>
</article></main><footer><p>Hak cipta News Test</p></footer></body></html>"""
TITLES = {"/artikel-satu/": "Artikel Satu Tentang Banjir", "/artikel-dua/": "Artikel Dua Tentang Pemilu"}
LOGO = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def article_html(path: str, version: int = 1) -> bytes:
    other = "/artikel-dua/" if path == "/artikel-satu/" else "/artikel-satu/"
    lead = "Warga mengungsi setelah hujan deras semalam. " * 4 + ("(versi kedua)" if version > 1 else "")
    return ARTICLE.format(
        title=TITLES[path],
        url=BASE + path,
        published="2024-03-01T08:00:00+07:00",
        lead=lead,
        para="Pemerintah daerah menyiapkan posko bantuan di tiga kecamatan. " * 5,
        other=other,
        other_title=TITLES[other],
    ).encode("utf-8")


def _write(writer, url, date, status, headers, body, gzip_body=False):
    if gzip_body:
        body = gzip.compress(body, mtime=0)
        headers = headers + [("Content-Encoding", "gzip")]
    http = StatusAndHeaders(status, headers + [("Content-Length", str(len(body)))], protocol="HTTP/1.1")
    req = writer.create_warc_record(
        url,
        "request",
        payload=BytesIO(b""),
        warc_headers_dict={"WARC-Date": date},
        http_headers=StatusAndHeaders(
            f"GET {url[len(BASE) :] or '/'} HTTP/1.1", [("Host", "news.test")], is_http_request=True
        ),
    )
    resp = writer.create_warc_record(
        url, "response", payload=BytesIO(body), http_headers=http, warc_headers_dict={"WARC-Date": date}
    )
    writer.write_record(resp)
    req.rec_headers.add_header("WARC-Concurrent-To", resp.rec_headers.get_header("WARC-Record-ID"))
    writer.write_record(req)
    return resp


def build_archive(data_dir: Path, coll: str = "demo") -> Path:
    """Write ``<data>/<coll>/warcs/news.warc.gz`` and its index; returns the collection directory."""
    coll_dir = data_dir / coll
    (coll_dir / "warcs").mkdir(parents=True)
    (coll_dir / "indexes").mkdir()
    html = [("Content-Type", "text/html; charset=UTF-8")]
    d1, d2 = "2024-03-01T10:00:00Z", "2024-03-08T10:00:00Z"
    with open(coll_dir / "warcs" / "news.warc.gz", "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        w.write_record(w.create_warcinfo_record("news.warc.gz", {"software": "test"}))
        home = (
            b'<html><head><title>Beranda</title></head><body><a href="/artikel-satu/">satu</a> '
            b'<a href="/artikel-dua/">dua</a> <a href="/lama/">lama</a></body></html>'
        )
        _write(w, BASE + "/", d1, "200 OK", html + [("Set-Cookie", "sid=1")], home, gzip_body=True)
        first = _write(w, BASE + "/artikel-satu/", d1, "200 OK", html, article_html("/artikel-satu/"), True)
        _write(w, BASE + "/artikel-dua/", d1, "200 OK", html, article_html("/artikel-dua/"))
        _write(
            w,
            BASE + "/style.css",
            d1,
            "200 OK",
            [("Content-Type", "text/css")],
            b"body{background:url('/logo.png')} @import \"/more.css\";",
        )
        _write(w, BASE + "/logo.png", d1, "200 OK", [("Content-Type", "image/png")], LOGO)
        _write(
            w,
            BASE + "/lama/",
            d1,
            "301 Moved Permanently",
            [("Location", BASE + "/artikel-satu/"), ("Content-Type", "text/html")],
            b"moved",
        )
        digest = first.rec_headers.get_header("WARC-Payload-Digest")
        revisit_http = StatusAndHeaders("200 OK", html + [("Content-Encoding", "gzip")], protocol="HTTP/1.1")
        revisit = w.create_revisit_record(
            BASE + "/artikel-satu/",
            digest,
            BASE + "/artikel-satu/",
            d1,
            http_headers=revisit_http,
            warc_headers_dict={"WARC-Date": d2},
        )
        w.write_record(revisit)
        _write(w, BASE + "/artikel-dua/", d2, "200 OK", html, article_html("/artikel-dua/", 2), True)
    index_collection(coll_dir)
    return coll_dir


def index_collection(coll_dir: Path):
    from cdxj_indexer.main import CDXJIndexer

    out = coll_dir / "indexes" / "index.cdxj"
    CDXJIndexer(
        output=str(out), inputs=sorted(str(p) for p in (coll_dir / "warcs").glob("*.warc*")), sort=True
    ).process_all()


@contextmanager
def serve(app):
    """Run an aiohttp app on 127.0.0.1, port 0, in a thread; yields its base URL."""
    from aiohttp import web

    loop, ready = asyncio.new_event_loop(), threading.Event()
    holder = {}

    async def start():
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        holder["runner"], holder["port"] = runner, runner.addresses[0][1]
        ready.set()

    thread = threading.Thread(
        target=lambda: (loop.run_until_complete(start()), loop.run_forever()), daemon=True
    )
    thread.start()
    assert ready.wait(30)
    try:
        yield f"http://127.0.0.1:{holder['port']}"
    finally:
        asyncio.run_coroutine_threadsafe(holder["runner"].cleanup(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, follow: bool = True, headers: dict | None = None):
    """(status, headers, body) of a GET, without raising on 4xx/5xx."""
    opener = urllib.request.build_opener(*([] if follow else [NoRedirect]))
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=30) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


# --- tests of the reading side itself ---


def test_binary_search_finds_every_capture(tmp_path):
    index = CdxjIndex(build_archive(tmp_path) / "indexes")
    assert [c.timestamp for c in index.captures(BASE + "/artikel-satu/")] == [
        "20240301100000",
        "20240308100000",
    ]
    assert index.captures(BASE + "/artikel-satu/")[1].is_revisit
    assert index.captures("http://news.test/nope") == []
    assert index.closest(BASE + "/artikel-dua/", "20240307")[0].timestamp == "20240308100000"
    assert index.closest(BASE + "/artikel-dua/", "2024")[0].timestamp == "20240301100000"
    prefixed = {r["url"] for r in cdx.run(index, cdx.CdxQuery(BASE + "/artikel", "prefix"))}
    assert prefixed == {BASE + "/artikel-satu/", BASE + "/artikel-dua/"}
    assert len(list(cdx.run(index, cdx.CdxQuery(BASE + "/artikel-dua/", from_ts="20240305")))) == 1
    near = {c.url for c in index.nearby(BASE + "/artikel-tiga/", 2)}
    assert near == {BASE + "/artikel-satu/", BASE + "/lama/", BASE + "/logo.png"}


def test_binary_search_on_every_line_of_a_large_index(tmp_path):
    lines = sorted(f'com,example)/p{n:05d} 2024010100{n % 60:02d}00 {{"url": "x"}}' for n in range(3000))
    (tmp_path / "a.cdxj").write_text("\n".join(lines) + "\n")
    index = CdxjIndex(tmp_path)
    for line in lines[::97] + [lines[0], lines[-1]]:
        key = line.split(" ")[0]
        assert [c.urlkey for c in index.iter_from(key + " ")][:1] == [key]


def test_partial_timestamps_pad_to_the_earliest_instant():
    assert pad_timestamp("2024") == "20240101000000"
    assert pad_timestamp("20240315") == "20240315000000"


def test_reader_seeks_and_decodes(tmp_path):
    coll = build_archive(tmp_path)
    cap = CdxjIndex(coll / "indexes").captures(BASE + "/artikel-satu/")[0]
    exchange = read_at(coll / "warcs" / cap.filename, cap.offset)
    assert exchange.status == 200 and exchange.decoded
    assert b"Artikel Satu Tentang Banjir" in exchange.body


def test_scan_reports_damage_and_resumes(tmp_path):
    coll = build_archive(tmp_path)
    data = (coll / "warcs" / "news.warc.gz").read_bytes()
    infos = list(scan(coll / "warcs" / "news.warc.gz", []))
    victim = next(i for i in infos if i.url.endswith("/artikel-dua/"))
    damaged = bytearray(data)
    damaged[victim.offset + 30 : victim.offset + 60] = b"\x00" * 30  # corrupt one gzip member's deflate data
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(bytes(damaged[:-40]))  # and truncate the last record
    errors = []
    urls = [i.url for i in scan(bad, errors) if i.rec_type == "response"]
    assert errors, "damage must be reported"
    assert BASE + "/artikel-satu/" in urls and BASE + "/style.css" in urls  # records after the damage survive

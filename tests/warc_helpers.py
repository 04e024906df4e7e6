"""Shared by the WARC tests: a raw HTTP server with awkward responses, and a tiny crawl in a subprocess.

The server writes its answers byte for byte (http.server), so the tests control chunking, gzip,
repeated and non-UTF-8 headers exactly. ``crawl()`` runs a minimal Scrapy spider with capture on in
a fresh process (the Twisted reactor cannot restart in one process).
"""

from __future__ import annotations

import gzip
import json
import random
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGE = (
    "<html><head><title>{t}</title></head><body><h1>{t}</h1>"
    "<p>Isi berita {t} — teks panjang untuk arsip.</p>{text}{links}</body></html>"
)
WORDS = (
    "pemerintah kota jakarta warga presiden menteri ekonomi harga pasar sekolah banjir jalan "
    "polisi hukum pemilu partai rakyat daerah nasional internasional olahraga budaya"
).split()
LINKS = ["/gzip", "/chunked", "/cookies", "/redirect", "/missing", "/error", "/etag", "/plain?x=1&y=2"]
ETAG = '"v1-etag"'
LAST_MODIFIED = "Mon, 01 Jan 2024 00:00:00 GMT"


def page(title: str, links: list[str] = ()) -> bytes:
    """A deterministic article page of about 60 KB, the size of a real news page."""
    rng = random.Random(title)
    text = "".join("<p>" + " ".join(rng.choice(WORDS) for _ in range(80)) + ".</p>\n" for _ in range(100))
    anchors = "".join(f'<a href="{link}">{link}</a> ' for link in links)
    return PAGE.format(t=title, text=text, links=anchors).encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, status: int, headers: list[tuple[str, bytes | str]], body: bytes, chunked: bool = False):
        self.send_response(status)
        for name, value in headers:
            self._headers_buffer.append(
                name.encode("latin-1")
                + b": "
                + (value if isinstance(value, bytes) else value.encode("latin-1"))
                + b"\r\n"
            )
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "HEAD":
            return
        if chunked:
            for start in range(0, len(body), 700):
                part = body[start : start + 700]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(body)

    def do_GET(self):  # noqa: C901 - a routing table
        html = [("Content-Type", "text/html; charset=utf-8")]
        path = self.path
        if path == "/":
            self._send(200, html, page("home", LINKS))
        elif path == "/gzip":
            self._send(200, html + [("Content-Encoding", "gzip")], gzip.compress(page("gzip"), mtime=0))
        elif path == "/chunked":
            self._send(
                200,
                html + [("Content-Encoding", "gzip")],
                gzip.compress(page("chunked"), mtime=0),
                chunked=True,
            )
        elif path == "/cookies":
            self._send(
                200,
                html
                + [("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2; Path=/"), ("X-Odd", b"caf\xe9 \xff")],
                page("cookies"),
            )
        elif path == "/redirect":
            self._send(301, [("Location", "/gzip"), ("Content-Type", "text/html")], b"moved")
        elif path == "/missing":
            self._send(404, html, b"<html>not found</html>")
        elif path == "/error":
            self._send(500, html, b"<html>server error</html>")
        elif path == "/etag":
            if self.headers.get("If-None-Match") == ETAG:
                self._send(304, [("ETag", ETAG)], b"")
            else:
                self._send(200, html + [("ETag", ETAG), ("Last-Modified", LAST_MODIFIED)], page("etag"))
        elif path.startswith("/plain"):
            self._send(200, [("Content-Type", "text/plain")], b"plain text " + path.encode())
        else:
            self._send(404, html, b"no such page")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._send(200, [("Content-Type", "text/plain")], b"got " + body)


class RawSite:
    """The raw test server on 127.0.0.1, port 0, in a thread."""

    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def crawl(
    coll_dir: Path,
    urls: list[str],
    conditional: str = "",
    convert: bool = False,
    follow: bool = True,
    settings: dict | None = None,
    timeout: float = 120,
) -> dict:
    """Crawl ``urls`` (and the links they lead to, on the same host) with capture on; returns the report.

    Links whose path matches the regex ``conditional`` (articles) are fetched conditionally; hubs never
    are, as in the news spider, so a 304 never hides the links behind it.
    """
    report = Path(coll_dir).parent / f"report-{Path(coll_dir).name}.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    job = {
        "coll": str(coll_dir),
        "urls": urls,
        "conditional": conditional,
        "convert": convert,
        "follow": follow,
        "settings": settings or {},
        "report": str(report),
    }
    proc = subprocess.run(
        [sys.executable, __file__, json.dumps(job)], capture_output=True, text=True, timeout=timeout
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(report.read_text())


def _run_crawl(job: dict) -> None:
    import scrapy
    from scrapy.crawler import CrawlerProcess

    from crawler.extensions.archive import archive_session
    from crawler.middlewares.capture import capture_settings

    captures: list[dict] = []
    origin = "/".join(job["urls"][0].split("/")[:3]) + "/"

    def conditional(url: str) -> bool:
        return bool(job["conditional"]) and bool(re.search(job["conditional"], "/" + url[len(origin) :]))

    class Tiny(scrapy.Spider):
        name = "tiny"

        async def start(self):
            for url in job["urls"]:
                yield scrapy.Request(url, meta={"arsip_conditional": conditional(url)}, dont_filter=True)

        def parse(self, response):
            capture = response.meta.get("arsip_capture")
            captures.append({"url": response.url, "status": response.status, "capture": capture})
            if job["convert"] and b"html" in response.headers.get("Content-Type", b""):
                text = " ".join(response.css("p::text").getall())
                captures[-1]["conversion"] = archive_session(self.crawler).write_conversion(
                    capture["record_id"], response.url, text
                )
            if job["follow"] and b"html" in response.headers.get("Content-Type", b""):
                for href in response.css("a::attr(href)").getall():
                    url = response.urljoin(href)
                    if url.startswith(origin):  # stay on the site under test
                        yield scrapy.Request(url, meta={"arsip_conditional": conditional(url)})

    settings = {
        "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "HTTPERROR_ALLOW_ALL": True,
        "RETRY_ENABLED": False,
        "ROBOTSTXT_OBEY": False,
        "COOKIES_ENABLED": True,
        "CONCURRENT_REQUESTS": 8,
        **capture_settings(Path(job["coll"]), "test", {"operator": "tests", "seed": "tiny"}),
        **job["settings"],
    }
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(Tiny)
    process.crawl(crawler)
    process.start()
    stats = {k: v for k, v in crawler.stats.get_stats().items() if isinstance(v, int | float | str)}
    Path(job["report"]).write_text(json.dumps({"captures": captures, "stats": stats}))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    _run_crawl(json.loads(sys.argv[1]))

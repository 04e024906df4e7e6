"""Page requisites end to end: ``arsip crawl`` of a tiny site on two loopback hosts (the site on
127.0.0.1, its "CDN" on 127.0.0.2), WARCs read back with warcio. Each requisite is archived once per
crawl, the CDN is fetched but never crawled, budgets hold, a failing or robots-disallowed or private
asset host never fails the crawl and is counted in the report."""

from __future__ import annotations

import socket
import threading
import zlib
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from tests.crawl_helpers import arsip, reports, warc_records

pytestmark = pytest.mark.slow

GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"


class Host:
    """One loopback HTTP host: ``routes`` maps a path to (status, content type, body); every
    request is logged as (host, path). Answers absolute-URI (proxy) requests too, by path."""

    def __init__(self, address: str, log: list):
        self.routes: dict[str, tuple[int, str, bytes]] = {}
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                path = urlsplit(self.path).path if "://" in self.path else self.path.split("?")[0]
                log.append((self.headers.get("Host", ""), path))
                status, ctype, body = host.routes.get(path, (404, "text/plain", b"not found"))
                etag = f'"{zlib.crc32(body):x}"'
                if status == 200 and self.headers.get("If-None-Match") == etag and path.endswith(".gif"):
                    status, body = 304, b""  # images answer 304 to a matching validator, others 200
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((address, 0), Handler)
        self.url = f"http://{address}:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, path: str, body: bytes | str, ctype: str = "text/html; charset=utf-8", status: int = 200):
        self.routes[path] = (status, ctype, body.encode() if isinstance(body, str) else body)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def page(title: str, head: str = "", body: str = "") -> str:
    return (
        f"<!doctype html><html><head><title>{title}</title>{head}</head><body><h1>{title}</h1>"
        f"<p>{'Teks berita. ' * 40}</p>{body}</body></html>"
    )


@pytest.fixture
def hosts():
    log: list = []
    site, cdn = Host("127.0.0.1", log), Host("127.0.0.2", log)
    yield site, cdn, log
    site.stop()
    cdn.stop()


def build(site: Host, cdn: Host, extra_head: str = "") -> set[str]:
    """A home page and two articles sharing a stylesheet, images and CDN files; returns every
    requisite URL the crawl must archive."""
    c = cdn.url
    head = (
        '<link rel="stylesheet" href="/style.css?ver=1"><link rel="icon" href="/favicon.gif">'
        f'<script src="{c}/js/app.js"></script><meta property="og:image" content="{c}/og.gif">' + extra_head
    )
    shared = (
        f'<img src="/logo.gif" srcset="/logo.gif 1x, {c}/img/logo.gif?resize=200,100 2x">'
        f'<img src="data:image/gif;base64,R0lGODlh" data-src="{c}/img/lazy.gif">'
        f'<noscript><img src="{c}/img/lazy.gif"></noscript>'
        f'<img src="{c}/not-an-image.html">'  # an HTML "requisite": archived, never read for links
    )
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    site.add("/", page("Home", head, shared + '<a href="/one/">one</a> <a href="/two/">two</a>'))
    site.add("/one/", page("One", head, shared + '<img src="/img/one.gif"><a href="/two/">two</a>'))
    site.add("/two/", page("Two", head, shared + '<p style="background: url(../img/two.gif)">x</p>'))
    site.add(
        "/style.css?ver=1".split("?")[0],
        f'@import "more.css"; .a {{ background: url(img/bg.gif) }} '
        f"@font-face {{ font-family: F; src: url({c}/fonts/f.woff2) }}",
        "text/css",
    )
    site.add("/more.css", ".b { background: url('img/more.gif') }", "text/css")
    for path in ("/favicon.gif", "/logo.gif", "/img/one.gif", "/img/two.gif", "/img/bg.gif", "/img/more.gif"):
        site.add(path, GIF + path.encode(), "image/gif")
    cdn.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    cdn.add("/js/app.js", "console.log(1)", "application/javascript")
    cdn.add("/fonts/f.woff2", b"wOF2" + bytes(100), "font/woff2")
    for path in ("/og.gif", "/img/logo.gif", "/img/lazy.gif", "/private/secret.gif"):
        cdn.add(path, GIF + path.encode(), "image/gif")
    cdn.add("/not-an-image.html", page("CDN page", body='<a href="/cdn-article/">never crawled</a>'))
    cdn.add("/cdn-article/", page("CDN article"))
    s = site.url
    return {
        f"{s}/style.css?ver=1",
        f"{s}/more.css",
        f"{s}/favicon.gif",
        f"{s}/logo.gif",
        f"{s}/img/one.gif",
        f"{s}/img/two.gif",
        f"{s}/img/bg.gif",
        f"{s}/img/more.gif",
        f"{c}/js/app.js",
        f"{c}/og.gif",
        f"{c}/img/logo.gif?resize=200,100",
        f"{c}/img/lazy.gif",
        f"{c}/fonts/f.woff2",
        f"{c}/not-an-image.html",
    }


def seed_file(tmp_path, site: Host, *, private: bool = True, start: str | None = None, **requisites) -> str:
    lines = [
        'name = "site"',
        f'start_urls = ["{start or site.url + "/"}"]',
        f"allow_private_networks = {'true' if private else 'false'}",
        "[articles]",
        "url_pattern = '^/(one|two)/$'",
        "[politeness]",
        "delay = 0.0",
        "concurrency = 1",
        "autothrottle = false",
    ]
    if requisites:
        lines.append("[requisites]")
        for key, value in requisites.items():
            lines.append(f"{key} = {str(value).lower() if isinstance(value, bool) else repr(value)}")
    path = tmp_path / "site.toml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def crawl(tmp_path, seed: str, *args) -> dict:
    proc = arsip("crawl", seed, "--data", tmp_path / "data", "--progress", "off", *args)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return reports(tmp_path / "data" / "site")[-1]


def archived(tmp_path) -> Counter:
    """How many response/revisit records each URL has, over every WARC of the collection."""
    return Counter(
        uri for kind, uri, _ in warc_records(tmp_path / "data" / "site") if kind in ("response", "revisit")
    )


def test_each_requisite_archived_once_and_the_cdn_never_crawled(hosts, tmp_path):
    site, cdn, log = hosts
    expected = build(site, cdn)
    seed = seed_file(tmp_path, site)
    report = crawl(tmp_path, seed)
    records = archived(tmp_path)
    for url in expected:
        assert records[url] == 1, (url, records[url])
    assert not [u for u in records if "private" in u or "cdn-article" in u]
    assert not [path for _, path in log if path == "/cdn-article/"]  # a requisite host is never crawled
    assert (cdn.url.removeprefix("http://"), "/robots.txt") in log  # the asset host's robots.txt is read
    assert Counter(log)[(site.url.removeprefix("http://"), "/style.css")] == 1
    req = report["requisites"]
    assert req["fetched"] == len(expected) and req["failed"] == 0 and req["bytes"] > 0, req
    # robots.txt (once: discovery reads the one Scrapy's check fetched), sitemap.xml (404), home, two articles
    assert report["pages"] == 5 and report["articles"]["new"] == 2, report["pages_by_status"]
    assert report["outcome"] == "finished" and report["errors"] == []

    # the second crawl: the home page is unchanged (a revisit), its requisites are in the archive
    before = len(log)
    report = crawl(tmp_path, seed)
    assert report["requisites"]["skipped_archived"] > 0 and report["requisites"]["fetched"] == 0
    assert not [p for _, p in log[before:] if p.endswith((".gif", ".css", ".js", ".woff2"))]

    # the home page changes: its requisites are asked for again, conditionally, and are unchanged
    status, ctype, body = site.routes["/"]
    site.routes["/"] = (status, ctype, body.replace(b"</body>", b"<p>Baru.</p></body>"))
    report = crawl(tmp_path, seed)
    req = report["requisites"]
    assert req["revalidated"] > 0 and req["fetched"] == 0 and req["failed"] == 0, req
    records = warc_records(tmp_path / "data" / "site")
    statuses = Counter(s for kind, uri, s in records if kind == "response" and uri.endswith(".gif"))
    assert statuses[304] > 0  # images: 304; the others: 200 again, stored as revisits
    assert (tmp_path / "data" / "site" / "dedup.sqlite").exists()


def test_no_requisites_flag(hosts, tmp_path):
    site, cdn, log = hosts
    build(site, cdn)
    report = crawl(tmp_path, seed_file(tmp_path, site), "--no-requisites")
    assert report["requisites"]["fetched"] == 0
    assert {path for _, path in log} == {"/robots.txt", "/sitemap.xml", "/", "/one/", "/two/"}


def test_budgets(hosts, tmp_path):
    site, cdn, log = hosts
    expected = build(site, cdn)
    report = crawl(tmp_path, seed_file(tmp_path, site, max_per_page=2))
    req = report["requisites"]
    # two per page (three pages), then one per stylesheet: never all of them
    assert 0 < req["fetched"] < len(expected) and req["skipped_budget"] > 0, req
    assert report["outcome"] == "finished"

    (tmp_path / "data").rename(tmp_path / "first")
    many = "".join(f'<link rel="preload" as="image" href="/img/n{i}.gif">' for i in range(60))
    build(site, cdn, extra_head=many)
    for i in range(60):
        site.add(f"/img/n{i}.gif", GIF + bytes([i]), "image/gif")
    report = crawl(tmp_path, seed_file(tmp_path, site, max_bytes_per_crawl=1))
    req = report["requisites"]
    # checked as each requisite goes to the downloader: the few already there (at most
    # CONCURRENT_REQUESTS, 16) may finish over it, no more
    assert 1 <= req["fetched"] <= 16 and req["skipped_budget"] >= 60 + 14 - 16 - 4, req
    assert report["pages"] == 5 and report["outcome"] == "finished"


def test_failing_asset_hosts_do_not_fail_the_crawl(hosts, tmp_path):
    site, cdn, log = hosts
    dead = f"http://127.0.0.1:{closed_port()}"
    build(
        site,
        cdn,
        extra_head=f'<link rel="stylesheet" href="{dead}/gone.css"><script src="/missing.js"></script>',
    )
    report = crawl(tmp_path, seed_file(tmp_path, site))
    req = report["requisites"]
    assert req["failed"] == 2, req
    assert {f["url"] for f in req["failures"]} == {f"{dead}/gone.css", f"{site.url}/missing.js"}
    assert any("HTTP 404" in f["error"] for f in req["failures"])
    assert report["outcome"] == "finished" and report["errors"] == [] and report["articles"]["new"] == 2


def test_asset_host_robots_is_obeyed_unless_ignored(hosts, tmp_path):
    site, cdn, log = hosts
    build(site, cdn, extra_head=f'<link rel="preload" as="image" href="{cdn.url}/private/secret.gif">')
    secret = (cdn.url.removeprefix("http://"), "/private/secret.gif")
    report = crawl(tmp_path, seed_file(tmp_path, site))
    assert report["requisites"]["skipped_robots"] == 1 and secret not in log, (report["requisites"], log)
    assert report["outcome"] == "finished" and report["errors"] == []

    (tmp_path / "data").rename(tmp_path / "first")
    report = crawl(tmp_path, seed_file(tmp_path, site, ignore_robots_for_requisites=True))
    assert report["requisites"]["skipped_robots"] == 0 and secret in log
    assert archived(tmp_path)[f"{cdn.url}/private/secret.gif"] == 1


def test_private_address_requisite_is_refused(hosts, tmp_path, monkeypatch):
    """The site is http://news.test/ (never resolves) reached through its loopback server as an
    HTTP proxy, so it passes the private-network guard; its 127.0.0.2 assets do not."""
    site, cdn, log = hosts
    build(site, cdn)
    monkeypatch.setenv("http_proxy", site.url)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    report = crawl(tmp_path, seed_file(tmp_path, site, private=False, start="http://news.test/"))
    req = report["requisites"]
    assert req["skipped_private"] >= 4, req  # the CDN's script, og:image, srcset image, lazy image...
    assert req["fetched"] > 0  # ...while news.test's own stylesheet and images are archived
    assert not [h for h, _ in log if h.startswith("127.0.0.2")]
    assert report["outcome"] == "finished" and report["errors"] == []
    records = archived(tmp_path)
    assert records["http://news.test/style.css?ver=1"] == 1

"""The bundled site's fixed origin: served on any loopback port, reached as an HTTP proxy.

The site answers absolute-form requests (``GET http://channel9.arsip.test/ HTTP/1.1``) for its origin
and writes every absolute URL from it; a crawl of a ``[bundled_site]`` seed sets the proxy on the
origin's requests (crawler/middlewares/bundled.py), so the URLs archived never name the port.
"""

from __future__ import annotations

import gzip
import http.client
import re
import socket
import threading
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from parsel import Selector
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler
from warc_helpers import crawl
from warcio.archiveiterator import ArchiveIterator

from crawler.commands.crawl import live_seed
from crawler.demosite import SiteConfig, start_site
from crawler.middlewares.bundled import BundledSiteProxyMiddleware, bundled_proxy_settings
from crawler.middlewares.capture import ORDER as CAPTURE_ORDER
from crawler.seed import load_seed
from crawler.settings import CrawlOptions, build_settings

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = "http://channel9.arsip.test/"
HOST = "channel9.arsip.test"
HTTP_PROXY_ORDER = 750  # Scrapy's HttpProxyMiddleware


@pytest.fixture(scope="module")
def site():
    with start_site(SiteConfig(articles=8, seed=9), port=0, origin=ORIGIN) as running:
        yield running


def through(site, target: str, method: str = "GET"):
    """``target`` (absolute-form, as a client sends it to a proxy) to the site's loopback port:
    (status, headers with lower-case names, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=30)
    try:
        conn.request(method, target)  # http.client sends an absolute URL as given, Host from it
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def own_urls(html: str, base: str) -> list[str]:
    """Every link, stylesheet, image and alternate of a page, made absolute."""
    found = Selector(text=html).xpath("//a/@href | //link/@href | //img/@src").getall()
    return [urljoin(base, url) for url in found]


def test_site_links_to_its_origin_whatever_port_serves_it(site):
    assert site.origin == ORIGIN and urlsplit(site.url).hostname == "127.0.0.1"
    status, _, body = through(site, ORIGIN)
    html = body.decode("utf-8")
    assert status == 200 and "127.0.0.1" not in html and f":{site.port}" not in html
    urls = own_urls(html, ORIGIN)
    on_site = [u for u in urls if urlsplit(u).hostname == HOST]
    assert len(on_site) > 20 and all(u.startswith(ORIGIN) for u in on_site)
    article = ORIGIN + site.corpus.articles[0].path.lstrip("/")
    assert article in on_site

    status, headers, body = through(site, article)
    assert status == 200
    assert Selector(text=body.decode()).css("link[rel=canonical]::attr(href)").get() == article
    shortlink = re.fullmatch(r"<(.+)>; rel=shortlink", headers["link"]).group(1)
    assert shortlink.startswith(ORIGIN + "?p=")
    status, headers, _ = through(site, shortlink)  # WordPress's ?p=ID redirect
    assert status == 301 and headers["location"] == article


def test_robots_sitemaps_and_feed_name_the_origin(site):
    _, _, robots = through(site, ORIGIN + "robots.txt")
    assert f"Sitemap: {ORIGIN}sitemap.xml" in robots.decode()
    _, _, index = through(site, ORIGIN + "sitemap.xml")
    sitemaps = re.findall(r"<loc>([^<]+)</loc>", index.decode())
    assert sitemaps and all(u.startswith(ORIGIN) for u in sitemaps)
    for sitemap in sitemaps:
        _, headers, body = through(site, sitemap)
        body = gzip.decompress(body) if headers.get("content-encoding") == "gzip" else body
        locs = re.findall(r"<loc>([^<]+)</loc>", body.decode())
        assert locs and all(u.startswith(ORIGIN) for u in locs)
    _, _, feed = through(site, ORIGIN + "feed/")
    links = re.findall(r"<link>([^<]+)</link>", feed.decode())
    assert links and all(u.startswith(ORIGIN) for u in links) and "127.0.0.1" not in feed.decode()


def test_absolute_form_targets(site):
    status, _, body = through(site, "http://channel9.arsip.test")  # no path: the home page
    assert status == 200 and ORIGIN.encode() in body
    status, _, _ = through(site, "HTTP://Channel9.ARSIP.test:80/robots.txt")  # the same origin
    assert status == 200
    for other in ("http://example.com/", "https://channel9.arsip.test/", "http://channel9.arsip.test:81/"):
        status, _, _ = through(site, other)
        assert status == 421, other  # Misdirected Request: not this site's origin
    status, _, body = through(site, "/robots.txt")  # origin-form still works (what `site serve` gets)
    assert status == 200 and f"Sitemap: {ORIGIN}sitemap.xml" in body.decode()


def test_without_an_origin_the_site_links_to_its_listening_address():
    with start_site(SiteConfig(articles=3), port=0) as plain:
        assert plain.origin == plain.url
        status, _, body = through(plain, "/robots.txt")
        assert status == 200 and f"Sitemap: {plain.url}sitemap.xml" in body.decode()


def proxy_crawl_settings(served_at: str) -> dict:
    """Capture (as in warc_helpers.crawl) plus the bundled-site proxy; the dicts merged by hand."""
    proxy = bundled_proxy_settings(ORIGIN, served_at)
    middlewares = {"crawler.middlewares.capture.WarcCaptureMiddleware": CAPTURE_ORDER}
    return {**proxy, "DOWNLOADER_MIDDLEWARES": {**middlewares, **proxy["DOWNLOADER_MIDDLEWARES"]}}


def test_a_scrapy_crawl_reaches_the_origin_through_the_middleware(site, tmp_path):
    coll = tmp_path / "coll"
    before = len(site.requests_log)
    report = crawl(coll, [ORIGIN], settings=proxy_crawl_settings(site.url))
    urls = {c["url"] for c in report["captures"]}
    assert len(urls) > 8 and all(u.startswith(ORIGIN) for u in urls), sorted(urls)[:5]
    assert len(site.requests_log) - before >= len(urls)  # every page came from the loopback site
    requests = 0
    for warc in (coll / "warcs").glob("*.warc.gz"):
        with open(warc, "rb") as fh:
            for record in ArchiveIterator(fh):
                uri = record.rec_headers.get_header("WARC-Target-URI")
                if record.rec_type not in ("warcinfo",):
                    assert uri.startswith(ORIGIN), uri
                if record.rec_type == "request":
                    requests += 1
                    assert record.http_headers.get_header("Host") == HOST
                    assert record.http_headers.statusline.startswith("/")  # origin-form, as to the origin
                    names = [name.lower() for name, _ in record.http_headers.headers]
                    assert not [n for n in names if n.startswith("proxy-")], names
    assert requests >= len(urls)


class Recorder:
    """A loopback server that records each request head it gets and answers a small page."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"
        self.heads: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data and (chunk := conn.recv(65536)):
                    data += chunk
                self.heads.append(data.split(b"\r\n\r\n")[0])
                body = b"<html><body><p>recorded</p></body></html>"
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n"
                    b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
                )

    def close(self):
        self.sock.close()


def test_what_scrapy_sends_to_the_proxy(tmp_path):
    """On the wire: an absolute-form target, the origin's Host, and no Proxy-* header at all."""
    recorder = Recorder()
    try:
        crawl(
            tmp_path / "coll", [ORIGIN + "page/"], follow=False, settings=proxy_crawl_settings(recorder.url)
        )
    finally:
        recorder.close()
    assert len(recorder.heads) == 1
    line, *fields = recorder.heads[0].decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (f.partition(":") for f in fields)}
    assert line == f"GET {ORIGIN}page/ HTTP/1.1"
    assert headers["host"] == HOST
    assert not [name for name in headers if name.startswith("proxy-")], headers


def test_middleware_proxies_the_origin_host_only():
    middleware = BundledSiteProxyMiddleware({HOST: "http://127.0.0.1:4321"})
    request = Request(ORIGIN + "some-article/", meta={"proxy": "http://127.0.0.1:1234"})  # an old run's port
    middleware.process_request(request)
    assert request.meta["proxy"] == "http://127.0.0.1:4321"
    secure = Request("https://channel9.arsip.test/")  # the site speaks plain http only
    middleware.process_request(secure)
    assert "proxy" not in secure.meta
    off_site = Request("http://example.com/", meta={"proxy": "http://127.0.0.1:4321"})  # a redirect's copy
    middleware.process_request(off_site)
    assert "proxy" not in off_site.meta
    own_proxy = Request("http://example.com/", meta={"proxy": "http://proxy.example:3128"})
    middleware.process_request(own_proxy)
    assert own_proxy.meta["proxy"] == "http://proxy.example:3128"
    with pytest.raises(NotConfigured):
        BundledSiteProxyMiddleware.from_crawler(get_crawler(settings_dict={}))


def test_a_bundled_seed_crawls_its_origin_through_the_served_port(tmp_path):
    seed = load_seed(ROOT / "seeds" / "channel9.toml")
    assert seed.bundled_site.origin == ORIGIN and seed.bundled_site.served_at is None
    plain = build_settings(seed, CrawlOptions(data_dir=tmp_path), tmp_path, "c1", None)
    assert "ARSIP_BUNDLED_SITE_PROXY" not in plain
    with live_seed(seed) as live:
        served_at = live.bundled_site.served_at
        assert live.start_urls == (ORIGIN,) and live.allowed_domains == (HOST,)
        assert urlsplit(served_at).hostname == "127.0.0.1"
        settings = build_settings(live, CrawlOptions(data_dir=tmp_path), tmp_path, "c1", None)
        assert settings["ARSIP_BUNDLED_SITE_PROXY"] == {
            HOST: served_at.rstrip("/"),
            "cdn." + HOST: served_at.rstrip("/"),
        }
        order = settings["DOWNLOADER_MIDDLEWARES"]["crawler.middlewares.bundled.BundledSiteProxyMiddleware"]
        assert order < HTTP_PROXY_ORDER
        conn = http.client.HTTPConnection("127.0.0.1", urlsplit(served_at).port, timeout=30)
        conn.request("GET", ORIGIN + "robots.txt")
        assert f"Sitemap: {ORIGIN}sitemap.xml" in conn.getresponse().read().decode()
        conn.close()
    with pytest.raises(OSError):  # stopped with the crawl
        socket.create_connection(("127.0.0.1", urlsplit(served_at).port), timeout=5).close()

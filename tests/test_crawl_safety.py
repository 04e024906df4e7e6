"""Safety: private addresses refused unless allowed, robots.txt obeyed, decompressed size bounded,
no listening port opened by a crawl, sitemap XML parsed without entity expansion."""

from __future__ import annotations

import gzip
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.demosite import SiteConfig, start_site
from crawler.middlewares.safety import refused_reason, resolve
from crawler.seed import adhoc_seed
from crawler.settings import CrawlOptions, build_settings
from crawler.spiders.discovery import parse_feed, parse_sitemap
from tests.crawl_helpers import arsip, reports, start_arsip, texts, write_seed


@pytest.mark.parametrize(
    "address, reason",
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("172.16.5.4", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("::ffff:127.0.0.1", "loopback"),
        ("100.64.0.1", "non-global"),
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
    ],
)
def test_refused_reason(address, reason):
    assert refused_reason(address) == reason


def test_resolution_is_checked_not_the_name():
    assert all(refused_reason(a) == "loopback" for a in resolve("localhost"))


@pytest.mark.slow
def test_private_site_is_refused_without_the_flag(tmp_path):
    with start_site(SiteConfig(articles=5, seed=9), port=0) as site:
        proc = arsip("crawl", site.url, "--data", tmp_path / "data", "--delay", "0")
        assert site.requests_log == []
        coll = adhoc_seed(site.url).name  # the host and the site's port
    assert proc.returncode == 1
    assert coll == f"127-0-0-1-{urlsplit(site.url).port}"
    report = reports(tmp_path / "data" / coll)[-1]
    assert report["outcome"] == "failed" and report["pages"] == 0
    assert any("loopback" in e["error"] and "allow-private-networks" in e["error"] for e in report["errors"])


@pytest.mark.slow
def test_robots_disallow_is_obeyed_with_page_signal_recognition(tmp_path):
    with start_site(SiteConfig(articles=20, seed=9), port=0) as site:
        seed = write_seed(tmp_path, site.url, pattern=False)
        proc = arsip("crawl", seed, "--data", tmp_path / "data")
        paths = [p for _, p, _ in site.requests_log]
        n = len(site.corpus.articles)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "/robots.txt" in paths
    assert not [p for p in paths if p.startswith(("/private/", "/wp-admin/"))]
    # without a URL pattern, og:type / JSON-LD / body class tell articles from other pages
    assert len(texts(tmp_path / "data" / "site")) == n


class Bomb(BaseHTTPRequestHandler):
    """Serves a 40 MB page as 40 KB of gzip."""

    body = gzip.compress(b"\0" * (40 * 1024 * 1024))

    def do_GET(self):
        if self.path == "/robots.txt":
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.mark.slow
def test_decompressed_size_is_bounded(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Bomb)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/"
        proc = arsip("crawl", url, "--data", tmp_path / "data", "--allow-private-networks", "--delay", "0")
    finally:
        server.shutdown()
    report = reports(tmp_path / "data" / f"127-0-0-1-{server.server_port}")[-1]
    assert any("DOWNLOAD_MAXSIZE" in e["error"] for e in report["errors"]), (
        report["errors"],
        proc.stderr[-1500:],
    )


def listening_inodes() -> set[str]:
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as fh:
            for line in fh.readlines()[1:]:
                fields = line.split()
                if fields[3] == "0A":  # LISTEN
                    found.add(fields[9])
    return found


def socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def test_settings_turn_consoles_off():
    settings = build_settings(
        adhoc_seed("https://news.example/"), CrawlOptions(warc=False), Path("/nowhere"), "id", None
    )
    assert settings["REMOTE_CONTROL_ENABLED"] is False and settings["TELNETCONSOLE_ENABLED"] is False
    assert settings["ROBOTSTXT_OBEY"] and settings["AUTOTHROTTLE_ENABLED"] and settings["DOWNLOAD_DELAY"] >= 1
    assert settings["DOWNLOAD_MAXSIZE"] <= 64 * 1024 * 1024
    assert settings["USER_AGENT"].startswith("arsip/") and "(+https://" in settings["USER_AGENT"]


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/proc/net/tcp"), reason="needs Linux /proc")
def test_a_running_crawl_opens_no_listening_port(tmp_path):
    with start_site(SiteConfig(articles=60, seed=9), port=0) as site:
        seed = write_seed(tmp_path, site.url, concurrency=2)
        proc = start_arsip("crawl", seed, "--data", tmp_path / "data", "--progress", "off")
        samples, listening = 0, set()
        while proc.poll() is None:
            try:
                mine = socket_inodes(proc.pid)
            except OSError:
                break
            if len(site.requests_log) > 5:  # the crawl is under way: its sockets exist
                listening |= mine & listening_inodes()
                samples += 1
            time.sleep(0.02)
        proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert samples > 0 and listening == set()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://x.example/a/&lol3;</loc></url><url><loc>https://x.example/b/&xxe;</loc></url></urlset>"""


def test_sitemap_and_feed_entities_are_not_expanded():
    _, entries = parse_sitemap(BILLION_LAUGHS)
    assert all("lollol" not in e.url and "root:" not in e.url for e in entries)
    feed = (
        BILLION_LAUGHS.replace(b"urlset", b"rss")
        .replace(b"<url><loc>", b"<item><link>")
        .replace(b"</loc></url>", b"</link></item>")
    )
    assert all("lollol" not in e.url and "root:" not in e.url for e in parse_feed(feed))

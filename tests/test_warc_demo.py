"""Archiving the bundled Channel9-style site: every file checks, a second crawl is mostly revisits/304s,
and pywb replays an article byte for byte. (The archiving overhead is measured by ``bench.overhead``.)"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import tomllib
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from test_pywb_interop import fetch, needs_pywb, pywb_serving
from warc_helpers import crawl
from warcio.archiveiterator import ArchiveIterator

from archive.index.build import read_index
from archive.warc.check import check_file, collection_index
from crawler.demosite import SiteConfig, start_site

pytestmark = pytest.mark.slow  # crawls of the bundled site: by the capture test spider, and by `arsip crawl`

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "channel9.toml"
ARTICLES = tomllib.loads(SEED.read_text())["articles"]["url_pattern"]
ORIGIN = "http://channel9.arsip.test/"  # the bundled site's [bundled_site] origin (the default)
OLD_DEMO_PORT = 8765  # where the bundled site used to be served, when it was free


def home(site) -> str:
    return site.url.rstrip("/") + "/"


@pytest.fixture(scope="module")
def site():
    running = start_site(SiteConfig(articles=20, seed=9), port=0)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def two_crawls(site, tmp_path_factory):
    coll = tmp_path_factory.mktemp("demo") / "channel9"
    first = crawl(coll, [home(site)], conditional=ARTICLES, convert=True, timeout=300)
    # the recrawl visits the same URLs (as a sitemap-driven crawl would): a 304 has no links to follow
    urls = sorted({c["url"] for c in first["captures"]})
    second = crawl(coll, urls, conditional=ARTICLES, follow=False, timeout=300)
    return coll, first, second


def test_every_file_passes_arsip_check(two_crawls):
    coll = two_crawls[0]
    warcs = sorted((coll / "warcs").glob("*.warc.gz"))
    assert len(warcs) == 2
    for warc in warcs:
        report = check_file(warc, collection_index(warc, {}))
        assert report.ok, report.problems


def test_recrawl_of_unchanged_pages_writes_no_payload_again(two_crawls):
    _, first, second = two_crawls
    assert first["stats"]["arsip/warc/responses"] > 20
    assert len(second["captures"]) == len({c["url"] for c in first["captures"]})
    assert all(c["capture"]["revisit"] or c["status"] == 304 for c in second["captures"])
    assert second["stats"]["arsip/warc/status_count/304"] >= 20  # every article answered 304
    ratio = second["stats"]["arsip/warc/bytes"] / first["stats"]["arsip/warc/bytes"]
    print(
        f"\nevery page refetched: first crawl {first['stats']['arsip/warc/bytes']} WARC bytes, second "
        f"{second['stats']['arsip/warc/bytes']} ({100 * ratio:.1f}%; request+revisit is ~1.1 KB a page)"
    )


@contextlib.contextmanager
def port_held(port: int):
    """Hold ``port`` on loopback with a listening socket (or leave it to whatever already holds it)."""
    sock = socket.socket()
    try:
        with contextlib.suppress(OSError):  # taken already: held anyway, by someone else
            sock.bind(("127.0.0.1", port))
            sock.listen()
        yield
    finally:
        sock.close()


def archived_urls(warcs) -> set[str]:
    """WARC-Target-URI of every response and revisit record in ``warcs``."""
    urls = set()
    for path in warcs:
        with open(path, "rb") as fh:
            urls |= {
                record.rec_headers.get_header("WARC-Target-URI")
                for record in ArchiveIterator(fh)
                if record.rec_type in ("response", "revisit")
            }
    return urls


def test_second_arsip_crawl_is_under_ten_percent(tmp_path):
    """The real ``arsip crawl`` of the bundled site, twice, while port 8765 is taken: the URLs are
    the site's origin's both times, whatever port served it, and the second run's WARC bytes < 10%."""
    sizes, urls_by_run = [], []
    with port_held(OLD_DEMO_PORT):
        for _ in range(2):
            new = crawl_channel9(tmp_path)
            sizes.append(sum(p.stat().st_size for p in new))
            urls_by_run.append(archived_urls(new))
    print(
        f"\narsip crawl of the bundled site: first {sizes[0]} WARC bytes, second {sizes[1]} "
        f"({100 * sizes[1] / sizes[0]:.1f}%)"
    )
    first, second = urls_by_run
    site_hosts = {urlsplit(ORIGIN).hostname, "cdn." + urlsplit(ORIGIN).hostname}  # pages, assets
    assert all(
        url.startswith("http://") and urlsplit(url).hostname in site_hosts and urlsplit(url).port is None
        for url in first | second
    ), sorted(first | second)[:5]
    assert ORIGIN in second and second <= first  # the same site: hubs revisited, archived articles skipped
    assert sizes[1] < 0.10 * sizes[0]
    reports = sorted((tmp_path / "channel9" / "crawls").glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
    articles = json.loads(reports[-1].read_text(encoding="utf-8"))["articles"]
    assert articles["new"] == 0 and articles["skipped"] == 60, articles  # the same catalog keys
    requisites = [json.loads(p.read_text(encoding="utf-8"))["requisites"] for p in reports]
    print(f"requisites: first crawl {requisites[0]}, second {requisites[1]}")
    assert requisites[0]["fetched"] > 0 and requisites[0]["failed"] == 0, requisites[0]
    assert requisites[1]["fetched"] == 0  # unchanged pages: their requisites are in the archive
    urls = {entry["url"].split("/", 3)[3] for entry in read_index(tmp_path / "channel9")}
    assert {"robots.txt", "sitemap.xml", "feed/"} <= urls  # archived like any page
    for warc in (tmp_path / "channel9" / "warcs").glob("*.warc.gz"):
        assert check_file(warc, collection_index(warc, {})).ok


def crawl_channel9(data: Path) -> set[Path]:
    """``arsip crawl seeds/channel9.toml --data DATA``; the WARC files it wrote."""
    before = set((data / "channel9" / "warcs").glob("*.warc.gz"))
    result = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "crawl", str(SEED), "--data", str(data), "--progress", "off"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return set((data / "channel9" / "warcs").glob("*.warc.gz")) - before


@needs_pywb
def test_pywb_replays_a_demo_article_byte_for_byte(site, two_crawls, tmp_path):
    coll = two_crawls[0]
    article = next(
        e
        for e in read_index(coll)
        if e.get("mime") == "text/html"
        and e["status"] == "200"
        and e["url"].rstrip("/").count("/") == 3
        and e["url"] != home(site)
    )
    with pywb_serving(tmp_path, {"demo": sorted((coll / "warcs").glob("*.warc.gz"))}) as port:
        status, _, body = fetch(port, f"/demo/{article['timestamp']}id_/{article['url']}")
    with urllib.request.urlopen(article["url"]) as live:  # identity encoding: the plain HTML
        original = live.read()
    assert status == 200 and body == original


def test_collection_layout(two_crawls):
    coll: Path = two_crawls[0]
    assert (coll / "dedup.sqlite").exists() and (coll / "indexes" / "index.cdxj").exists()

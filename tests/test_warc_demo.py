"""Archiving the bundled Channel9-style site: every file checks, a second crawl is mostly revisits/304s,
pywb replays an article byte for byte, and the archiving overhead is measured side by side."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest
from test_pywb_interop import PYWB_BIN, fetch, free_port, needs_pywb
from warc_helpers import crawl

from archive.check import check_file, collection_index
from archive.index import read_index

demosite = pytest.importorskip("crawler.demosite.server", reason="the bundled demo site is not there yet")
from crawler.demosite import SiteConfig, start_site  # noqa: E402


@pytest.fixture(scope="module")
def site():
    running = start_site(SiteConfig(articles=20, seed=9), port=0)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def two_crawls(site, tmp_path_factory):
    coll = tmp_path_factory.mktemp("demo") / "channel9"
    first = crawl(coll, [site.url + "/"], conditional=True, convert=True, timeout=300)
    second = crawl(coll, [site.url + "/"], conditional=True, timeout=300)
    return coll, first, second


def test_every_file_passes_arsip_check(two_crawls):
    coll = two_crawls[0]
    warcs = sorted((coll / "warcs").glob("*.warc.gz"))
    assert len(warcs) == 2
    for warc in warcs:
        report = check_file(warc, collection_index(warc, {}))
        assert report.ok, report.problems


def test_second_crawl_is_under_ten_percent(two_crawls):
    _, first, second = two_crawls
    assert first["stats"]["arsip/warc/responses"] > 20
    unchanged = [c for c in second["captures"] if c["capture"]["revisit"] or c["status"] == 304]
    assert len(unchanged) >= 0.8 * len(second["captures"])
    ratio = second["stats"]["arsip/warc/bytes"] / first["stats"]["arsip/warc/bytes"]
    print(f"\ndemo site: first crawl {first['stats']['arsip/warc/bytes']} WARC bytes, second "
          f"{second['stats']['arsip/warc/bytes']} ({100 * ratio:.1f}%)")
    assert ratio < 0.10


def test_archiving_overhead_side_by_side(site, tmp_path):
    """Not a timed assertion: prints Scrapy's own elapsed time with capture on and off, alternated."""
    elapsed = {True: 0.0, False: 0.0}
    for n, enabled in enumerate((False, True, False, True)):
        report = crawl(tmp_path / f"run{n}", [site.url + "/"], settings={"ARSIP_WARC_ENABLED": enabled},
                       timeout=300)
        elapsed[enabled] += report["stats"]["elapsed_time_seconds"]
    print(f"\narchiving overhead on the demo site (20 articles): capture on {elapsed[True]:.2f}s, "
          f"off {elapsed[False]:.2f}s, ratio {elapsed[True] / elapsed[False]:.2f}")


@needs_pywb
def test_pywb_replays_a_demo_article_byte_for_byte(site, two_crawls, tmp_path):
    import subprocess
    import time

    coll = two_crawls[0]
    article = next(e for e in read_index(coll) if e.get("mime") == "text/html" and e["status"] == "200"
                   and e["url"].rstrip("/").count("/") == 3 and e["url"] != site.url + "/")
    manager = str(PYWB_BIN / "wb-manager")
    subprocess.run([manager, "init", "demo"], cwd=tmp_path, check=True, capture_output=True)
    subprocess.run([manager, "add", "demo", *map(str, sorted((coll / "warcs").glob("*.warc.gz")))],
                   cwd=tmp_path, check=True, capture_output=True)
    port = free_port()
    proc = subprocess.Popen([str(PYWB_BIN / "wayback"), "-p", str(port), "-b", "127.0.0.1", "-t", "2"],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # until the server accepts connections
            try:
                status, _, body = fetch(port, f"/demo/{article['timestamp']}id_/{article['url']}")
                break
            except OSError:
                time.sleep(0.1)
        with urllib.request.urlopen(article["url"]) as live:  # identity encoding: the plain HTML
            original = live.read()
        assert status == 200 and body == original
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_collection_layout(two_crawls):
    coll: Path = two_crawls[0]
    assert (coll / "dedup.sqlite").exists() and (coll / "indexes" / "index.cdxj").exists()

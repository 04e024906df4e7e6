"""A hostile page set (decompression bomb, 50 MB page, deeply nested HTML, XML entity bomb in the
sitemap, redirect loop, 10,000 links) leaves the crawler within memory and time bounds, and the
ordinary articles beside them are still archived."""

from __future__ import annotations

import json

import pytest
from hostile_site import ARTICLES, HostileSite
from reliability_helpers import crawl, problems

from tests.crawl_helpers import texts, write_seed

pytestmark = pytest.mark.slow  # a real crawl of the hostile site

MAX_RSS_MB = 600  # a crawl of a small site peaks near 100 MB; pages are capped at 32 MB
MAX_SECONDS = 150  # the crawl is killed (and the test fails) past this


@pytest.fixture(scope="module")
def hostile():
    site = HostileSite().start()
    yield site
    site.stop()


def test_hostile_pages_stay_within_bounds(hostile, tmp_path):
    done = crawl(write_seed(tmp_path, hostile.url), tmp_path / "data", timeout=MAX_SECONDS)
    coll = tmp_path / "data" / "site"
    print(f"hostile crawl: {done.seconds:.1f}s, peak {done.maxrss_mb:.0f} MB")
    assert done.code == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert done.maxrss_mb < MAX_RSS_MB
    report = json.loads(sorted((coll / "crawls").glob("*.json"))[-1].read_text())
    assert report["outcome"] == "finished"
    # the ordinary articles are archived, once each, despite the 10,000 links to their variants
    assert len(texts(coll)) == len(ARTICLES) + 2  # the deep page and the links page are articles too
    assert problems(coll) == {}
    failed = " ".join(e["url"] + " " + e["error"] for e in report["errors"])
    assert "/halaman-raksasa/" in failed and "/bom-gzip/" in failed
    assert "/tag/" not in json.dumps(report)

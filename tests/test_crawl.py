"""End to end against the bundled site (60 articles): first crawl, goldens, incremental, --full, bounds."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from archive.catalog import Catalog
from crawler.demosite import SiteConfig, start_site
from tests.crawl_helpers import (
    ROOT,
    arsip,
    article_paths,
    reports,
    requested_paths,
    texts,
    warc_records,
    write_seed,
)

pytestmark = pytest.mark.slow  # every test here runs `arsip crawl`

REPORT_KEYS = {
    "crawl_id",
    "seed",
    "started",
    "finished",
    "duration",
    "finish_reason",
    "outcome",
    "pages",
    "pages_by_status",
    "articles",
    "warc_bytes",
    "errors",
}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One site, one data dir, one first crawl shared by the tests of this module (in order)."""
    tmp = tmp_path_factory.mktemp("crawl")
    site = start_site(SiteConfig(articles=60, seed=9), port=0)
    seed = write_seed(tmp, site.url)
    proc = arsip("crawl", seed, "--data", tmp / "data")
    yield site, seed, tmp / "data", tmp / "data" / "site", proc
    site.stop()


def test_first_crawl_archives_every_sitemap_article(crawled):
    site, _, _, coll, proc = crawled
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = reports(coll)[-1]
    assert set(report) >= REPORT_KEYS and report["outcome"] == "finished" and report["errors"] == []
    assert report["articles"]["new"] == 60 and report["pages_by_status"]["200"] == report["pages"]
    files = texts(coll)
    assert len(files) == 60
    with Catalog.for_collection(coll) as catalog:
        urls = {row["url"] for row in catalog.rows()}
    assert {site.url.rstrip("/") + p for p in article_paths(site)} == urls
    assert f"crawl {report['crawl_id']} of site: finished" in proc.stdout


def test_text_files_are_the_clean_text_and_seed_articles_match_the_goldens(crawled):
    site, _, _, coll, _ = crawled
    files = set(texts(coll).values())
    for golden in (ROOT / "tests" / "data" / "golden").glob("*.txt"):
        assert golden.read_text(encoding="utf-8") in files, golden.name
    matching = [a for a in site.corpus.articles if site.corpus.expected_text(a) in files]
    assert len(matching) >= 57  # extraction quality is gated by its own tests; most are exact


def test_articles_jsonl_has_one_line_per_article_with_spec_fields(crawled):
    _, _, _, coll, _ = crawled
    lines = (coll / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines]
    assert len(items) == 60 and len({i["canonical_url"] for i in items}) == 60
    for item in items:
        assert item["file"].startswith(f"{item['ordinal']:03d}_") and item["warc_file"] and item["sha1"]
        assert item["title"] and item["category"] and item["published"]
    names = sorted(i["file"] for i in items)
    assert names == sorted(texts(coll))


def test_warc_holds_every_exchange_and_every_text(crawled):
    site, _, _, coll, _ = crawled
    records = warc_records(coll)
    kinds = [r[0] for r in records]
    assert kinds[0] == "warcinfo" and kinds.count("request") == kinds.count("response") + kinds.count(
        "revisit"
    )
    responses = {uri for kind, uri, status in records if kind == "response" and status == 200}
    assert {site.url.rstrip("/") + p for p in article_paths(site)} <= responses
    assert kinds.count("conversion") == 60


def test_second_crawl_fetches_no_unchanged_article(crawled):
    site, seed, data, coll, _ = crawled
    before, mark = texts(coll), len(site.requests_log)
    proc = arsip("crawl", seed, "--data", data)
    assert proc.returncode == 0, proc.stderr[-2000:]
    fetched = set(requested_paths(site.requests_log[mark:]))
    assert not fetched & article_paths(site)
    assert texts(coll) == before
    report = reports(coll)[-1]
    assert report["articles"]["skipped"] == 60 and report["articles"]["new"] == 0


def test_full_crawl_refetches_everything_and_rewrites_nothing(crawled):
    site, seed, data, coll, _ = crawled
    before = {p.name: p.stat().st_mtime_ns for p in (coll / "text").iterdir()}
    mark = len(site.requests_log)
    proc = arsip("crawl", seed, "--data", data, "--full")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert article_paths(site) <= set(requested_paths(site.requests_log[mark:]))
    report = reports(coll)[-1]
    assert report["articles"]["unchanged"] == 60 and report["articles"]["new"] == 0
    assert {p.name: p.stat().st_mtime_ns for p in (coll / "text").iterdir()} == before
    assert not (coll / "jobs" / report["crawl_id"]).exists()  # a finished crawl leaves no JOBDIR


def test_max_articles_bounds_a_run_and_no_warc_writes_none(tmp_path):
    with start_site(SiteConfig(articles=60, seed=9), port=0) as site:
        seed = write_seed(tmp_path, site.url)
        proc = arsip("crawl", seed, "--data", tmp_path / "data", "--max-articles", "5", "--no-warc")
    assert proc.returncode == 0, proc.stderr[-2000:]
    coll = tmp_path / "data" / "site"
    assert len(texts(coll)) == 5 and reports(coll)[-1]["articles"]["new"] == 5
    assert not list((coll / "warcs").glob("*.warc.gz")) if (coll / "warcs").exists() else True


def test_since_skips_articles_dated_before(tmp_path):
    with start_site(SiteConfig(articles=60, seed=9), port=0) as site:
        dates = sorted(a.modified for a in site.corpus.articles)
        cut = dates[len(dates) // 2]
        since = datetime.combine(cut.date(), datetime.min.time(), tzinfo=UTC)  # a bare date is UTC
        expected = sum(1 for d in dates if d >= since)
        seed = write_seed(tmp_path, site.url)
        proc = arsip("crawl", seed, "--data", tmp_path / "data", "--since", cut.date().isoformat())
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = len(texts(tmp_path / "data" / "site"))
    assert got == expected < 60

"""Issue 5's done-when on 500 articles: all found; then 20 added and 5 changed, and only those are
fetched and exported again."""

from __future__ import annotations

import pytest

from crawler.demosite import SiteConfig, start_site
from tests.crawl_helpers import arsip, article_paths, reports, requested_paths, texts, write_seed

pytestmark = pytest.mark.slow  # two `arsip crawl` runs of 500 articles


def test_first_crawl_finds_all_then_second_fetches_only_new_and_changed(tmp_path):
    with start_site(SiteConfig(articles=500, seed=9), port=0) as site:
        seed, data = write_seed(tmp_path, site.url), tmp_path / "data"
        coll = data / "site"
        first = arsip("crawl", seed, "--data", data)
        assert first.returncode == 0, first.stderr[-2000:]
        before = texts(coll)
        assert len(before) == len(site.corpus.articles) == 500
        old_paths = article_paths(site)
        old_text = {a.path: site.corpus.expected_text(a) for a in site.corpus.articles}

        site.reconfigure(added=20, changed=5)
        new_paths = article_paths(site) - old_paths
        changed_paths = {
            a.path
            for a in site.corpus.articles
            if a.path in old_paths and site.corpus.expected_text(a) != old_text[a.path]
        }
        assert (len(new_paths), len(changed_paths)) == (20, 5)
        mark = len(site.requests_log)
        second = arsip("crawl", seed, "--data", data)
        assert second.returncode == 0, second.stderr[-2000:]
        fetched = set(requested_paths(site.requests_log[mark:]))

    fetched_articles = fetched & (old_paths | new_paths)
    assert fetched_articles == new_paths | changed_paths
    others = fetched - fetched_articles
    assert all(
        p == "/"
        or p.startswith(("/category/", "/page/", "/feed/", "/robots.txt", "/wp-content/"))  # + requisites
        or p.endswith(".xml")
        for p in others
    ), sorted(others)
    after = texts(coll)
    added = set(after) - set(before)
    rewritten = {name for name in before if after[name] != before[name]}
    assert len(added) == 20 and len(rewritten) == 5 and set(before) <= set(after)
    report = reports(coll)[-1]
    assert report["articles"]["new"] == 20 and report["articles"]["changed"] == 5
    assert report["articles"]["skipped"] == 495

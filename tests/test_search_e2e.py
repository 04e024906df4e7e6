"""Search and change tracking end to end: two real `arsip crawl` runs of the bundled site with K
articles changed between them; `arsip search`, `arsip diff`, `arsip index --search` and replay's
search, diff and changes pages over what the crawls wrote."""

from __future__ import annotations

import json

import pytest

from archive.search.index import SearchIndex
from archive.search.text import parse_clean_text, words
from crawler.demosite import SiteConfig, start_site
from tests.crawl_helpers import arsip, write_seed

pytestmark = pytest.mark.slow  # two `arsip crawl` runs of 60 articles
K = 3


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("search")
    with start_site(SiteConfig(articles=60, seed=9), port=0) as site:
        seed, data = write_seed(tmp, site.url), tmp / "data"
        first = arsip("crawl", seed, "--data", data)
        assert first.returncode == 0, first.stderr[-2000:]
        old = {a.path: site.corpus.expected_text(a) for a in site.corpus.articles}
        site.reconfigure(changed=K)
        new = {a.path: site.corpus.expected_text(a) for a in site.corpus.articles}
        second = arsip("crawl", seed, "--data", data)
        assert second.returncode == 0, second.stderr[-2000:]
        base = site.url.rstrip("/")
    changed = {base + p: (old[p], new[p]) for p in old if old[p] != new[p]}
    assert len(changed) == K
    return data, changed, {base + p: t for p, t in new.items()}


def search(data, *args) -> dict:
    run = arsip("search", *args, "--data", data, "--json", "--limit", "100")
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def new_only_word(changed, texts) -> str:
    """A word of the changed versions that no old text (of any article) holds."""
    old_words = set().union(*(set(words(old)) for old, _ in changed.values()))
    unchanged = [t for url, t in texts.items() if url not in changed]
    old_words |= set().union(*(set(words(t)) for t in unchanged))
    candidates = set.intersection(*(set(words(new)) for _, new in changed.values())) - old_words
    candidates = {w for w in candidates if w.isalpha() and len(w) > 4}
    assert candidates, "the changed versions share no word of their own"
    return sorted(candidates)[0]


def test_search_finds_words_of_the_changed_version_only_in_it(crawled):
    data, changed, texts = crawled
    word = '"' + new_only_word(changed, texts) + '"'  # quoted: this word, not its stem's other forms
    latest = search(data, word)
    assert {r["url"] for r in latest["results"]} == set(changed)
    every = search(data, word, "--all-captures")
    assert {r["url"] for r in every["results"]} == set(changed)
    assert all(r["latest"] for r in every["results"])  # the old captures do not hold it
    assert all("<mark>" in r["snippet"] for r in every["results"])
    # every capture of a changed article is searchable: a word of both versions finds both
    url, (old, new) = sorted(changed.items())[0]
    title = '"' + parse_clean_text(new).title + '"'
    both = [r["latest"] for r in search(data, title, "--all-captures")["results"] if r["url"] == url]
    assert sorted(both) == [False, True]
    assert [r["latest"] for r in search(data, title)["results"] if r["url"] == url] == [True]


def test_arsip_diff_prints_the_changed_blocks(crawled):
    data, changed, _ = crawled
    for url, (old, new) in changed.items():
        run = arsip("diff", url, "--data", data)
        assert run.returncode == 0, run.stderr
        added = {
            line[1:]
            for line in run.stdout.splitlines()
            if line.startswith("+") and not line.startswith("+++")
        }
        removed = {
            line[1:]
            for line in run.stdout.splitlines()
            if line.startswith("-") and not line.startswith("---")
        }
        old_lines, new_lines = old.splitlines(), new.splitlines()
        assert added - {""} == set(new_lines) - set(old_lines)
        assert removed - {""} == set(old_lines) - set(new_lines)


def test_rebuild_from_warcs_gives_the_same_index(crawled):
    data, changed, _ = crawled
    with SearchIndex.for_data(data, create=False) as index:
        before = [
            (r["canonical_url"], r["ts"], r["sha1"])
            for r in index.db.execute("SELECT * FROM captures ORDER BY 1, 2")
        ]
        changes_before = {c["url"] for c in index.changes("site")}
    (data / "search.sqlite").unlink()
    for suffix in ("-wal", "-shm"):
        (data / f"search.sqlite{suffix}").unlink(missing_ok=True)
    run = arsip("index", "--search", "--data", data)
    assert run.returncode == 0, run.stderr
    assert "63 texts indexed" in run.stdout
    with SearchIndex.for_data(data, create=False) as index:
        after = [
            (r["canonical_url"], r["ts"], r["sha1"])
            for r in index.db.execute("SELECT * FROM captures ORDER BY 1, 2")
        ]
        assert after == before and len(after) == 60 + K
        assert {c["url"] for c in index.changes("site")} == changes_before == set(changed)

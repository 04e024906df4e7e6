"""Search and change tracking end to end: two real `arsip crawl` runs of the bundled site with K
articles changed between them; `arsip search`, `arsip diff`, `arsip index --search` and replay's
search, diff and changes pages over what the crawls wrote."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from test_replay_archive import fetch, serve

from archive.replay.server import make_app
from archive.search.index import SearchIndex
from archive.search.text import parse_clean_text, words
from crawler.demosite import SiteConfig, start_site
from tests.crawl_helpers import arsip, write_seed

pytestmark = pytest.mark.slow  # two `arsip crawl` runs of 60 articles
K = 3
ATOM = "{http://www.w3.org/2005/Atom}"


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


def test_replay_diff_changes_and_search_pages(crawled):
    data, changed, texts = crawled
    with SearchIndex.for_data(data, create=False) as index:
        versions = {url: [v["ts"] for v in index.versions("site", url)] for url in changed}
    with serve(make_app(data)) as base:
        # the changes feed: exactly the K changed articles, each linking to its diff
        status, headers, body = fetch(f"{base}/site/changes.atom")
        assert status == 200 and "atom" in headers["Content-Type"]
        entries = ET.fromstring(body).findall(f"{ATOM}entry")
        links = [e.find(f"{ATOM}link").get("href") for e in entries]
        assert len(entries) == K
        assert {re.sub(r"^.*/diff/\d+/\d+/", "", link) for link in links} == set(changed)
        status, _, body = fetch(f"{base}/site/changes")
        assert status == 200 and body.count(b">diff</a>") == K
        # the diff page marks exactly the blocks that changed
        for url, (old, new) in changed.items():
            ts1, ts2 = versions[url]
            status, _, body = fetch(f"{base}/site/diff/{ts1}/{ts2}/{url}")
            assert status == 200
            page = body.decode()
            rows = re.findall(r'<tr class="(\w+) (same|changed|added|removed)">(.*?)</tr>', page)
            marked = [(field, kind) for field, kind, _ in rows if kind != "same"]
            old_blocks, new_blocks = parse_clean_text(old).blocks, parse_clean_text(new).blocks
            assert len(marked) == len(set(new_blocks) - set(old_blocks)) == 2
            new_sides = [
                unescape(re.sub(r"<[^>]+>", "", re.search(r'class="side new">(.*?)</td>', cells).group(1)))
                for _, kind, cells in rows
                if kind != "same"
            ]
            assert set(new_sides) == set(new_blocks) - set(old_blocks)
            assert "<ins>" in page and page.count('<tr class="block same">') == len(old_blocks) - 1
        # the capture calendar links the diffs of an article whose text changed, and only then
        url = sorted(changed)[0]
        ts1, ts2 = versions[url]
        status, _, body = fetch(f"{base}/site/*/{url}")
        assert status == 200 and b'class="versions"' in body
        assert f"/site/diff/{ts1}/{ts2}/{url}".encode() in body
        unchanged = next(u for u in texts if u not in changed)
        assert b'class="versions"' not in fetch(f"{base}/site/*/{unchanged}")[2]
        # search pages: results, facets, a malformed query is a 400 saying why
        word = new_only_word(changed, texts)
        status, _, body = fetch(f"{base}/site/search?q=%22{word}%22")
        assert status == 200 and body.count(b'<li class="hit">') == K and b"<mark>" in body
        assert b"what changed" in body
        status, _, body = fetch(f"{base}/search?q=kerja+sama")
        assert status == 200 and b'class="facet-category"' in body and b'class="facet-month"' in body
        status, _, body = fetch(f"{base}/site/search?q=%22unbalanced")
        assert status == 400 and b"unbalanced quote" in body
        status, _, body = fetch(f"{base}/site/search?q=AND+AND")
        assert status == 400 and b"AND needs" in body
        status, _, body = fetch(f"{base}/site/search?q=" + "x" * 5000)
        assert status == 400 and b"query too long" in body
        assert fetch(f"{base}/site/search?q=" + "x" * 10240)[0] == 400  # past aiohttp's 8 kB request line


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

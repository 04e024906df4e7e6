"""SIGKILL at random points of a crawl, 20 times in a row, each kill followed by a re-run: no closed
WARC is ever invalid, and once a run completes every article is archived exactly once."""

from __future__ import annotations

import random
import time

import pytest
from reliability_helpers import crawl, jsonl_urls, kill, problems, start_crawl

from tests.crawl_helpers import arsip, write_seed

pytestmark = pytest.mark.slow  # real crawls, killed and run again

KILLS = 20
ARTICLES = 120


def writing(proc, coll, timeout: float = 60.0) -> None:
    """Return once the crawl has an open WARC file (or has already exited)."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        if list((coll / "warcs").glob("*.open")):
            return
        time.sleep(0.01)


def test_sigkill_twenty_times_then_complete(site_factory, tmp_path):
    site = site_factory(articles=ARTICLES, seed=9)
    seed, data = write_seed(tmp_path, site.url), tmp_path / "data"
    coll = data / "site"
    rng = random.Random(8)  # seeded: the same kill points every run
    mid_write = 0
    for n in range(KILLS):
        proc = start_crawl(seed, data)
        if n % 2:  # every other kill lands while a WARC is being written, the rest anywhere
            writing(proc, coll)
        time.sleep(rng.uniform(0.0, 1.5) if n % 2 else rng.uniform(0.1, 3.0))  # the kill point
        kill(proc)
        mid_write += bool(list((coll / "warcs").glob("*.open")))
        assert problems(coll) == {}, f"after kill {n + 1}"
    print(f"{mid_write} of {KILLS} kills left an open WARC for the next run to repair")
    done = crawl(seed, data)
    if "interrupted" in done.stdout:  # the resumed crawl may stop short; the next run finishes it
        done = crawl(seed, data)
    assert done.code == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert not list((coll / "warcs").glob("*.open"))
    assert problems(coll) == {}
    checked = arsip("check", "--data", data)
    assert checked.returncode == 0, checked.stdout[-3000:]
    urls = jsonl_urls(coll)
    assert len(urls) == len(set(urls)) == ARTICLES
    assert {u.removeprefix(site.url.rstrip("/")) for u in urls} == {a.path for a in site.corpus.articles}
    assert len(list((coll / "text").glob("*.txt"))) == ARTICLES


def test_text_lost_between_catalog_row_and_file_is_written_again(site_factory, tmp_path):
    """The state a kill leaves when it lands after the catalog commit and before the text file and
    conversion record: the next run must write both, even though the article did not change."""
    import sqlite3

    site = site_factory(articles=10, seed=9)
    seed, data = write_seed(tmp_path, site.url), tmp_path / "data"
    coll = data / "site"
    assert crawl(seed, data).code == 0
    victim = sorted((coll / "text").glob("*.txt"))[3]
    victim.unlink()
    with sqlite3.connect(coll / "catalog.sqlite") as db:
        db.execute(
            "UPDATE articles SET text_warc_file = NULL, text_warc_offset = NULL WHERE file = ?",
            (victim.name,),
        )
    assert crawl(seed, data).code == 0
    assert victim.exists()
    with sqlite3.connect(coll / "catalog.sqlite") as db:
        assert db.execute("SELECT text_warc_file FROM articles WHERE file = ?", (victim.name,)).fetchone()[0]

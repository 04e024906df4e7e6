"""SIGTERM mid-crawl stops gracefully (exit 3, WARCs closed, JOBDIR kept); the re-run resumes and
every article ends up archived exactly once."""

from __future__ import annotations

import signal
import time
from collections import Counter

import pytest

from crawler.demosite import SiteConfig, start_site
from tests.crawl_helpers import arsip, article_paths, reports, start_arsip, texts, warc_records, write_seed

pytestmark = pytest.mark.slow  # `arsip crawl` stopped, then resumed


def wait_for(condition, timeout=120.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.05)


def test_sigterm_then_rerun_archives_every_article_exactly_once(tmp_path):
    with start_site(SiteConfig(articles=500, seed=9), port=0) as site:
        seed = write_seed(tmp_path, site.url, concurrency=4)
        data, coll = tmp_path / "data", tmp_path / "data" / "site"
        paths = article_paths(site)
        proc = start_arsip("crawl", seed, "--data", data, "--progress", "off")
        wait_for(
            lambda: sum(1 for _, p, _ in site.requests_log if p in paths) >= 120 or proc.poll() is not None
        )
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 3, err[-2000:]
        first = reports(coll)[-1]
        assert first["outcome"] == "interrupted" and first["finish_reason"] == "shutdown"
        assert (coll / "jobs" / first["crawl_id"]).is_dir()
        assert not list((coll / "warcs").glob("*.open"))
        partial = len(texts(coll))
        assert 0 < partial < 500

        again = arsip("crawl", seed, "--data", data, "--progress", "off")
        assert again.returncode == 0, again.stderr[-2000:]

    final = reports(coll)[-1]
    assert final["crawl_id"] == first["crawl_id"] and final["runs"] == 2 and final["outcome"] == "finished"
    assert not (coll / "jobs" / first["crawl_id"]).exists()
    assert len(texts(coll)) == 500
    base = site.url.rstrip("/")
    captures = Counter(
        uri
        for kind, uri, status in warc_records(coll)
        if kind in ("response", "revisit") and status == 200 and uri[len(base) :] in paths
    )
    assert set(captures) == {base + p for p in paths}
    assert set(captures.values()) == {1}, [u for u, n in captures.items() if n > 1][:5]

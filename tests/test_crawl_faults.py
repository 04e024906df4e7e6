"""With faults on (10% 503 with Retry-After, slow responses, dropped connections) a crawl still
finds every article, and the report lists what failed and why."""

from __future__ import annotations

import pytest

from crawler.demosite import Faults, SiteConfig, start_site
from crawler.middlewares.retry import BackoffRetryMiddleware, retry_after_seconds
from tests.crawl_helpers import arsip, reports, texts, write_seed


@pytest.mark.slow
def test_faulty_site_still_yields_every_article_and_the_report_says_what_failed(tmp_path):
    faults = Faults(error_503=0.10, slow=0.03, slow_seconds=1.0, drop=0.05, retry_after=1, seed=3)
    with start_site(SiteConfig(articles=500, seed=9, faults=faults), port=0) as site:
        seed = write_seed(tmp_path, site.url)
        proc = arsip("crawl", seed, "--data", tmp_path / "data", timeout=400)
        log = list(site.requests_log)
    assert proc.returncode == 0, proc.stderr[-2000:]
    coll = tmp_path / "data" / "site"
    assert len(texts(coll)) == 500
    report = reports(coll)[-1]
    assert report["outcome"] == "finished" and report["articles"]["new"] == 500
    reasons = {r["error"] for r in report["retried"]}
    assert "HTTP 503" in reasons
    assert any("Connection" in r or "DataLoss" in r or "ResponseFailed" in r for r in reasons), reasons
    assert report["retries"] == len(report["retried"]) >= sum(1 for _, _, status in log if status == 503)
    # the site's pages and their requisites (stylesheets, images: the same faulty server)
    served_503 = sum(1 for _, _, status in log if status == 503)
    assert report["pages_by_status"]["503"] + report["requisites"]["by_status"].get("503", 0) == served_503
    assert all(r["url"].startswith(site.url.rstrip("/")) for r in report["retried"])


def test_retry_after_and_backoff_delays():
    assert retry_after_seconds(b"7") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert retry_after_seconds(b"soon") is None and retry_after_seconds(None) is None
    mw = BackoffRetryMiddleware.__new__(BackoffRetryMiddleware)
    mw.base, mw.cap, mw.after_cap = 1.0, 60.0, 120.0
    assert mw.delay_for(1, 5.0) == 5.0 and mw.delay_for(1, 900.0) == 120.0
    assert 0.5 <= mw.delay_for(1, None) <= 1.0 and 4.0 <= mw.delay_for(4, None) <= 8.0
    assert mw.delay_for(30, None) <= 60.0

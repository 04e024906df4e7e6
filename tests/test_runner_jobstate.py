"""A crawl killed outright leaves a job whose request queue was never saved: it is started again
rather than resumed (a resumed run would skip every URL the lost queue held)."""

from __future__ import annotations

import os

from crawler.runner import _state_saved


def test_only_a_cleanly_stopped_job_is_resumable(tmp_path):
    job, report = tmp_path / "jobs" / "c1", tmp_path / "crawls" / "c1.json"
    (job / "requests.queue").mkdir(parents=True)
    report.parent.mkdir()
    (job / "requests.seen").write_text("ab\n")
    assert not _state_saved(job, report)  # killed before any clean stop: no queue state, no report
    (job / "requests.queue" / "active.json").write_text("[]")
    assert not _state_saved(job, report)
    report.write_text("{}")
    later = report.stat().st_mtime_ns
    for path in (job / "requests.seen", job / "requests.queue" / "active.json"):
        os.utime(path, ns=(later - 10**9, later - 10**9))
    assert _state_saved(job, report)  # stopped cleanly (SIGTERM): queue saved, then the report
    os.utime(job / "requests.seen", ns=(later + 10**9, later + 10**9))
    assert not _state_saved(job, report)  # resumed, then killed: requests made after the last save

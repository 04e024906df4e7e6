"""The real scheduler running real crawls of the bundled demo site, with schedules of a few seconds."""

from __future__ import annotations

import os
import signal
from datetime import datetime
from pathlib import Path

import pytest
from crawl_helpers import write_seed
from test_scheduler_support import arsip, wait_for
from warcio.archiveiterator import ArchiveIterator

from crawler.demosite import Faults
from crawler.service.store import Store

pytestmark = pytest.mark.slow  # the scheduler service running real crawls

FAST, SLOW = 8, 2  # connections per crawl; the seeds have no URL pattern (page signals tell articles)


def when(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def finished_runs(store: Store, seed: str) -> list:
    return sorted((run for run in store.history(seed) if run.finished), key=lambda run: run.id)


def test_two_seeds_run_side_by_side_and_never_overlap(tmp_path, site_factory, service):
    """Two seeds every 2 s crawl side by side, and a seed's runs never overlap: a slot due while its
    crawl still runs is skipped. Where runs fall in time (the interval grid) is tested on fixed
    datetimes in test_scheduler_parts.py, not here on the real clock."""
    site = site_factory(articles=10, faults=Faults(slow=1.0, slow_seconds=0.5))  # a crawl takes ~2-3 s
    for name in ("alpha", "beta"):
        write_seed(tmp_path / "seeds", site.url, name, pattern=False, concurrency=FAST, interval="2s")
    svc = service()
    store = Store(svc.data, create=False)
    wait_for(
        lambda: all(len(finished_runs(store, s)) >= 2 for s in ("alpha", "beta")),
        svc,
        "two finished crawls of each seed",
        timeout=60,
    )
    runs = {seed: finished_runs(store, seed) for seed in ("alpha", "beta")}
    assert svc.stop() == 0
    for seed, seed_runs in runs.items():
        for run in seed_runs:
            assert (run.outcome, run.exit_status, run.trigger) == ("finished", 0, "schedule")
            assert run.pages > 0 and run.bytes > 0 and run.errors == 0 and run.duration > 0
            assert (svc.data / seed / "crawls" / f"{run.crawl_id}.json").exists()
        for earlier, later in zip(seed_runs, seed_runs[1:], strict=False):
            assert when(later.started) >= when(earlier.finished)  # never overlapping itself
    alpha, beta = runs["alpha"][0], runs["beta"][0]
    assert when(alpha.started) < when(beta.finished) and when(beta.started) < when(alpha.finished)
    assert "skipped: the previous crawl is still running" in svc.log()
    history = arsip("history", "--data", svc.data, "--seed", "beta")
    assert history[0].split()[:2] == ["started", "seed"] and all(" beta " in line for line in history[1:])


def open_warcs(data: Path) -> list[Path]:
    return list(data.glob("*/warcs/*.open"))


def assert_warcs_valid(data: Path) -> int:
    records = 0
    for path in data.glob("*/warcs/*.warc.gz"):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream, check_digests=True):
                record.content_stream().read()
                records += 1
    return records


def test_sigterm_closes_warcs_and_sigkill_restart_keeps_the_schedule(tmp_path, site_factory, service):
    site = site_factory(articles=30, faults=Faults(slow=1.0, slow_seconds=0.4))  # a crawl takes ~15 s
    write_seed(tmp_path / "seeds", site.url, "alpha", pattern=False, concurrency=SLOW, interval="2s")
    write_seed(tmp_path / "seeds", site.url, "later", pattern=False, concurrency=SLOW, interval="1h")
    svc = service()
    store = Store(svc.data, create=False)
    wait_for(lambda: open_warcs(svc.data), svc, "a crawl writing its WARC")
    assert svc.stop() == 0  # SIGTERM: forwarded to the crawl, which closes its WARCs
    first = store.last_run("alpha")
    assert (first.outcome, first.exit_status) == ("interrupted", 3)
    assert open_warcs(svc.data) == [] and assert_warcs_valid(svc.data) > 0

    svc = service()
    wait_for(lambda: store.last_run("alpha").id != first.id and open_warcs(svc.data), svc, "the next crawl")
    second = store.last_run("alpha")
    wait_for(lambda: "resuming interrupted crawl" in Path(second.log).read_text(), svc, "a resumed crawl")
    before = svc.jobs()
    svc.proc.kill()  # SIGKILL: the crawl lives on as an orphan
    svc.proc.wait()
    assert os.path.exists(f"/proc/{second.pid}")

    svc = service()  # stops the orphan (SIGTERM) and marks its run interrupted
    killed = next(run for run in store.history("alpha") if run.id == second.id)
    assert killed.finished and killed.outcome == "interrupted"
    assert not _running(second.pid)
    assert svc.jobs()["later"]["next_run"] == before["later"]["next_run"]
    assert "left unfinished by a scheduler that was killed" in svc.log()
    third = wait_for(
        lambda: next((r for r in store.history("alpha") if r.id > second.id), None), svc, "a third run"
    )
    wait_for(lambda: "resuming interrupted crawl" in Path(third.log).read_text(), svc, "it to resume")
    assert svc.stop(signal.SIGINT) == 0
    assert open_warcs(svc.data) == [] and assert_warcs_valid(svc.data) > 0


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_crawl_over_its_time_limit_is_stopped_cleanly(tmp_path, site_factory, service):
    site = site_factory(articles=20, faults=Faults(slow=1.0, slow_seconds=0.4))
    write_seed(
        tmp_path / "seeds", site.url, "alpha", pattern=False, concurrency=SLOW, interval="1h", time_limit="2s"
    )
    svc = service()
    assert arsip("run-now", "alpha", "--data", svc.data) == ["run-now alpha: started"]
    store = Store(svc.data, create=False)
    run = wait_for(lambda: (r := store.last_run("alpha")) and r.finished and r, svc, "the run to end")
    assert (run.outcome, run.exit_status, run.trigger) == ("timeout", 3, "run-now")
    assert run.pages > 0 and run.bytes > 0
    assert "exceeded its time limit of 2.0s" in svc.log()
    assert open_warcs(svc.data) == [] and assert_warcs_valid(svc.data) > 0
    assert svc.stop() == 0

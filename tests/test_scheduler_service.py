"""The real scheduler service in a subprocess: control requests, failures, malformed seeds, restarts."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from crawl_helpers import write_seed
from test_scheduler_support import arsip, collection_locked, wait_for

from crawler.service.store import Store

pytestmark = pytest.mark.slow  # each test runs the scheduler service


def test_failing_crawls_and_a_malformed_seed_never_stop_the_service(tmp_path, service):
    seeds = tmp_path / "seeds"
    write_seed(seeds, name="alpha", interval="1s")
    write_seed(seeds, name="gamma", interval="1h")
    (seeds / "bad.toml").write_text(
        'name = "bad"\nstart_urls = ["http://127.0.0.1:9/"]\n[politeness]\nconcurency = 3\n'
    )
    with collection_locked(tmp_path / "data", "alpha"):
        svc = service()
        store = Store(tmp_path / "data", create=False)
        wait_for(lambda: store.failure_streak("alpha") >= 3, svc, "three failed crawls of alpha")
    assert f"{seeds / 'bad.toml'}: politeness.concurency: unknown key" in svc.log()
    assert "seed=alpha REPEATED FAILURE: 3 crawls in a row failed" in svc.log()
    assert "outcome=failed" in svc.log()
    jobs = svc.jobs()
    assert set(jobs) == {"alpha", "gamma"}
    assert jobs["alpha"]["failing"] and jobs["alpha"]["last_outcome"] == "failed"
    assert jobs["gamma"]["last_outcome"] is None and not jobs["gamma"]["paused"]
    assert "FAILING: " in "\n".join(arsip("jobs", "--data", svc.data))
    run = store.history("alpha")[-1]
    assert (run.exit_status, run.outcome, run.trigger) == (1, "failed", "schedule")
    assert "another crawl of" in Path(run.log).read_text()
    assert svc.stop() == 0


def test_pause_resume_and_run_now_go_through_the_service(tmp_path, service):
    write_seed(tmp_path / "seeds", name="alpha", interval="1h")
    svc = service()
    data = svc.data
    wait_for(lambda: svc.jobs().get("alpha"), svc, "alpha scheduled")
    next_run = svc.jobs()["alpha"]["next_run"]
    assert arsip("pause", "alpha", "--data", data) == ["pause alpha: paused"]
    assert svc.jobs()["alpha"]["paused"]
    store = Store(data, create=False)
    with collection_locked(data, "alpha"):
        assert arsip("run-now", "alpha", "--data", data) == ["run-now alpha: started"]
        wait_for(
            lambda: store.last_run("alpha") and store.last_run("alpha").finished, svc, "the run-now crawl"
        )
    assert store.last_run("alpha").trigger == "run-now"
    assert svc.jobs()["alpha"]["paused"]  # a manual run leaves the schedule paused
    resumed = arsip("resume", "alpha", "--data", data)
    assert resumed[0].startswith("resume alpha: resumed; next run ")
    assert svc.jobs()["alpha"]["next_run"] == next_run  # an interval's grid is kept
    with pytest.raises(SystemExit, match="no scheduled seed named 'nope'"):
        arsip("pause", "nope", "--data", data)
    assert svc.stop(signal.SIGINT) == 0


def test_a_second_scheduler_on_the_same_data_is_refused(tmp_path, service):
    write_seed(tmp_path / "seeds", name="alpha", interval="1h")
    svc = service()
    wait_for(lambda: svc.jobs().get("alpha"), svc, "alpha scheduled")
    second = subprocess.run(
        [sys.executable, "scheduler.py", "--data", str(svc.data), "--seeds", str(tmp_path / "seeds")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=svc.repo,
    )
    assert second.returncode == 2
    assert f"another scheduler (pid {svc.proc.pid}) is already running" in second.stderr
    assert svc.stop() == 0


def test_seed_files_added_and_removed_are_picked_up(tmp_path, service):
    alpha = write_seed(tmp_path / "seeds", name="alpha", interval="1h")
    svc = service()
    write_seed(tmp_path / "seeds", name="beta", interval="2h")
    wait_for(lambda: "beta" in svc.jobs(), svc, "the new seed scheduled by the periodic check")
    alpha.unlink()
    svc.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "SIGHUP received: re-reading seed files" in svc.log(), svc, "the SIGHUP re-sync")
    wait_for(lambda: list(svc.jobs()) == ["beta"], svc, "alpha unscheduled")
    assert "seed=alpha unscheduled: its seed file is gone" in svc.log()
    assert svc.stop() == 0


def test_sigkill_and_restart_keep_the_schedule(tmp_path, service):
    write_seed(tmp_path / "seeds", name="alpha", interval="1h")
    write_seed(tmp_path / "seeds", name="beta", cron="0 6 * * 1", timezone="Asia/Jakarta")
    svc = service()
    wait_for(lambda: len(svc.jobs()) == 2, svc, "both seeds scheduled")
    before = svc.jobs()
    assert before["beta"]["schedule"] == "cron '0 6 * * 1' Asia/Jakarta"
    assert before["beta"]["next_run"].endswith("06:00:00+07:00")
    arsip("pause", "beta", "--data", svc.data)
    svc.proc.kill()
    svc.proc.wait()
    again = service()
    after = again.jobs()
    assert after["alpha"]["next_run"] == before["alpha"]["next_run"]
    assert after["beta"]["paused"]
    assert again.stop() == 0

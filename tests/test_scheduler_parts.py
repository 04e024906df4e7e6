"""The scheduler's parts in one process: triggers, reports, history store, lock, syncer, runner."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from crawl_helpers import write_seed

from crawler.seed import Schedule
from crawler.service.children import Runner, ServiceStopping, crawl_command, stop_orphan
from crawler.service.jobs import run_seed
from crawler.service.lock import SchedulerLockedError, ServiceLock, running_pid
from crawler.service.outcome import summarize
from crawler.service.store import Store, jobstore_url
from crawler.service.syncer import JOB_FUNC, Syncer
from crawler.service.triggers import crontab_days, describe, make_trigger, misfire_grace


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("*", "*"),
        ("1", "mon"),
        ("0", "sun"),
        ("7", "sun"),
        ("1-5", "mon,tue,wed,thu,fri"),
        ("*/2", "sun,tue,thu,sat"),
        ("6,0", "sun,sat"),
        ("mon-fri", "mon-fri"),
    ],
)
def test_crontab_days_count_from_sunday(field, expected):
    assert crontab_days(field) == expected


def test_cron_trigger_runs_on_the_crontab_day_in_the_seed_time_zone():
    trigger = make_trigger(Schedule(cron="30 6 * * 1", timezone="Asia/Jakarta"))
    start = datetime(2025, 1, 1, tzinfo=UTC)  # a Wednesday
    fire = trigger.get_next_fire_time(None, start)
    assert (fire.strftime("%a %H:%M"), fire.utcoffset().total_seconds()) == ("Mon 06:30", 7 * 3600)
    assert misfire_grace(trigger) == 7 * 86400 // 2


def test_interval_trigger_grace_and_description():
    schedule = Schedule(interval=6 * 3600, timezone="Asia/Jakarta")
    assert misfire_grace(make_trigger(schedule)) == 3 * 3600
    assert describe(schedule) == "every 6h Asia/Jakarta"
    assert describe(Schedule(interval=3)) == "every 3s UTC"
    assert isinstance(make_trigger(Schedule(cron="0 */6 * * *")), CronTrigger)


FROZEN = datetime(2025, 1, 1, 6, 0, 0, tzinfo=UTC)


@pytest.fixture
def frozen_clock(monkeypatch):
    """APScheduler's interval trigger reads the clock once, for its default start date (one interval
    after now): freeze it at FROZEN, as APScheduler's own tests do. Every fire time then follows from
    fixed datetimes passed in as ``now``; nothing sleeps or reads the real clock."""

    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            return FROZEN.astimezone(tz) if tz else FROZEN.replace(tzinfo=None)

    monkeypatch.setattr("apscheduler.triggers.interval.datetime", FrozenDatetime)
    return FROZEN


def test_interval_runs_land_on_the_grid_and_a_busy_slot_is_skipped(frozen_clock):
    """The scheduler asks the trigger for the next run after each slot it handled, and with no
    previous run for a new, resumed or restored job: every answer is on the grid of the first run,
    however late it asks. A crawl longer than its interval costs the slots it overlaps (max_instances=1
    skips them), never a shift of the later runs."""
    trigger = make_trigger(Schedule(interval=2))
    step, late = timedelta(seconds=2), timedelta(seconds=0.7)
    first = trigger.get_next_fire_time(None, frozen_clock)
    assert first == frozen_clock + step  # a new job: one interval after it is added
    assert trigger.get_next_fire_time(first, first + late) == first + step  # handled late: still on the grid
    for seconds, slots in ((0, 0), (0.5, 1), (2, 1), (5.3, 3), (3599.9, 1800)):  # a paused job resumed
        assert trigger.get_next_fire_time(None, first + timedelta(seconds=seconds)) == first + slots * step

    # APScheduler with coalesce and max_instances=1, for crawls of 2.5 s every 2 s, each slot handled late
    starts, due, busy_until = [], first, first
    while len(starts) < 4:
        if due >= busy_until:  # else the previous crawl still runs: this slot is skipped
            starts.append(due)
            busy_until = due + timedelta(seconds=2.5)
        due = trigger.get_next_fire_time(due, due + late)
    assert [(start - first) / step for start in starts] == [0, 2, 4, 6]


def test_interval_grid_is_absolute_time_in_any_seed_time_zone(frozen_clock):
    trigger = make_trigger(Schedule(interval=6 * 3600, timezone="Asia/Jakarta"))
    first = trigger.get_next_fire_time(None, frozen_clock)
    assert first == frozen_clock + timedelta(hours=6) and first.utcoffset() == timedelta(hours=7)
    after_a_day = trigger.get_next_fire_time(None, first + timedelta(days=1, minutes=1))
    assert after_a_day == first + timedelta(days=1, hours=6)


@pytest.mark.parametrize(
    ("status", "timed_out", "report", "outcome"),
    [
        (0, False, {"outcome": "finished", "pages": 12, "warc_bytes": 3400, "errors": 1}, "finished"),
        (3, False, {"outcome": "interrupted", "pages": 4}, "interrupted"),
        (3, True, {"outcome": "interrupted", "pages": 4}, "timeout"),
        (1, False, None, "failed"),
        (2, False, None, "failed"),
        (-9, False, None, "killed"),
        (-15, False, None, "interrupted"),
        (None, False, None, "interrupted"),
        (0, False, None, "finished"),
    ],
)
def test_summarize_prefers_the_report(status, timed_out, report, outcome):
    assert summarize(status, timed_out, report)["outcome"] == outcome


def test_summarize_counts_error_lists_and_tables():
    assert summarize(0, False, {"errors": ["a", "b"]})["errors"] == 2
    assert summarize(0, False, {"errors": {"dns": 2, "timeout": 3}})["errors"] == 5
    assert summarize(0, False, {"pages": 7, "warc_bytes": 99})["bytes"] == 99


def test_store_history_streak_and_requests(tmp_path):
    store = Store(tmp_path)
    for outcome in ("finished", "failed", "interrupted", "timeout", "killed"):
        run_id = store.begin_run("s", f"id-{outcome}", "schedule", 1, "log")
        store.finish_run(run_id, outcome=outcome, exit_status=0, duration=1.0)
    running = store.begin_run("s", "id-running", "schedule", 1, "log")
    assert store.failure_streak("s") == 3  # interrupted neither counts nor resets
    assert [run.id for run in store.unfinished()] == [running]
    assert [run.crawl_id for run in store.history("s", 2)] == ["id-running", "id-killed"]
    assert store.history("other") == []
    request_id = store.add_request("s", "pause")
    assert [r.id for r in store.pending_requests()] == [request_id]
    store.complete_request(request_id, "paused")
    assert store.pending_requests() == [] and store.request(request_id).result == "paused"


def test_one_scheduler_per_data_directory(tmp_path):
    first, second = ServiceLock(tmp_path), ServiceLock(tmp_path)
    assert running_pid(tmp_path) is None
    first.acquire()
    try:
        with pytest.raises(SchedulerLockedError, match=r"another scheduler \(pid \d+\)"):
            second.acquire()
        assert running_pid(tmp_path) > 0
    finally:
        first.release()
    assert running_pid(tmp_path) is None
    second.acquire()
    second.release()


def make_scheduler(data: Path) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=jobstore_url(data))}, timezone=UTC
    )
    scheduler.start(paused=True)  # jobs are stored and scheduled, never run
    return scheduler


def test_syncer_adds_keeps_updates_and_removes_jobs(tmp_path, caplog):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    write_seed(seeds, name="alpha", interval="1h")
    b_path = write_seed(seeds, name="beta", cron="0 6 * * 1", timezone="Asia/Jakarta")
    scheduler = make_scheduler(tmp_path)
    try:
        syncer = Syncer(scheduler, seeds)
        assert syncer.check()
        alpha = scheduler.get_job("alpha")
        assert (alpha.func_ref, alpha.args, alpha.name) == (JOB_FUNC, ("alpha",), "alpha every 1h UTC")
        assert alpha.misfire_grace_time == 1800
        first_run = alpha.next_run_time
        assert not syncer.check()  # nothing changed on disk
        syncer.sync()  # a forced sync (SIGHUP) keeps an unchanged job's next run time
        assert scheduler.get_job("alpha").next_run_time == first_run
        write_seed(seeds, name="alpha", interval="2h")
        b_path.write_text(b_path.read_text().replace("[schedule]", "[schedule]\nbogus = 1"))
        (seeds / "c.toml").write_text('name = "gamma"\nstart_urls = ["http://127.0.0.1:9/"]\n')
        assert syncer.check()
        assert scheduler.get_job("alpha").name == "alpha every 2h UTC"
        assert scheduler.get_job("beta") is not None  # malformed now: kept as it was
        assert scheduler.get_job("gamma") is None  # no [schedule]
        assert f"{b_path}: schedule.bogus: unknown key" in caplog.text
        assert syncer.paths["beta"] == b_path
        b_path.unlink()
        assert syncer.check()
        assert [job.id for job in scheduler.get_jobs()] == ["alpha"]
    finally:
        scheduler.shutdown(wait=False)


OLD_JOB_FUNC = "crawler.service.jobs:run_seed"  # the path every job stored so far holds


def test_a_job_stored_by_the_old_layout_still_loads(tmp_path, caplog):
    """A stored job names its function by import path, and APScheduler drops (logs and deletes) a job
    whose path no longer resolves when it loads the store: the path jobs were stored with must load."""
    scheduler = make_scheduler(tmp_path)  # the service's own SQLite job store, in tmp_path
    schedule = Schedule(interval=3600)
    trigger = make_trigger(schedule)
    scheduler.add_job(  # as Syncer adds a job
        OLD_JOB_FUNC,
        trigger,
        args=["alpha"],
        id="alpha",
        name=f"alpha {describe(schedule)}",
        misfire_grace_time=misfire_grace(trigger),
    )
    stored = scheduler.get_job("alpha").next_run_time
    scheduler.shutdown(wait=False)  # closes the store

    fresh = SQLAlchemyJobStore(url=jobstore_url(tmp_path))
    fresh.start(BackgroundScheduler(timezone=UTC), "default")
    try:
        jobs = fresh.get_all_jobs()
    finally:
        fresh.shutdown()
    assert [job.id for job in jobs] == ["alpha"], caplog.text
    (job,) = jobs
    assert (job.func_ref, job.args, job.name) == (OLD_JOB_FUNC, ("alpha",), "alpha every 1h UTC")
    assert callable(job.func) and job.func is run_seed
    assert job.next_run_time == stored and job.trigger.interval == timedelta(hours=1)


def test_restart_keeps_next_run_time_and_paused_state(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    write_seed(seeds, name="alpha", interval="1h")
    write_seed(seeds, name="beta", interval="1h")
    scheduler = make_scheduler(tmp_path)
    Syncer(scheduler, seeds).sync()
    scheduler.pause_job("beta")
    next_run = scheduler.get_job("alpha").next_run_time
    scheduler.shutdown(wait=False)
    scheduler = make_scheduler(tmp_path)
    try:
        Syncer(scheduler, seeds).sync()
        assert scheduler.get_job("alpha").next_run_time == next_run
        assert scheduler.get_job("beta").next_run_time is None
        write_seed(seeds, name="beta", interval="30m")
        Syncer(scheduler, seeds).sync()
        assert scheduler.get_job("beta").name == "beta every 30m UTC"
        assert scheduler.get_job("beta").next_run_time is None  # a changed schedule stays paused
    finally:
        scheduler.shutdown(wait=False)


def test_crawl_command_uses_this_interpreter():
    argv = crawl_command("seeds/x.toml", "data", "20250101T000000Z-abcd")
    assert argv == [
        sys.executable,
        "-m",
        "crawler.cli",
        "crawl",
        "seeds/x.toml",
        "--data",
        "data",
        "--crawl-id",
        "20250101T000000Z-abcd",
    ]


STUBBORN = (
    "import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    "print('ready', flush=True); time.sleep(60)"
)


def test_runner_time_limit_escalates_to_sigkill(tmp_path):
    runner = Runner(kill_grace=0.5)
    argv = [sys.executable, "-c", STUBBORN]
    with runner.launch(argv, tmp_path / "x.log") as proc:
        assert runner.running == 1
        status, timed_out = runner.wait(proc, time_limit=0.5)
    assert (status, timed_out) == (-signal.SIGKILL, True)
    assert runner.running == 0


def test_stop_all_refuses_new_runs_and_stops_running(tmp_path):
    runner = Runner()
    with runner.launch([sys.executable, "-c", "import time; time.sleep(60)"], tmp_path / "x.log") as proc:
        runner.refuse_new()
        runner.terminate(proc, grace=5)
    assert proc.returncode == -signal.SIGTERM
    with pytest.raises(ServiceStopping), runner.launch([sys.executable, "-c", "pass"], tmp_path / "y.log"):
        pass


def test_stop_orphan_checks_the_crawl_id(tmp_path):
    code = "import time; print('ready', flush=True); time.sleep(60)"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "--crawl-id", "orphan-1"], stdout=subprocess.PIPE, start_new_session=True
    )
    try:
        assert proc.stdout.readline() == b"ready\n"  # exec'd: /proc shows the crawl's command line
        assert not stop_orphan(proc.pid, "someone-else", grace=5)
        assert proc.poll() is None
        assert stop_orphan(proc.pid, "orphan-1", grace=5)
        assert proc.wait(timeout=5) == -signal.SIGTERM
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()

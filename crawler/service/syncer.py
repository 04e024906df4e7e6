"""Seed files to jobs: add a missing job, update one whose schedule changed, remove an orphaned one.

A job is never replaced when its schedule is unchanged, because ``replace_existing=True`` would reset
its next run time and lose the catch-up run after downtime. A malformed seed file is reported (file,
key, reason) and skipped; if it still names a seed that has a job, that job is kept as it was. A
seed whose schedule the scheduler cannot take (an overflow the seed checks missed) is logged and
skipped the same way: the seeds beside it are scheduled.
"""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

from crawler.seed import Seed, SeedError, load_seed

from .triggers import describe, make_trigger, misfire_grace

logger = logging.getLogger(__name__)

JOB_FUNC = "crawler.service.jobs:run_seed"  # stable import path: stored jobs refer to it


class Syncer:
    """Keeps the scheduler's jobs in line with the ``*.toml`` files of a seeds directory."""

    def __init__(self, scheduler, seeds_dir: str | Path, jobstore: str = "default"):
        self.scheduler, self.seeds_dir, self.jobstore = scheduler, Path(seeds_dir), jobstore
        self.paths: dict[str, Path] = {}  # seed name -> its file, malformed files included
        self._fingerprint = None

    def check(self) -> bool:
        """Sync if any seed file was added, changed or removed since the last sync."""
        if self._files_fingerprint() == self._fingerprint:
            return False
        self.sync()
        return True

    def sync(self) -> None:
        """Read every seed file and bring the jobs in line with them."""
        self._fingerprint = self._files_fingerprint()
        seeds, claimed = self._scan()
        self.paths = claimed
        jobs = {job.id: job for job in self.scheduler.get_jobs(jobstore=self.jobstore)}
        for name, seed in seeds.items():
            try:
                self._sync_one(seed, jobs.get(name))
            except Exception as exc:  # noqa: BLE001 - one seed's schedule must not stop the others
                logger.error(
                    "seed=%s not scheduled, other seeds keep running: %s: %s: %s",
                    name,
                    seed.path,
                    type(exc).__name__,
                    exc,
                )
        for name in jobs.keys() - claimed.keys():
            self.scheduler.remove_job(name, jobstore=self.jobstore)
            logger.info("seed=%s unscheduled: its seed file is gone", name)

    def _sync_one(self, seed: Seed, job) -> None:
        if seed.schedule.interval is None and seed.schedule.cron is None:
            if job is not None:
                self.scheduler.remove_job(seed.name, jobstore=self.jobstore)
            logger.info("seed=%s has no [schedule]; not scheduled (%s)", seed.name, seed.path)
            return
        trigger, text = make_trigger(seed.schedule), f"{seed.name} {describe(seed.schedule)}"
        grace = misfire_grace(trigger)
        if job is None:
            job = self.scheduler.add_job(
                JOB_FUNC,
                trigger,
                args=[seed.name],
                id=seed.name,
                name=text,
                misfire_grace_time=grace,
                jobstore=self.jobstore,
            )
            logger.info("seed=%s scheduled: %s, next run %s", seed.name, text, job.next_run_time)
        elif job.name != text:
            paused = job.next_run_time is None
            job = self.scheduler.reschedule_job(seed.name, jobstore=self.jobstore, trigger=trigger)
            job = self.scheduler.modify_job(
                seed.name, jobstore=self.jobstore, name=text, misfire_grace_time=grace
            )
            if paused:
                job = self.scheduler.pause_job(seed.name, jobstore=self.jobstore)
            logger.info("seed=%s rescheduled: %s, next run %s", seed.name, text, job.next_run_time)

    def _scan(self) -> tuple[dict[str, Seed], dict[str, Path]]:
        """Valid seeds by name, and every name a seed file claims (malformed files too)."""
        seeds: dict[str, Seed] = {}
        claimed: dict[str, Path] = {}
        for path in sorted(self.seeds_dir.glob("*.toml")):
            try:
                seed = load_seed(path)
                if seed.name in seeds:
                    raise SeedError(path, "name", f"{seed.name!r} is already used by {claimed[seed.name]}")
            except SeedError as exc:
                logger.error("malformed seed file skipped, other seeds keep running: %s", exc)
                claimed.setdefault(_claimed_name(path), path)
                continue
            seeds[seed.name] = seed
            claimed[seed.name] = path
        return seeds, claimed

    def _files_fingerprint(self):
        try:
            return sorted(
                (p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in self.seeds_dir.glob("*.toml")
            )
        except OSError:
            return None  # a file vanished mid-scan: the next check will see a settled directory


def _claimed_name(path: Path) -> str:
    """The seed name a malformed file most likely means: its ``name`` key if readable, else its stem."""
    try:
        name = tomllib.loads(path.read_text(encoding="utf-8")).get("name")
    except (OSError, ValueError):
        name = None
    return name if isinstance(name, str) and name else path.stem

"""Run one crawl of one seed in this process, resumably, and judge how it ended.

Each crawl has an id and its own Scrapy ``JOBDIR`` (``<coll>/jobs/<crawl-id>/``). An interrupted
crawl (SIGINT/SIGTERM: Scrapy stops gracefully, in-flight requests finish, WARCs are closed) keeps
its job directory, and the next ``arsip crawl`` of the seed resumes it; a crawl that finished or
failed has its job directory removed, because a reused ``requests.seen`` would make later runs
skip every URL (docs/ARCHITECTURE.md, the crawl lifecycle). One crawl per collection at a time, enforced by a lock file.

The reactor cannot be restarted, so :func:`run_crawl` may be called once per process; the
scheduler runs each crawl as ``arsip crawl`` in a subprocess.
"""

from __future__ import annotations

import fcntl
import logging
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from archive.errors import ArsipError, CrawlError
from crawler.crawls import EXIT_CODES, FAILED, INTERRUPTED, check_crawl_id, new_crawl_id, report_path
from crawler.extensions.report import CrawlReport, load_report, now_iso, write_report
from crawler.seed import Seed
from crawler.settings import CrawlOptions, build_settings, effective_seed

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CrawlResult:
    """How a crawl ended: its report (as written) and the exit code it maps to."""

    crawl_id: str
    collection_dir: Path
    report: dict
    resumed_from: str | None = None

    @property
    def exit_code(self) -> int:
        outcome = self.report.get("outcome")
        # a report without an outcome (or with an unknown one) is a failed crawl
        return EXIT_CODES.get(outcome, 1) if outcome is not None else 1

    @property
    def report_path(self) -> Path:
        return report_path(self.collection_dir, self.crawl_id)


class CollectionLock:
    """An exclusive, non-blocking lock on ``<coll>/.crawl.lock`` for the duration of a crawl."""

    def __init__(self, collection_dir: Path):
        self.path = collection_dir / ".crawl.lock"

    def __enter__(self):
        self.handle = open(self.path, "a+")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.close()
            raise CrawlError(f"another crawl of {self.path.parent} is running") from None
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def pick_crawl(collection_dir: Path, requested: str | None) -> tuple[str, str | None]:
    """``(crawl_id, resumed_from)``: resume the interrupted crawl if there is one (under the
    requested id when one is given), else start a new one."""
    if requested is not None:
        check_crawl_id(requested)  # ValueError: it names a directory to rename and remove
    jobs = collection_dir / "jobs"
    pending = []
    for job in sorted(jobs.iterdir()) if jobs.is_dir() else []:
        if not _is_job_dir(collection_dir, job):
            continue  # not a crawl's job directory (a stray file, a symlink, a foreign name)
        report = load_report(report_path(collection_dir, job.name))
        if report and report.get("outcome") != INTERRUPTED:
            remove_job(collection_dir, job)  # finished, but died before cleaning up
        else:
            pending.append(job.name)
    if requested and requested in pending:
        return requested, requested
    if not pending:
        return requested or new_crawl_id(), None
    old = pending[-1]
    if not requested or requested == old:
        return old, old
    (jobs / old).rename(jobs / requested)
    previous = load_report(report_path(collection_dir, old))
    if previous:
        write_report(report_path(collection_dir, requested), {**previous, "crawl_id": requested})
    return requested, old


def run_crawl(seed: Seed, opts: CrawlOptions) -> CrawlResult:
    """Crawl ``seed`` once (or resume its interrupted crawl) and return the result."""
    if opts.crawl_id is not None:
        try:
            check_crawl_id(opts.crawl_id)
        except ValueError as exc:
            raise ArsipError(str(exc)) from None
    seed = effective_seed(seed, opts)
    collection = Path(opts.data_dir) / seed.name
    collection.mkdir(parents=True, exist_ok=True)
    with CollectionLock(collection):
        crawl_id, resumed_from = pick_crawl(collection, opts.crawl_id)
        if resumed_from:
            logger.info("resuming interrupted crawl %s of %s", resumed_from, seed.name)
        jobdir = collection / "jobs" / crawl_id
        if resumed_from and jobdir.is_dir() and not _state_saved(jobdir, report_path(collection, crawl_id)):
            logger.warning(
                "crawl %s was killed outright and its request queue was not saved: starting it "
                "again from its start URLs (what it archived is skipped or revisited)",
                crawl_id,
            )
            remove_job(collection, jobdir)
        before = load_report(report_path(collection, crawl_id))
        errors, built = _run_process(seed, opts, build_settings(seed, opts, collection, crawl_id, jobdir))
        # the report the spider built, even when a full disk kept it from being written
        report = built or load_report(report_path(collection, crawl_id))
        if report is None or report == before:
            report = _startup_failure(seed, crawl_id, collection, errors)
        if report.get("outcome") != INTERRUPTED:
            remove_job(collection, jobdir)
    return CrawlResult(crawl_id, collection, report, resumed_from)


def _is_job_dir(collection_dir: Path, path: Path) -> bool:
    """Whether ``path`` is a real directory directly inside ``<coll>/jobs/`` named by a crawl id."""
    try:
        check_crawl_id(path.name)
    except ValueError:
        return False
    jobs = (collection_dir / "jobs").resolve()
    return not path.is_symlink() and path.is_dir() and path.resolve().parent == jobs


def remove_job(collection_dir: Path, path: Path) -> None:
    """Remove a crawl's job directory, and nothing else: only a directory directly inside
    ``<coll>/jobs/`` (not a symlink, named by a valid crawl id) is ever removed."""
    if not path.exists() and not path.is_symlink():
        return
    if not _is_job_dir(collection_dir, path):
        logger.error("not removing %s: not a job directory of %s", path, collection_dir)
        return
    shutil.rmtree(path, ignore_errors=True)


def _state_saved(jobdir: Path, report_file: Path) -> bool:
    """Whether the job's Scrapy state was saved by a clean stop. Scrapy writes the request queue's
    state (``requests.queue/active.json``) only when it stops cleanly, before the report is
    written, while ``requests.seen`` grows as requests are made: resuming a run killed outright
    (SIGKILL, power loss) would lose its queue yet skip every URL it had queued."""
    if not (jobdir / "requests.queue" / "active.json").exists() or not report_file.exists():
        return False
    newest = max((p.stat().st_mtime_ns for p in jobdir.rglob("*") if p.is_file()), default=0)
    return newest <= report_file.stat().st_mtime_ns


def _run_process(seed: Seed, opts: CrawlOptions, settings: dict) -> tuple[list[str], dict | None]:
    """Run the spider; returns the errors that kept it from starting and the report it built."""
    from scrapy.crawler import CrawlerProcess
    from twisted.python.failure import Failure

    from crawler.spiders.news import NewsSpider

    settings["LOG_INSTALL_ROOT_HANDLER"] = False
    quiet = _quiet_scrapy()
    process = CrawlerProcess(settings)
    if quiet:  # CrawlerProcess set Scrapy's loggers to DEBUG: no record for the filter to drop
        logging.getLogger("scrapy").setLevel(logging.WARNING)
    errors: list[str] = []
    since = opts.since.isoformat() if opts.since else None
    crawler = process.create_crawler(NewsSpider)
    deferred = process.crawl(crawler, seed=seed, full=opts.full, since=since)

    def failed(failure: Failure) -> None:
        assert failure.type is not None  # a Failure always wraps an exception (None only inside __init__)
        errors.append(f"{failure.type.__name__}: {failure.getErrorMessage()}")

    deferred.addErrback(failed)
    process.start()
    extension = crawler.get_extension(CrawlReport)
    return errors, extension.report if extension is not None else None


def _quiet_scrapy() -> bool:
    """Scrapy logs every request at DEBUG and its settings at INFO; show only its warnings
    unless arsip runs with -v (the progress line and the report say what happened). True when
    Scrapy is quietened."""
    root = logging.getLogger()
    if not root.handlers:  # used as a library: still say what happens
        logging.basicConfig(
            level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
    if root.getEffectiveLevel() <= logging.DEBUG:
        return False
    for handler in root.handlers:
        handler.addFilter(_scrapy_warnings_only)
    return True


def _scrapy_warnings_only(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING or not record.name.startswith(("scrapy", "py.warnings"))


def _startup_failure(seed: Seed, crawl_id: str, collection: Path, errors: list[str]) -> dict:
    """The report of a crawl whose spider never closed (it failed to start)."""
    report = {
        "crawl_id": crawl_id,
        "seed": seed.name,
        "seed_file": seed.path,
        "started": now_iso(),
        "finished": now_iso(),
        "duration": 0.0,
        "finish_reason": "startup_failed",
        "outcome": FAILED,
        "runs": 1,
        "pages": 0,
        "pages_by_status": {},
        "articles": {"new": 0, "changed": 0, "unchanged": 0, "skipped": 0, "total": 0},
        "warc_bytes": 0,
        "warc_files": [],
        "errors": [
            {"url": seed.start_urls[0] if seed.start_urls else "", "error": e}
            for e in errors or ["the crawl did not start"]
        ],
        "retries": 0,
        "retried": [],
    }
    write_report(report_path(collection, crawl_id), report)
    return report

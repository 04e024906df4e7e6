"""The crawl report: ``<coll>/crawls/<crawl-id>.json``, written when the spider closes.

Scrapy's exit status says nothing about how a crawl ended (SIGTERM and a close-spider timeout
exit 0 too), so the report judges it from ``finish_reason`` and is what the runner, the scheduler
and the operator read. A resumed crawl keeps its crawl id and the report accumulates across runs.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from scrapy import signals

from archive.atomic import replacing
from archive.catalog import Catalog, CatalogError
from crawler.crawls import FAILED, FINISHED, INTERRUPTED, report_path
from crawler.requisites import STAT as REQUISITE_STAT
from crawler.requisites import report_section as requisites_section

logger = logging.getLogger(__name__)

MAX_RETRIES_LISTED = 10_000
BOUNDED_REASONS = ("finished", "closespider_pagecount", "closespider_itemcount")


def load_report(path: str | Path) -> dict | None:
    """A report previously written, or None when there is none (or it is unreadable)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_report(path: str | Path, report: dict) -> bool:
    """Write the report atomically; on a full disk say so and return False (the caller still
    holds the report and shows it)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with replacing(path) as out:
            out.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        logger.error("cannot write the crawl report %s: %s", path, exc)
        return False
    return True


def outcome_of(finish_reason: str, pages_ok: int) -> str:
    """finished / interrupted (SIGINT, SIGTERM: resumable) / failed (anything else, or nothing
    fetched at all)."""
    if finish_reason == "shutdown":
        return INTERRUPTED
    if finish_reason in BOUNDED_REASONS and pages_ok > 0:
        return FINISHED
    return FAILED


def warc_usage(collection_dir: Path) -> dict[str, int]:
    """Size of every WARC file of the collection, open ones included."""
    warcs = collection_dir / "warcs"
    if not warcs.is_dir():
        return {}
    return {p.name.removesuffix(".open"): p.stat().st_size for p in warcs.iterdir() if ".warc" in p.name}


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def page_statuses(stats: dict) -> dict[str, int]:
    """Responses per HTTP status, pages only: the requisites' responses have their own section."""
    counts = {}
    for key, value in stats.items():
        if key.startswith("downloader/response_status_count/"):
            code = key.rsplit("/", 1)[1]
            value -= stats.get(f"{REQUISITE_STAT}status_count/{code}", 0)
            if value:
                counts[code] = value
    return counts


class CrawlReport:
    """Extension: collects errors (``crawler.get_extension(CrawlReport).add_error``) and writes the report."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.collection = Path(crawler.settings["ARSIP_COLLECTION_DIR"])
        self.crawl_id = crawler.settings["ARSIP_CRAWL_ID"]
        self.path = report_path(self.collection, self.crawl_id)
        self.previous = load_report(self.path) or {}
        self.errors: list[dict] = list(self.previous.get("errors", []))
        self.retried: list[dict] = list(self.previous.get("retried", []))
        self.report: dict | None = None

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        return ext

    def add_error(self, url: str, error: str):
        """Record one failure; every error is kept, with its URL."""
        self.errors.append({"url": url, "error": error})
        self.crawler.stats.inc_value("arsip/errors")

    def add_retry(self, url: str, reason: str, attempt: int):
        """Record a failed attempt that will be retried (kept even when the retry succeeds)."""
        if len(self.retried) < MAX_RETRIES_LISTED:
            self.retried.append({"url": url, "error": reason, "attempt": attempt})

    def spider_opened(self, spider):
        self.started = datetime.now(UTC)
        self.warcs_before = warc_usage(self.collection)
        # Connected now, after the WARC writer's handler, so the report sees the files closed.
        self.crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def spider_closed(self, spider, reason):
        self.report = self.build(spider, reason)
        written = write_report(self.path, self.report)
        logger.info(
            "crawl %s %s (%s): report %s",
            self.crawl_id,
            self.report["outcome"],
            reason,
            self.path if written else "not written",
        )

    def _article_counts(self) -> tuple[dict, int]:
        """Articles new/changed/unchanged in this crawl and in the collection (zeros, logged, when
        the catalog cannot be read: the report must still be written)."""
        try:
            with Catalog.for_collection(self.collection) as catalog:
                return catalog.counts(self.crawl_id), len(catalog)
        except (OSError, sqlite3.Error, CatalogError) as exc:
            logger.error("cannot count articles in the catalog: %s", exc)
            return {"new": 0, "changed": 0, "unchanged": 0}, 0

    def build(self, spider, reason: str) -> dict:
        stats, prev = self.crawler.stats.get_stats(), self.previous
        by_status = dict(prev.get("pages_by_status", {}))
        for code, value in page_statuses(stats).items():
            by_status[code] = by_status.get(code, 0) + value
        pages = sum(by_status.values())
        ok = sum(n for code, n in by_status.items() if code.startswith(("2", "3")))
        after = warc_usage(self.collection)
        written = sum(size - self.warcs_before.get(name, 0) for name, size in after.items())
        finished = datetime.now(UTC)
        duration = prev.get("duration", 0) + (finished - self.started).total_seconds()
        articles, total = self._article_counts()
        articles["skipped"] = prev.get("articles", {}).get("skipped", 0) + stats.get(
            "arsip/skip/unchanged", 0
        )
        articles["total"] = total
        return {
            "crawl_id": self.crawl_id,
            "seed": spider.seed.name,
            "seed_file": spider.seed.path,
            "started": prev.get("started")
            or self.started.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "finished": finished.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "duration": round(duration, 3),
            "finish_reason": reason,
            "outcome": outcome_of(reason, ok),
            "runs": prev.get("runs", 0) + 1,
            "pages": pages,
            "pages_by_status": dict(sorted(by_status.items())),
            "articles": articles,
            "warc_bytes": prev.get("warc_bytes", 0) + written,
            "warc_files": sorted(
                set(prev.get("warc_files", []))
                | {n for n, s in after.items() if s != self.warcs_before.get(n)}
            ),
            "requisites": requisites_section(
                stats, prev.get("requisites"), getattr(getattr(spider, "requisites", None), "failures", [])
            ),
            "errors": self.errors,
            "retries": len(self.retried),
            "retried": self.retried,
        }


def format_summary(report: dict, collection_dir: str | Path | None = None) -> str:
    """The few lines shown on screen at the end of a crawl."""
    arts = report.get("articles", {})
    statuses = ", ".join(f"{code}: {n}" for code, n in report.get("pages_by_status", {}).items()) or "none"
    lines = [
        f"crawl {report['crawl_id']} of {report['seed']}: {report['outcome']} "
        f"({report['finish_reason']}) in {report['duration']:.1f}s",
        f"  pages     {report['pages']} ({statuses})",
        f"  articles  {arts.get('new', 0)} new, {arts.get('changed', 0)} changed, "
        f"{arts.get('unchanged', 0)} unchanged, {arts.get('skipped', 0)} skipped as archived "
        f"({arts.get('total', 0)} in the collection)",
        f"  WARC      {report['warc_bytes']:,} bytes written to {len(report.get('warc_files', []))} file(s)",
        _requisites_line(report.get("requisites") or {}),
        f"  errors    {len(report['errors'])} (and {report.get('retries', 0)} failed attempts retried)",
    ]
    lines += [f"    {e['url']}: {e['error']}" for e in report["errors"][:20]]
    if len(report["errors"]) > 20:
        lines.append(f"    ... and {len(report['errors']) - 20} more in the report")
    if collection_dir is not None:
        path = report_path(collection_dir, report["crawl_id"])
        lines.append(
            f"  report    {path}" if path.exists() else "  report    not written (see the errors above)"
        )
    return "\n".join(lines)


def _requisites_line(req: dict) -> str:
    skipped = sum(req.get(k, 0) for k in ("skipped_budget", "skipped_robots", "skipped_private"))
    return (
        f"  requisites {req.get('fetched', 0)} fetched, {req.get('revalidated', 0)} revalidated, "
        f"{req.get('deduplicated', 0)} deduplicated, "
        f"{req.get('failed', 0)} failed, {skipped} skipped ({req.get('bytes', 0):,} bytes)"
    )

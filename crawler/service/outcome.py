"""What a finished crawl process amounts to: its report file, or its exit status when there is none.

``arsip crawl`` writes ``<data>/<coll>/crawls/<crawl-id>.json`` with ``outcome`` ("finished",
"failed" or "interrupted"), ``pages``, ``warc_bytes`` and ``errors``; it exits 0 when finished, 1 on
failure and 3 when interrupted by SIGTERM/SIGINT. A crawl killed before it could write a report is
judged by its exit status alone.
"""

from __future__ import annotations

import json
import logging
import signal
from pathlib import Path

from crawler.crawls import EXIT_OUTCOMES, report_path

logger = logging.getLogger(__name__)


def read_report(data: str | Path, collection: str, crawl_id: str) -> dict | None:
    """The crawl's report, looked up in its collection first and then in any collection."""
    candidates = [
        report_path(Path(data) / collection, crawl_id),
        *Path(data).glob(f"*/crawls/{crawl_id}.json"),
    ]
    for path in candidates:
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
        except (OSError, ValueError) as exc:
            logger.warning("crawl_id=%s unreadable report %s: %s", crawl_id, path, exc)
            return None
        return report if isinstance(report, dict) else None
    return None


def summarize(exit_status: int | None, timed_out: bool, report: dict | None) -> dict:
    """The history columns of one run: outcome, pages, bytes, errors."""
    report = report or {}
    if timed_out:
        outcome = "timeout"
    elif report.get("outcome") in ("finished", "failed", "interrupted"):
        outcome = report["outcome"]
    elif exit_status is None or exit_status in (-signal.SIGTERM, -signal.SIGINT):
        outcome = "interrupted"  # stopped before it could handle the signal, so before it wrote anything
    elif exit_status < 0:
        outcome = "killed"  # SIGKILL, or a crash
    else:
        outcome = EXIT_OUTCOMES.get(exit_status, "failed")
    return {
        "outcome": outcome,
        "pages": _count(report.get("pages")),
        "bytes": _count(report.get("warc_bytes")),
        "errors": _count(report.get("errors")),
    }


def _count(value) -> int | None:
    """Numbers as they are; lists and tables of errors as how many they hold."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, list):
        return len(value)
    if isinstance(value, dict):
        return sum(v if isinstance(v, int) else 1 for v in value.values())
    return None

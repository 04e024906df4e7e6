"""A crawl's identity on disk, shared by the crawl process and the service that starts it.

A crawl has an id (sortable, unique), a report at ``<coll>/crawls/<id>.json`` and, when the
service started it, a log beside the report. Its outcome is one of three words, and the crawl
process's exit status says the same thing, so a crawl killed before it could write a report can
still be judged (docs/FORMATS.md).
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from pathlib import Path

FINISHED, FAILED, INTERRUPTED = "finished", "failed", "interrupted"
EXIT_CODES = {FINISHED: 0, FAILED: 1, INTERRUPTED: 3}
EXIT_OUTCOMES = {code: outcome for outcome, code in EXIT_CODES.items()}
# A crawl id names files and a directory inside its collection (``jobs/<id>/``, ``crawls/<id>.json``):
# one path component of safe characters, never ``.`` or ``..``.
CRAWL_ID_RE = re.compile(r"[A-Za-z0-9._-]{1,100}")


def check_crawl_id(crawl_id: str) -> str:
    """``crawl_id`` if it is a valid crawl id, else :class:`ValueError` saying why."""
    if not CRAWL_ID_RE.fullmatch(crawl_id) or crawl_id in (".", ".."):
        raise ValueError(
            f"invalid crawl id {crawl_id!r}: use 1 to 100 letters, digits, '.', '_' or '-' "
            "(no path separators, not '.' or '..')"
        )
    return crawl_id


def new_crawl_id() -> str:
    """A sortable, unique crawl id such as ``20250101T060000Z-3fa1``."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


def report_path(collection_dir: str | Path, crawl_id: str) -> Path:
    """Where the crawl's report lives in its collection."""
    return Path(collection_dir) / "crawls" / f"{crawl_id}.json"


def log_path(collection_dir: str | Path, crawl_id: str) -> Path:
    """Where the service keeps a crawl's own output (beside its report)."""
    return Path(collection_dir) / "crawls" / f"{crawl_id}.log"

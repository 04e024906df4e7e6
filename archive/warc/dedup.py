"""The persistent digest store behind revisit records and conditional requests (``dedup.sqlite``).

Two tables: ``payloads`` maps a payload digest to the first full capture of it (what a revisit
refers to); ``urls`` keeps the last capture of each URL with its validators (ETag, Last-Modified)
for If-None-Match / If-Modified-Since on the next crawl.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS payloads (
    digest TEXT PRIMARY KEY, uri TEXT NOT NULL, date TEXT NOT NULL, record_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY, digest TEXT, date TEXT NOT NULL, etag TEXT, last_modified TEXT);
"""


@dataclass(frozen=True)
class Original:
    """The full capture a revisit points back to."""

    uri: str
    date: str
    record_id: str


@dataclass(frozen=True)
class LastCapture:
    """What the previous crawl saw at a URL, for conditional requests."""

    digest: str | None
    date: str
    etag: str | None
    last_modified: str | None


class DigestStore:
    """SQLite-backed; commits are batched (``commit_every``) because a crawl records every response."""

    def __init__(self, path: Path, commit_every: int = 200):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path))
        self.db.executescript(SCHEMA)
        self.commit_every, self._pending = commit_every, 0

    def original(self, digest: str) -> Original | None:
        """The first full capture with this payload digest, if any."""
        row = self.db.execute(
            "SELECT uri, date, record_id FROM payloads WHERE digest = ?", (digest,)
        ).fetchone()
        return Original(*row) if row else None

    def last_capture(self, url: str) -> LastCapture | None:
        """The last capture of ``url`` (any status), if any."""
        row = self.db.execute(
            "SELECT digest, date, etag, last_modified FROM urls WHERE url = ?", (url,)
        ).fetchone()
        return LastCapture(*row) if row else None

    def add_original(self, digest: str, uri: str, date: str, record_id: str) -> None:
        """Remember a full capture; the first one of a digest wins."""
        self.db.execute("INSERT OR IGNORE INTO payloads VALUES (?, ?, ?, ?)", (digest, uri, date, record_id))
        self._maybe_commit()

    def saw(
        self, url: str, digest: str | None, date: str, etag: str | None, last_modified: str | None
    ) -> None:
        """Record the latest capture of a URL with its validators."""
        self.db.execute(
            "INSERT OR REPLACE INTO urls VALUES (?, ?, ?, ?, ?)", (url, digest, date, etag, last_modified)
        )
        self._maybe_commit()

    def _maybe_commit(self) -> None:
        self._pending += 1
        if self._pending >= self.commit_every:
            self.commit()

    def commit(self) -> None:
        self.db.commit()
        self._pending = 0

    def close(self) -> None:
        """Commit and close."""
        self.commit()
        self.db.close()

"""The crawl's side of the search index: each text the pipeline writes goes into ``<data>/search.sqlite``.

Cheap by construction: one FTS5 insert per new or changed text, committed in batches
(:class:`archive.search.index.SearchIndex`). The index is derived data, so a failure here is
logged once and the crawl goes on without it: ``arsip index --search`` rebuilds it from the WARCs.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from pathlib import Path

from archive.errors import ArsipError
from archive.search.index import CaptureText, SearchIndex, timestamp14
from archive.search.rebuild import catch_up

logger = logging.getLogger(__name__)


class CrawlSearchIndex:
    """Adds a collection's new and changed texts to its data directory's search index; on opening,
    first the archived texts the index lacks (:func:`archive.search.rebuild.catch_up`)."""

    def __init__(self, collection_dir: Path):
        self.collection = collection_dir.name
        self.index: SearchIndex | None = None
        self.seconds, self.added = 0.0, 0
        try:
            self.index = SearchIndex.for_data(collection_dir.parent)
            started = time.perf_counter()
            missing = catch_up(self.index, collection_dir)
            self.index.flush()
            if missing:
                logger.info(
                    "search index: %d archived texts it lacked added (%.2f s)",
                    missing,
                    time.perf_counter() - started,
                )
        except (ArsipError, sqlite3.Error, OSError) as exc:
            self._give_up(exc)

    def add(self, record, file: str, text: str, where: dict | None, date: str | None) -> None:
        if self.index is None:
            return
        started = time.perf_counter()
        try:
            self.index.add(
                CaptureText(
                    collection=self.collection,
                    canonical_url=record.canonical_url,
                    url=record.url,
                    ts=timestamp14(date or record.fetched_at),
                    text=text,
                    author=record.author,
                    published=record.published,
                    file=file,
                    warc_file=(where or {}).get("warc_file"),
                    warc_offset=(where or {}).get("warc_offset"),
                    sha1=record.sha1,
                )
            )
        except (sqlite3.Error, OSError) as exc:
            self._give_up(exc)
        self.seconds += time.perf_counter() - started

    def close(self) -> None:
        if self.index is None:
            return
        try:
            started = time.perf_counter()
            self.index.close()
            self.added = self.index.added
            self.seconds += time.perf_counter() - started
            logger.info("search index: %d texts added in %.2f s", self.added, self.seconds)
        except (sqlite3.Error, OSError) as exc:
            self._give_up(exc)

    def _give_up(self, exc: Exception) -> None:
        logger.warning("search index not updated (%s); rebuild it with `arsip index --search`", exc)
        index, self.index = self.index, None
        if index is not None:
            with contextlib.suppress(sqlite3.Error):
                index.db.close()

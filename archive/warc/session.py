"""The archive of one crawl: writer, digest store and index of one collection, used together.

``open()`` first repairs ``.open`` files a killed crawl left behind (and indexes them), ``capture()``
writes each exchange as response (or revisit) + request, ``write_conversion()`` adds clean text,
``close()`` closes the WARC and merges the new index lines into ``<coll>/indexes/index.cdxj``.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from pathlib import Path

from archive.index.build import (
    INDEX_NAME,
    RUN_SUFFIX,
    cdxj_line,
    index_warc,
    merge_into,
    unindexed_files,
    write_run,
)
from archive.warc.dedup import DigestStore
from archive.warc.records import Exchange, RecordFactory, sha1_digest, warc_date
from archive.warc.repair import repair_directory
from archive.warc.writer import RotatingWarcWriter

log = logging.getLogger(__name__)
SPILL_LINES = 5000  # index lines held in memory before they go to a sorted run file


class ArchiveSession:
    """Archives exchanges into ``<coll>/warcs`` with dedup in ``<coll>/dedup.sqlite``."""

    def __init__(
        self,
        coll_dir: Path,
        prefix: str,
        warcinfo: dict,
        max_size: int = 10**9,
        dedup: bool = True,
        factory: RecordFactory | None = None,
    ):
        self.coll_dir = Path(coll_dir)
        self.factory = factory or RecordFactory()
        self.writer = RotatingWarcWriter(self.coll_dir / "warcs", prefix, warcinfo, max_size, self.factory)
        self.use_dedup = dedup
        self.store: DigestStore | None = None
        self.stats: Counter = Counter()
        self._lines: list[str] = []
        self._runs: list[Path] = []

    @property
    def index_path(self) -> Path:
        return self.coll_dir / "indexes" / INDEX_NAME

    def open(self) -> None:
        """Repair what a killed crawl left, then get ready to write."""
        for stale in self.index_path.parent.glob(
            "*" + RUN_SUFFIX
        ):  # a killed crawl's; its files are re-indexed
            stale.unlink()
        repaired = [r.path for r in repair_directory(self.coll_dir / "warcs") if r.records]
        # plus files closed by a crawl that could not update the index (disk full at its end)
        missed = unindexed_files(self.coll_dir / "warcs", self.index_path)
        to_index = sorted(set(repaired) | set(missed))
        if to_index:
            lines = [line for path in to_index for line in index_warc(path)]
            merge_into(self.index_path, lines, drop_files={p.name for p in to_index})
        self.stats["repaired_files"] += len(repaired)
        if self.use_dedup:
            self.store = DigestStore(self.coll_dir / "dedup.sqlite")

    def conditional_headers(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since from the last capture of ``url`` (empty if none)."""
        last = self.store.last_capture(url) if self.store else None
        if last is None:
            return {}
        headers = {"If-None-Match": last.etag, "If-Modified-Since": last.last_modified}
        return {k: v for k, v in headers.items() if v}

    def capture(self, ex: Exchange) -> dict:
        """Write one exchange; return where its response (or revisit) record is and what it was."""
        digest = sha1_digest(ex.body)
        # only a 200 with a body is deduplicated, and only when the session has a digest store
        store = self.store if ex.status == 200 and ex.body else None
        original = store.original(digest) if store is not None else None
        if original:
            record = self.factory.revisit(ex, digest, original.uri, original.date, original.record_id)
        else:
            record = self.factory.response(ex, digest)
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        written = self.writer.write(record, self.factory.request(ex, record_id))
        self._count(written, revisit=bool(original))
        if store is not None:
            self._remember(store, ex, digest, record_id, new=not original)
        return {
            "record_id": record_id,
            "date": record.rec_headers.get_header("WARC-Date"),
            "warc_file": written[0].filename,
            "warc_offset": written[0].offset,
            "payload_digest": digest,
            "revisit": bool(original),
            "status": ex.status,
        }

    def _remember(self, store: DigestStore, ex: Exchange, digest: str, record_id: str, new: bool) -> None:
        date = warc_date(ex.date)
        if new:
            store.add_original(digest, ex.url, date, record_id)
        validators = {
            k.lower(): v.decode("latin-1")
            for k, v in ex.response_headers
            if k.lower() in (b"etag", b"last-modified")
        }
        store.saw(ex.url, digest, date, validators.get(b"etag"), validators.get(b"last-modified"))

    def _count(self, written, revisit: bool = False) -> None:
        for item in written:
            line = cdxj_line(item)
            if line:
                self._lines.append(line)
            self.stats["records"] += 1
            self.stats["bytes"] += item.length
        self.stats["revisits" if revisit else "responses"] += 1 if len(written) > 1 else 0
        if len(self._lines) >= SPILL_LINES:
            self._spill()

    def _spill(self) -> None:
        """Move the pending index lines to a sorted run file: memory stays flat on any crawl size."""
        name = f"pending-{os.getpid()}-{len(self._runs):05d}"
        self._runs.append(write_run(self.index_path.parent, name, self._lines))
        self._lines = []

    def write_conversion(self, refers_to: str, target_uri: str, text: str) -> dict:
        """Store clean text as a conversion record pointing at the response it came from."""
        record = self.factory.conversion(refers_to, target_uri, text)
        written = self.writer.write(record)
        self._count(written)
        self.stats["conversions"] += 1
        return {
            "warc_file": written[0].filename,
            "warc_offset": written[0].offset,
            "record_id": record.rec_headers.get_header("WARC-Record-ID"),
        }

    def close(self) -> None:
        """Close the WARC (dropping ``.open``), commit the digest store, merge the index.

        Each step is tried even when an earlier one failed (a full disk may refuse the index but
        not the rename); the first failure is raised at the end."""
        steps = (self.writer.close, self._close_store, self._merge_lines)
        failures = []
        for step in steps:
            try:
                step()
            except Exception as exc:  # noqa: BLE001 - re-raised below, after the other steps
                failures.append(exc)
        self.stats["files"] = len(self.writer.closed_files)
        if failures:
            raise failures[0]

    def _close_store(self) -> None:
        if self.store:
            store, self.store = self.store, None
            store.close()

    def _merge_lines(self) -> None:
        if self._lines or self._runs:
            merge_into(self.index_path, self._lines, runs=self._runs)
            for run in self._runs:
                run.unlink()
            self._lines, self._runs = [], []

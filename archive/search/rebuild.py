"""Rebuild the search index of a collection from its WARC files' conversion records.

Each conversion record is one capture's clean text (``WARC-Target-URI`` the page, ``WARC-Refers-To``
the response it came from); the capture's time is that response's ``WARC-Date``. Metadata the text
does not carry (author, published date, text file name) comes from the collection's catalog, else
its ``articles.jsonl``. Files are read in name order, which is time order (a capture
out of order is still placed by its time).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.search.index import CaptureText, SearchIndex, timestamp14
from archive.urls import canonicalize

log = logging.getLogger(__name__)


def _catalog_rows(catalog: Path, sql: str) -> list[dict]:
    """The rows ``sql`` selects from the catalog, opened read-only."""
    db = sqlite3.connect(f"file:{catalog}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in db.execute(sql)]
    finally:
        db.close()


def _metadata(collection_dir: Path) -> dict[str, dict]:
    """url and canonical_url -> the article's catalog row (or articles.jsonl line)."""
    rows: list[dict] = []
    catalog = collection_dir / "catalog.sqlite"
    jsonl = collection_dir / "articles.jsonl"
    if catalog.exists():
        rows = _catalog_rows(catalog, "SELECT * FROM articles")
    elif jsonl.exists():
        with jsonl.open(encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
    meta: dict[str, dict] = {}
    for row in rows:
        for key in (row.get("url"), row.get("canonical_url")):
            if key:
                meta[key] = row
    return meta


def conversions(collection_dir: Path, errors: list[str]) -> Iterator[tuple[str, str, str, str, int]]:
    """(target URI, capture timestamp, text, WARC file name, offset) of every conversion record."""
    dates: dict[str, str] = {}
    for path in sorted((collection_dir / "warcs").glob("*.warc.gz")):
        try:
            with path.open("rb") as fh:
                it = ArchiveIterator(fh)
                for record in it:
                    rh = record.rec_headers
                    if record.rec_type in ("response", "revisit"):
                        dates[rh.get_header("WARC-Record-ID")] = rh.get_header("WARC-Date", "")
                    elif record.rec_type == "conversion":
                        text = record.content_stream().read().decode("utf-8", "replace")
                        date = dates.get(rh.get_header("WARC-Refers-To", ""), rh.get_header("WARC-Date", ""))
                        offset = it.get_record_offset()
                        yield rh.get_header("WARC-Target-URI", ""), timestamp14(date), text, path.name, offset
        except Exception as exc:  # noqa: BLE001 - a damaged file: keep what was read, say so
            errors.append(f"{path.name}: {exc}")
            log.warning("search index: %s: %s", path.name, exc)


def rebuild_collection(index: SearchIndex, collection_dir: str | Path) -> tuple[int, list[str]]:
    """Replace ``collection``'s captures in ``index`` with those of its WARCs; (texts indexed, errors)."""
    collection_dir = Path(collection_dir)
    name = collection_dir.name
    meta = _metadata(collection_dir)
    errors: list[str] = []
    index.clear(name)
    before = index.added
    for url, ts, text, warc_file, offset in conversions(collection_dir, errors):
        row = meta.get(url) or meta.get(canonicalize(url)) or {}
        index.add(
            CaptureText(
                collection=name,
                canonical_url=row.get("canonical_url") or canonicalize(url),
                url=row.get("url") or url,
                ts=ts,
                text=text,
                author=row.get("author"),
                published=row.get("published"),
                file=row.get("file"),
                warc_file=warc_file,
                warc_offset=offset,
            )
        )
    index.flush()
    return index.added - before, errors


def catch_up(index: SearchIndex, collection_dir: str | Path) -> int:
    """Index the current text of every catalogued article whose text the index lacks (a crawl
    killed before its queue was written, or archived before search existed), from the text files.
    Cheap: one read of the catalog and of the index's latest rows. Returns texts queued."""
    collection_dir = Path(collection_dir)
    catalog = collection_dir / "catalog.sqlite"
    if not catalog.exists():
        return 0
    name = collection_dir.name
    indexed = {
        row[0]: row[1]
        for row in index.db.execute(
            "SELECT canonical_url, sha1 FROM captures WHERE collection = ? AND latest = 1", (name,)
        )
    }
    rows = _catalog_rows(catalog, "SELECT * FROM articles ORDER BY ordinal")
    queued = 0
    for row in rows:
        if indexed.get(row["canonical_url"]) == row["sha1"]:
            continue
        path = collection_dir / "text" / row["file"]
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the next crawl fetches it again (Catalog.known)
        index.add(
            CaptureText(
                collection=name,
                canonical_url=row["canonical_url"],
                url=row["url"],
                ts=timestamp14(row["fetched_at"]),
                text=text,
                author=row["author"],
                published=row["published"],
                file=row["file"],
                warc_file=row["text_warc_file"],
                warc_offset=row["text_warc_offset"],
            )
        )
        queued += 1
    return queued

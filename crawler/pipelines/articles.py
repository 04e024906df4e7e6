"""From a fetched article page to its clean text: text file, conversion record, catalog row.

Extraction is CPU-bound, so it runs in worker processes (``crawler.pipelines.extract_pool``; in the
reactor's thread pool with ``ARSIP_EXTRACT_PROCESSES = 0``); everything that touches the
WARC writer or the catalog runs back on the reactor thread, which is the only writer of both.
An article whose text did not change is neither rewritten nor archived again.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from archive.atomic import write_atomic
from archive.catalog import NEW, UNCHANGED, ArticleRecord, Catalog
from archive.extract.identity import article_key
from archive.urls import url_hash16
from crawler.extensions.archive import archive_session
from crawler.extensions.report import CrawlReport
from crawler.extensions.storage import STORAGE_ERRORS, stop_for_storage, storage_failed
from crawler.pipelines.extract_pool import ExtractionPool, default_processes, extract_page
from crawler.pipelines.search import CrawlSearchIndex

logger = logging.getLogger(__name__)


@dataclass
class ArticlePage:
    """The spider's item: one fetched page it believes is an article."""

    url: str  # the URL the page was fetched from (after redirects)
    key: str  # the canonical URL the spider scheduled it under
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    capture: dict | None = None
    fetched_at: str = ""
    candidate: bool = False  # no article signal either way: an article only if its text says so


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ArticlePipeline:
    """Item pipeline: extract, then store under ``<coll>/text/`` and in the catalog."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.collection = Path(crawler.settings["ARSIP_COLLECTION_DIR"])
        self.crawl_id = crawler.settings["ARSIP_CRAWL_ID"]
        self.text_dir = self.collection / "text"
        self.catalog: Catalog | None = None
        self.pool: ExtractionPool | None = None  # None: extract in the reactor's thread pool
        self.search: CrawlSearchIndex | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self):
        self.text_dir.mkdir(parents=True, exist_ok=True)
        self.catalog = Catalog.for_collection(self.collection)
        self.search = CrawlSearchIndex(self.collection)
        processes = self.crawler.settings.getint("ARSIP_EXTRACT_PROCESSES", default_processes())
        if processes > 0:
            self.pool = ExtractionPool(processes)
            self.pool.start()

    @property
    def _catalog(self) -> Catalog:
        """The open catalog: items only arrive after open_spider has opened it."""
        assert self.catalog is not None, "ArticlePipeline used before open_spider"
        return self.catalog

    def close_spider(self):
        catalog = self.catalog
        if catalog is None:  # open_spider failed before opening it; Scrapy closes the pipeline anyway
            return
        try:
            catalog.apply_lastmods(self.crawl_id)
            catalog.write_jsonl(self.collection / "articles.jsonl")
        except STORAGE_ERRORS as exc:  # the catalog is intact; the next crawl rewrites the JSONL
            logger.error("cannot update %s: %s", self.collection / "articles.jsonl", exc)
        finally:
            catalog.close()
            if self.search is not None:
                self.search.close()
            if self.pool is not None:
                self.pool.close()

    async def process_item(self, item):
        if not isinstance(item, ArticlePage) or storage_failed(self.crawler):
            return item
        if item.status == 304:
            try:
                self._catalog.touch(item.key, self.crawl_id)
            except STORAGE_ERRORS as exc:
                stop_for_storage(self.crawler, item.url, exc)
            self._count("arsip/articles/not_modified")
            return item
        try:
            article = await maybe_deferred_to_future(self._extract(item))
        except Exception as exc:  # an extractor bug must cost one article, not the crawl
            logger.exception("extraction crashed on %s", item.url)
            self._fail(item, f"extract: {type(exc).__name__}: {exc}")
            return item
        if item.candidate and not article.is_article:  # the one rule, as export and replay apply it
            self._count("arsip/pages/not_article")
            return item
        if not article.ok:
            self._count(f"arsip/extract/failed/{article.reason_code}")
            self._fail(item, f"extract: {article.reason}")
            return item
        if storage_failed(self.crawler):  # failed while this page was being extracted
            return item
        try:
            self._store(item, article)
        except STORAGE_ERRORS as exc:
            stop_for_storage(self.crawler, item.url, exc)
        return item

    def _extract(self, item: ArticlePage):
        """A Deferred of the article: in the worker processes, or in a thread when there are none."""
        hints = self.crawler.spider.seed.hints
        hints = None if hints.empty else hints
        if self.pool is not None:
            return self.pool.extract(item.body, item.url, hints, item.headers)
        return deferToThread(extract_page, item.body, item.url, hints, item.headers)

    def _store(self, item: ArticlePage, article):
        text = article.render()
        key = self._canonical(item, article)
        capture = item.capture or {}
        record = ArticleRecord(
            canonical_url=key,
            url=item.key,
            hash16=url_hash16(key),
            sha1=hashlib.sha1(text.encode("utf-8")).hexdigest(),
            fetched_at=item.fetched_at or utc_now(),
            warc_file=capture.get("warc_file"),
            warc_offset=capture.get("warc_offset"),
            record_id=capture.get("record_id"),
            **_metadata(article),
        )
        stored = self._catalog.store(record, self.crawl_id)
        self._count(f"arsip/articles/{stored.status}")
        if stored.status == UNCHANGED and self._complete(record.canonical_url, stored.file):
            return
        write_atomic(self.text_dir / stored.file, text.encode("utf-8"))
        where = self._archive_text(item, record, text)
        if self.search is not None:
            self.search.add(record, stored.file, text, where, (item.capture or {}).get("date"))
        logger.debug("%s article %s -> %s", "new" if stored.status == NEW else "changed", key, stored.file)

    def _complete(self, canonical_url: str, file: str) -> bool:
        """Whether an unchanged article's text file and conversion record both exist: the catalog
        row is committed first, so a crawl killed just after it left them unwritten (and
        ``Catalog.known`` made the spider fetch the article again)."""
        if not (self.text_dir / file).exists():
            return False
        row = self._catalog.get(canonical_url)
        return archive_session(self.crawler) is None or bool(row and row["text_warc_file"])

    def _canonical(self, item: ArticlePage, article) -> str:
        # From the fetched page alone (URL after redirects, rel=canonical), as export computes it
        return article_key(item.url, getattr(article, "canonical_url", None))

    def _archive_text(self, item: ArticlePage, record: ArticleRecord, text: str) -> dict | None:
        archive = archive_session(self.crawler)
        if archive is None or not record.record_id:
            return None
        where = archive.write_conversion(refers_to=record.record_id, target_uri=item.url, text=text)
        self._catalog.set_text_location(record.canonical_url, where["warc_file"], where["warc_offset"])
        return where

    def _fail(self, item: ArticlePage, error: str):
        report = self.crawler.get_extension(CrawlReport)
        if report is not None:
            report.add_error(item.url, error)

    def _count(self, key: str):
        self.crawler.stats.inc_value(key)


def _metadata(article) -> dict:
    """Catalog fields from an extracted article; dates become ISO 8601 strings."""
    data = article.to_dict() if hasattr(article, "to_dict") else {}

    def pick(name):
        value = getattr(article, name, None)
        return data.get(name) if value is None else value

    published = pick("published")
    if isinstance(published, datetime):
        published = published.isoformat()
    tags = pick("tags") or []
    return {
        "title": pick("title"),
        "category": pick("category"),
        "published": published,
        "author": pick("author"),
        "tags": [str(t) for t in tags],
        "language": pick("language"),
    }

"""The crawl's WARC archive as a Scrapy extension: one archive session, open while the spider is.

The capture middleware writes every exchange into it and the article pipeline writes conversion
records; both find it with ``crawler.get_extension(WarcArchive)`` instead of sharing an attribute
set on the crawler. Its ``spider_closed`` handler is connected when the crawler is built, before
the crawl report's, so the report sees the WARC files closed.
"""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured

from archive.warc.session import ArchiveSession
from crawler.extensions.storage import STORAGE_ERRORS

log = logging.getLogger(__name__)


class WarcArchive:
    """Owns the :class:`ArchiveSession` of a crawl (``ARSIP_WARC_*`` settings)."""

    def __init__(self, crawler, session: ArchiveSession):
        self.session, self.stats = session, crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("ARSIP_WARC_ENABLED", True):
            raise NotConfigured("ARSIP_WARC_ENABLED is off")
        directory = settings.get("ARSIP_WARC_DIR")
        if not directory:
            raise NotConfigured("ARSIP_WARC_DIR is not set")
        session = ArchiveSession(
            Path(directory),
            settings.get("ARSIP_WARC_PREFIX", "arsip"),
            settings.getdict("ARSIP_WARC_INFO"),
            settings.getint("ARSIP_WARC_MAX_SIZE", 10**9),
            settings.getbool("ARSIP_WARC_DEDUP", True),
        )
        extension = cls(crawler, session)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider) -> None:
        self.session.open()
        self.stats.set_value("arsip/warc/repaired_files", self.session.stats["repaired_files"])

    def spider_closed(self, spider, reason) -> None:
        try:
            self.session.close()
        except STORAGE_ERRORS as exc:  # the WARC is closed by now; the digest store or index lag
            log.error(
                "cannot finish archiving in %s: %s (the WARC files are closed; the next crawl "
                "indexes any it misses, `arsip index` rebuilds the index)",
                self.session.coll_dir,
                exc,
            )
        for key in ("records", "bytes", "responses", "revisits", "conversions", "files"):
            self.stats.set_value(f"arsip/warc/{key}", self.session.stats[key])


def archive_session(crawler) -> ArchiveSession | None:
    """The crawl's archive session, or None when the crawl archives nothing (``--no-warc``)."""
    extension = crawler.get_extension(WarcArchive)
    return extension.session if extension is not None else None

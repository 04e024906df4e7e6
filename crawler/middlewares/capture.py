"""WARC capture as a Scrapy downloader middleware, plus the settings that switch it on.

At order 950 the middleware sees each request after cookies (700), User-Agent (500) and
Accept-Encoding (590) were set, and each response before HttpCompressionMiddleware (590) decodes
it and before RedirectMiddleware (600) or RetryMiddleware (550) act on it: redirects, 4xx and 5xx
are archived as served, body still content-encoded.
"""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy.exceptions import IgnoreRequest, NotConfigured

from archive.warc.records import Exchange
from archive.warc.session import ArchiveSession
from crawler.extensions.archive import archive_session
from crawler.extensions.storage import STORAGE_ERRORS, stop_for_storage, storage_failed

log = logging.getLogger(__name__)
ORDER = 950
# What warcio and pywb both decode; Scrapy would also ask for br and zstd when those are installed.
ACCEPT_ENCODING = "gzip, deflate"
_ALLOWED_CODINGS = {"gzip", "deflate", "identity"}


def capture_settings(
    collection_dir: Path, prefix: str, warcinfo: dict, max_size: int = 10**9, dedup: bool = True
) -> dict:
    """Scrapy settings to merge into a crawl so that every exchange is archived."""
    return {
        "DOWNLOADER_MIDDLEWARES": {"crawler.middlewares.capture.WarcCaptureMiddleware": ORDER},
        "EXTENSIONS": {
            "crawler.extensions.archive.WarcArchive": 5,
            "crawler.extensions.storage.StorageGuard": 1,
        },
        "DEFAULT_REQUEST_HEADERS": {
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Language": "id,en;q=0.8",
            "Accept-Encoding": ACCEPT_ENCODING,
        },
        "ARSIP_WARC_ENABLED": True,
        "ARSIP_WARC_DIR": str(collection_dir),
        "ARSIP_WARC_PREFIX": prefix,
        "ARSIP_WARC_INFO": dict(warcinfo),
        "ARSIP_WARC_MAX_SIZE": int(max_size),
        "ARSIP_WARC_DEDUP": dedup,
    }


def _pairs(headers) -> list[tuple[bytes, bytes]]:
    # getlist keeps every value of a repeated header; headers[k] would give only the last
    return [(name, value) for name in headers for value in headers.getlist(name)]


def exchange_from(request, response) -> Exchange:
    """The raw exchange behind a Scrapy request/response pair."""
    ip = getattr(response, "ip_address", None)
    protocol = getattr(response, "protocol", None) or "HTTP/1.1"
    if protocol.lower() == "h2":
        protocol = "HTTP/2.0"
    return Exchange(
        url=response.url,
        status=response.status,
        response_headers=_pairs(response.headers),
        body=response.body,
        method=request.method,
        request_headers=_pairs(request.headers),
        request_body=request.body or b"",
        protocol=protocol,
        ip_address=str(ip) if ip else None,
    )


def restrict_accept_encoding(value: bytes) -> bytes:
    """Drop codings warcio/pywb cannot decode (zstd, br) from an Accept-Encoding value."""
    kept = [
        token.strip()
        for token in value.decode("latin-1").split(",")
        if token.split(";")[0].strip().lower() in _ALLOWED_CODINGS
    ]
    return ", ".join(kept or ["identity"]).encode("latin-1")


class WarcCaptureMiddleware:
    """Archives every HTTP(S) exchange into the crawl's :class:`WarcArchive` session."""

    def __init__(self, crawler, session: ArchiveSession):
        self.crawler, self.session, self.stats = crawler, session, crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        session = archive_session(crawler)
        if session is None:
            raise NotConfigured("no WARC archive in this crawl (WarcArchive extension off)")
        return cls(crawler, session)

    def process_request(self, request):
        encoding = request.headers.get("Accept-Encoding")
        if encoding is not None:
            request.headers["Accept-Encoding"] = restrict_accept_encoding(encoding)
        if request.meta.get("arsip_conditional"):
            for name, value in self.session.conditional_headers(request.url).items():
                request.headers.setdefault(name, value)
        return None

    def process_response(self, request, response):
        if not response.url.startswith(("http://", "https://")):
            return response
        if storage_failed(self.crawler):
            raise IgnoreRequest(f"not archived: storage failed ({request.url})")
        try:
            capture = self.session.capture(exchange_from(request, response))
        except STORAGE_ERRORS as exc:
            stop_for_storage(self.crawler, request.url, exc)
            raise IgnoreRequest(f"not archived: {exc}") from exc
        request.meta["arsip_capture"] = capture
        self.stats.inc_value("arsip/warc/captures")
        self.stats.inc_value(f"arsip/warc/status_count/{response.status}")
        if capture["revisit"]:
            self.stats.inc_value("arsip/warc/revisit_captures")
        return response

"""Build WARC records (request, response, revisit, conversion, warcinfo) from raw HTTP exchanges.

An :class:`Exchange` is one HTTP request and its answer as they crossed the wire, headers as byte
pairs in order (repeated headers stay repeated). The records keep those bytes exactly: headers are
written as latin-1, which round-trips any byte, so a non-UTF-8 header never drops a record.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from urllib.parse import urlsplit

from warcio.recordbuilder import RecordBuilder
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date

WARC_VERSION = "WARC/1.1"
# Twisted removes the chunk framing but leaves the header: renamed, so the block stays self-consistent
# and the fact that the server chunked is not lost.
ORIG_PREFIX = "X-Archive-Orig-"


@dataclass
class Exchange:
    """One HTTP request and the response it got, as sent and as served (body still content-encoded)."""

    url: str
    status: int
    body: bytes
    response_headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    method: str = "GET"
    request_headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    request_body: bytes = b""
    protocol: str = "HTTP/1.1"
    ip_address: str | None = None
    date: datetime = field(default_factory=lambda: datetime.now(UTC))


class RawHeaders(StatusAndHeaders):
    """HTTP headers serialised byte for byte (latin-1), instead of warcio's %-encoding of non-ASCII."""

    def compute_headers_buffer(self, header_filter=None):
        self.headers_buff = self.to_bytes(header_filter, encoding="latin-1")


def sha1_digest(data: bytes) -> str:
    """The ``sha1:<BASE32>`` form of WARC digests (what CDX dedup compares)."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def reason_phrase(status: int) -> str:
    """The standard reason phrase; Scrapy does not keep the server's own."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _latin1(pairs: list[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in pairs]


def response_headers(ex: Exchange) -> RawHeaders:
    """Status line and headers of the response record, made consistent with the de-chunked body."""
    headers = []
    for name, value in _latin1(ex.response_headers):
        lower = name.lower()
        if lower == "transfer-encoding":
            name = ORIG_PREFIX + name
        elif lower == "content-length" and value.strip() != str(len(ex.body)):
            name = ORIG_PREFIX + name  # HEAD answers and truncated downloads
        headers.append((name, value))
    statusline = f"{ex.status} {reason_phrase(ex.status)}"
    return RawHeaders(statusline, headers, protocol=ex.protocol)


def request_headers(ex: Exchange) -> RawHeaders:
    """Request line (path with query) and headers, with the Host and Content-Length the client added."""
    parts = urlsplit(ex.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = _latin1(ex.request_headers)
    names = {name.lower() for name, _ in headers}
    if "host" not in names:
        headers.insert(0, ("Host", parts.netloc))
    if ex.request_body and "content-length" not in names:
        headers.append(("Content-Length", str(len(ex.request_body))))
    return RawHeaders(f"{ex.method} {target} {ex.protocol}", headers, is_http_request=True)


def warc_date(moment: datetime) -> str:
    """ISO 8601 UTC with microseconds, as WARC/1.1 allows."""
    return datetime_to_iso_date(moment.astimezone(UTC).replace(tzinfo=None), use_micros=True)


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


class RecordFactory(RecordBuilder):
    """Creates arsip's records; ``make_id`` and ``now`` are injectable so tests can pin them."""

    def __init__(
        self,
        make_id: Callable[[], str] = new_record_id,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        super().__init__(warc_version=WARC_VERSION)
        self.make_id, self.now = make_id, now

    def _make_warc_id(self):
        return self.make_id()

    def curr_warc_date(self):
        return warc_date(self.now())

    def _headers(self, ex: Exchange, **extra: str | None) -> dict:
        values = {"WARC-Record-ID": self.make_id(), "WARC-Date": warc_date(ex.date)}
        if ex.ip_address:
            values["WARC-IP-Address"] = ex.ip_address
        values.update({k: v for k, v in extra.items() if v})
        return values

    def response(self, ex: Exchange, payload_digest: str | None = None):
        """The response record: status line, headers and the body as served."""
        headers = self._headers(ex)
        headers["WARC-Payload-Digest"] = payload_digest or sha1_digest(ex.body)
        return self.create_warc_record(
            ex.url,
            "response",
            payload=BytesIO(ex.body),
            length=len(ex.body),
            warc_headers_dict=headers,
            http_headers=response_headers(ex),
        )

    def request(self, ex: Exchange, concurrent_to: str):
        """The request record joined to its response by WARC-Concurrent-To."""
        headers = self._headers(ex, **{"WARC-Concurrent-To": concurrent_to})
        body = ex.request_body
        return self.create_warc_record(
            ex.url,
            "request",
            payload=BytesIO(body),
            length=len(body),
            warc_headers_dict=headers,
            http_headers=request_headers(ex),
        )

    def revisit(
        self,
        ex: Exchange,
        payload_digest: str,
        refers_to_uri: str,
        refers_to_date: str,
        refers_to_id: str | None = None,
    ):
        """An identical-payload-digest revisit: the response headers without the body."""
        headers = self._headers(ex, **{"WARC-Refers-To": refers_to_id})
        return self.create_revisit_record(
            ex.url,
            payload_digest,
            refers_to_uri,
            refers_to_date,
            http_headers=response_headers(ex),
            warc_headers_dict=headers,
        )

    def conversion(self, refers_to: str, target_uri: str, text: str):
        """Clean text derived from a response, as text/plain; charset=utf-8."""
        data = text.encode("utf-8")
        headers = {
            "WARC-Record-ID": self.make_id(),
            "WARC-Date": self.curr_warc_date(),
            "WARC-Refers-To": refers_to,
            "Content-Type": "text/plain; charset=utf-8",
        }
        return self.create_warc_record(
            target_uri,
            "conversion",
            payload=BytesIO(data),
            length=len(data),
            warc_headers_dict=headers,
            warc_content_type="text/plain; charset=utf-8",
        )

    def warcinfo(self, filename: str, info: dict):
        """The first record of every file: software, host, format, robots policy, seed."""
        return self.create_warcinfo_record(filename, info)

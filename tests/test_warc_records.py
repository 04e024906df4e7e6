"""Records as exact expected text, and a parse-and-rewrite round trip (as warcio's own tests do)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from io import BytesIO

from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from archive.warc.records import Exchange, RawHeaders, RecordFactory, reason_phrase, sha1_digest

WHEN = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)


def pinned_factory() -> RecordFactory:
    ids = (f"<urn:uuid:00000000-0000-0000-0000-{n:012d}>" for n in itertools.count(1))
    return RecordFactory(make_id=lambda: next(ids), now=lambda: WHEN)


def exchange(**changes) -> Exchange:
    values = dict(
        url="http://example.com/a/b?x=1&y=2",
        status=200,
        date=WHEN,
        ip_address="10.0.0.1",
        response_headers=[
            (b"Content-Type", b"text/html"),
            (b"Set-Cookie", b"a=1"),
            (b"Set-Cookie", b"b=2"),
            (b"X-Odd", b"caf\xe9"),
            (b"Content-Length", b"5"),
        ],
        body=b"hello",
        request_headers=[(b"User-Agent", b"arsip-test")],
    )
    values.update(changes)
    return Exchange(**values)


def write(*records) -> bytes:
    out = BytesIO()
    writer = WARCWriter(out, gzip=False, warc_version="1.1")
    for record in records:
        writer.write_record(record)
    return out.getvalue()


def test_response_and_request_exact_text():
    factory, ex = pinned_factory(), exchange()
    response = factory.response(ex)
    request = factory.request(ex, response.rec_headers.get_header("WARC-Record-ID"))
    data = write(response, request)
    http = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n"
        b"X-Odd: caf\xe9\r\nContent-Length: 5\r\n\r\nhello"
    )
    expected_response = (
        b"WARC/1.1\r\n"
        b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
        b"WARC-Date: 2024-05-06T07:08:09.123456Z\r\n"
        b"WARC-IP-Address: 10.0.0.1\r\n"
        b"WARC-Payload-Digest: " + sha1_digest(b"hello").encode() + b"\r\n"
        b"WARC-Type: response\r\n"
        b"WARC-Target-URI: http://example.com/a/b?x=1&y=2\r\n"
        b"WARC-Block-Digest: " + sha1_digest(http).encode() + b"\r\n"
        b"Content-Type: application/http; msgtype=response\r\n"
        b"Content-Length: " + str(len(http)).encode() + b"\r\n\r\n" + http + b"\r\n\r\n"
    )
    assert data.startswith(expected_response)
    request_http = b"GET /a/b?x=1&y=2 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: arsip-test\r\n\r\n"
    assert data[len(expected_response) :].endswith(request_http + b"\r\n\r\n")
    assert b"WARC-Concurrent-To: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n" in data


def test_round_trip_parse_and_rewrite():
    factory, ex = pinned_factory(), exchange()
    response = factory.response(ex)
    data = write(response, factory.request(ex, response.rec_headers.get_header("WARC-Record-ID")))
    records = list(ArchiveIterator(BytesIO(data), check_digests=True))
    rewritten = BytesIO()
    writer = WARCWriter(rewritten, gzip=False, warc_version="1.1")
    for record in ArchiveIterator(BytesIO(data), check_digests=True):
        # plain warcio would %-encode the non-UTF-8 header byte; RawHeaders writes it back as read
        http = record.http_headers
        record.http_headers = RawHeaders(http.statusline, http.headers, protocol=http.protocol)
        writer.write_record(record)
        assert record.digest_checker.passed is not False
    assert rewritten.getvalue() == data
    assert [r.rec_type for r in records] == ["response", "request"]


def test_transfer_encoding_and_stale_length_are_renamed():
    ex = exchange(response_headers=[(b"Transfer-Encoding", b"chunked"), (b"Content-Length", b"99")])
    headers = dict(RecordFactory().response(ex).http_headers.headers)
    assert "Transfer-Encoding" not in headers and "Content-Length" not in headers
    assert headers["X-Archive-Orig-Transfer-Encoding"] == "chunked"
    assert headers["X-Archive-Orig-Content-Length"] == "99"


def test_post_request_keeps_body_and_length():
    ex = exchange(method="POST", request_body=b"q=berita&page=2")
    request = RecordFactory().request(ex, "<urn:uuid:x>")
    data = write(request)
    assert b"POST /a/b?x=1&y=2 HTTP/1.1\r\nHost: example.com\r\n" in data
    assert b"Content-Length: 15\r\n\r\nq=berita&page=2" in data


def test_revisit_and_conversion_records():
    factory, ex = pinned_factory(), exchange()
    revisit = factory.revisit(
        ex, sha1_digest(b"hello"), "http://example.com/first", "2024-01-01T00:00:00Z", "<urn:uuid:orig>"
    )
    conversion = factory.conversion("<urn:uuid:resp>", ex.url, "Judul\nTeks berita – “kutipan”\n")
    records, texts = [], []
    for record in ArchiveIterator(BytesIO(write(revisit, conversion))):
        records.append(record)
        texts.append(record.content_stream().read().decode("utf-8"))
    headers = records[0].rec_headers
    assert (
        headers.get_header("WARC-Profile")
        == "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
    )
    assert headers.get_header("WARC-Refers-To-Target-URI") == "http://example.com/first"
    assert headers.get_header("WARC-Refers-To-Date") == "2024-01-01T00:00:00Z"
    assert records[0].http_headers.get_statuscode() == "200"
    assert records[1].rec_type == "conversion"
    assert records[1].rec_headers.get_header("WARC-Refers-To") == "<urn:uuid:resp>"
    assert records[1].rec_headers.get_header("Content-Type") == "text/plain; charset=utf-8"
    assert texts[1] == "Judul\nTeks berita – “kutipan”\n"


def test_reason_phrases():
    assert reason_phrase(404) == "Not Found" and reason_phrase(599) == "Unknown"

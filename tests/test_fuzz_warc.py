"""Fuzz: the WARC reader and ``arsip check`` on damaged files (marker ``fuzz``; profiles in conftest.py).

Real WARCs written with warcio (gzipped record by record, and uncompressed) are truncated, have
bytes flipped, inserted and deleted, and are read back: :func:`check_file` and :func:`scan` report
damage and never raise; :func:`read_at` raises nothing but arsip's :class:`WarcError`.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from fuzz_helpers import FUZZ, bounded
from hypothesis import example, given
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.errors import ArsipError
from archive.warc.check import FileReport, check_file
from archive.warc.reader import read_at, scan

pytestmark = FUZZ

URL = "http://news.test/"


def _warc(gzipped: bool) -> tuple[bytes, list[int]]:
    """A small crawl's WARC: warcinfo, a gzip-encoded and a chunked HTML response with their requests,
    a revisit, a resource; and the offset of every record."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzipped)
    offsets = []

    def write(record) -> None:
        offsets.append(buf.tell())
        writer.write_record(record)

    write(writer.create_warcinfo_record("fuzz.warc", {"software": "fuzz"}))
    page = b"<html><head><title>Judul</title></head><body><p>Isi berita.</p></body></html>"
    bodies = [
        ([("Content-Type", "text/html"), ("Content-Encoding", "gzip")], gzip.compress(page)),
        (
            [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")],
            b"%x\r\n%s\r\n0\r\n\r\n" % (len(page), page),
        ),
    ]

    def request(response, path: str) -> None:
        req = writer.create_warc_record(
            URL + path,
            "request",
            payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders(
                f"GET /{path} HTTP/1.1", [("Host", "news.test")], is_http_request=True
            ),
        )
        req.rec_headers.add_header("WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID"))
        write(req)

    responses = []
    for n, (headers, body) in enumerate(bodies):
        http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
        resp = writer.create_warc_record(
            f"{URL}{n}/", "response", payload=io.BytesIO(body), http_headers=http, length=len(body)
        )
        write(resp)
        request(resp, f"{n}/")
        responses.append(resp)
    revisit = writer.create_revisit_record(
        f"{URL}0/",
        responses[0].rec_headers.get_header("WARC-Payload-Digest"),
        f"{URL}0/",
        responses[0].rec_headers.get_header("WARC-Date"),
        http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"),
    )
    write(revisit)
    request(revisit, "0/")
    write(
        writer.create_warc_record(
            f"{URL}logo.png",
            "resource",
            payload=io.BytesIO(b"\x89PNG\r\n\x1a\n" * 8),
            warc_content_type="image/png",
        )
    )
    return buf.getvalue(), offsets


GZ_WARC, GZ_OFFSETS = _warc(gzipped=True)
PLAIN_WARC, PLAIN_OFFSETS = _warc(gzipped=False)


@st.composite
def mutated(draw) -> tuple[bytes, list[int]]:
    """One of the two WARCs with up to four mutations: truncation, flipped, inserted or deleted bytes."""
    gzipped = draw(st.booleans())
    data = bytearray(GZ_WARC if gzipped else PLAIN_WARC)
    offsets = GZ_OFFSETS if gzipped else PLAIN_OFFSETS
    for _ in range(draw(st.integers(0, 4))):
        if not data:
            break
        op = draw(st.sampled_from(["truncate", "flip", "set", "insert", "delete"]))
        at = draw(st.integers(0, len(data) - 1))
        if op == "truncate":
            del data[at:]
        elif op == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "set":
            data[at] = draw(st.sampled_from([0, 0x0A, 0x0D, 0x20, 0x30, 0x39, 0x3A, 0x1F, 0x8B, 0xFF]))
        elif op == "insert":
            data[at:at] = draw(
                st.one_of(
                    st.binary(min_size=1, max_size=32),
                    st.sampled_from(
                        [b"\r\n", b"WARC/1.0\r\n", b"\x1f\x8b\x08", b"Content-Length: 99999999\r\n"]
                    ),
                )
            )
        else:
            del data[at : at + draw(st.integers(1, 64))]
    return bytes(data), offsets


def _write(tmp: Path, data: bytes, gzipped: bool) -> Path:
    path = tmp / ("fuzz.warc.gz" if gzipped else "fuzz.warc")
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def tmp(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz-warc")


def test_the_unmutated_warcs_are_clean(tmp):
    for data, offsets, gzipped in ((GZ_WARC, GZ_OFFSETS, True), (PLAIN_WARC, PLAIN_OFFSETS, False)):
        path = _write(tmp, data, gzipped)
        report = check_file(path)
        assert report.ok, report.problems
        assert report.records == len(offsets)
        errors: list[str] = []
        assert [info.offset for info in scan(path, errors)] == offsets and not errors
        assert read_at(path, offsets[1], verify=True).body.startswith(b"<html>")


@given(mutated())
def test_check_reports_damage_and_never_raises(tmp, case):
    data, _ = case
    path = _write(tmp, data, data[:2] == b"\x1f\x8b")
    with bounded():
        report = check_file(path)
    assert isinstance(report, FileReport) and report.records >= 0
    for offset, message in report.problems + report.warnings:
        assert isinstance(offset, int) and 0 <= offset <= max(len(data), 1)
        assert isinstance(message, str) and message


@given(mutated())
def test_scan_survives_damage(tmp, case):
    data, _ = case
    path = _write(tmp, data, data[:2] == b"\x1f\x8b")
    errors: list[str] = []
    with bounded():
        infos = list(scan(path, errors))
    last = -1
    for info in infos:
        assert info.offset > last and info.offset + info.length <= len(data)
        last = info.offset
    assert all(isinstance(e, str) and e.isprintable() for e in errors)


def _digest(value: bytes) -> tuple[bytes, list[int]]:
    return PLAIN_WARC.replace(
        b"WARC-Payload-Digest: sha1:", b"WARC-Payload-Digest: " + value, 1
    ), PLAIN_OFFSETS


# where to read: the n-th record's offset, or any offset at all
WHERE = st.one_of(
    st.integers(0, 10).map(lambda n: ("record", n)), st.integers(0, 6000).map(lambda n: ("at", n))
)


@given(mutated(), WHERE, st.booleans())
# found by this test: a payload digest that is no base32/16/64 made warcio's check raise ValueError
# (binascii.Error) out of read_at(verify=True), which export's workers do not expect
@example(_digest(b"sha1:\xcd"), ("record", 1), True)
@example(_digest(b"sha1:Q"), ("record", 1), True)
def test_read_at_raises_only_warc_errors(tmp, case, where, verify):
    warc, offsets = case
    path = _write(tmp, warc, warc[:2] == b"\x1f\x8b")
    offset = offsets[where[1] % len(offsets)] if where[0] == "record" else where[1]
    try:
        with bounded():
            response = read_at(path, offset, verify=verify)
    except ArsipError as exc:
        assert str(exc)
    else:
        assert isinstance(response.body, bytes) and isinstance(response.status, int)


# A well-formed WARC around a hostile response: any Content-Encoding, Transfer-Encoding and
# Content-Length over a body that may or may not be what they say (chunk sizes that are no sizes,
# negative ones, truncated or garbage compressed data).
CODINGS = ["", "gzip", "x-gzip", "deflate", "br", "identity", "zstd", "gzip, br", "GZIP "]
CHUNK_SIZES = st.one_of(
    st.integers(-16, 64).map(lambda n: b"%x" % n if n >= 0 else b"-%x" % -n),
    st.sampled_from([b"", b"zz", b"0x4", b"+4", b"1_0", b"4;ext=1", b" 4 ", b"ffffffffffffffff"]),
)


def _compressed(data: bytes, coding: str) -> bytes:
    import zlib

    if coding.strip().lower() in ("gzip", "x-gzip"):
        return gzip.compress(data)
    if coding == "deflate":
        return zlib.compress(data)
    if coding == "br":
        import brotli

        return brotli.compress(data)
    return data


@st.composite
def hostile_body(draw) -> tuple[list[tuple[str, str]], bytes]:
    coding = draw(st.sampled_from(CODINGS))
    plain = draw(st.binary(max_size=200))
    body = draw(
        st.one_of(
            st.just(_compressed(plain, coding)),
            st.just(_compressed(plain, coding)[: draw(st.integers(0, 40))]),
            st.just(plain),
        )
    )
    headers = [("Content-Type", draw(st.sampled_from(["text/html", "text/css", "application/gzip", ""])))]
    if coding:
        headers.append(("Content-Encoding", coding))
    if draw(st.booleans()):
        headers.append(("Transfer-Encoding", "chunked"))
        framing = draw(st.sampled_from(["whole", "sizes", "raw"]))
        if framing == "whole":
            body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
        elif framing == "sizes":  # chunk-size lines that may lie, be negative or be no number
            parts = []
            for _ in range(draw(st.integers(0, 4))):
                data = body[: draw(st.integers(0, 16))]
                size = draw(st.one_of(st.just(b"%x" % len(data)), CHUNK_SIZES))
                parts.append(size + b"\r\n" + data + draw(st.sampled_from([b"\r\n", b"", b"\n"])))
            body = b"".join(parts) + draw(st.sampled_from([b"0\r\n\r\n", b"", b"-6\r\n"]))
    if draw(st.booleans()):
        headers.append(("Content-Length", draw(st.sampled_from([str(len(body)), "0", "-1", "x", "99999"]))))
    return headers, body


def _hostile_warc(headers: list[tuple[str, str]], body: bytes, gzipped: bool) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzipped)
    writer.write_record(writer.create_warcinfo_record("fuzz.warc", {"software": "fuzz"}))
    http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            URL, "response", payload=io.BytesIO(body), http_headers=http, length=len(body)
        )
    )
    return buf.getvalue()


@given(hostile_body(), st.booleans())
# found by this test: a negative chunk size (-6 after a whole chunk) sent check's de-chunking back to
# the same offset forever, so `arsip check` never returned on such a WARC
@example(([("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")], b"1\r\nX\r\n-6\r\n"), False)
def test_hostile_payloads_are_checked_and_read(tmp, case, gzipped):
    headers, body = case
    path = _write(tmp, _hostile_warc(headers, body, gzipped), gzipped)
    with bounded():
        report = check_file(path)
    assert report.records == 2
    assert all(isinstance(message, str) and message for _, message in report.problems + report.warnings)
    second = [info.offset for info in scan(path, [])][1]
    for verify in (False, True):
        try:
            with bounded():
                response = read_at(path, second, verify=verify)
        except ArsipError as exc:
            assert str(exc)
        else:
            assert isinstance(response.body, bytes)

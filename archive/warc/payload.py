"""Archived payloads: decoded with a cap (the one inflater every reader of bodies uses), and
checked against their HTTP headers (``warcio check`` cannot tell).

A response is archived as served, still gzip/deflate/br encoded, and a hostile site can serve 1 MB
that inflates to 1 GiB (a decompression bomb: the crawl refuses the page but the WARC keeps it).
:func:`iter_payload` streams a record's payload through the decoders in pieces of at most
:data:`CHUNK` bytes and raises :class:`BodyTooLarge` past :data:`MAX_BODY_BYTES`, the crawl's own
per-page limit, so no reader (export, replay, search, check) ever holds more than that.

Known failures of Scrapy-to-WARC plugins: a decoded body under ``Content-Encoding: gzip``, a gzip body
without it, a stale ``Content-Length``, a ``Transfer-Encoding: chunked`` header over a de-chunked
body. :func:`payload_problems` streams the payload through the same decoders, never holding it whole
(except chunked ones).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from archive.errors import WarcError

GZIP_MAGIC = b"\x1f\x8b"
# Content types whose body is legitimately gzip without any Content-Encoding.
GZIP_TYPES = ("application/gzip", "application/x-gzip", "application/octet-stream")
CHUNK = 1 << 16
# The largest body arsip reads, decoded or not: the crawl's per-page limit (DOWNLOAD_MAXSIZE, which
# crawler/settings.py takes from here). A body past it is refused, never inflated further.
MAX_BODY_BYTES = 32 * 1024 * 1024


class BodyTooLarge(WarcError):
    """An archived payload (decoded, or as stored) larger than :data:`MAX_BODY_BYTES`."""

    exit_code = 1


def _decoder(coding: str):
    """A streaming decoder with ``feed(data)`` (pieces of at most CHUNK bytes) and an ``eof``
    test, or None if unsupported."""
    if coding in ("gzip", "x-gzip"):
        return _Zlib(zlib.MAX_WBITS | 32, members=True)
    if coding == "deflate":
        return _Deflate()
    if coding == "br":
        try:
            import brotli
        except ImportError:
            return None
        return _Brotli(brotli.Decompressor())
    return None


def _bounded(inner, data: bytes) -> Iterator[bytes]:
    """zlib's output for ``data`` in pieces of at most CHUNK bytes (``max_length``): a bomb's input
    never turns into more than one piece at a time."""
    out = inner.decompress(data, CHUNK)
    yield out
    while len(out) == CHUNK or (inner.unconsumed_tail and not inner.eof):
        out = inner.decompress(inner.unconsumed_tail, CHUNK)
        if not out and not inner.unconsumed_tail:
            return
        yield out


class _Zlib:
    """gzip (several members too, as browsers read them) or zlib data."""

    def __init__(self, wbits: int, members: bool = False):
        self.wbits, self.members = wbits, members
        self.inner = zlib.decompressobj(wbits)

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            yield from _bounded(self.inner, data)
            data = self.inner.unused_data if self.inner.eof else b""
            if data and not (self.members and data[:2] == GZIP_MAGIC):
                return  # trailing garbage after the stream: ignored, as browsers do
            if data:
                self.inner = zlib.decompressobj(self.wbits)

    @property
    def eof(self) -> bool:
        return self.inner.eof


class _Deflate:
    """'deflate' is zlib-wrapped by the RFC and raw in practice: the first two bytes tell which."""

    def __init__(self):
        self.inner = None

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self.inner is None:
            wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self.inner = _Zlib(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        yield from self.inner.feed(data)

    @property
    def eof(self) -> bool:
        return self.inner is not None and self.inner.eof


class _Brotli:
    def __init__(self, inner):
        self.inner = inner

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            out = self.inner.process(data, output_buffer_limit=CHUNK)
        except TypeError:  # brotli < 1.2 has no output limit: feed it a little at a time
            for start in range(0, len(data), 64):
                yield self.inner.process(data[start : start + 64])
            return
        yield out
        while out and not self.inner.is_finished():  # what the limit held back, a piece at a time
            out = self.inner.process(b"", output_buffer_limit=CHUNK)
            yield out

    @property
    def eof(self) -> bool:
        return self.inner.is_finished()


def _coding(http) -> str:
    return (http.get_header("Content-Encoding") or "").strip().lower() if http is not None else ""


def _is_chunked(http) -> bool:
    return http is not None and "chunked" in (http.get_header("Transfer-Encoding") or "").lower()


def _dechunked(stream) -> Iterator[bytes]:
    """The body inside chunked framing, streamed; data that is not chunked passes as it is (as
    warcio reads it)."""
    first = True
    while True:
        line = stream.readline(64)
        try:
            size = int(line.split(b";")[0].strip(), 16) if line.endswith(b"\n") else -1
        except ValueError:
            size = -1
        if size < 0:
            if not first:
                return  # a torn tail after whole chunks: what came before is the body
            yield line
            yield from iter(lambda: stream.read(CHUNK), b"")
            return
        first = False
        if size == 0:
            return
        while size > 0:
            data = stream.read(min(size, CHUNK))
            if not data:
                return
            size -= len(data)
            yield data
        stream.readline(64)  # the CRLF after the chunk


def iter_payload(record, decode: bool = True, limit: int = MAX_BODY_BYTES, name: str = "") -> Iterator[bytes]:
    """A record's payload in pieces: de-chunked and, with ``decode``, content-decoded (gzip,
    deflate, br; any other coding is passed as stored). Raises :class:`BodyTooLarge` (naming the
    record as ``name``) once more than ``limit`` bytes came out, and the decoder's error (zlib.error,
    brotli.error) for a payload that does not decode."""
    http = record.http_headers if record.rec_type in ("response", "revisit") else None
    pieces = (
        _dechunked(record.raw_stream)
        if _is_chunked(http)
        else iter(lambda: record.raw_stream.read(CHUNK), b"")
    )
    coding = _coding(http) if decode else ""
    decoder = _decoder(coding) if coding and coding != "identity" else None
    total = 0
    for raw in pieces:
        for piece in decoder.feed(raw) if decoder is not None else (raw,):
            total += len(piece)
            if total > limit:
                what = "decodes to" if decoder is not None else "is"
                raise BodyTooLarge(
                    f"{name or 'record'}: payload {what} more than {limit // (1 << 20)} MB "
                    "(a decompression bomb?); not read"
                )
            yield piece


def decodable(record) -> bool:
    """Whether :func:`iter_payload` can decode the record's Content-Encoding (none counts)."""
    http = record.http_headers if record.rec_type in ("response", "revisit") else None
    coding = _coding(http)
    return not coding or coding == "identity" or _decoder(coding) is not None


def _dechunk(data: bytes) -> bytes | None:
    """The body inside chunked framing, or None if ``data`` is not chunked."""
    out, pos = bytearray(), 0
    while True:
        end = data.find(b"\r\n", pos)
        if end < 0:
            return None
        try:
            size = int(data[pos:end].split(b";")[0].strip(), 16)
        except ValueError:
            return None
        if size < 0:  # "-6" after a chunk would step back to the same size line forever
            return None
        if size == 0:
            return bytes(out)
        out += data[end + 2 : end + 2 + size]
        pos = end + 2 + size + 2
        if data[pos - 2 : pos] != b"\r\n":
            return None


def _chunks(stream, chunked: bool):
    if chunked:
        data = _dechunk(b"".join(iter(lambda: stream.read(CHUNK), b"")))
        yield data
        return
    yield from iter(lambda: stream.read(CHUNK), b"")


def payload_problems(record, warnings: list[str] | None = None) -> list[str]:
    """Problems between a response record's HTTP headers and its payload (reads the payload);
    a payload that decodes to more than :data:`MAX_BODY_BYTES` goes to ``warnings`` (readers refuse it)."""
    http = record.http_headers
    coding = (http.get_header("Content-Encoding") or "").strip().lower()
    chunked = "chunked" in (http.get_header("Transfer-Encoding") or "").lower()
    mime = (http.get_header("Content-Type") or "").lower()
    decoder = _decoder(coding) if coding and coding != "identity" else None
    problems, length, first, decoded = [], 0, None, 0
    if coding and coding != "identity" and decoder is None and "," not in coding:
        problems.append(f"Content-Encoding {coding!r} that warcio/pywb cannot decode")
    try:
        for chunk in _chunks(record.raw_stream, chunked):
            if chunk is None:
                return problems + ["Transfer-Encoding: chunked over a payload that is not chunked"]
            first = chunk[:2] if first is None else first
            length += len(chunk)
            if decoder is not None and not decoder.eof:
                for piece in decoder.feed(chunk):
                    decoded += len(piece)
                if decoded > MAX_BODY_BYTES:
                    if warnings is not None:
                        warnings.append(
                            f"payload decodes to more than {MAX_BODY_BYTES // (1 << 20)} MB "
                            "(a decompression bomb?): export and replay refuse it"
                        )
                    decoder = None
    except Exception as exc:  # noqa: BLE001 - zlib.error, brotli.error: any decoder failure is one finding
        problems.append(f"payload does not decode as {coding}: {exc}")
        decoder = None
    if decoder is not None and length and not decoder.eof and decoded <= MAX_BODY_BYTES:
        problems.append(f"payload is a truncated {coding} stream")
    if not coding and first == GZIP_MAGIC and not mime.startswith(GZIP_TYPES):
        problems.append("payload is gzip but the headers have no Content-Encoding")
    declared = http.get_header("Content-Length")
    if declared is not None and not chunked and declared.strip() != str(length):
        problems.append(f"Content-Length {declared.strip()} but the payload has {length} bytes")
    return problems

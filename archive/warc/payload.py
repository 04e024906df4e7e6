"""Is a response record's HTTP header block true to its payload? (``warcio check`` cannot tell.)

Known failures of Scrapy-to-WARC plugins: a decoded body under ``Content-Encoding: gzip``, a gzip body
without it, a stale ``Content-Length``, a ``Transfer-Encoding: chunked`` header over a de-chunked
body. The payload is streamed through the decoders, never held whole (except chunked ones).
"""

from __future__ import annotations

import zlib

GZIP_MAGIC = b"\x1f\x8b"
# Content types whose body is legitimately gzip without any Content-Encoding.
GZIP_TYPES = ("application/gzip", "application/x-gzip", "application/octet-stream")
CHUNK = 1 << 16


def _decoder(coding: str):
    """A streaming decoder with ``decompress`` and an ``eof`` test, or None if unsupported."""
    if coding in ("gzip", "x-gzip"):
        return zlib.decompressobj(zlib.MAX_WBITS | 32)
    if coding == "deflate":
        return _Deflate()
    if coding == "br":
        try:
            import brotli
        except ImportError:
            return None
        return _Brotli(brotli.Decompressor())
    return None


class _Deflate:
    """'deflate' is zlib-wrapped by the RFC and raw in practice: the first two bytes tell which."""

    def __init__(self):
        self.inner = None

    def decompress(self, data: bytes) -> bytes:
        if self.inner is None:
            wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self.inner = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        return self.inner.decompress(data)

    @property
    def eof(self) -> bool:
        return self.inner is not None and self.inner.eof


class _Brotli:
    def __init__(self, inner):
        self.inner = inner

    def decompress(self, data: bytes) -> bytes:
        return self.inner.process(data)

    @property
    def eof(self) -> bool:
        return self.inner.is_finished()


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


def payload_problems(record) -> list[str]:
    """Problems between a response record's HTTP headers and its payload (reads the payload)."""
    http = record.http_headers
    coding = (http.get_header("Content-Encoding") or "").strip().lower()
    chunked = "chunked" in (http.get_header("Transfer-Encoding") or "").lower()
    mime = (http.get_header("Content-Type") or "").lower()
    decoder = _decoder(coding) if coding and coding != "identity" else None
    problems, length, first = [], 0, None
    if coding and coding != "identity" and decoder is None and "," not in coding:
        problems.append(f"Content-Encoding {coding!r} that warcio/pywb cannot decode")
    try:
        for chunk in _chunks(record.raw_stream, chunked):
            if chunk is None:
                return problems + ["Transfer-Encoding: chunked over a payload that is not chunked"]
            first = chunk[:2] if first is None else first
            length += len(chunk)
            if decoder is not None and not decoder.eof:
                decoder.decompress(chunk)
    except Exception as exc:  # noqa: BLE001 - zlib.error, brotli.error: any decoder failure is one finding
        problems.append(f"payload does not decode as {coding}: {exc}")
        decoder = None
    if decoder is not None and length and not decoder.eof:
        problems.append(f"payload is a truncated {coding} stream")
    if not coding and first == GZIP_MAGIC and not mime.startswith(GZIP_TYPES):
        problems.append("payload is gzip but the headers have no Content-Encoding")
    declared = http.get_header("Content-Length")
    if declared is not None and not chunked and declared.strip() != str(length):
        problems.append(f"Content-Length {declared.strip()} but the payload has {length} bytes")
    return problems

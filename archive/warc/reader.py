"""Reading WARC records: seek to one offset, or scan a whole file and survive damage.

Replay and export never iterate a file to find a capture: the CDXJ index gives the offset, and
because every record is its own gzip member, ``seek`` + one ``ArchiveIterator`` step reads it.
A revisit record carries no payload; :func:`resolve_revisit` finds the original it stands for.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.errors import WarcError
from archive.warc.payload import decodable, iter_payload

log = logging.getLogger(__name__)
GZIP_MAGIC = b"\x1f\x8b\x08"


@dataclass
class ArchivedResponse:
    """An archived HTTP response (or resource), its body already de-chunked and content-decoded."""

    url: str
    date: str  # WARC-Date, ISO 8601
    rec_type: str
    status: int = 200
    reason: str = "OK"
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    decoded: bool = True  # False: body still carries the archived Content-Encoding
    payload_digest: str = ""
    refers_to: tuple[str, str] | None = None  # (target URI, date) of a revisit's original
    path: str = ""
    offset: int = 0

    def header(self, name: str, default: str = "") -> str:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), default)

    @property
    def mime(self) -> str:
        return self.header("content-type").split(";", 1)[0].strip().lower()

    @property
    def location(self) -> str:
        return self.header("location")


class _Undecodable(Exception):
    """A Content-Encoding arsip has no decoder for (zstd, a list of codings...)."""


def _payload(path: str, offset: int, decode: bool, verify: bool, out: list[bytes]) -> bytes:
    """The payload of the record at ``offset`` through :func:`iter_payload` (its pieces collected in
    ``out`` as they come), the block read to its end for the digest check."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh, check_digests=verify)))
        if decode and not decodable(record):
            raise _Undecodable
        out.extend(iter_payload(record, decode=decode, name=f"{os.path.basename(path)} at offset {offset}"))
        while record.raw_stream.read(1 << 16):  # the block digest covers the whole block
            pass
        if verify and record.digest_checker.passed is False:
            raise WarcError(
                f"{os.path.basename(path)}: damaged record at offset {offset}: "
                f"{'; '.join(record.digest_checker.problems)}"
            )
    return b"".join(out)


def _read_body(path: str, offset: int, verify: bool = False) -> tuple[bytes, bool]:
    """The payload decoded (chunking, gzip, deflate, br), and whether it is free of any content
    coding: a payload that does not decode is returned as stored (still encoded; or, when not one
    byte decoded, plain data under a wrong header, as warcio reads it). ``verify`` raises
    :class:`WarcError` when the record's block or payload digest does not match; a payload past
    :data:`MAX_BODY_BYTES` (decoded or as stored) raises :class:`BodyTooLarge` naming the record."""
    pieces: list[bytes] = []
    try:
        return _payload(path, offset, True, verify, pieces), True
    except WarcError:
        raise
    except _Undecodable:
        return _payload(path, offset, False, verify, []), False
    except Exception as exc:  # noqa: BLE001 - zlib/brotli errors all mean "keep it as stored"
        log.debug("cannot decode body at %s:%d: %s", path, offset, exc)
        plain = not any(pieces)
        return _payload(path, offset, False, verify, []), plain


def read_at(path: str | Path, offset: int, verify: bool = False) -> ArchivedResponse:
    """Read the record at ``offset`` of the WARC ``path`` (raises :class:`WarcError` if unreadable,
    or with ``verify`` if its digests do not match)."""
    path = str(path)
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            record = next(iter(ArchiveIterator(fh)))
            exchange = _exchange(record, path, offset)
    except (OSError, StopIteration, ValueError, EOFError) as exc:
        raise WarcError(f"{os.path.basename(path)}: no readable record at offset {offset}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - warcio's ArchiveLoadFailed and zlib.error have no common base
        raise WarcError(f"{os.path.basename(path)}: damaged record at offset {offset}: {exc}") from None
    if exchange.rec_type in ("response", "resource"):
        try:
            exchange.body, exchange.decoded = _read_body(path, offset, verify)
        except ValueError as exc:  # warcio's digest check on a digest that is no base32/16/64
            raise WarcError(f"{os.path.basename(path)}: damaged record at offset {offset}: {exc}") from None
    return exchange


def _exchange(record, path: str, offset: int) -> ArchivedResponse:
    rh = record.rec_headers
    ex = ArchivedResponse(
        url=rh.get_header("WARC-Target-URI", ""),
        date=rh.get_header("WARC-Date", ""),
        rec_type=record.rec_type,
        payload_digest=rh.get_header("WARC-Payload-Digest", ""),
        path=path,
        offset=offset,
    )
    http = record.http_headers
    if http is not None and record.rec_type in ("response", "revisit"):
        ex.status = int(http.get_statuscode() or 200)
        ex.reason = http.statusline.split(" ", 1)[1] if " " in http.statusline else ""
        ex.headers = list(http.headers)
    elif record.rec_type == "resource":
        ex.headers = [("Content-Type", rh.get_header("Content-Type", "application/octet-stream"))]
    if record.rec_type == "revisit":
        ex.refers_to = (
            rh.get_header("WARC-Refers-To-Target-URI", ex.url),
            rh.get_header("WARC-Refers-To-Date", ""),
        )
    return ex


def resolve_revisit(
    revisit: ArchivedResponse, find_original: Callable[[ArchivedResponse], ArchivedResponse | None]
) -> ArchivedResponse:
    """Merge a revisit with its original: the revisit's status and headers, the original's payload.

    The Content-Encoding that matters is the original's, since its body is the one served.
    """
    original = find_original(revisit)
    if original is None:
        raise WarcError(f"revisit of {revisit.url} at {revisit.date}: original payload not found")
    headers = revisit.headers or original.headers
    encoding = [(k, v) for k, v in original.headers if k.lower() == "content-encoding"]
    headers = [(k, v) for k, v in headers if k.lower() != "content-encoding"] + encoding
    return replace(
        original,
        url=revisit.url,
        date=revisit.date,
        rec_type="revisit",
        status=revisit.status if revisit.headers else original.status,
        reason=revisit.reason if revisit.headers else original.reason,
        headers=headers,
        refers_to=revisit.refers_to,
        path=revisit.path,
        offset=revisit.offset,
    )


@dataclass
class RecordInfo:
    """What a scan learns about one record without reading its payload."""

    rec_type: str
    url: str
    date: str
    offset: int
    length: int
    mime: str = ""
    status: int = 0
    digest: str = ""
    refers_to: tuple[str, str] | None = None


def scan(path: str | Path, errors: list[str]) -> Iterator[RecordInfo]:
    """Every record of a WARC file; damage is appended to ``errors`` and scanning resumes after it."""
    path, pos = str(path), 0
    size = os.path.getsize(path)
    while pos < size:
        try:
            for info in _scan_from(path, pos):
                pos = info.offset + info.length
                yield info
            if _has_trailing_data(path, pos):
                raise WarcError(f"the data after offset {pos} is not a whole record (truncated file?)")
            return
        except Exception as exc:  # noqa: BLE001 - any read error: report it, resync, carry on
            errors.append(f"{os.path.basename(path)}: damaged data after offset {pos}: {_short(exc)}")
            log.warning("%s", errors[-1])
            nxt = _next_record_start(path, pos + 1)
            if nxt is None:
                return
            pos = nxt


def _has_trailing_data(path: str, pos: int) -> bool:
    with open(path, "rb") as fh:
        fh.seek(pos)
        return bool(fh.read(1 << 16).strip())


def _short(exc: Exception) -> str:
    """An error message fit for one log line: damaged bytes would otherwise be printed raw."""
    text = str(exc).split("\n", 1)[0]
    return "".join(ch if ch.isprintable() and ord(ch) < 128 else "?" for ch in text)[:120]


def _scan_from(path: str, start: int) -> Iterator[RecordInfo]:
    with open(path, "rb") as fh:
        fh.seek(start)
        it = ArchiveIterator(fh)
        for record in it:
            if not record.rec_type:
                raise WarcError(f"unreadable record at offset {it.offset} (truncated?)")
            rh, http = record.rec_headers, record.http_headers
            info = RecordInfo(
                record.rec_type,
                rh.get_header("WARC-Target-URI", ""),
                rh.get_header("WARC-Date", ""),
                0,
                0,
                digest=rh.get_header("WARC-Payload-Digest", ""),
            )
            if http is not None and record.rec_type in ("response", "revisit"):
                info.status = int(http.get_statuscode() or 0)
                info.mime = (http.get_header("Content-Type") or "").split(";", 1)[0].strip().lower()
            if record.rec_type == "revisit":
                info.refers_to = (
                    rh.get_header("WARC-Refers-To-Target-URI", info.url),
                    rh.get_header("WARC-Refers-To-Date", ""),
                )
            while record.raw_stream.read(1 << 16):  # reading through checks the gzip member is whole
                pass
            if getattr(record.raw_stream, "limit", 0) > 0:
                raise WarcError(f"record of {info.url or info.rec_type} is truncated")
            it.read_to_end(record)
            info.offset, info.length = it.get_record_offset(), it.get_record_length()
            yield info


def _next_record_start(path: str, after: int) -> int | None:
    """The next offset that looks like the start of a record (a gzip member or a WARC header)."""
    with open(path, "rb") as fh:
        gzipped = fh.read(2) == GZIP_MAGIC[:2]
        fh.seek(after)
        data = fh.read()
    idx = data.find(GZIP_MAGIC if gzipped else b"WARC/1.")
    return None if idx < 0 else after + idx

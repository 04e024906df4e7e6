"""Recover ``.open`` WARC files left by a killed crawl: keep every whole record, drop the torn tail.

A record is one gzip member, and the writer finishes a member only when the whole record is
written, so "whole record" means "gzip member whose trailer is present and whose WARC header block
parses". The scan streams the file (members are never held whole in memory).
"""

from __future__ import annotations

import logging
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from archive.warc.writer import OPEN_SUFFIX

log = logging.getLogger(__name__)
CHUNK = 1 << 16
GZIP_MAGIC = b"\x1f\x8b\x08"
_TYPE_RE = re.compile(rb"\r\nWARC-Type:\s*(\S+)", re.IGNORECASE)


@dataclass(frozen=True)
class Member:
    """One gzip member: where it starts, its compressed length, and whether it is whole."""

    offset: int
    length: int
    complete: bool
    error: str = ""
    head: bytes = b""  # the first decompressed bytes (the WARC header block)


def scan_members(path: Path, head_size: int = 4096) -> Iterator[Member]:
    """Yield every gzip member of a file; after a corrupt one, resynchronise on the next gzip magic."""
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        offset = 0
        while offset < size:
            member = _read_member(fh, offset, head_size)
            yield member
            if member.complete:
                offset += member.length
            else:
                offset = _next_magic(fh, offset + 1, size)


def _read_member(fh, offset: int, head_size: int) -> Member:
    fh.seek(offset)
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    consumed, head = 0, b""
    try:
        while not inflater.eof:
            chunk = fh.read(CHUNK)
            if not chunk:
                return Member(offset, consumed, False, "truncated gzip member", head)
            out = inflater.decompress(chunk)
            if len(head) < head_size:
                head += out[: head_size - len(head)]
            consumed += len(chunk) - len(inflater.unused_data)
    except zlib.error as exc:
        return Member(offset, consumed, False, f"bad gzip data: {exc}", head)
    return Member(offset, consumed, True, "", head)


def _next_magic(fh, start: int, size: int) -> int:
    fh.seek(start)
    position, carry = start, b""
    while position < size:
        chunk = fh.read(CHUNK)
        found = (carry + chunk).find(GZIP_MAGIC)
        if found >= 0:
            return position - len(carry) + found
        position += len(chunk)
        carry = chunk[-2:]
    return size


def is_whole_record(member: Member) -> bool:
    """A complete member holding a WARC header block."""
    return member.complete and member.head.startswith(b"WARC/") and b"\r\n\r\n" in member.head


@dataclass(frozen=True)
class RepairResult:
    """What repairing one ``.open`` file did."""

    path: Path
    records: int
    dropped_bytes: int


def record_type(member: Member) -> str:
    """The WARC-Type named in a member's header block ('' if absent)."""
    found = _TYPE_RE.search(member.head)
    return found.group(1).decode("ascii", "replace").lower() if found else ""


def _whole_prefix(open_path: Path) -> tuple[int, int]:
    """(end offset, record count) of the leading run of whole records, minus an unpaired response."""
    ends: list[tuple[int, str]] = []
    for member in scan_members(open_path):
        if not is_whole_record(member) or member.offset != (ends[-1][0] if ends else 0):
            break
        ends.append((member.offset + member.length, record_type(member)))
    # the writer puts a response before its request: a response last means its exchange was cut
    while ends and ends[-1][1] in ("response", "revisit"):
        ends.pop()
    return (ends[-1][0] if ends else 0), len(ends)


def repair_open_file(open_path: Path) -> RepairResult:
    """Truncate an ``.open`` file after its last whole record and rename it; remove it if empty."""
    open_path = Path(open_path)
    good_end, records = _whole_prefix(open_path)
    size = open_path.stat().st_size
    final = open_path.with_name(open_path.name[: -len(OPEN_SUFFIX)])
    if records == 0:
        open_path.unlink()
        log.warning("removed %s: no whole record in it", open_path.name)
        return RepairResult(final, 0, size)
    with open(open_path, "r+b") as fh:
        fh.truncate(good_end)
    os.replace(open_path, final)
    log.warning("repaired %s: kept %d records, dropped %d bytes", final.name, records, size - good_end)
    return RepairResult(final, records, size - good_end)


def repair_directory(warc_dir: Path) -> list[RepairResult]:
    """Repair every ``*.warc.gz.open`` file in a directory (left by a killed crawl)."""
    return [repair_open_file(path) for path in sorted(Path(warc_dir).glob("*" + OPEN_SUFFIX))]

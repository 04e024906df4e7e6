"""``arsip check``: validate WARC files record by record and carry on past damage.

Each gzip member is read on its own (``archive.warc.repair.scan_members``), so a truncated file, a bad
gzip member or a wrong digest is reported with its offset and the rest of the file is still
checked. On top of warcio's digest check come the rules warcio does not know: warcinfo first, one
WARC version, request/response pairs, every response indexed, and the HTTP block consistent with
its payload (Content-Encoding decodes, Content-Length matches, no chunked header over a plain body).
Warnings are reported but pass: an archived HTTP header holding a control character (valid in the
WARC, refused by HTTP servers; replay escapes it), a payload that decodes to more than the 32 MB
every reader stops at (a decompression bomb the crawl refused but archived as served).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.limitreader import LimitReader

from archive.index.build import read_index
from archive.warc.payload import payload_problems
from archive.warc.repair import scan_members

GZIP_MAGIC = b"\x1f\x8b"
RESPONSES = ("response", "revisit")
# C0 controls but tab, and DEL: what an HTTP server may not send in a header (RFC 9110 5.5).
CONTROL_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


@dataclass
class FileReport:
    """The outcome for one file: records read, problems and warnings found as ``(offset, message)``
    (warnings do not fail the file)."""

    path: Path
    records: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _State:
    versions: set = field(default_factory=set)
    ids: set = field(default_factory=set)
    responses: dict = field(default_factory=dict)  # record id -> offset
    requests: dict = field(default_factory=dict)  # concurrent-to id -> offset


def check_file(path: Path, indexed: set[tuple[str, int]] | None = None) -> FileReport:
    """Check one WARC file; ``indexed`` holds (filename, offset) pairs of the collection's index."""
    report, state = FileReport(Path(path)), _State()
    with open(path, "rb") as fh:
        if fh.read(2) != GZIP_MAGIC:  # an uncompressed WARC: records one after another
            _check_plain(fh, report, state, indexed)
        else:
            for member in scan_members(path, head_size=64):
                if not member.complete:
                    report.problems.append((member.offset, member.error))
                    continue
                fh.seek(member.offset)
                _check_member(fh, member, report, state, indexed)
    _check_pairs(report, state)
    if len(state.versions) > 1:
        report.problems.append((0, f"more than one WARC version: {sorted(state.versions)}"))
    return report


def _check_member(fh, member, report: FileReport, state: _State, indexed) -> None:
    try:
        for record in ArchiveIterator(LimitReader(fh, member.length), check_digests=True):
            _check_record(record, member.offset, report, state, indexed)
            report.records += 1
    except Exception as exc:  # noqa: BLE001 - a damaged record must not stop the check of the others
        report.problems.append((member.offset, f"unreadable record: {exc}"))


def _check_plain(fh, report: FileReport, state: _State, indexed) -> None:
    """Check an uncompressed WARC record by record; after a damaged record, carry on from the next
    ``WARC/1.`` line."""
    size, start = os.fstat(fh.fileno()).st_size, 0
    while start < size:
        fh.seek(start)
        records = ArchiveIterator(fh, check_digests=True)
        offset = start
        try:
            for record in records:
                offset = records.offset
                _check_record(record, offset, report, state, indexed)
                report.records += 1
            return
        except Exception as exc:  # noqa: BLE001 - a damaged record must not stop the check of the others
            offset = max(offset, getattr(records, "offset", offset))  # the record that failed to parse
            report.problems.append((offset, f"unreadable record: {_one_line(exc)}"))
        start = _next_plain_record(fh, offset + 1, size)


def _next_plain_record(fh, start: int, size: int) -> int:
    """The offset of the next line starting ``WARC/1.`` at or after ``start`` (``size`` if none)."""
    fh.seek(start)
    position, carry = start, b""
    while position < size:
        chunk = fh.read(1 << 16)
        found = (carry + chunk).find(b"\nWARC/1.")
        if found >= 0:
            return position - len(carry) + found + 1
        position += len(chunk)
        carry = chunk[-8:]
    return size


def _one_line(exc: Exception) -> str:
    text = str(exc).split("\n", 1)[0]
    return "".join(ch if ch.isprintable() else "?" for ch in text)[:160]


def _check_record(record, offset: int, report: FileReport, state: _State, indexed) -> None:
    headers = record.rec_headers
    problems = []
    if report.records == 0 and record.rec_type != "warcinfo":
        problems.append("first record is not warcinfo")
    state.versions.add(headers.protocol)
    record_id = headers.get_header("WARC-Record-ID")
    if record_id in state.ids:
        problems.append(f"duplicate WARC-Record-ID {record_id}")
    state.ids.add(record_id)
    problems += _header_problems(record)
    warnings = _http_header_warnings(record)
    if record.rec_type == "response":
        problems += payload_problems(record, warnings)
    else:
        _drain(record.raw_stream)
    if record.digest_checker.passed is False:
        problems += [f"digest: {p}" for p in record.digest_checker.problems]
    if record.rec_type in RESPONSES:
        state.responses[record_id] = offset
        if indexed is not None and (report.path.name, offset) not in indexed:
            problems.append("response not in the collection's CDXJ index")
    elif record.rec_type == "request":
        state.requests[headers.get_header("WARC-Concurrent-To")] = offset
    report.problems += [(offset, f"{record.rec_type}: {p}") for p in problems]
    report.warnings += [(offset, f"{record.rec_type}: {w}") for w in warnings]


def _http_header_warnings(record) -> list[str]:
    """Archived HTTP headers with a control character: replayable only escaped (replay does so)."""
    http = record.http_headers if record.rec_type in RESPONSES else None
    if http is None:
        return []
    return [
        f"HTTP header {name!r} has a control character ({value!r}); replay escapes it"
        for name, value in http.headers
        if CONTROL_RE.search(name) or CONTROL_RE.search(value)
    ]


def _header_problems(record) -> list[str]:
    headers = record.rec_headers
    problems = []
    uri = headers.get_header("WARC-Target-URI") or ""
    if uri.startswith("<"):
        problems.append("WARC-Target-URI in angle brackets")
    if not (headers.get_header("WARC-Date") or "").endswith("Z"):
        problems.append("WARC-Date is not UTC")
    for name in ("WARC-Block-Digest", "WARC-Payload-Digest"):
        value = headers.get_header(name)
        if value and not value.lower().startswith("sha1:"):
            problems.append(f"{name} is not sha1")
    if record.rec_type in ("response", "request") and not headers.get_header("WARC-Block-Digest"):
        problems.append("no WARC-Block-Digest")
    return problems


def _drain(stream) -> None:
    while stream.read(1 << 16):
        pass


def _check_pairs(report: FileReport, state: _State) -> None:
    for record_id, offset in state.responses.items():
        if record_id not in state.requests:
            report.problems.append((offset, "response without a request record (WARC-Concurrent-To)"))
    for target, offset in state.requests.items():
        if target not in state.responses:
            report.problems.append((offset, f"request concurrent to {target}, no such response in this file"))


def warc_files(paths: Iterable[Path]) -> list[Path]:
    """Expand directories (a data dir, a collection, a warcs dir) into their WARC files."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.name.endswith((".warc.gz", ".warc")))
        else:
            files.append(path)
    return files


def collection_index(warc: Path, cache: dict) -> set[tuple[str, int]] | None:
    """(filename, offset) pairs of the index of the collection holding ``warc`` (None: no collection)."""
    coll = warc.resolve().parent.parent
    if warc.resolve().parent.name != "warcs" or not (coll / "indexes").is_dir():
        return None
    if coll not in cache:
        cache[coll] = {(e.get("filename"), int(e.get("offset", -1))) for e in read_index(coll)}
    return cache[coll]

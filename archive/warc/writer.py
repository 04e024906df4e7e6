"""A streaming, rotating WARC writer: one gzip member per record, ``.open`` while written.

Each record is compressed and flushed to the OS as soon as it is written, so a crawl killed with
SIGKILL loses at most the record it was writing (``archive.warc.repair`` cuts that tail off). Files roll
over once they pass ``max_size`` and are named ``<prefix>-<YYYYmmddHHMMSSfff>-<serial>-<host>.warc.gz``.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from io import FileIO
from pathlib import Path

from warcio.warcwriter import WARCWriter

from archive.warc.records import WARC_VERSION, RecordFactory

log = logging.getLogger(__name__)
OPEN_SUFFIX = ".open"


@dataclass(frozen=True)
class Written:
    """Where a record landed: the file (final name, without ``.open``), its offset and length."""

    filename: str
    offset: int
    length: int
    rec_headers: object  # warcio StatusAndHeaders of the WARC header block
    http_headers: object  # HTTP headers, or None; the payload itself is not kept


def warc_filename(prefix: str, serial: int, host: str, moment: datetime | None = None) -> str:
    """The file name of docs/FORMATS.md; the timestamp has milliseconds so restarts never collide."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    stamp = moment.strftime("%Y%m%d%H%M%S") + f"{moment.microsecond // 1000:03d}"
    return f"{prefix}-{stamp}-{serial:05d}-{host}.warc.gz"


class _WriteAll:
    """The raw file for warcio, whose ``write`` writes every byte or raises: on a full disk or at a
    file size limit the OS first accepts part of a chunk, and warcio ignores a short count."""

    def __init__(self, raw):
        self.raw = raw

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        while view:
            count = self.raw.write(view)
            if not count:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            view = view[count:]
        return len(data)

    def flush(self) -> None:
        self.raw.flush()

    def tell(self) -> int:
        return self.raw.tell()


class RotatingWarcWriter:
    """Writes records into ``directory``, starting each file with a warcinfo record."""

    def __init__(
        self,
        directory: Path,
        prefix: str,
        warcinfo: dict,
        max_size: int = 10**9,
        factory: RecordFactory | None = None,
        host: str | None = None,
    ):
        self.directory = Path(directory)
        self.prefix, self.info, self.max_size = prefix, dict(warcinfo), max_size
        self.factory = factory or RecordFactory()
        self.host = host or socket.gethostname().split(".")[0] or "localhost"
        self.serial = 0
        self.closed_files: list[Path] = []
        self.bytes_written = 0
        self.failure: OSError | None = None  # the write that failed; no record is written after it
        self._fh: FileIO | None = None
        self._name = ""
        self._writer: WARCWriter | None = None

    @property
    def current_name(self) -> str:
        """The final name of the file being written ('' when none is open)."""
        return self._name

    def write(self, *records) -> list[Written]:
        """Write records one after another into the same file, all or none: a request/response
        pair stays together, and a write that fails (disk full, file size limit) leaves the file
        as it was before the first of them. After such a failure every later write raises too."""
        if self.failure is not None:
            raise OSError(
                self.failure.errno, f"WARC writing stopped after an earlier failure: {self.failure}"
            )
        try:
            fh = self._fh
            if fh is None or fh.tell() >= self.max_size:
                fh = self._rotate()
            start = fh.tell()
            try:
                return [self._write_one(record) for record in records]
            except OSError:
                self._cut(fh, start)
                raise
        except OSError as exc:
            self.failure = exc
            raise

    def _cut(self, fh: FileIO, offset: int) -> None:
        """Drop everything after ``offset`` (half-written members) so the file stays valid."""
        try:
            fh.truncate(offset)
            fh.seek(offset)
        except OSError:
            log.exception("cannot cut %s back to %d; the next crawl repairs it", self._name, offset)

    def _write_one(self, record) -> Written:
        # only called on an open file: _rotate() sets both before its first write, close() clears both
        assert self._fh is not None and self._writer is not None
        start = self._fh.tell()
        self._writer.write_record(record)  # warcio flushes the gzip member and the file object
        end = self._fh.tell()
        self.bytes_written += end - start
        return Written(self._name, start, end - start, record.rec_headers, record.http_headers)

    def _rotate(self) -> FileIO:
        """Close the current file and open the next one, warcinfo record written; returns it."""
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        self._name = warc_filename(self.prefix, self.serial, self.host)
        self.serial += 1
        # buffering=0: every compressed chunk goes straight to the OS, nothing waits in Python
        path = self.directory / (self._name + OPEN_SUFFIX)
        self._fh = fh = open(path, "xb", buffering=0)  # noqa: SIM115 - held until close()
        self._writer = WARCWriter(_WriteAll(fh), gzip=True, warc_version=WARC_VERSION)
        info = {
            "software": "arsip",
            "hostname": socket.gethostname(),
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            **self.info,
        }
        try:
            self._write_one(self.factory.warcinfo(self._name, info))
        except OSError:
            # a file without its warcinfo record holds nothing: remove it rather than leave it invalid
            fh.close()
            path.unlink(missing_ok=True)
            self._fh = self._writer = None
            self._name = ""
            raise
        log.info("writing %s", self._name)
        return fh

    def close(self) -> None:
        """Close the current file and drop its ``.open`` suffix."""
        if self._fh is None:
            return
        self._fh.close()
        final = self.directory / self._name
        os.replace(self.directory / (self._name + OPEN_SUFFIX), final)
        self.closed_files.append(final)
        self._fh = self._writer = None
        self._name = ""
        log.info("closed %s", final.name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

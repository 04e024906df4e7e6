"""Reading pywb CDXJ indexes: binary search in sorted, memory-mapped files, chained as generators.

A CDXJ line is ``<surt> <14-digit timestamp> <json>``. Files are sorted bytewise, so a lookup is a
binary search to the first line at or after a key, then a forward walk (pywb's ``cdxops`` style):
no query ever reads a whole file. Several files of one collection are merged lazily. The CDX
server API (pywb's query parameters and match types) is ``archive/index/cdx.py``.
"""

from __future__ import annotations

import heapq
import json
import mmap
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from archive.dates import ts_to_datetime
from archive.index.build import url_key


@dataclass(order=True)
class Capture:
    """One CDXJ line: sort order is (urlkey, timestamp), like the file."""

    urlkey: str
    timestamp: str
    fields: dict = field(compare=False, default_factory=dict)

    @classmethod
    def parse(cls, line: str | bytes) -> Capture:
        if isinstance(line, bytes):
            line = line.decode("utf-8", "replace")
        key, ts, rest = line.rstrip("\r\n").split(" ", 2)
        return cls(key, ts, json.loads(rest) if rest.startswith("{") else {})

    url = property(lambda self: self.fields.get("url", ""))
    mime = property(lambda self: self.fields.get("mime", ""))
    status = property(lambda self: self.fields.get("status", ""))
    digest = property(lambda self: self.fields.get("digest", ""))
    filename = property(lambda self: self.fields.get("filename", ""))
    offset = property(lambda self: int(self.fields.get("offset", 0)))
    length = property(lambda self: int(self.fields.get("length", 0)))
    is_revisit = property(lambda self: self.mime == "warc/revisit")

    @property
    def datetime(self) -> datetime:
        return ts_to_datetime(self.timestamp)

    def to_cdxj(self) -> str:
        return f"{self.urlkey} {self.timestamp} {json.dumps(self.fields)}"

    def to_json(self) -> dict:
        """The object pywb's CDX server returns for ``output=json``."""
        return {"urlkey": self.urlkey, "timestamp": self.timestamp, **self.fields}


class CdxjFile:
    """One sorted CDXJ file, memory-mapped; reopened when its size or mtime changes."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._stamp: tuple[int, int] | None = None  # (size, mtime_ns) of the mapped file
        self._map: mmap.mmap | bytes = b""

    def _data(self):
        st = os.stat(self.path)
        if (st.st_size, st.st_mtime_ns) != self._stamp:
            self._stamp = (st.st_size, st.st_mtime_ns)
            if st.st_size == 0:
                self._map = b""
            else:
                with open(self.path, "rb") as fh:
                    self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        return self._map

    @staticmethod
    def _line_start(data, pos: int) -> int:
        """The offset of the first line starting at or after ``pos``."""
        if pos == 0:
            return 0
        nl = data.find(b"\n", pos - 1)
        return len(data) if nl < 0 else nl + 1

    def _offset_of(self, data, key: str) -> int:
        """Start of the first line sorting at or after ``key``: a binary search over byte positions."""
        target, size = key.encode("utf-8"), len(data)
        lo, hi = 0, size
        while lo < hi:  # "the line starting at/after p sorts >= key" is monotone in p
            mid = (lo + hi) // 2
            start = self._line_start(data, mid)
            end = data.find(b"\n", start)
            if start < size and data[start : end if end >= 0 else size] < target:
                lo = mid + 1
            else:
                hi = mid
        return self._line_start(data, lo)

    def iter_from(self, key: str) -> Iterator[str]:
        """Lines sorting at or after ``key``, in file order, lazily."""
        data = self._data()
        return self._walk(data, self._offset_of(data, key))

    def lines_before(self, key: str, count: int) -> list[str]:
        """Up to ``count`` lines sorting just before ``key`` (for 'nearest captures')."""
        data = self._data()
        lines: list[str] = []
        pos = self._offset_of(data, key)
        while pos > 0 and len(lines) < count:
            prev = data.rfind(b"\n", 0, pos - 1) + 1
            line = data[prev:pos].decode("utf-8", "replace").rstrip("\r\n")
            if line and not line.startswith("!"):
                lines.append(line)
            pos = prev
        return lines[::-1]

    @staticmethod
    def _walk(data, pos: int) -> Iterator[str]:
        size = len(data)
        while pos < size:
            end = data.find(b"\n", pos)
            end = size if end < 0 else end
            line = data[pos:end].decode("utf-8", "replace").rstrip("\r")
            if line and not line.startswith("!"):
                yield line
            pos = end + 1


class CdxjIndex:
    """Every ``*.cdxj`` file of one directory, merged lazily in sort order."""

    def __init__(self, index_dir: str | Path):
        self.dir = Path(index_dir)
        self._files: dict[Path, CdxjFile] = {}

    def files(self) -> list[CdxjFile]:
        paths = sorted(self.dir.glob("*.cdxj")) if self.dir.is_dir() else []
        self._files = {p: self._files.get(p) or CdxjFile(p) for p in paths}
        return list(self._files.values())

    def iter_from(self, key: str) -> Iterator[Capture]:
        """Captures sorting at or after ``key`` across all files."""
        merged = heapq.merge(*(f.iter_from(key) for f in self.files()))
        return (Capture.parse(line) for line in merged)

    def captures(self, url: str) -> list[Capture]:
        """Every capture of exactly ``url`` (by SURT), oldest first."""
        key = url_key(url)
        return list(take_while_key(self.iter_from(key + " "), lambda k: k == key))

    def closest(self, url: str, ts: str) -> list[Capture]:
        """Captures of ``url`` ordered by distance in time from ``ts`` (earlier wins a tie)."""
        return sort_closest(self.captures(url), ts)

    def nearby(self, url: str, count: int = 10) -> list[Capture]:
        """Captures just before and after where ``url`` would sort: what a 404 page suggests."""
        key = url_key(url)
        before = heapq.merge(*(f.lines_before(key, count) for f in self.files()))
        after = list(_take(self.iter_from(key), count))
        return [Capture.parse(line) for line in list(before)[-count:]] + after

    def all(self) -> Iterator[Capture]:
        """Every capture in sort order (listing pages only; lookups never need this)."""
        return self.iter_from("")


def _take(items: Iterable, count: int) -> Iterator:
    for n, item in enumerate(items):
        if n >= count:
            return
        yield item


def take_while_key(captures: Iterable[Capture], keep) -> Iterator[Capture]:
    """Stop at the first capture whose urlkey fails ``keep`` (the input is sorted)."""
    for cap in captures:
        if not keep(cap.urlkey):
            return
        yield cap


def sort_closest(captures: Iterable[Capture], ts: str) -> list[Capture]:
    """Order by absolute distance from ``ts``; an earlier capture wins a tie."""
    target = ts_to_datetime(ts)
    return sorted(captures, key=lambda c: (abs((c.datetime - target).total_seconds()), c.timestamp))

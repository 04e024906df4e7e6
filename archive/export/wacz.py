"""WACZ 1.1.1 packaging: WARCs, a SURT-sorted index, the list of pages and a hashed datapackage.

Members are stored uncompressed (the WARCs are already gzip, and readers seek inside the zip). Each
member's local header agrees with its central directory entry: ZIP64 extra fields only for a member
too large without them, in both headers. Readers that take the data offset from the central
directory (ReplayWeb.page's wabac.js assumes no local extra field when the central entry has none)
depend on it. The index is written the way py-wacz writes it: ``indexes/index.cdx.gz`` as gzip
blocks of CDXJ lines (ZipNum) with ``indexes/index.idx`` pointing into them. ``pages/pages.jsonl``
lists pages only (the site's home page, then the exported articles with their clean text, which
ReplayWeb.page's full-text search reads); the requisites stay in the WARCs and the index. Fixed
member dates and a ``created`` taken from the captures make a re-export byte-identical.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from archive.atomic import replacing
from archive.errors import ArsipError

WACZ_VERSION = "1.1.1"
SOFTWARE = "arsip 0.1.0"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass
class Page:
    """One line of ``pages.jsonl``: a captured HTML page; ``text`` is an article's clean text."""

    url: str
    ts: str
    title: str = ""
    text: str | None = None
    seed: bool = False

    def line(self) -> dict:
        entry: dict = {
            "id": hashlib.sha256((self.url + self.ts).encode()).hexdigest()[:32],
            "url": self.url,
            "ts": self.ts,
            "title": self.title or self.url,
        }
        if self.seed:
            entry["seed"] = True
        if self.text is not None:
            entry["text"] = self.text
        return entry


def _as_stored(records: Iterator) -> Iterator:
    """Records whose ``content_stream()`` is their payload as stored, never inflated."""
    for record in records:
        record.content_stream = lambda record=record: record.raw_stream
        yield record


def build_index(warcs: list[Path]) -> tuple[bytes, bytes]:
    """(ZipNum ``index.cdx.gz``, its ``index.idx``) for the WARCs, filenames as stored in the WACZ.

    To pair requests with responses (the ``referrer`` field), cdxj-indexer copies every record's
    decoded content to a temporary file; the index needs none of it, so records give it as stored
    (a decompression bomb in a WARC is not inflated to disk)."""
    from cdxj_indexer.main import CDXJIndexer

    class Indexer(CDXJIndexer):
        def _create_record_iter(self, input_):
            records = super()._create_record_iter(input_)
            records.the_iter = _as_stored(records.the_iter)
            return records

    data, idx = io.BytesIO(), io.StringIO()
    Indexer(
        output=idx,
        inputs=[str(p) for p in warcs],
        sort=True,
        compress=data,
        data_out_name="index.cdx.gz",
        lines=300,
        fields="referrer",
    ).process_all()
    return data.getvalue(), idx.getvalue().encode("utf-8")


def pages_jsonl(pages: list[Page]) -> bytes:
    """``pages/pages.jsonl``: the header line (``hasText`` when pages carry text), one line a page."""
    header: dict = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
    if any(p.text is not None for p in pages):
        header["hasText"] = True
    lines = [header] + [p.line() for p in pages]
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode("utf-8")


def start_urls(warcs: list[Path]) -> list[str]:
    """The crawls' start URLs, as their ``warcinfo`` records name them (``start-urls``), in order."""
    from warcio.archiveiterator import ArchiveIterator

    found: list[str] = []
    for path in warcs:
        try:
            with open(path, "rb") as fh:
                record = next(iter(ArchiveIterator(fh)), None)
                if record is None or record.rec_type != "warcinfo":
                    continue
                text = record.content_stream().read(1 << 16).decode("utf-8", "replace")
        except Exception:  # noqa: BLE001 - a damaged file names no start URL; the export reports it
            continue
        for line in text.splitlines():
            key, _, value = line.partition(":")
            if key.strip().lower() == "start-urls":
                found += [u for u in value.split() if u not in found]
    return found


def _host(url: str) -> str:
    host = (urlsplit(url).netloc or "").lower()
    return host[4:] if host.startswith("www.") else host


def _path_length(url: str) -> tuple[int, str]:
    parts = urlsplit(url)
    return len(parts.path.rstrip("/")) + len(parts.query), url


def main_page(html_pages: Collection[str], seeds: list[str], articles: set[str]) -> str | None:
    """The collection's home page: the first start URL captured as an HTML page, else the
    shortest-path HTML page (not an article) of a start URL's host, else of the host with most pages."""
    for url in seeds:
        for candidate in (url, url.rstrip("/") + "/", url.rstrip("/")):
            if candidate in html_pages:
                return candidate
    others = [u for u in html_pages if u not in articles] or list(html_pages)
    if not others:
        return None
    hosts = [_host(u) for u in seeds if any(_host(o) == _host(u) for o in others)]
    if not hosts:
        counts: dict[str, int] = {}
        for url in html_pages:
            counts[_host(url)] = counts.get(_host(url), 0) + 1
        hosts = [max(sorted(counts), key=lambda h: counts[h])]
    return min((u for u in others if _host(u) == hosts[0]), key=_path_length)


def _resource(path: str, data_or_file) -> dict:
    digest, size = hashlib.sha256(), 0
    if isinstance(data_or_file, bytes):
        digest.update(data_or_file)
        size = len(data_or_file)
    else:
        with open(data_or_file, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
    return {
        "name": os.path.basename(path),
        "path": path,
        "hash": "sha256:" + digest.hexdigest(),
        "bytes": size,
    }


def _member(zf: zipfile.ZipFile, name: str, data_or_file) -> None:
    """Store one member, ZIP64 in its local header exactly when its central entry needs it.

    zipfile writes the central entry's ZIP64 sizes when the size passes ``zipfile.ZIP64_LIMIT``; the
    local header gets them when ``force_zip64`` says so (its own guess, from ``file_size``, is left
    at 0 here: it would add ZIP64 to members a little under the limit, which the central entry lacks).
    """
    info = zipfile.ZipInfo(name, ZIP_DATE)
    info.compress_type = zipfile.ZIP_STORED
    source: BinaryIO
    if isinstance(data_or_file, bytes):
        size = len(data_or_file)
        source = io.BytesIO(data_or_file)
    else:
        size = os.path.getsize(data_or_file)
        source = open(data_or_file, "rb")  # noqa: SIM115 - closed below
    try:
        with zf.open(info, "w", force_zip64=size > zipfile.ZIP64_LIMIT) as dst:
            for block in iter(lambda: source.read(1 << 20), b""):
                dst.write(block)
    finally:
        source.close()


def archive_names(warcs: list[Path]) -> dict[str, Path]:
    """Member name (``archive/<name>``) -> WARC file. The index names a record's WARC by its base
    name, so two different files of one name cannot both go in: refused, naming both (the same file
    given twice is one file)."""
    names: dict[str, Path] = {}
    for path in map(Path, warcs):
        seen = names.setdefault(path.name, path)
        if seen != path and seen.resolve() != path.resolve():
            raise ArsipError(
                f"two WARC files named {path.name} ({seen} and {path}): a WACZ holds one file of each "
                "name (its index refers to WARCs by name); rename one, or export them separately"
            )
    return names


def write_wacz(
    warcs: list[Path],
    pages: list[Page],
    out: Path,
    title: str | None = None,
    main: Page | None = None,
) -> Path:
    """Package ``warcs`` and ``pages`` (``main``, the home page, first) as the WACZ ``out``."""
    names = archive_names(warcs)
    index, idx = build_index(list(names.values()))
    listed = ([main] if main else []) + [p for p in pages if not main or p.url != main.url]
    members: list[tuple[str, object]] = [(f"archive/{n}", p) for n, p in sorted(names.items())]
    members += [
        ("indexes/index.cdx.gz", index),
        ("indexes/index.idx", idx),
        ("pages/pages.jsonl", pages_jsonl(listed)),
    ]
    created = max((p.ts for p in listed), default="1980-01-01T00:00:00Z")
    package: dict = {
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        "software": SOFTWARE,
        "title": title or out.stem,
        "created": created,
        "modified": created,
        "resources": [_resource(name, data) for name, data in members],
    }
    if listed:
        package["mainPageUrl"], package["mainPageDate"] = listed[0].url, listed[0].ts
    package_bytes = json.dumps(package, indent=2).encode("utf-8")
    digest = {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest()}
    with replacing(out, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, data in members:
            _member(zf, name, data)
        _member(zf, "datapackage.json", package_bytes)
        _member(zf, "datapackage-digest.json", json.dumps(digest, indent=2).encode("utf-8"))
    return out

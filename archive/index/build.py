"""The CDXJ index of a collection (pywb's format), one sorted file: ``<coll>/indexes/index.cdxj``.

During a crawl the lines come from the writer's own offsets (no second read of the WARC);
``build_index`` re-reads WARC files with webrecorder's cdxj-indexer, and the tests prove both agree.
Lines are merged into the sorted file with a streaming merge, as pywb expects (byte order).
"""

from __future__ import annotations

import heapq
import io
import json
import re
from collections.abc import Iterable, Iterator, Set
from pathlib import Path

import surt
from warcio.timeutils import iso_date_to_timestamp

from archive.atomic import replacing
from archive.dates import warc_date_to_ts
from archive.errors import StorageError

INDEXED_TYPES = ("response", "revisit", "resource", "metadata")
INDEX_NAME = "index.cdxj"
_MIME_SPLIT = re.compile(r"[;\s]")


def _mime(rec_type: str, rec_headers, http_headers) -> str | None:
    if rec_type == "revisit":
        return "warc/revisit"
    source = http_headers if rec_type == "response" else rec_headers
    value = source.get_header("Content-Type") if source else None
    return _MIME_SPLIT.split(value, 1)[0].strip() if value else None


def url_key(url: str) -> str:
    """The SURT sort key, as cdxj-indexer computes it."""
    try:
        return surt.surt(url)
    except Exception:  # noqa: BLE001 - cdxj-indexer falls back to the raw URL too
        return url


def cdxj_line(written) -> str | None:
    """The index line of a record just written (an ``archive.warc.writer.Written``), or None if not indexed."""
    rec, http = written.rec_headers, written.http_headers
    rec_type = rec.get_header("WARC-Type")
    if rec_type not in INDEXED_TYPES:
        return None
    url = rec.get_header("WARC-Target-URI")
    fields = {
        "url": url,
        "mime": _mime(rec_type, rec, http),
        "status": http.get_statuscode() if http and rec_type in ("response", "revisit") else None,
        "digest": rec.get_header("WARC-Payload-Digest"),
        "length": str(written.length),
        "offset": str(written.offset),
        "filename": written.filename,
    }
    fields = {k: v for k, v in fields.items() if v is not None}
    timestamp = iso_date_to_timestamp(rec.get_header("WARC-Date"))
    return f"{url_key(url)} {timestamp} {json.dumps(fields)}\n"


def index_warc(path: Path, errors: list[str] | None = None) -> list[str]:
    """Index one WARC file with cdxj-indexer (default fields and records, basename as filename).

    A record whose WARC-Date is no date (``not-a-date``, year 0000) is left out and reported in
    ``errors``, naming the file, the offset and the URL; the rest of the file is indexed."""
    from cdxj_indexer.main import CDXJIndexer

    class Indexer(CDXJIndexer):
        def _write_line(self, out, index, record, filename):
            date = record.rec_headers.get_header("WARC-Date")
            if warc_date_to_ts(date) is None:
                url = record.rec_headers.get_header("WARC-Target-URI") or "-"
                message = f"{path.name}: record at offset {index.get('offset')} ({url}): WARC-Date {date!r} is not a date; not indexed"
                if errors is not None:
                    errors.append(message)
                return
            super()._write_line(out, index, record, filename)

    out = io.StringIO()
    Indexer(output=out, inputs=[str(path)]).process_all()
    return out.getvalue().splitlines(keepends=True)


def _read_lines(path: Path) -> Iterator[str]:
    if path.exists():
        with open(path, encoding="utf-8") as fh:
            yield from fh


def merge_into(
    index_path: Path,
    new_lines: Iterable[str],
    drop_files: Set[str] = frozenset(),
    runs: Iterable[Path] = (),
    keep_old: bool = True,
) -> int:
    """Merge lines into the sorted index file (atomically replaced); returns the number of lines.

    ``runs`` are files of lines already sorted (see :func:`write_run`), merged in as they stream.
    Lines of files named in ``drop_files`` are removed first, so re-indexing a file never duplicates;
    without ``keep_old`` none of the old lines is kept (a rebuild). The old file stays in place until
    the new one is whole.
    """
    index_path.parent.mkdir(parents=True, exist_ok=True)
    old = (
        (line for line in _read_lines(index_path) if not drop_files or _filename(line) not in drop_files)
        if keep_old
        else iter(())
    )
    count, previous = 0, None
    with replacing(index_path) as out:
        for line in heapq.merge(old, *map(_read_lines, runs), sorted(new_lines)):
            if line != previous:
                out.write(line)
                count += 1
            previous = line
    return count


RUN_SUFFIX = ".cdxj-run"  # not "*.cdxj": readers of the index must never take a run for an index


def write_run(directory: Path, name: str, lines: list[str]) -> Path:
    """Sort ``lines`` into a run file, so that a long crawl's index lines wait on disk, not in memory."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / (name + RUN_SUFFIX)
    try:
        with open(path, "w", encoding="utf-8") as out:
            out.writelines(sorted(lines))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def unindexed_files(warc_dir: Path, index_path: Path) -> list[Path]:
    """Closed WARC files of ``warc_dir`` of which the index names no record."""
    closed = {p.name: p for p in warc_dir.glob("*.warc.gz")} if warc_dir.is_dir() else {}
    if not closed:
        return []
    named = {_filename(line) for line in _read_lines(index_path)}
    return [path for name, path in sorted(closed.items()) if name not in named]


def _filename(line: str) -> str | None:
    try:
        return json.loads(line.split(" ", 2)[2]).get("filename")
    except (IndexError, ValueError):
        return None


def build_index(coll_dir: Path, errors: list[str] | None = None) -> int:
    """Rebuild ``<coll>/indexes/index.cdxj`` from every closed WARC in ``<coll>/warcs``: written
    aside and renamed over the old index, which stays whole if writing fails (a full disk raises
    :class:`StorageError`). Records left out are reported in ``errors`` (see :func:`index_warc`)."""
    lines: list[str] = []
    for warc in sorted((coll_dir / "warcs").glob("*.warc.gz")):
        lines.extend(index_warc(warc, errors))
    index_path = coll_dir / "indexes" / INDEX_NAME
    try:
        return merge_into(index_path, lines, keep_old=False)
    except OSError as exc:
        raise StorageError(
            f"cannot write {index_path}: {exc.strerror or exc}; the old index is unchanged"
        ) from None


def read_index(coll_dir: Path) -> Iterator[dict]:
    """Every entry of the collection's index files, as dicts with ``urlkey`` and ``timestamp`` added."""
    for path in sorted((coll_dir / "indexes").glob("*.cdxj")):
        for line in _read_lines(path):
            key, timestamp, data = line.rstrip("\n").split(" ", 2)
            yield {"urlkey": key, "timestamp": timestamp, **json.loads(data)}

"""The rotating writer, the digest store and the CDXJ index (proven equal to cdxj-indexer's)."""

from __future__ import annotations

import gzip
import re
import zlib
from datetime import UTC, datetime, timedelta

from warcio.archiveiterator import ArchiveIterator

from archive.index.build import build_index, cdxj_line, index_warc, merge_into, read_index
from archive.warc.dedup import DigestStore
from archive.warc.records import Exchange
from archive.warc.session import ArchiveSession
from archive.warc.writer import OPEN_SUFFIX, RotatingWarcWriter

NAME_RE = re.compile(r"^p-\d{17}-\d{5}-[\w.-]+\.warc\.gz$")


def exchange(n: int, body: bytes | None = None, status: int = 200, **extra) -> Exchange:
    body = body if body is not None else f"<html>page {n} ".encode() + bytes(range(256)) * 8
    values = {
        "response_headers": [(b"Content-Type", b"text/html; charset=utf-8")],
        "request_headers": [(b"User-Agent", b"t")],
        **extra,
    }
    return Exchange(url=f"http://example.com/p/{n}?q={n}", status=status, body=body, **values)


def test_rotation_naming_warcinfo_first_and_one_member_per_record(tmp_path):
    writer = RotatingWarcWriter(tmp_path, "p", {"seed": "s"}, max_size=2500)
    for n in range(12):
        response = writer.factory.response(exchange(n))
        written = writer.write(response, writer.factory.request(exchange(n), "<urn:uuid:r>"))
        assert (tmp_path / (written[0].filename + OPEN_SUFFIX)).exists()  # .open while writing
    writer.close()
    files = sorted(tmp_path.iterdir())
    assert len(files) > 2 and not list(tmp_path.glob("*.open"))
    assert all(NAME_RE.match(f.name) for f in files)
    for path in files:
        with open(path, "rb") as fh:
            it = ArchiveIterator(fh)
            kinds, offsets = [], []
            for record in it:
                kinds.append(record.rec_type)
                offsets.append(it.get_record_offset())
        assert kinds[0] == "warcinfo" and kinds.count("warcinfo") == 1
        # every record starts a new gzip member: decompressing from its offset yields a whole record
        data = path.read_bytes()
        for offset in offsets:
            inflater = zlib.decompressobj(31)
            assert inflater.decompress(data[offset:]).startswith(b"WARC/1.1\r\n") and inflater.eof
    assert b"seed: s\r\n" in gzip.decompress(files[0].read_bytes())


def test_digest_store_persists_across_opens(tmp_path):
    store = DigestStore(tmp_path / "dedup.sqlite")
    store.add_original("sha1:A", "http://x/1", "2024-01-01T00:00:00Z", "<urn:uuid:1>")
    store.add_original("sha1:A", "http://x/2", "2024-02-01T00:00:00Z", "<urn:uuid:2>")  # first wins
    store.saw("http://x/1", "sha1:A", "2024-01-01T00:00:00Z", '"e1"', "Mon, 01 Jan 2024 00:00:00 GMT")
    store.close()
    store = DigestStore(tmp_path / "dedup.sqlite")
    assert store.original("sha1:A").uri == "http://x/1"
    assert store.last_capture("http://x/1").etag == '"e1"'
    assert store.original("sha1:B") is None and store.last_capture("http://x/9") is None
    store.close()


def test_session_revisits_conditional_headers_and_index(tmp_path):
    coll = tmp_path / "coll"
    session = ArchiveSession(coll, "p", {"seed": "s"})
    session.open()
    first = session.capture(
        exchange(1, response_headers=[(b"Content-Type", b"text/html"), (b"ETag", b'"v1"')])
    )
    assert not first["revisit"]
    session.close()
    session = ArchiveSession(coll, "p", {"seed": "s"})
    session.open()
    assert session.conditional_headers("http://example.com/p/1?q=1") == {"If-None-Match": '"v1"'}
    later = exchange(1, date=datetime.now(UTC) + timedelta(seconds=2))
    second = session.capture(later)
    small = session.capture(exchange(2, body=b""))  # empty payloads are never deduplicated
    session.close()
    assert second["revisit"] and not small["revisit"]
    entries = list(read_index(coll))
    assert [e["mime"] for e in entries if e["url"].endswith("p/1?q=1")] == ["text/html", "warc/revisit"]


def test_writer_offsets_index_equals_cdxj_indexer(tmp_path):
    coll = tmp_path / "coll"
    session = ArchiveSession(coll, "p", {"seed": "s"}, max_size=20000)
    session.open()
    for n in range(30):
        session.capture(exchange(n % 20, status=200 if n % 7 else 404))
        if n % 5 == 0:
            session.write_conversion("<urn:uuid:x>", f"http://example.com/p/{n}", "teks")
    session.close()
    ours = (coll / "indexes" / "index.cdxj").read_text()
    theirs = sorted(line for warc in sorted((coll / "warcs").glob("*.warc.gz")) for line in index_warc(warc))
    assert ours == "".join(theirs)
    assert len(list((coll / "warcs").iterdir())) > 1
    assert build_index(coll) == len(theirs)
    assert (coll / "indexes" / "index.cdxj").read_text() == ours


def test_merge_is_sorted_and_never_duplicates(tmp_path):
    index = tmp_path / "index.cdxj"
    lines = ['b 2 {"filename": "f1"}\n', 'a 1 {"filename": "f1"}\n']
    merge_into(index, lines)
    merge_into(index, lines + ['c 3 {"filename": "f2"}\n'])
    assert index.read_text().splitlines() == [
        'a 1 {"filename": "f1"}',
        'b 2 {"filename": "f1"}',
        'c 3 {"filename": "f2"}',
    ]
    merge_into(index, [], drop_files={"f1"})
    assert index.read_text() == 'c 3 {"filename": "f2"}\n'


def test_cdxj_line_skips_unindexed_types(tmp_path):
    writer = RotatingWarcWriter(tmp_path, "p", {})
    written = writer.write(writer.factory.request(exchange(1), "<urn:uuid:r>"))
    writer.close()
    assert cdxj_line(written[0]) is None


# Run in a child: RLIMIT_FSIZE makes writes past the limit fail with EFBIG (Python ignores SIGXFSZ).
_PAIR_FAILS = """
import random, resource, sys
from archive.warc.writer import RotatingWarcWriter
from tests.test_warc_writer import exchange
writer = RotatingWarcWriter(sys.argv[1], "p", {}, max_size=10**9)
pairs = 0
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[2]), resource.RLIM_INFINITY))
try:
    for n in range(1000):
        # a small response, then a large request: the limit is crossed inside the second record
        ex = exchange(n, body=b"ok", method="POST", request_body=random.randbytes(6000))
        writer.write(writer.factory.response(ex), writer.factory.request(ex, "<urn:uuid:r%d>" % n))
        pairs += 1
except OSError as exc:
    print(pairs, exc.errno)
    try:
        writer.write(writer.factory.response(exchange(0, body=b"x")))  # would fit: refused anyway
    except OSError:
        print("refused")
writer.close()
"""


def test_a_failed_write_leaves_whole_pairs_only_and_stops_writing(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", _PAIR_FAILS, str(tmp_path), "40000"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    pairs, errno_, refused = done.stdout.split()
    assert int(pairs) > 0 and int(errno_) == 27 and refused == "refused"  # EFBIG, then no more writes
    (path,) = tmp_path.glob("*.warc.gz")
    with open(path, "rb") as fh:
        types = [record.rec_type for record in ArchiveIterator(fh)]
    assert types == ["warcinfo"] + ["response", "request"] * int(pairs)


def test_a_closed_file_the_index_misses_is_indexed_by_the_next_session(tmp_path):
    """A crawl that closed its WARC but could not merge the index (disk full at the end)."""
    coll = tmp_path / "coll"
    session = ArchiveSession(coll, "p", {})
    session.open()
    session.capture(exchange(1))
    session._lines = []  # as if the merge had failed
    session.close()
    assert not list(read_index(coll))
    session = ArchiveSession(coll, "p", {})
    session.open()
    session.close()
    (warc,) = (coll / "warcs").glob("*.warc.gz")
    assert list(read_index(coll)) and [line for line in index_warc(warc)] == (
        coll / "indexes" / "index.cdxj"
    ).read_text().splitlines(keepends=True)


def test_index_lines_wait_in_sorted_runs_and_merge_equal_to_cdxj_indexer(tmp_path, monkeypatch):
    import archive.warc.session

    monkeypatch.setattr(archive.warc.session, "SPILL_LINES", 4)
    coll = tmp_path / "coll"
    session = ArchiveSession(coll, "p", {})
    session.open()
    for n in range(25, 0, -1):  # reverse order: the runs really need sorting and merging
        session.capture(exchange(n))
    assert len(list((coll / "indexes").glob("*.cdxj-run"))) == 6 and len(session._lines) == 1
    session.close()
    assert not list((coll / "indexes").glob("*.cdxj-run"))
    (warc,) = (coll / "warcs").glob("*.warc.gz")
    assert (coll / "indexes" / "index.cdxj").read_text().splitlines(keepends=True) == sorted(index_warc(warc))

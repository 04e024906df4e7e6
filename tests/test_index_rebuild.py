"""``arsip index``: the old index stays until the new one is whole, and a record with a bad
WARC-Date is reported and left out while the rest of its file is indexed."""

from __future__ import annotations

import resource
import subprocess
import sys
from io import BytesIO
from pathlib import Path

from test_replay_archive import BASE, build_archive
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.index.build import build_index, read_index

ROOT = Path(__file__).resolve().parent.parent


def arsip_limited(*args: str, fsize: int | None = None) -> subprocess.CompletedProcess:
    """``arsip ARGS`` in a child whose files may not grow past ``fsize`` bytes (RLIMIT_FSIZE)."""

    def limit():
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
    )


def test_a_failed_rebuild_keeps_the_old_index(tmp_path):
    coll = build_archive(tmp_path / "data", "demo")
    index = coll / "indexes" / "index.cdxj"
    old = index.read_bytes()
    assert len(old) > 1000
    done = arsip_limited("index", "--data", str(tmp_path / "data"), "-c", "demo", fsize=len(old) // 2)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("arsip index: error: ")
    assert "File too large" in done.stderr
    assert index.read_bytes() == old  # the old index still answers replay
    assert sorted(p.name for p in index.parent.iterdir()) == ["index.cdxj"]  # no temporary file left


def test_a_rebuild_replaces_the_index_whole(tmp_path):
    coll = build_archive(tmp_path / "data", "demo")
    index = coll / "indexes" / "index.cdxj"
    old = index.read_bytes()
    index.write_text("stale line that no WARC holds\n")
    assert build_index(coll) == len(old.splitlines())
    assert index.read_bytes() == old


def _response(writer: WARCWriter, url: str, date: str) -> None:
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url,
        "response",
        payload=BytesIO(b"<p>x</p>"),
        http_headers=http,
        warc_headers_dict={"WARC-Date": date},
    )
    writer.write_record(record)


def test_bad_warc_dates_are_reported_and_the_rest_indexed(tmp_path):
    coll = build_archive(tmp_path / "data", "demo")
    with open(coll / "warcs" / "dates.warc.gz", "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        _response(writer, BASE + "/good-1/", "2024-03-02T10:00:00Z")
        _response(writer, BASE + "/not-a-date/", "not-a-date")
        _response(writer, BASE + "/year-zero/", "0000-01-01T00:00:00Z")
        _response(writer, BASE + "/month-13/", "2024-13-01T00:00:00Z")
        _response(writer, BASE + "/good-2/", "2024-03-03T10:00:00Z")
    errors: list[str] = []
    build_index(coll, errors)
    urls = {entry["url"] for entry in read_index(coll)}
    assert {BASE + "/good-1/", BASE + "/good-2/", BASE + "/artikel-satu/"} <= urls
    assert not urls & {BASE + "/not-a-date/", BASE + "/year-zero/", BASE + "/month-13/"}
    assert len(errors) == 3
    assert all(e.startswith("dates.warc.gz: record at offset ") for e in errors)
    assert "WARC-Date 'not-a-date' is not a date" in errors[0] and BASE + "/not-a-date/" in errors[0]
    assert "'0000-01-01T00:00:00Z'" in errors[1]

    done = arsip_limited("index", "--data", str(tmp_path / "data"), "-c", "demo")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("arsip index: warning: ")]
    assert len(warnings) == 3 and "not-a-date" in warnings[0]
    assert "demo: " in done.stdout and "index lines" in done.stdout

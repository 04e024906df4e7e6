"""Decompression bombs in an archive: a 1 MB gzip body that inflates to 1 GiB, archived as served.

The crawl refuses such a page (32 MB, decompressed size included) but its capture middleware has
already written the response to the WARC, as served. Every reader of archived bodies inflates with
the same cap (``archive/warc/payload.py``, ``MAX_BODY_BYTES``) and reports the record instead:
export carries on with the other articles, replay answers a clear error, check warns, and no process
holds more than the cap in memory.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from test_replay_archive import BASE, build_archive, index_collection
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.warc.payload import MAX_BODY_BYTES
from archive.warc.reader import read_at

ROOT = Path(__file__).resolve().parent.parent
GIB = 1 << 30
BOMB_URL = BASE + "/bom/"
BOMB_DATE = "2024-03-05T10:00:00Z"
RSS_BOUND_KB = 600 * 1024  # generous: the interpreter and its imports plus the 32 MB cap, not 1 GiB


def gzip_of_zeros(size: int) -> bytes:
    """A gzip stream of ``size`` zero bytes (about size / 1000 bytes long), made without holding them."""
    out, packer, block = BytesIO(), zlib.compressobj(9, zlib.DEFLATED, 31), bytes(1 << 20)
    for _ in range(size // len(block)):
        out.write(packer.compress(block))
    out.write(packer.flush())
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb_body() -> bytes:
    return gzip_of_zeros(GIB)


@pytest.fixture
def data(tmp_path, bomb_body):
    """The hand-built archive plus ``bomb.warc.gz``: an HTML response whose gzip body inflates to 1 GiB."""
    coll = build_archive(tmp_path / "data", "demo")
    with open(coll / "warcs" / "bomb.warc.gz", "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record("bomb.warc.gz", {"software": "test"}))
        headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Encoding", "gzip"),
            ("Content-Length", str(len(bomb_body))),
        ]
        http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
        response = writer.create_warc_record(
            BOMB_URL,
            "response",
            payload=BytesIO(bomb_body),
            http_headers=http,
            warc_headers_dict={"WARC-Date": BOMB_DATE},
        )
        writer.write_record(response)
        request = writer.create_warc_record(
            BOMB_URL,
            "request",
            payload=BytesIO(b""),
            warc_headers_dict={
                "WARC-Date": BOMB_DATE,
                "WARC-Concurrent-To": response.rec_headers["WARC-Record-ID"],
            },
            http_headers=StatusAndHeaders(
                "GET /bom/ HTTP/1.1", [("Host", "news.test")], is_http_request=True
            ),
        )
        writer.write_record(request)
    (coll / "indexes" / "index.cdxj").unlink()
    index_collection(coll)
    return tmp_path / "data"


def run_measured(*args: str, timeout: float = 120) -> tuple[int, str, str, int]:
    """``arsip ARGS`` in a child process: (exit status, stdout, stderr, its own peak RSS in kB),
    the peak from ``os.wait4`` (that child's rusage, not RUSAGE_CHILDREN's maximum over every
    child this test process ever reaped)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", *args], cwd=ROOT, stdout=out, stderr=err, text=True
        )
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                raise AssertionError(f"arsip {' '.join(args)} took more than {timeout} s")
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return proc.returncode, out.read(), err.read(), usage.ru_maxrss


def bomb_offset(data: Path) -> int:
    from archive.index.build import read_index

    return next(int(e["offset"]) for e in read_index(data / "demo") if e["url"] == BOMB_URL)


def test_reader_refuses_the_bomb_naming_the_record(data):
    from archive.warc.payload import BodyTooLarge

    offset = bomb_offset(data)
    with pytest.raises(BodyTooLarge) as caught:
        read_at(data / "demo" / "warcs" / "bomb.warc.gz", offset)
    assert f"bomb.warc.gz at offset {offset}" in str(caught.value)
    assert f"{MAX_BODY_BYTES >> 20} MB" in str(caught.value)


def test_export_reports_the_bomb_carries_on_and_stays_small(data, tmp_path):
    out = tmp_path / "out"
    code, stdout, stderr, peak = run_measured("export", "--data", str(data), "-c", "demo", "--out", str(out))
    assert code == 1, stdout + stderr
    assert "Traceback" not in stderr
    offset = bomb_offset(data)
    assert f"warning: bomb.warc.gz at offset {offset}: payload decodes to more than 32 MB" in stderr
    assert "2 articles" in stdout  # the good articles beside it are exported
    assert peak < RSS_BOUND_KB, f"export peaked at {peak // 1024} MB"


def test_wacz_export_and_index_stay_small(data, tmp_path):
    out = tmp_path / "out"
    code, stdout, stderr, peak = run_measured(
        "export", "--data", str(data), "-c", "demo", "--out", str(out), "--format", "wacz"
    )
    assert code == 1 and (out / "demo.wacz").is_file(), stdout + stderr
    assert peak < RSS_BOUND_KB, f"WACZ export peaked at {peak // 1024} MB"
    code, stdout, stderr, peak = run_measured("index", "--data", str(data), "-c", "demo")
    assert code == 0, stdout + stderr
    assert peak < RSS_BOUND_KB, f"index peaked at {peak // 1024} MB"


def test_check_warns_about_the_bomb_within_bounds(data):
    code, stdout, stderr, peak = run_measured("check", str(data / "demo" / "warcs" / "bomb.warc.gz"))
    assert code == 0, stdout + stderr  # a valid record: a warning, not a failure
    assert "WARN" in stdout and "decodes to more than 32 MB" in stdout
    assert peak < RSS_BOUND_KB, f"check peaked at {peak // 1024} MB"


@pytest.mark.parametrize("mod", ["", "id_", "mp_"])
def test_replay_answers_an_error_for_the_bomb_and_serves_the_rest(data, mod):
    """``id_`` too: its raw bytes would be the bomb itself, for the visitor's browser to inflate;
    the crawl refused the page, so replay does not serve it in any form."""
    from test_replay_archive import fetch, serve

    from archive.replay.server import make_app

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with serve(make_app(data)) as base:
        status, _, body = fetch(f"{base}/demo/20240305100000{mod}/{BOMB_URL}")
        assert status == 500
        text = body.decode("utf-8", "replace")
        assert "decodes to more than 32 MB" in text and "bomb.warc.gz" in text and BOMB_URL in text
        assert len(body) < 10_000
        assert str(data) not in text
        status, _, body = fetch(f"{base}/demo/2024{mod}/{BASE}/artikel-dua/")
        assert status == 200 and b"Artikel Dua" in body
        status, _, body = fetch(f"{base}/demo/text/20240305100000/{BOMB_URL}")
        assert status == 500 and b"decodes to more than 32 MB" in body
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown < 200 * 1024, f"replay grew by {grown // 1024} MB"

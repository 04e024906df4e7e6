"""Replay server: real aiohttp server on loopback over a real WARC + CDXJ collection."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_replay_archive import BASE, LOGO, build_archive, fetch, serve

from archive.replay.server import make_app


@pytest.fixture(scope="module")
def replay(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    build_archive(data, "demo")
    (data / "demo" / "articles.jsonl").write_text(
        "".join(
            json.dumps(a) + "\n"
            for a in [
                {
                    "url": BASE + "/artikel-satu/",
                    "title": "Artikel Satu Tentang Banjir",
                    "published": "2024-03-01T08:00:00+07:00",
                },
                {
                    "url": BASE + "/artikel-dua/",
                    "title": "Artikel Dua Tentang Pemilu",
                    "published": "2024-03-01T08:00:00+07:00",
                },
            ]
        )
    )
    (data / "secret").mkdir()
    (data.parent / "outside.txt").write_text("secret")
    with serve(make_app(data)) as base:
        yield base


def test_collections_and_listing(replay):
    status, _, body = fetch(replay + "/")
    assert status == 200 and b'href="/demo/"' in body
    status, _, body = fetch(replay + "/demo/")
    assert b"Artikel Satu Tentang Banjir" in body and b"2 article(s)" in body
    row = body.split(b"Artikel Satu Tentang Banjir")[1].split(b"</tr>")[0]
    assert b">2</a>" in row  # two captures: the response and its revisit
    assert b"1 article(s)" in fetch(replay + "/demo/?q=pemilu")[2]
    assert b"1 article(s)" in fetch(replay + "/demo/?q=http://news.test/artikel-s")[2]
    assert b"0 article(s)" in fetch(replay + "/demo/?q=gempa")[2]


def test_closest_capture_is_rewritten_and_sandboxed(replay):
    status, headers, body = fetch(f"{replay}/demo/20240302/{BASE}/artikel-dua/")
    assert status == 200
    assert headers["Memento-Datetime"] == "Fri, 01 Mar 2024 10:00:00 GMT"
    assert 'rel="memento"' in headers["Link"] and 'rel="original"' in headers["Link"]
    csp = headers["Content-Security-Policy"]
    assert csp.startswith("sandbox;") and "allow-same-origin" not in csp and "script-src 'none'" in csp
    text = body.decode()
    assert 'href="/demo/20240301100000/http://news.test/artikel-satu/"' in text
    assert 'href="/demo/20240301100000/http://news.test/style.css"' in text
    assert 'srcset="/demo/20240301100000/http://news.test/logo.png 1x, ' in text
    assert 'id="arsip-banner"' in text and "capture 1 of 2" in text
    assert "Content-Encoding" not in headers and "Transfer-Encoding" not in headers


def test_gzip_body_is_decoded_and_cookies_are_not_set(replay):
    status, headers, body = fetch(f"{replay}/demo/2024/{BASE}/")
    assert status == 200 and b"Beranda" in body and "Set-Cookie" not in headers
    assert headers["X-Archive-Orig-Set-Cookie"] == "sid=1"


def test_revisit_replays_the_original_payload(replay):
    status, headers, body = fetch(f"{replay}/demo/20240308100000/{BASE}/artikel-satu/")
    assert status == 200 and headers["Memento-Datetime"] == "Fri, 08 Mar 2024 10:00:00 GMT"
    assert b"Artikel Satu Tentang Banjir" in body and b"capture 2 of 2" in body


def test_redirect_replays_as_archive_redirect(replay):
    status, headers, _ = fetch(f"{replay}/demo/20240301100000/{BASE}/lama/", follow=False)
    assert status == 301
    assert headers["Location"] == "/demo/20240301100000/http://news.test/artikel-satu/"


def test_css_and_raw_resources(replay):
    _, headers, css = fetch(f"{replay}/demo/20240301100000/{BASE}/style.css")
    assert b"url('/demo/20240301100000/http://news.test/logo.png')" in css
    assert b'@import "/demo/20240301100000/http://news.test/more.css"' in css
    assert fetch(f"{replay}/demo/20240301100000/{BASE}/logo.png")[2] == LOGO
    raw = fetch(f"{replay}/demo/20240301100000id_/{BASE}/artikel-dua/")[2]
    assert b'href="/artikel-satu/"' in raw and b"arsip-banner" not in raw


def test_captures_allow_cross_origin_reads_from_the_sandboxed_page(replay):
    # a sandboxed page's origin is opaque: its fonts and crossorigin loads need CORS to the server
    for path in ("/logo.png", "/style.css", "/artikel-satu/"):
        _, headers, _ = fetch(f"{replay}/demo/20240301100000/{BASE}{path}")
        assert headers["Access-Control-Allow-Origin"] == "*"


def test_never_captured_gives_404_with_nearest(replay):
    status, _, body = fetch(f"{replay}/demo/2024/{BASE}/artikel-tiga/")
    assert status == 404 and b"Not in the archive" in body
    assert b"/demo/20240301100000/http://news.test/lama/" in body


def test_timemap_timegate_and_cdx(replay):
    status, headers, body = fetch(f"{replay}/demo/timemap/link/{BASE}/artikel-satu/")
    assert status == 200 and headers["Content-Type"].startswith("application/link-format")
    assert body.decode().count('rel="memento"') == 2
    status, headers, _ = fetch(
        f"{replay}/demo/{BASE}/artikel-dua/",
        follow=False,
        headers={"Accept-Datetime": "Sat, 02 Mar 2024 00:00:00 GMT"},
    )
    assert status == 302 and headers["Location"] == "/demo/20240301100000/http://news.test/artikel-dua/"
    _, _, body = fetch(f"{replay}/demo/cdx?url={BASE}/artikel-dua/&output=json")
    rows = [json.loads(line) for line in body.decode().splitlines()]
    assert [r["timestamp"] for r in rows] == ["20240301100000", "20240308100000"]
    assert {"urlkey", "url", "mime", "status", "digest", "offset", "length", "filename"} <= set(rows[0])
    _, _, body = fetch(f"{replay}/demo/cdx?url={BASE}/artikel&matchType=prefix&output=json&limit=1")
    assert len(body.splitlines()) == 1


def test_clean_text(replay):
    status, headers, body = fetch(f"{replay}/demo/text/2024/{BASE}/artikel-satu/")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    lines = body.decode().splitlines()
    assert lines[0] == "Artikel Satu Tentang Banjir"
    assert "Hak cipta" not in body.decode()


@pytest.mark.parametrize(
    "path", ["/..%2Fsecret/", "/secret/", "/demo/2024/file:///etc/passwd", "/%2e%2e/outside.txt", "/DEMO/"]
)
def test_paths_cannot_escape_the_data_dir(replay, path):
    status, _, body = fetch(replay + path)
    assert status == 404 and body.strip() != b"secret"


ROOT = Path(__file__).resolve().parent.parent


def start_replay(data: Path, workers: int) -> tuple[subprocess.Popen, str, list[str]]:
    """``arsip replay --port 0`` in a process group of its own: (process, base URL, worker pids)."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "crawler.cli",
            "replay",
            "--data",
            str(data),
            "--port",
            "0",
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    line = proc.stdout.readline()
    assert f"{workers} worker processes" in line, line + proc.stderr.read()
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    return proc, line.split(" at ", 1)[1].split("/ ", 1)[0], children


def alive(pid: str) -> bool:
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "zombie" not in status.read_text()


def test_replay_command_serves_from_several_worker_processes_and_stops_them_all(tmp_path):
    build_archive(tmp_path, "demo")
    proc, base, children = start_replay(tmp_path, 3)
    try:
        assert len(children) == 2
        for _ in range(20):  # whichever process accepts, the answer is the same
            status, _, body = fetch(f"{base}/demo/20240302/{BASE}/artikel-dua/")
            assert status == 200 and b"Artikel Dua Tentang Pemilu" in body and b'href="/demo/2024' in body
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        assert not [pid for pid in children if alive(pid)]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def test_replay_workers_exit_when_the_server_is_killed_outright(tmp_path):
    build_archive(tmp_path, "demo")
    proc, base, children = start_replay(tmp_path, 2)
    try:
        assert fetch(f"{base}/demo/")[0] == 200
        proc.kill()  # SIGKILL to the parent alone: no clean-up runs there
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in children if alive(pid)]
    finally:
        for pid in children:
            if alive(pid):
                os.kill(int(pid), signal.SIGKILL)

"""Archived headers never act in the browser: replay keeps the body's type (and encoding), rewrites
Location, adds its own CSP, Memento and CORS headers, and shows every other archived header as
``X-Archive-Orig-<name>``. A control character in an archived header is escaped by replay and
warned about (not failed) by ``arsip check``. The WARC is written by hand with warcio."""

from __future__ import annotations

import http.client
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from test_replay_archive import BASE, _write, index_collection, serve
from warcio.warcwriter import WARCWriter

from archive.replay.server import make_app
from archive.warc.check import check_file
from crawler.cli import main

DATE = "2024-03-01T10:00:00Z"
HOSTILE = [
    ("Date", "Fri, 01 Mar 2024 10:00:00 GMT"),
    ("Server", "nginx/1.2"),
    ("ETag", '"abc"'),
    ("Last-Modified", "Thu, 29 Feb 2024 10:00:00 GMT"),
    ("Access-Control-Allow-Origin", "https://evil.test"),
    ("Content-Disposition", "attachment; filename=page.html"),
    ("Clear-Site-Data", '"*"'),
    ("Service-Worker-Allowed", "/"),
    ("Permissions-Policy", "camera=()"),
    ("Set-Cookie", "sid=1"),
    ("Content-Security-Policy", "default-src *"),
    ("Refresh", "0; url=https://evil.test/"),
    ("X-Frame-Options", "DENY"),
    ("Cache-Control", "max-age=99999"),
    ("Link", "<https://evil.test/x.css>; rel=preload"),
]
PAGE = b"<html><head><title>Berita</title></head><body><p>isi</p></body></html>"


def build(data: Path) -> Path:
    coll = data / "hdr"
    (coll / "warcs").mkdir(parents=True)
    (coll / "indexes").mkdir()
    html = [("Content-Type", "text/html; charset=utf-8")]
    with open(coll / "warcs" / "hdr.warc.gz", "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        w.write_record(w.create_warcinfo_record("hdr.warc.gz", {"software": "test"}))
        _write(w, BASE + "/hostile/", DATE, "200 OK", html + HOSTILE, PAGE, gzip_body=True)
        _write(
            w,
            BASE + "/ctl/",
            DATE,
            "200 OK",
            html + [("X-Ctl", "a\x01b"), ("X-Del", "c\x7fd"), ("Bad Name", "x")],
            PAGE,
        )
        _write(w, BASE + "/raw.bin", DATE, "200 OK", [("Content-Type", "application/x-thing")], b"\x00\x01")
        _write(w, BASE + "/moved/", DATE, "302 Found", html + [("Location", "/hostile/")], b"")
    index_collection(coll)
    return coll


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    data = tmp_path_factory.mktemp("hdr")
    coll = build(data)
    with serve(make_app(data)) as base:
        yield base, coll


def get(base: str, path: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """A raw GET (http.client, no redirects): status, headers in order, body."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
    response = conn.getresponse()
    body = response.read()
    headers = response.getheaders()
    conn.close()
    return response.status, headers, body


def names(headers: list[tuple[str, str]]) -> set[str]:
    return {k.lower() for k, _ in headers}


def test_archived_headers_are_shown_under_the_archive_prefix(archive):
    base, _ = archive
    status, headers, body = get(base, f"/hdr/20240301100000/{BASE}/hostile/")
    assert status == 200 and b"Berita" in body
    got = dict(headers)
    for name, value in HOSTILE:
        assert got.get(f"X-Archive-Orig-{name}") == value, name
    own = {"access-control-allow-origin", "link", "date", "server", "content-security-policy"}
    acting = {n.lower() for n, _ in HOSTILE} - own
    assert not acting & names(headers)
    # replay's own: its date and server, the one CORS answer for the sandboxed page, its CSP and links
    assert got["Access-Control-Allow-Origin"] == "*"
    assert got["Content-Security-Policy"].startswith("sandbox;")
    assert [v for k, v in headers if k.lower() == "content-security-policy"] == [
        got["Content-Security-Policy"]
    ]
    assert 'rel="memento"' in got["Link"] and "evil.test" not in got["Link"]
    assert "nginx" not in got.get("Server", "")
    assert got["Content-Type"] == "text/html; charset=utf-8"
    assert got["Content-Length"] == str(len(body))  # the length of the body served (decoded, rewritten)
    assert got["X-Archive-Orig-Content-Encoding"] == "gzip" and "content-encoding" not in names(headers)


def test_raw_mode_prefixes_the_archived_headers_too(archive):
    base, _ = archive
    status, headers, body = get(base, f"/hdr/20240301100000id_/{BASE}/hostile/")
    got = dict(headers)
    assert status == 200 and body == PAGE
    assert got["X-Archive-Orig-Server"] == "nginx/1.2" and "Content-Disposition" not in got


def test_a_control_character_in_a_header_is_escaped_not_fatal(archive):
    base, _ = archive
    status, headers, body = get(base, f"/hdr/20240301100000/{BASE}/ctl/")
    got = dict(headers)
    assert status == 200 and b"Berita" in body
    assert got["X-Archive-Orig-X-Ctl"] == "a\\x01b" and got["X-Archive-Orig-X-Del"] == "c\\x7fd"
    assert not [k for k in got if "Bad" in k]  # a name that is no HTTP token is dropped


def test_location_is_rewritten_and_other_types_pass(archive):
    base, _ = archive
    status, headers, _ = get(base, f"/hdr/20240301100000/{BASE}/moved/")
    assert status == 302 and dict(headers)["Location"] == "/hdr/20240301100000/http://news.test/hostile/"
    status, headers, body = get(base, f"/hdr/20240301100000/{BASE}/raw.bin")
    assert status == 200 and body == b"\x00\x01"
    assert dict(headers)["Content-Type"] == "application/x-thing"


def test_check_warns_about_the_control_character_and_passes(archive, capsys):
    _, coll = archive
    report = check_file(coll / "warcs" / "hdr.warc.gz")
    assert report.ok, report.problems
    messages = [message for _, message in report.warnings]
    assert len(messages) == 2 and all("control character" in m for m in messages)
    assert "'X-Ctl'" in messages[0] and "'X-Del'" in messages[1]
    assert main(["check", str(coll)]) == 0
    out = capsys.readouterr().out
    assert "WARN " in out and "X-Ctl" in out and "1 of 1 files passed" in out

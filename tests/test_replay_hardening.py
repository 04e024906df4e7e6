"""Replay tells a visitor nothing about the machine (issue 14, item 16): the TimeMap's links never
echo the request's Host header, and 404 pages never name the data directory."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest
from test_replay_archive import BASE, build_archive, fetch, serve

from archive.replay.server import make_app

EVIL = "evil.example:666"


@pytest.fixture(scope="module")
def replay(tmp_path_factory):
    data = tmp_path_factory.mktemp("secret-data-dir")
    build_archive(data, "demo")
    with serve(make_app(data)) as base:
        yield base, data


def get_with_host(base: str, path: str, host: str) -> tuple[int, dict, bytes]:
    """A GET whose Host header says ``host`` (as a client, or a proxy forwarding it, may send)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("GET", path, headers={"Host": host})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), body


def test_the_timemap_never_echoes_the_host_header(replay):
    base, _ = replay
    status, headers, body = get_with_host(base, f"/demo/timemap/link/{BASE}/artikel-satu/", EVIL)
    assert status == 200, body
    text = body.decode()
    assert "evil.example" not in text
    assert text.count('rel="memento"') == 2
    targets = [line.split(">", 1)[0].lstrip("<") for line in text.split(",\n")]
    assert targets[0] == BASE + "/artikel-satu/"  # the original: the archived URL itself
    assert all(t.startswith("/demo/") for t in targets[1:]), targets  # relative to the TimeMap's server
    assert "evil.example" not in str(headers)


@pytest.mark.parametrize(
    "path",
    [
        "/nosuch/",
        "/nosuch/2024/http://news.test/",
        "/nosuch/timemap/link/http://news.test/",
        "/demo/2024/http://news.test/never-captured/",
        "/demo/timemap/link/http://news.test/never-captured/",
        "/demo/text/2024/http://news.test/never-captured/",
        "/demo/*/http://news.test/never-captured/",
        "/Bad..Name/",
    ],
)
def test_404_pages_never_name_the_data_directory(replay, path):
    base, data = replay
    status, _, body = fetch(base + path)
    assert status == 404
    text = body.decode("utf-8", "replace")
    assert str(data) not in text and "secret-data-dir" not in text and str(data.parent) not in text

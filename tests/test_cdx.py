"""The CDX server API on the hand-built archive, without pywb (``test_cdx_pywb.py`` compares it
with pywb itself): parameters, filters, fields, outputs and refusals."""

from __future__ import annotations

import json

import pytest
from test_replay_archive import BASE, build_archive, fetch, serve

from archive.index import cdx
from archive.index.query import CdxjIndex
from archive.replay.server import make_app


@pytest.fixture(scope="module")
def replay(tmp_path_factory):
    data = tmp_path_factory.mktemp("cdx")
    build_archive(data, "demo")
    with serve(make_app(data)) as base:
        yield base + "/demo/cdx?"


def rows(replay: str, query: str) -> list[dict]:
    status, headers, body = fetch(replay + query + "&output=json")
    assert status == 200 and headers["Content-Type"].startswith("text/x-ndjson")
    return [json.loads(line) for line in body.decode().splitlines()]


def test_search_ranges_are_pywbs():
    assert cdx.search_range("http://example.com/path/file.html", "exact") == (
        "com,example)/path/file.html",
        "com,example)/path/file.html!",
    )
    assert cdx.search_range("http://example.com/path/", "prefix") == (
        "com,example)/path/",
        "com,example)/path0",
    )
    assert cdx.search_range("http://example.com/path?", "prefix") == (
        "com,example)/path?",
        "com,example)/path@",
    )
    assert cdx.search_range("http://example.com/x", "host") == ("com,example)/", "com,example*")
    assert cdx.search_range("http://example.com/x", "domain") == ("com,example)/", "com,example-")
    assert cdx.search_range("com", "domain") == ("com,", "com-")


def test_rows_look_like_pywbs_index(replay):
    got = rows(replay, f"url={BASE}/artikel-satu/")
    assert [r["timestamp"] for r in got] == ["20240301100000", "20240308100000"]
    assert list(got[0])[:2] == ["urlkey", "timestamp"]
    assert all(not r["digest"].startswith("sha1:") for r in got)
    assert got[0]["status"] == "200" and "status" not in got[1]  # a revisit has no status


def test_filters_fields_and_outputs(replay):
    host = "url=news.test/&matchType=host"
    assert {r["mime"] for r in rows(replay, host + "&filter=mime:text/css")} == {"text/css"}
    assert all(r["mime"] != "text/html" for r in rows(replay, host + "&filter=!=mimetype:text/html"))
    assert [r["url"] for r in rows(replay, host + r"&filter=~url:.*\.png$")] == [BASE + "/logo.png"]
    assert len(rows(replay, host + "&filter==status:301&filter=~url:.*lama")) == 1
    assert len(rows(replay, host + "&filter=~.*revisit")) == 1  # no field: the whole row
    _, _, body = fetch(replay + host + "&output=text&fl=timestamp,status,nofield&limit=2")
    assert body.decode().splitlines() == ["20240301100000 200 -", "20240301100000 200 -"]
    _, headers, body = fetch(replay + f"url={BASE}/artikel-dua/&output=link")
    assert headers["Content-Type"].startswith("application/link-format")
    assert body.decode() == (
        f'<{BASE}/artikel-dua/>; rel="memento"; datetime="Fri, 01 Mar 2024 10:00:00 GMT"; collection="demo",\n'
        f'<{BASE}/artikel-dua/>; rel="memento"; datetime="Fri, 08 Mar 2024 10:00:00 GMT"; collection="demo"\n'
    )
    _, headers, body = fetch(replay + f"url={BASE}/artikel-dua/&fl=url")
    assert headers["Content-Type"].startswith("text/x-cdxj")
    assert body.decode().startswith('test,news)/artikel-dua 20240301100000 {"url": ')


def test_order_and_time(replay):
    host = "url=news.test/&matchType=host"
    assert [r["timestamp"] for r in rows(replay, f"url={BASE}/artikel-dua/&closest=20240307")] == [
        "20240308100000",
        "20240301100000",
    ]
    last = rows(replay, host + "&sort=reverse&limit=1")
    assert len(last) == 1 and last[0]["url"] == BASE + "/style.css"
    assert len(rows(replay, host + "&from=202403050000&to=2024")) == 2
    prefix = {r["url"] for r in rows(replay, f"url={BASE}/artikel*")}
    assert prefix == {BASE + "/artikel-satu/", BASE + "/artikel-dua/"}
    assert rows(replay, f"url={BASE}/artikel/&matchType=prefix") == []  # the slash is kept
    resolved = rows(replay, f"url={BASE}/artikel-satu/&resolveRevisits=1")
    assert resolved[1]["mime"] == "text/html" and resolved[1]["orig.offset"] == resolved[0]["offset"]


@pytest.mark.parametrize(
    "query, message",
    [
        ("output=json", 'The "url" param is required'),
        ("url=news.test/&output=xml", "output=xml not supported"),
        ("url=news.test/&matchType=near", "Invalid match_type: near"),
        ("url=news.test/&limit=ten", "whole numbers"),
        ("url=news.test/&filter=~url:(", "bad filter regex"),
    ],
)
def test_bad_queries_are_400(replay, query, message):
    status, _, body = fetch(replay + query)
    assert status == 400 and message in body.decode()


def test_query_without_a_server(tmp_path):
    index = CdxjIndex(build_archive(tmp_path) / "indexes")
    query = cdx.CdxQuery.parse({"url": "*.test", "fl": "url"}, ["mime:image"])
    assert list(cdx.render(cdx.run(index, query), query, "demo")) == [
        'test,news)/logo.png 20240301100000 {"url": "http://news.test/logo.png"}\n'
    ]

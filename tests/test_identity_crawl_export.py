"""Crawl and export agree on what is an article and on its key (issue 15), end to end: a small
WordPress-like site is crawled by `arsip crawl` without a url_pattern, then `arsip export` re-extracts
the WARCs; both keep the same articles under the same canonical URLs and file names."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.crawl_helpers import arsip, write_seed

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "extraction"
PROSE = "A page without any article signal, long enough to be an article by its text alone. " * 8


def _page(title: str, body: str, body_class: str = "", head: str = "") -> bytes:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
        f'<body class="{body_class}"><main><article><h1 class="entry-title">{title}</h1>'
        f'<div class="entry-content">{body}</div></article></main></body></html>'
    ).encode()


def _site() -> dict[str, tuple[int, bytes, dict[str, str]]]:
    live = (CORPUS / "liveblog-en-election.html").read_bytes()
    short = (
        (CORPUS / "tt1-en-short-comments.html")
        .read_bytes()
        .replace(
            b'<link rel="canonical" href="https://eastgate-echo.example/2024/05/water-supply-restored/">', b""
        )
    )
    sample = (
        (CORPUS / "tt1-id-sample-page.html")
        .read_bytes()
        .replace(b'<link rel="canonical" href="https://kabarmusi.example/laman-contoh/">', b"")
    )
    links = "".join(
        f'<a href="{p}">{p}</a> '
        for p in ("/live-count/", "/water-restored/", "/old-slug/", "/sample-page/", "/notes/", "/about-us/")
    )
    return {
        "/": (200, _page("Home", links, "home blog"), {}),
        "/live-count/": (200, live, {}),
        "/water-restored/": (200, short, {}),
        # moved: the crawl requested /old-slug/, the WARC holds /2024/05/moved-post/
        "/old-slug/": (301, b"", {"Location": "/2024/05/moved-post/"}),
        "/2024/05/moved-post/": (
            200,
            _page(
                "Moved post",
                "<p>" + "The body of a post that moved to a dated address. " * 6 + "</p>",
                "single single-post postid-40",
            ),
            {},
        ),
        "/sample-page/": (200, sample, {}),
        "/notes/": (200, _page("Notes", f"<p>{PROSE}</p>"), {}),  # no signal, 600+ characters
        "/about-us/": (200, _page("About", "<p>Who we are.</p>"), {}),  # no signal, little text
    }


class _Handler(BaseHTTPRequestHandler):
    site: dict = {}

    def do_GET(self):  # noqa: N802 - http.server's name
        status, body, headers = self.site.get(self.path, (404, b"not found", {}))
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def crawled_and_exported(tmp_path_factory):
    _Handler.site = _site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tmp = tmp_path_factory.mktemp("identity")
    try:
        seed = write_seed(tmp / "seeds", f"http://127.0.0.1:{server.server_address[1]}/", pattern=False)
        data = tmp / "data"
        crawl = arsip("crawl", seed, "--data", data, "--no-requisites", "--progress", "off")
        assert crawl.returncode == 0, crawl.stderr[-3000:]
        export = arsip("export", "--data", data, "--collection", "site", "--out", tmp / "export")
        assert export.returncode == 0, export.stderr[-3000:]
    finally:
        server.shutdown()
    return _rows(data / "site" / "articles.jsonl"), _rows(tmp / "export" / "articles.jsonl")


def _rows(path: Path) -> dict[str, dict]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return {row["canonical_url"].split("/", 3)[3]: row for row in rows}


def test_crawl_and_export_keep_the_same_articles(crawled_and_exported):
    crawl, export = crawled_and_exported
    assert (
        set(crawl)
        == set(export)
        == {
            "live-count/",  # LiveBlogPosting: an article everywhere
            "water-restored/",  # a short post
            "2024/05/moved-post/",  # keyed by the fetched URL, not the one requested before the redirect
            "notes/",  # no signal, 600+ characters: an article to the crawl too (a candidate)
        }
    )  # the Sample Page (a WordPress page) and the short unsignalled page are no articles


def test_crawl_and_export_name_each_article_alike(crawled_and_exported):
    crawl, export = crawled_and_exported
    for key, row in crawl.items():
        assert export[key]["file"] == row["file"], key
        assert export[key]["sha1"] == row["sha1"], key  # the same text, too

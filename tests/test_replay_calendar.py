"""The capture calendar (``/<coll>/*/<url>``, pywb's URL) and the article-only clean text view.

The archive is ``build_archive``'s plus a second WARC: more captures of one article spread over two
years, a listing page (WordPress ``home blog`` body classes) and a page without any signal. The
calendar is checked as served and as headless Chromium renders it (``--dump-dom``).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from browser_helpers import chromium_argv, needs_chromium
from test_replay_archive import BASE, _write, article_html, build_archive, fetch, index_collection, serve
from warcio.warcwriter import WARCWriter

from archive.replay.server import make_app

HTML = [("Content-Type", "text/html; charset=UTF-8")]
LISTING = (
    b'<html><head><title>Kategori Nasional</title><meta property="og:type" content="website"></head>'
    b'<body class="archive category category-nasional"><h1>Nasional</h1>'
    + b"<article><h2><a href='/artikel-satu/'>Artikel Satu</a></h2><p>Ringkasan berita hari ini.</p></article>"
    * 20
    + b"</body></html>"
)
EXTRA_DATES = ["2023-11-05T08:00:00Z", "2023-11-20T09:30:00Z", "2024-01-15T12:00:00Z", "2024-03-20T06:00:00Z"]


@pytest.fixture(scope="module")
def replay(tmp_path_factory):
    data = tmp_path_factory.mktemp("cal")
    coll = build_archive(data, "demo")
    with open(coll / "warcs" / "more.warc.gz", "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        w.write_record(w.create_warcinfo_record("more.warc.gz", {"software": "test"}))
        for date in EXTRA_DATES:
            _write(w, BASE + "/artikel-satu/", date, "200 OK", HTML, article_html("/artikel-satu/", 2))
        _write(w, BASE + "/category/nasional/", "2024-03-01T10:00:00Z", "200 OK", HTML, LISTING)
    index_collection(coll)
    with serve(make_app(data)) as base:
        yield base


def test_calendar_lists_captures_by_year_and_month(replay):
    status, headers, body = fetch(f"{replay}/demo/*/{BASE}/artikel-satu/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = body.decode()
    assert "6 capture(s)" in page
    years = re.findall(r'<section id="y(\d{4})">', page)
    months = re.findall(r'<h3 id="m(\d{6})">([^<]+)<span class="muted">\((\d+)\)', page)
    assert years == ["2023", "2024"]
    assert [(m, name.strip(), int(n)) for m, name, n in months] == [
        ("202311", "November 2023", 2),
        ("202401", "January 2024", 1),
        ("202403", "March 2024", 3),
    ]
    links = re.findall(r'href="(/demo/\d{14}/[^"]+)"', page)
    assert len(links) == 6 and links[0] == "/demo/20231105080000/http://news.test/artikel-satu/"
    assert "(revisit)" in page  # the unchanged capture of 8 March says what it is
    for link in links:
        assert fetch(replay + link)[0] == 200
    # machines keep the TimeMap at its URL, linked from the page
    assert f'href="/demo/timemap/link/{BASE}/artikel-satu/"' in page
    status, headers, _ = fetch(f"{replay}/demo/timemap/link/{BASE}/artikel-satu/")
    assert status == 200 and headers["Content-Type"].startswith("application/link-format")


def test_calendar_of_a_year_and_of_nothing(replay):
    page = fetch(f"{replay}/demo/2023*/{BASE}/artikel-satu/")[2].decode()
    assert "2 capture(s) from 2023" in page and 'id="y2024"' not in page
    status, _, body = fetch(f"{replay}/demo/*/{BASE}/never-captured/")
    assert status == 404 and b"Not in the archive" in body


def test_banner_and_collection_page_link_to_the_calendar(replay):
    page = fetch(f"{replay}/demo/2024/{BASE}/artikel-satu/")[2].decode()
    banner = page.split('id="arsip-banner"', 1)[1].split("</div>", 1)[0]
    assert f'href="/demo/*/{BASE}/artikel-satu/">all captures</a>' in banner
    assert "timemap" not in banner
    listing = fetch(f"{replay}/demo/")[2].decode()
    assert f'<a href="/demo/*/{BASE}/artikel-satu/">6</a>' in listing
    assert "timemap" not in listing


def test_clean_text_is_offered_for_articles_only(replay):
    article = fetch(f"{replay}/demo/20240301100000/{BASE}/artikel-dua/")[2].decode()
    assert f'href="/demo/text/20240301100000/{BASE}/artikel-dua/">clean text</a>' in article
    for path in ("/category/nasional/", "/"):
        page = fetch(f"{replay}/demo/2024/{BASE}{path}")[2].decode()
        assert "arsip-banner" in page and "clean text" not in page and "/demo/text/" not in page, path


def test_text_view_of_a_listing_is_a_clear_404(replay):
    status, headers, body = fetch(f"{replay}/demo/text/2024/{BASE}/category/nasional/")
    assert status == 404 and headers["Content-Type"].startswith("text/plain")
    assert body.decode().splitlines()[0] == "not an article: listing page"
    status, _, body = fetch(f"{replay}/demo/text/2024/{BASE}/")  # no signal, little text: no article either
    assert status == 404 and body.startswith(b"not an article")
    status, _, body = fetch(f"{replay}/demo/text/2024/{BASE}/artikel-satu/")
    assert status == 200 and body.decode().splitlines()[0] == "Artikel Satu Tentang Banjir"


def dump_dom(url: str, profile: Path) -> str:
    """The DOM headless Chromium renders for ``url``."""
    result = subprocess.run(
        chromium_argv(profile, "--dump-dom", url),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_calendar_renders_in_chromium(replay, tmp_path):
    needs_chromium()
    article = dump_dom(f"{replay}/demo/20240301100000/{BASE}/artikel-satu/", tmp_path / "p1")
    link = re.search(r'href="([^"]+)">all captures</a>', article)
    assert link and link.group(1) == f"/demo/*/{BASE}/artikel-satu/"
    dom = dump_dom(replay + link.group(1), tmp_path / "p2")
    assert "<title>Captures of http://news.test/artikel-satu/" in dom
    assert re.findall(r'<section id="y(\d{4})">', dom) == ["2023", "2024"]
    assert "November 2023" in dom and "March 2024" in dom
    assert len(re.findall(r'<li><a href="/demo/\d{14}/http://news.test/artikel-satu/">', dom)) == 6

"""The demo site's page requisites, laid out as real WordPress themes lay them out.

Two stylesheets (one imported), a web font on a second "CDN" origin (preloaded, ``@font-face``),
CSS background images (in a file, a ``<style>`` block and a ``style`` attribute), icons, a
three-candidate ``srcset`` and lazy-loaded images (``data-src``/``data-srcset`` with a
``<noscript>`` fallback); none of it changes the clean text of an article.
"""

from __future__ import annotations

import http.client
import struct
from pathlib import Path

import pytest
from parsel import Selector

from archive.extract import extract
from archive.requisites import find_in_css, find_in_html
from crawler.demosite import SiteConfig, build_corpus, cdn_base, start_site
from crawler.demosite.assets import DATA
from crawler.seed import load_seed

ORIGIN = "http://channel9.arsip.test/"
CDN = "http://cdn.channel9.arsip.test"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def site():
    with start_site(SiteConfig(articles=12, seed=9), port=0, origin=ORIGIN) as running:
        yield running


def through(site, target: str):
    """An absolute-form request (as to a proxy): (status, lower-case headers, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=30)
    try:
        conn.request("GET", target)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def test_cdn_origin_of_a_named_host_and_of_an_address():
    assert cdn_base(ORIGIN) == CDN
    assert cdn_base("http://s.test:8080/") == "http://cdn.s.test:8080"
    assert cdn_base("http://127.0.0.1:8765/") == "http://127.0.0.1:8765"  # reached directly: one origin
    assert cdn_base("http://localhost:80/") == "http://localhost:80"


def test_article_page_references_every_kind_of_requisite(site):
    article = site.corpus.articles[0]
    status, _, body = through(site, ORIGIN + article.path.lstrip("/"))
    page = Selector(text=body.decode())
    assert status == 200 and page.css("html.no-js")
    assert page.css("link[rel=preload][as=font][crossorigin]::attr(href)").get() == (
        f"{CDN}/wp-content/themes/c9/fonts/c9-display.ttf"
    )
    sheets = page.css("link[rel=stylesheet]::attr(href)").getall()
    assert sheets == [
        f"{CDN}/wp-content/themes/c9/fonts/fonts.css?ver=2.4.1",
        f"{ORIGIN}wp-content/themes/c9/style.css?ver=2.4.1",
    ]
    assert f'url("{CDN}/wp-content/themes/c9/images/footer.jpg")' in page.css("style::text").get()
    assert "images/newsletter.jpg" in page.css(".c9-newsletter::attr(style)").get()
    assert page.css("link[rel=apple-touch-icon]::attr(href)").get().startswith(CDN + "/")
    srcset = page.css(".post-thumbnail img::attr(srcset)").get().split(", ")
    assert [c.split()[1] for c in srcset] == ["300w", "768w", "1200w"] and all(
        c.startswith(CDN + "/wp-content/uploads/") for c in srcset
    )
    lazy = page.css(".c9-related-posts img.lazyload")
    assert len(lazy) >= 2
    for img in lazy:
        assert img.attrib["src"].startswith("data:image/svg+xml,")
        assert img.attrib["data-src"].endswith("-300x169.jpg") and img.attrib["data-srcset"].count("w,") == 1
    fallbacks = page.css(".c9-related-posts noscript").getall()
    assert len(fallbacks) == len(lazy) and all("-300x169.jpg" in f and "lazyload" not in f for f in fallbacks)


def test_listing_thumbnails_are_lazy_with_a_noscript_fallback(site):
    status, _, body = through(site, ORIGIN)
    page = Selector(text=body.decode())
    assert status == 200
    assert len(page.css("article img.lazyload[data-src][data-srcset]")) == 10
    assert len(page.css("article noscript")) == 10


def test_every_requisite_is_served_from_its_origin_the_font_with_cors(site):
    article = site.corpus.articles[1]
    url = ORIGIN + article.path.lstrip("/")
    todo = [u for u, _ in find_in_html(through(site, url)[2], url)]
    seen, kinds = set(), {}
    while todo:
        target = todo.pop()
        if target in seen:
            continue
        seen.add(target)
        status, headers, body = through(site, target)
        assert status == 200, target
        kinds[target.split("?")[0].rsplit(".", 1)[-1]] = headers["content-type"]
        if headers["content-type"].startswith("text/css"):
            todo += [u for u, _ in find_in_css(body.decode(), target)]
        if target.startswith(CDN):
            assert headers["access-control-allow-origin"] == ORIGIN.rstrip("/")  # the site's, only
    assert kinds["ttf"] == "font/ttf" and kinds["css"].startswith("text/css") and kinds["jpg"] == "image/jpeg"
    hosts = {u.split("/")[2] for u in seen}
    assert hosts == {"channel9.arsip.test", "cdn.channel9.arsip.test"}
    assert f"{ORIGIN}wp-content/themes/c9/blocks.css" in seen  # @import "blocks.css"
    assert f"{CDN}/wp-content/themes/c9/images/topbar.jpg" in seen  # url(//cdn.../topbar.jpg) in it
    assert f"{CDN}/wp-content/themes/c9/fonts/c9-display.ttf" in seen


def test_cdn_serves_assets_only_and_other_hosts_are_misdirected(site):
    assert through(site, f"{CDN}/")[0] == 404
    assert through(site, f"{CDN}/{site.corpus.articles[0].path.lstrip('/')}")[0] == 404
    status, headers, css = through(site, f"{CDN}/wp-content/themes/c9/fonts/fonts.css")
    assert status == 200 and b'src: url(c9-display.ttf) format("truetype")' in css
    assert through(site, "http://cdn.other.test/wp-content/themes/c9/fonts/fonts.css")[0] == 421


def test_the_font_is_a_truetype_file_built_deterministically():
    font = (DATA / "c9-display.ttf").read_bytes()
    version, tables = struct.unpack(">IH", font[:6])
    tags = {font[12 + 16 * i : 16 + 16 * i] for i in range(tables)}
    assert version == 0x00010000
    assert {b"cmap", b"glyf", b"head", b"hhea", b"hmtx", b"loca", b"maxp", b"name", b"OS/2", b"post"} <= tags
    pytest.importorskip("fontTools")
    from crawler.demosite.make_font import build

    assert build() == font  # the stored file is what the generator makes


def test_requisites_leave_the_clean_text_of_every_article_unchanged():
    corpus = build_corpus(SiteConfig())
    hints = load_seed(ROOT / "seeds" / "channel9.toml").hints
    for article in corpus.articles:
        html = corpus.render_article(article, ORIGIN)
        url = ORIGIN + article.path.lstrip("/")
        expected = corpus.expected_text(article)
        assert extract(html, url).render() == expected, article.slug
        assert extract(html, url, hints=hints).render() == expected, article.slug

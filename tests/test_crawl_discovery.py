"""Discovery parsers: robots.txt Sitemap lines, sitemap index/urlset (gzip too), RSS/Atom, dates,
article page signals."""

from __future__ import annotations

import gzip

import pytest
from scrapy.http import HtmlResponse

from archive.dates import iso_utc
from crawler.spiders.discovery import (
    Entry,
    is_article_page,
    parse_feed,
    parse_sitemap,
    robots_sitemaps,
)

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://x.example/a/</loc><lastmod>2024-05-01T10:00:00+07:00</lastmod></url>
<url><loc>https://x.example/b/</loc></url></urlset>"""


@pytest.mark.parametrize(
    "raw, iso",
    [
        ("2024-05-01T10:00:00+07:00", "2024-05-01T03:00:00Z"),
        ("2024-05-01T03:00:00Z", "2024-05-01T03:00:00Z"),
        ("2024-05-01", "2024-05-01T00:00:00Z"),
        ("Wed, 01 May 2024 10:00:00 +0700", "2024-05-01T03:00:00Z"),
        ("not a date", None),
        ("", None),
        (None, None),
    ],
)
def test_iso_utc(raw, iso):
    assert iso_utc(raw) == iso


def test_robots_sitemap_lines():
    body = b"User-agent: *\nDisallow: /private/\nSitemap: https://x.example/sitemap.xml\nsitemap: /news.xml\n"
    assert robots_sitemaps(body, "https://x.example/robots.txt") == [
        "https://x.example/sitemap.xml",
        "https://x.example/news.xml",
    ]


def test_sitemap_urlset_index_and_gzip():
    assert parse_sitemap(URLSET) == (
        "urlset",
        [Entry("https://x.example/a/", "2024-05-01T03:00:00Z"), Entry("https://x.example/b/", None)],
    )
    assert parse_sitemap(gzip.compress(URLSET))[1][0].url == "https://x.example/a/"
    index = (
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap>'
        b"<loc>https://x.example/post-sitemap.xml</loc><lastmod>2024-05-01</lastmod></sitemap></sitemapindex>"
    )
    assert parse_sitemap(index) == (
        "sitemapindex",
        [Entry("https://x.example/post-sitemap.xml", "2024-05-01T00:00:00Z")],
    )
    assert parse_sitemap(b"<html>not xml")[1] == []


def test_rss_and_atom_items_with_their_newest_date():
    rss = b"""<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><item>
      <link>https://x.example/a/</link><pubDate>Wed, 01 May 2024 10:00:00 +0700</pubDate></item>
      <item><link> https://x.example/b/ </link></item></channel></rss>"""
    assert parse_feed(rss) == [
        Entry("https://x.example/a/", "2024-05-01T03:00:00Z"),
        Entry("https://x.example/b/"),
    ]
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry>
      <link rel="alternate" href="https://x.example/c/"/><link rel="replies" href="https://x.example/c/#c"/>
      <published>2024-05-01T00:00:00Z</published><updated>2024-05-03T00:00:00Z</updated></entry></feed>"""
    assert parse_feed(atom) == [Entry("https://x.example/c/", "2024-05-03T00:00:00Z")]
    assert parse_feed(b"garbage") == []


def page(head="", body_class=""):
    html = f"<html><head>{head}</head><body class='{body_class}'><p>x</p></body></html>"
    return HtmlResponse("https://x.example/a/", body=html.encode(), encoding="utf-8")


def test_article_page_signals():
    assert is_article_page(page('<meta property="og:type" content="article">'))
    assert is_article_page(page(body_class="post-template-default single single-post postid-5"))
    assert is_article_page(
        page(
            '<script type="application/ld+json">{"@context":"https://schema.org",'
            '"@graph":[{"@type":"WebPage"},{"@type":["NewsArticle"]}]}</script>'
        )
    )
    assert not is_article_page(page('<meta property="og:type" content="website">', "home blog"))
    assert not is_article_page(page('<script type="application/ld+json">{"@type": "WebSite"}</script>'))

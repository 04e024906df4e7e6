"""Article identity: one rule for crawl (a Scrapy response) and export/replay (an extracted page)."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from archive.extract import extract
from archive.extract.identity import article_key
from crawler.spiders.discovery import is_article_page

BODY = "<p>" + "Isi berita yang cukup panjang untuk sebuah artikel. " * 3 + "</p>"


def page(head: str = "", body_class: str = "") -> bytes:
    return (
        f'<html><head><title>Judul</title>{head}</head><body class="{body_class}">'
        f"<article><h1>Judul</h1>{BODY}</article></body></html>"
    ).encode()


@pytest.mark.parametrize(
    "head, body_class, expected",
    [
        ('<meta property="og:type" content="article">', "", True),
        ('<script type="application/ld+json">{"@type": "LiveBlogPosting"}</script>', "", True),
        ("", "single postid-12", True),
        ("", "postid-12", True),
        ('<script type="application/ld+json">{"@type": ["WebPage"]}</script>', "home blog", False),
        ('<meta property="og:type" content="website">', "", False),
        ("", "archive category", False),
    ],
)
def test_crawl_and_extraction_agree_on_what_is_an_article(head, body_class, expected):
    html = page(head, body_class)
    response = HtmlResponse("https://news.example.com/a/", body=html, encoding="utf-8")
    assert is_article_page(response) is expected
    assert (extract(html, response.url).page_kind == "article") is expected


@pytest.mark.parametrize(
    "page_url, declared, expected",
    [
        ("https://news.example.com/slug/", None, "https://news.example.com/slug/"),
        (
            "https://News.example.com/slug",
            "https://News.example.com/slug?utm_source=x&amp",
            "https://news.example.com/slug/",
        ),
        ("https://news.example.com/slug/?p=1", "/slug/", "https://news.example.com/slug/"),
        (
            "https://news.example.com/slug/",
            "https://other.example.org/copy/",
            "https://news.example.com/slug/",
        ),
        (
            "https://www.news.example.com/slug/",
            "https://news.example.com/slug/",
            "https://news.example.com/slug/",
        ),
    ],
)
def test_article_key_is_the_canonical_link_on_the_site(page_url, declared, expected):
    domains = ("news.example.com",)
    assert article_key(page_url, declared, domains) == expected


def test_article_key_without_domains_trusts_only_the_page_host():
    assert article_key("https://a.example/x/", "https://b.example/y/") == "https://a.example/x/"
    assert article_key("https://a.example/x/", "https://a.example/y") == "https://a.example/y/"

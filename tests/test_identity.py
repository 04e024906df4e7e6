"""Article identity: one rule for crawl (a Scrapy response) and export/replay (an extracted page)."""

from __future__ import annotations

import inspect

import pytest
from scrapy.http import HtmlResponse

from archive.extract import extract
from archive.extract.identity import article_key, decide, is_article
from crawler.spiders.discovery import is_article_page
from crawler.spiders.discovery import page_kind as discovery_page_kind

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
    assert article_key(page_url, declared) == expected


def test_article_key_trusts_only_the_page_site():
    assert article_key("https://a.example/x/", "https://b.example/y/") == "https://a.example/x/"
    assert article_key("https://a.example/x/", "https://a.example/y") == "https://a.example/y/"
    assert article_key("https://m.news.example/x/", "https://news.example/x/") == "https://news.example/x/"
    assert (
        article_key("https://news.example/x/", "https://evil.news.example.org/x/")
        == "https://news.example/x/"
    )


def test_article_key_is_the_fetched_page_not_the_requested_url():
    """The crawl once fell back to the URL it requested (before redirects) while export, which only
    has the fetched URL, used that: the same article got two keys and two file names."""
    assert (
        article_key("https://news.example.com/2024/05/slug/", None)
        == "https://news.example.com/2024/05/slug/"
    )
    params = inspect.signature(article_key).parameters
    assert list(params) == ["page_url", "declared"]  # nothing the export could not know


LIVE = '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, {"@type": "LiveBlogPosting", "headline": "Judul"}]}</script>'
NESTED = '<script type="application/ld+json">{"@type": "WebPage", "mainEntity": {"@type": "LiveBlogPosting"}}</script>'
YOAST_PAGE = '<meta property="og:type" content="article">'


@pytest.mark.parametrize(
    "head, body_class, kind",
    [
        (LIVE, "post-template-default single single-post postid-9", "article"),
        (LIVE, "", "article"),
        (NESTED, "", "article"),
        (YOAST_PAGE, "page-template-default page page-id-2", "page"),  # WordPress's "Sample Page"
        (YOAST_PAGE, "home page-template-default page page-id-5", "listing"),  # a static front page
        (
            YOAST_PAGE,
            "attachment attachment-template-default single single-attachment postid-7 attachmentid-7",
            "page",
        ),
        (YOAST_PAGE, "page", "article"),  # a lone "page" class is no WordPress page
        ("", "", "unknown"),
    ],
)
def test_page_kinds_agree_between_crawl_and_extraction(head, body_class, kind):
    html = page(head, body_class)
    response = HtmlResponse("https://news.example.com/a/", body=html, encoding="utf-8")
    assert discovery_page_kind(response) == kind
    assert extract(html, response.url).page_kind == kind


def test_wordpress_pages_are_articles_only_when_the_url_pattern_says_so():
    html = page(YOAST_PAGE, "page-template-default page page-id-2")
    article = extract(html, "https://news.example.com/sample-page/")
    assert article.ok and not article.is_article
    assert is_article(article.page_kind, article.blocks, article.url, None) is False
    assert is_article(article.page_kind, article.blocks, article.url, r"^/sample-page/$") is True
    assert (
        decide("article", "https://news.example.com/about/", r"^/\d{4}/") is False
    )  # the pattern decides alone


def test_unsignalled_page_is_left_to_its_text():
    assert decide("unknown") is None
    assert is_article("unknown", ["x" * 499]) is False
    assert is_article("unknown", ["x" * 250, "y" * 250]) is True
    assert decide("listing") is False and decide("page") is False and decide("article") is True

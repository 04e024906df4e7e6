"""URL canonicalisation, scope and link classification (no network)."""

import hashlib
import re

import pytest

from archive.urls import canonicalize, url_hash16
from crawler.links import ARTICLE, CANDIDATE, LISTING, SKIP, classify, in_scope, page_number

PATTERN = re.compile(r"^/(?!category/|tag/|author/|page/|feed/|wp-)[a-z0-9-]+/$")


@pytest.mark.parametrize(
    "raw, canonical",
    [
        ("https://news.example/slug/", "https://news.example/slug/"),
        ("https://news.example/slug", "https://news.example/slug/"),
        ("https://News.Example:443/slug/#comments", "https://news.example/slug/"),
        ("https://news.example/slug/?utm_source=fb&utm_medium=social&fbclid=X", "https://news.example/slug/"),
        ("https://news.example/slug/?amp", "https://news.example/slug/"),
        ("https://news.example/slug/?amp=1", "https://news.example/slug/"),
        ("https://news.example/slug/amp/", "https://news.example/slug/"),
        ("http://news.example:80//a//b", "http://news.example/a/b/"),
        ("https://news.example/?b=2&a=1&gclid=z", "https://news.example/?a=1&b=2"),
        ("https://news.example/sitemap.xml", "https://news.example/sitemap.xml"),
        ("http://127.0.0.1:8080/x", "http://127.0.0.1:8080/x/"),
    ],
)
def test_canonicalize(raw, canonical):
    assert canonicalize(raw) == canonical
    assert canonicalize(canonical) == canonical  # idempotent


def test_hash16_is_sha256_prefix_of_the_canonical_url():
    assert url_hash16("https://x/") == hashlib.sha256(b"https://x/").hexdigest()[:16]
    assert len(url_hash16("https://x/")) == 16


def test_scope_accepts_subdomains_only_of_allowed_hosts():
    allowed = ("channel9.id",)
    assert in_scope("https://channel9.id/a/", allowed)
    assert in_scope("https://www.channel9.id/a/", allowed)
    assert not in_scope("https://evilchannel9.id/a/", allowed)
    assert not in_scope("https://channel9.id.evil.com/a/", allowed)
    assert not in_scope("ftp://channel9.id/a", allowed)
    assert not in_scope("mailto:x@channel9.id", allowed)


@pytest.mark.parametrize(
    "path, with_pattern, without_pattern",
    [
        ("/", LISTING, LISTING),
        ("/category/nasional/", LISTING, LISTING),
        ("/category/nasional/page/7/", LISTING, LISTING),
        ("/category/nasional/page/51/", SKIP, SKIP),  # beyond the pagination bound
        ("/page/2/", LISTING, LISTING),
        ("/some-article-slug/", ARTICLE, CANDIDATE),
        ("/2024/05/01/some-article-slug/", SKIP, CANDIDATE),
        ("/2024/05/", SKIP, SKIP),  # date archive: the calendar trap
        ("/2024/05/01/page/3/", SKIP, SKIP),
        ("/tag/korea/", SKIP, SKIP),
        ("/author/fb/", SKIP, SKIP),
        ("/feed/", SKIP, SKIP),
        ("/some-article-slug/feed/", SKIP, SKIP),
        ("/some-article-slug/comment-page-2/", SKIP, SKIP),
        ("/wp-admin/", SKIP, SKIP),
        ("/wp-content/uploads/a.jpg", SKIP, SKIP),
        ("/doc.pdf", SKIP, SKIP),
        ("/?s=korea", SKIP, SKIP),
        ("/?p=123", SKIP, SKIP),
    ],
)
def test_classify(path, with_pattern, without_pattern):
    url = canonicalize("https://news.example" + path)
    assert classify(url, PATTERN, 50) == with_pattern
    assert classify(url, None, 50) == without_pattern


def test_page_number():
    assert page_number("https://x/category/a/page/12/") == 12
    assert page_number("https://x/category/a/") == 1

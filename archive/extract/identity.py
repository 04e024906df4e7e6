"""Article identity, written once for crawl, export and replay: is this page an article, what
kind of page is it, and what canonical URL is it keyed by.

Extraction returns text for any page with text, home pages and category archives included; the
crawl decides from a Scrapy response before extracting, export and replay from the extracted
page. Both read the same three signals and go through :func:`kind_from_signals`, so a page is an
article to every part of arsip or to none (docs/ARCHITECTURE.md, "Article identity").
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

from archive.extract.jsonld import ARTICLE_TYPES, _types
from archive.urls import canonicalize

ARTICLE = "article"
LISTING = "listing"
UNKNOWN = "unknown"

# A generic WebPage says nothing either way: only a specific article type counts.
ARTICLE_LD_TYPES = ARTICLE_TYPES - {"webpage"}
# WordPress body classes: a single post, or one of the archive/listing templates.
SINGLE_CLASSES = frozenset(("single", "single-post", "single-format-standard"))
LISTING_CLASSES = frozenset(
    (
        "home",
        "blog",
        "archive",
        "category",
        "tag",
        "author",
        "date",
        "search",
        "search-results",
        "error404",
        "paged",
    )
)
LISTING_OG_TYPES = frozenset(("website", "blog", "profile"))
# A page without any signal counts as an article only with this much body text.
MIN_UNSIGNALLED_CHARS = 500


def kind_from_signals(og_type: str, ld_types: Iterable[str], body_classes: Iterable[str]) -> str:
    """``article``, ``listing`` or ``unknown``: og:type, then JSON-LD ``@type``, then WordPress
    body classes (``single``, ``postid-N`` / ``home``, ``archive``...)."""
    og_type = og_type.strip().lower()
    if og_type == ARTICLE or {t.lower() for t in ld_types} & ARTICLE_LD_TYPES:
        return ARTICLE
    classes = set(body_classes)
    if classes & SINGLE_CLASSES or any(c.startswith("postid-") for c in classes):
        return ARTICLE
    if classes & LISTING_CLASSES or og_type in LISTING_OG_TYPES:
        return LISTING
    return UNKNOWN


def page_kind(page) -> str:
    """The kind of an extraction :class:`~archive.extract.page.Page`."""
    body = page.root.find("body")
    classes = (body.get("class") or "").split() if body is not None else ()
    return kind_from_signals(page.meta.get("og:type", ""), _types(page.jsonld.article), classes)


def looks_like_article(kind: str, blocks: list[str]) -> bool:
    """An article by its signals, or, with no signal either way, by the length of its text."""
    if kind != UNKNOWN:
        return kind == ARTICLE
    return sum(len(block) for block in blocks) >= MIN_UNSIGNALLED_CHARS


def article_key(
    page_url: str, declared: str | None, allowed_domains: Iterable[str] = (), fallback: str | None = None
) -> str:
    """The canonical URL an article is catalogued and named by: its declared ``rel=canonical``
    (resolved against the page, canonicalised) when that stays on the site, else the page's own
    URL canonicalised (or ``fallback``, the key the crawl scheduled it under). A canonical link to
    another site (syndication) never renames an article."""
    page_key = fallback or canonicalize(page_url)
    if not declared:
        return page_key
    key = canonicalize(urljoin(page_url, declared.strip()))
    host = (urlsplit(key).hostname or "").lower()
    domains = [d.lower() for d in allowed_domains] or [(urlsplit(page_url).hostname or "").lower()]
    if key.startswith(("http://", "https://")) and any(host == d or host.endswith("." + d) for d in domains):
        return key
    return page_key

"""Article identity, written once for crawl, export, replay and search: what kind of page this is,
whether it is an article, and what canonical URL it is keyed by (docs/ARCHITECTURE.md, "Article
identity"; README, "Clean text").

The rule, in order:

1. a seed's ``url_pattern``, when given, decides alone (:func:`matches_pattern`, on the path of the
   canonicalised URL);
2. else the page's own signals (:func:`kind_of_tree`): JSON-LD article types (``NewsArticle``,
   ``LiveBlogPosting``...), WordPress body classes (``single``/``postid-N``: a post; ``home``,
   ``archive``...: a listing; ``page-id-N`` or ``attachmentid-N``: a WordPress page, which is
   not an article), then ``og:type``;
3. a page without any signal is an article when its extracted text is long enough
   (:data:`MIN_UNSIGNALLED_CHARS`).

The crawl decides 1 and 2 from the tree Scrapy parsed and sends a page left undecided through
extraction (a candidate), so that 3 is judged on the same text export and replay judge.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

from lxml import etree

from archive.extract.jsonld import ARTICLE_TYPES, _objects, _types
from archive.urls import canonicalize, url_pattern

ARTICLE = "article"
LISTING = "listing"
PAGE = "page"  # a WordPress page ("Sample Page", "About", "Contact"): not an article by default
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
# WordPress pages and attachment pages, singular but no posts: WordPress gives them ``page-id-N``
# and ``attachmentid-N`` (a lone ``page`` class is too common outside WordPress to mean anything).
PAGE_CLASS_PREFIXES = ("page-id-", "attachmentid-")
# A page without any signal counts as an article only with this much body text.
MIN_UNSIGNALLED_CHARS = 500


def kind_from_signals(og_type: str, ld_types: Iterable[str], body_classes: Iterable[str]) -> str:
    """``article``, ``listing``, ``page`` or ``unknown``: JSON-LD ``@type``, then WordPress body
    classes (``attachmentid-N`` / ``single``, ``postid-N`` / ``home``, ``archive``... / ``page-id-N``), then ``og:type`` (which SEO plugins set to ``article`` on pages too)."""
    og_type = og_type.strip().lower()
    if {t.lower() for t in ld_types} & ARTICLE_LD_TYPES:
        return ARTICLE
    classes = set(body_classes)
    wp_page = any(c.startswith(PAGE_CLASS_PREFIXES) for c in classes)
    if wp_page and "attachment" in classes:
        return PAGE
    if classes & SINGLE_CLASSES or any(c.startswith("postid-") for c in classes):
        return ARTICLE
    if classes & LISTING_CLASSES:
        return LISTING
    if wp_page:
        return PAGE
    if og_type == ARTICLE:
        return ARTICLE
    if og_type in LISTING_OG_TYPES:
        return LISTING
    return UNKNOWN


MAX_LD_CHARS = 1_000_000  # a longer "JSON-LD" script is no page metadata: not read


def ld_types(scripts: Iterable[str]) -> set[str]:
    """Every JSON-LD ``@type`` (lowercased) of the scripts' objects, ``@graph`` members and
    ``mainEntity``; broken or oversized scripts are skipped."""
    found: set[str] = set()
    for script in scripts:
        if len(script) > MAX_LD_CHARS:
            continue
        try:
            doc = json.loads(script, strict=False)
        except (ValueError, RecursionError):
            continue
        for obj in _objects(doc):
            found |= _types(obj)
            if isinstance(obj.get("mainEntity"), dict):
                found |= _types(obj["mainEntity"])
    return found


OG_TYPE = etree.XPath("string((//meta[@property='og:type' or @name='og:type'])[1]/@content)")
LD_SCRIPTS = etree.XPath("//script[contains(@type, 'ld+json')]/text()")


def kind_of_tree(root) -> str:
    """The kind of a parsed HTML page: an lxml tree, extraction's or the one Scrapy parsed for the
    crawl (the same function on the same page, so both always agree)."""
    og_type = OG_TYPE(root)
    scripts = LD_SCRIPTS(root)
    body = next(root.iter("body"), None)
    classes = (body.get("class") or "").split() if body is not None else ()
    return kind_from_signals(og_type or "", ld_types(scripts), classes)


def page_kind(page) -> str:
    """The kind of an extraction :class:`~archive.extract.page.Page`."""
    return kind_of_tree(page.root)


def matches_pattern(pattern: str | re.Pattern, url: str) -> bool:
    """Whether a seed's ``url_pattern`` matches a URL (the path of its canonical form); a pattern
    given as text is compiled as seeds are, with RE2, so no caller can bring backtracking back."""
    regex = url_pattern(pattern) if isinstance(pattern, str) else pattern
    return bool(regex.search(urlsplit(canonicalize(url)).path or "/"))


def decide(kind: str, url: str | None = None, pattern: str | re.Pattern | None = None) -> bool | None:
    """Whether a page is an article before its text is known: by the seed's pattern, else by its
    signals; None for a page without any signal (its extracted text decides: :func:`is_article`)."""
    if pattern is not None and pattern != "":
        return matches_pattern(pattern, url or "")
    if kind == UNKNOWN:
        return None
    return kind == ARTICLE


def is_article(
    kind: str, blocks: list[str], url: str | None = None, pattern: str | re.Pattern | None = None
) -> bool:
    """The one article rule: the seed's pattern, else the page's signals, else its text length."""
    decided = decide(kind, url, pattern)
    if decided is not None:
        return decided
    return sum(len(block) for block in blocks) >= MIN_UNSIGNALLED_CHARS


def looks_like_article(kind: str, blocks: list[str]) -> bool:
    """An article by its signals, or, with no signal either way, by the length of its text."""
    return is_article(kind, blocks)


MIRROR_PREFIXES = ("www.", "m.", "amp.")


def _site(host: str) -> str:
    host = host.lower().rstrip(".")
    for prefix in MIRROR_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            return host[len(prefix) :]
    return host


def article_key(page_url: str, declared: str | None) -> str:
    """The canonical URL an article is catalogued and named by, from the fetched page alone (so that
    the crawl, export and replay compute the same key): its declared ``rel=canonical`` (resolved
    against the page, canonicalised) when it stays on the page's site (the same host, ``www.``,
    ``m.`` and ``amp.`` aside), else the fetched URL canonicalised. A canonical link to another site
    (syndication) never renames an article."""
    page_key = canonicalize(page_url)
    if not declared:
        return page_key
    key = canonicalize(urljoin(page_url, declared.strip()))
    host = urlsplit(key).hostname or ""
    if key.startswith(("http://", "https://")) and _site(host) == _site(urlsplit(page_url).hostname or ""):
        return key
    return page_key

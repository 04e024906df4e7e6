"""What kind of page this is, from the page's own signals: an article, a listing, or unknown.

Extraction returns text for any page with text, home pages and category archives included; export
and crawl need to know which of those pages are articles when no seed URL pattern tells them.
"""

from __future__ import annotations

from archive.extract.jsonld import ARTICLE_TYPES, _types

ARTICLE = "article"
LISTING = "listing"
UNKNOWN = "unknown"

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


def page_kind(page) -> str:
    """``article``, ``listing`` or ``unknown``: og:type, then JSON-LD, then WordPress body classes."""
    og_type = page.meta.get("og:type", "").lower()
    if og_type == ARTICLE:
        return ARTICLE
    if _types(page.jsonld.article) & (ARTICLE_TYPES - {"webpage"}):
        return ARTICLE
    body = page.root.find("body")
    classes = set((body.get("class") or "").split()) if body is not None else set()
    if classes & SINGLE_CLASSES or any(c.startswith("postid-") for c in classes):
        return ARTICLE
    if classes & LISTING_CLASSES or og_type in LISTING_OG_TYPES:
        return LISTING
    return UNKNOWN


def looks_like_article(kind: str, blocks: list[str]) -> bool:
    """An article by its signals, or, with no signal either way, by the length of its text."""
    if kind != UNKNOWN:
        return kind == ARTICLE
    return sum(len(block) for block in blocks) >= MIN_UNSIGNALLED_CHARS

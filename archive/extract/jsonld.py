"""JSON-LD (schema.org) as WordPress SEO plugins emit it: the article object and the breadcrumbs.

Yoast and Rank Math put everything in one ``@graph``; other themes emit several scripts, some of
them broken JSON. Broken scripts are skipped, never fatal. Scripts are read with ``json.loads``
(linear time) and no longer than :data:`MAX_SCRIPT_CHARS`, so a hostile page cannot make reading
them slow.
"""

from __future__ import annotations

import json

ARTICLE_TYPES = frozenset(
    (
        "article",
        "newsarticle",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "socialmediaposting",
        "liveblogposting",
        "scholarlyarticle",
        "techarticle",
        "report",
        "webpage",
    )
)
MAX_SCRIPT_CHARS = 1_000_000  # a longer "JSON-LD" script is no page metadata: skipped unread


def _types(obj: dict) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.lower() for k in kinds if isinstance(k, str)}


def _objects(value, depth=0):
    """Every dict in a JSON-LD document, following ``@graph`` and lists (bounded depth)."""
    if depth > 6:
        return
    if isinstance(value, list):
        for item in value:
            yield from _objects(item, depth + 1)
    elif isinstance(value, dict):
        yield value
        if "@graph" in value:
            yield from _objects(value["@graph"], depth + 1)


def documents(scripts):
    """Each script parsed as JSON; broken, too deeply nested and oversized scripts are skipped."""
    for script in scripts:
        if len(script) > MAX_SCRIPT_CHARS:
            continue
        try:
            yield json.loads(script, strict=False)
        except (ValueError, RecursionError):
            continue


def text_of(value) -> str | None:
    """A plain string from a JSON-LD value: a string, a named object, or the first of a list."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return text_of(value.get("name"))
    if isinstance(value, list):
        for item in value:
            if text := text_of(item):
                return text
    return None


def texts_of(value) -> list[str]:
    """Every string in a JSON-LD value (lists, named objects, comma-separated keywords)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, dict):
        return texts_of(value.get("name"))
    if isinstance(value, list):
        return [text for item in value for text in texts_of(item)]
    return []


class LinkedData:
    """The article-like object and the breadcrumb trail found in a page's JSON-LD."""

    def __init__(self, article: dict | None, breadcrumbs: list[str]):
        self.article, self.breadcrumbs = article or {}, breadcrumbs

    @classmethod
    def parse(cls, scripts) -> LinkedData:
        article, webpage = None, None
        crumbs: list[str] = []
        for doc in documents(scripts):
            for obj in _objects(doc):
                kinds = _types(obj)
                if "breadcrumblist" in kinds and not crumbs:
                    crumbs = _crumbs(obj)
                elif kinds & ARTICLE_TYPES:
                    if "webpage" in kinds and not kinds - {"webpage"}:
                        webpage = webpage or obj
                    elif article is None:
                        article = obj
        return cls(article or webpage, crumbs)

    def get(self, key: str) -> str | None:
        """One field of the article object as text."""
        return text_of(self.article.get(key))

    def getall(self, key: str) -> list[str]:
        """Every value of one field of the article object."""
        return texts_of(self.article.get(key))


def _position(item: dict) -> int:
    """A list item's schema.org ``position``, 0 when it has none (or not a number)."""
    position = item.get("position")
    return position if isinstance(position, int) else 0


def _crumbs(obj: dict) -> list[str]:
    items = obj.get("itemListElement")
    if not isinstance(items, list):
        return []
    entries = [item for item in items if isinstance(item, dict)]
    entries.sort(key=_position)
    return [name for item in entries if (name := text_of(item.get("name")) or text_of(item.get("item")))]

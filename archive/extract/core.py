"""``extract()``: one page to one :class:`Article`, layer by layer, never raising.

Body: the seed's hints (with its ``drop`` selectors removed first), else the WordPress post
container, else trafilatura. Every body then goes through the safety net. The page is parsed once;
the hint and WordPress paths never call trafilatura.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from itertools import chain

from archive.extract import metadata
from archive.extract.article import Article
from archive.extract.blocks import elements_blocks
from archive.extract.category import category
from archive.extract.cleanup import clean_blocks
from archive.extract.fallback import trafilatura_blocks
from archive.extract.identity import ARTICLE, PAGE, page_kind
from archive.extract.page import Page, load
from archive.extract.selectors import drop, select_elements
from archive.extract.wordpress import (
    article_scope,
    drop_appendix_tables,
    find_body,
    strip_comments_and_cards,
    strip_junk,
    strip_link_lists,
)

logger = logging.getLogger(__name__)


def extract(html, url: str, hints=None, headers=None) -> Article:
    """Extract the article of one page.

    ``html`` is the page as bytes (decoded by BOM, ``headers``' charset, ``<meta>``, UTF-8, then
    windows-1252) or str; ``hints`` a :class:`crawler.seed.ExtractionHints` or None. Bad input
    gives an Article whose ``ok`` is False and whose ``reason`` says why.
    """
    url = url or ""
    try:
        return _extract(html, url, hints, headers)
    except Exception as exc:  # a pure function inside a crawl: one odd page must not stop it
        logger.warning("extraction of %s failed: %r", url, exc, exc_info=True)
        return Article.failed(url, f"extraction error: {type(exc).__name__}")


def _extract(html, url: str, hints, headers) -> Article:
    page = load(html, url, headers)
    if isinstance(page, str):
        return Article.failed(url, page)
    article = Article(url=url, encoding=page.encoding, page_kind=page_kind(page))
    notes: list[str] = []
    layers = _locate(page, hints, notes, single=article.page_kind in (ARTICLE, PAGE))
    first = next(layers, None)
    page.scope = article_scope(first[1][0]) if first else None
    # Metadata first: the body layers remove tag lists and bylines that metadata reads.
    _metadata(page, hints, article)
    blocks = _body(page, hints, chain([first] if first else [], layers), article, notes)
    article.blocks = clean_blocks(blocks, article.title, article.category)
    if not article.blocks:
        article.reason = "; ".join(["no article text", *notes])
    elif not article.title:
        article.reason = "no title"
    return article


def _locate(page: Page, hints, notes: list[str], single: bool = False) -> Iterator[tuple[str, list]]:
    """Body containers layer by layer, found lazily: (source, elements), hints before WordPress."""
    if hints is not None and hints.body:
        elements = select_elements(page.root, hints.body)
        if elements:
            yield "hints", elements
        else:
            notes.append(f"hints: body {hints.body!r} matched nothing")
    element, source = find_body(page.root, single)
    if element is not None:
        yield f"wordpress:{source}", [element]
    else:
        notes.append(f"wordpress: {source}")


def _body(page: Page, hints, containers, article: Article, notes: list[str]) -> list[str]:
    """Body blocks from the first layer that gives any: hints, WordPress, trafilatura."""
    drops = tuple(hints.drop) if hints is not None else ()
    for source, elements in containers:
        blocks = _container_blocks(elements, drops, page.root)
        if blocks:
            article.sources["body"] = source
            return blocks
        notes.append(f"{source}: container has no text")
    # reader comments, lists of other stories and social cards: after metadata (it reads tag links)
    strip_comments_and_cards(page.root)
    strip_link_lists(page.root)
    blocks, why_not = trafilatura_blocks(page.root, page.url)
    if blocks:
        article.sources["body"] = "trafilatura"
    else:
        notes.append(why_not or "trafilatura: no text")
    return blocks


def _container_blocks(elements, drops, root) -> list[str]:
    for element in elements:
        drop(element, drops)
        strip_junk(element)
        strip_comments_and_cards(element)  # reader comments are never article text, on any layer
        strip_link_lists(element)
        drop_appendix_tables(element)
    # A drop selector may remove a matched element itself: it is no longer part of the page.
    return elements_blocks([el for el in elements if _attached(el, root)])


def _attached(el, root) -> bool:
    ancestors = list(el.iterancestors())
    return (ancestors[-1] if ancestors else el) is root


def _metadata(page: Page, hints, article: Article) -> None:
    """Fill every metadata field along its source order and record which source gave it."""
    article.title, title_source = metadata.title(page, hints)
    fields = {"title": title_source}
    article.category, fields["category"] = category(page, hints, article.title)
    article.author, fields["author"] = metadata.author(page, hints)
    article.published, fields["published"] = metadata.published(page, hints)
    article.modified, fields["modified"] = metadata.modified(page)
    article.tags, fields["tags"] = metadata.tags(page)
    article.language, fields["language"] = metadata.language(page)
    article.canonical_url, fields["canonical_url"] = metadata.canonical(page)
    article.sources.update({name: source for name, source in fields.items() if source})

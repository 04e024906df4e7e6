"""Reading what a site says about its articles: robots.txt, sitemaps, feeds, dates, page signals.

Pure functions over bytes, so they are tested without a crawl. XML is parsed without entity
expansion and without network access (no billion-laughs, no XXE): Scrapy's :class:`Sitemap` for
sitemaps, an lxml parser configured the same way for feeds.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from lxml import etree
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from archive.dates import iso_utc
from archive.extract.identity import ARTICLE, kind_of_tree


@dataclass(frozen=True)
class Entry:
    """One URL a sitemap or feed names, with the date it gives (ISO 8601 UTC) if any."""

    url: str
    lastmod: str | None = None


def robots_sitemaps(body: bytes, base_url: str) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt."""
    return list(sitemap_urls_from_robots(body, base_url=base_url))


def parse_sitemap(body: bytes, max_size: int = 0) -> tuple[str, list[Entry]]:
    """``("sitemapindex" | "urlset" | "", entries)`` for a sitemap, gzipped or not; ``("", [])``, as
    for one that is no XML, when its gzip yields nothing or inflates past ``max_size``."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=max_size)
        except (OSError, EOFError, struct.error, ValueError):  # ValueError: past max_size
            return "", []
    try:
        sitemap = Sitemap(body)
    except (etree.XMLSyntaxError, StopIteration):
        return "", []
    entries = [Entry(d["loc"], iso_utc(d.get("lastmod"))) for d in sitemap if d.get("loc")]
    return sitemap.type, entries


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        recover=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_feed(body: bytes) -> list[Entry]:
    """Items of an RSS 2.0 / RSS 1.0 / Atom feed with their newest date (updated over published)."""
    try:
        root = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    entries = []
    for item in root.xpath("//*[local-name()='item' or local-name()='entry']"):
        url = _feed_link(item)
        if url:
            dates = [
                iso_utc(d)
                for d in item.xpath(
                    "*[local-name()='updated' or local-name()='modified' or local-name()='pubDate' or "
                    "local-name()='published' or local-name()='date']/text()"
                )
            ]
            entries.append(Entry(url, max((d for d in dates if d), default=None)))
    return entries


def _feed_link(item) -> str | None:
    for link in item.xpath("*[local-name()='link']"):
        href = link.get("href")
        if href and link.get("rel", "alternate") == "alternate":
            return href.strip()
        if not href and link.text and link.text.strip():
            return link.text.strip()
    return None


def page_kind(response) -> str:
    """The kind of a fetched page by its own signals (``article``, ``listing``, ``page`` or
    ``unknown``), read from the tree Scrapy parsed by the function extraction uses on its own
    (:func:`archive.extract.identity.kind_of_tree`): crawl, export and replay agree by construction."""
    return kind_of_tree(response.selector.root)


def is_article_page(response) -> bool:
    """Whether a fetched page is an article by its own signals (a page without any is decided by its
    extracted text: :func:`archive.extract.identity.is_article`)."""
    return page_kind(response) == ARTICLE


def feed_links(response) -> list[str]:
    """RSS/Atom feeds a page advertises, comment feeds excluded."""
    hrefs = response.css(
        'link[rel="alternate"][type*="rss"]::attr(href), link[rel="alternate"][type*="atom"]::attr(href)'
    ).getall()
    return [response.urljoin(h) for h in hrefs if "comments" not in h]

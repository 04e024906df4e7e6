"""Machine-readable pages: robots.txt, the Yoast-style sitemap index and sitemaps, the RSS 2.0 feed."""

from __future__ import annotations

from datetime import UTC
from email.utils import format_datetime
from xml.sax.saxutils import escape

from . import chrome
from .render import excerpt

SITEMAP_SIZE = 1000
FEED_SIZE = 20
XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def robots_txt(base_url: str) -> bytes:
    """WordPress's virtual robots.txt plus the rule keeping crawlers out of /private/."""
    return (
        f"User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\nDisallow: /private/\n\n"
        f"Sitemap: {base_url.rstrip('/')}/sitemap.xml\n"
    ).encode("ascii")


def post_sitemap_chunks(corpus) -> list[list]:
    """Articles oldest first, ``SITEMAP_SIZE`` per file, so new posts land in the last file."""
    posts = corpus.oldest_first
    return [posts[i : i + SITEMAP_SIZE] for i in range(0, len(posts), SITEMAP_SIZE)] or [[]]


def sitemap_index(corpus, base_url: str) -> bytes:
    base = base_url.rstrip("/")
    entries = [
        (f"{base}/post-sitemap{n}.xml", max(a.modified for a in chunk))
        for n, chunk in enumerate(post_sitemap_chunks(corpus), start=1)
    ]
    entries.append((f"{base}/category-sitemap.xml", corpus.newest_modified))
    body = "".join(
        f"<sitemap><loc>{loc}</loc><lastmod>{when.isoformat()}</lastmod></sitemap>\n" for loc, when in entries
    )
    return (
        XML_HEAD
        + '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + body
        + "</sitemapindex>\n"
    ).encode("utf-8")


def post_sitemap(corpus, base_url: str, number: int) -> bytes | None:
    """``/post-sitemapN.xml`` (N from 1), or None past the last one."""
    chunks = post_sitemap_chunks(corpus)
    if not 1 <= number <= len(chunks):
        return None
    base = base_url.rstrip("/")
    rows = "".join(
        f"<url><loc>{base}{a.path}</loc><lastmod>{a.modified.isoformat()}</lastmod>"
        f"<image:image><image:loc>{base}/wp-content/uploads/{a.published:%Y/%m}/{a.slug}-768x432.jpg"
        f"</image:loc></image:image></url>\n"
        for a in chunks[number - 1]
    )
    return _urlset(rows)


def category_sitemap(corpus, base_url: str) -> bytes:
    base = base_url.rstrip("/")
    rows = "".join(
        f"<url><loc>{base}/category/{corpus.in_category(c)[0].category_slug}/</loc>"
        f"<lastmod>{max(a.modified for a in corpus.in_category(c)).isoformat()}</lastmod></url>\n"
        for c in corpus.categories
    )
    return _urlset(rows)


def _urlset(rows: str) -> bytes:
    return (
        XML_HEAD + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">\n' + rows + "</urlset>\n"
    ).encode("utf-8")


def rss_feed(corpus, base_url: str) -> bytes:
    """RSS 2.0 of the latest ``FEED_SIZE`` posts, as WordPress writes ``/feed/``."""
    base = base_url.rstrip("/")
    latest = corpus.articles[:FEED_SIZE]
    items = "".join(_item(base, a) for a in latest)
    built = format_datetime(max(a.modified for a in latest).astimezone(UTC)) if latest else ""
    return (
        XML_HEAD + '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">\n<channel>\n'
        f"<title>{chrome.SITE_NAME}</title>\n"
        f'<atom:link href="{base}/feed/" rel="self" type="application/rss+xml" />\n'
        f"<link>{base}/</link>\n<description>{escape(chrome.TAGLINE)}</description>\n"
        f"<lastBuildDate>{built}</lastBuildDate>\n<language>id-ID</language>\n"
        "<sy:updatePeriod>hourly</sy:updatePeriod>\n<sy:updateFrequency>1</sy:updateFrequency>\n"
        "<generator>https://wordpress.org/?v=6.3.1</generator>\n"
        f"{items}</channel>\n</rss>\n"
    ).encode("utf-8")


def _item(base: str, article) -> str:
    published = format_datetime(article.published.astimezone(UTC))
    return (
        f"<item>\n<title>{escape(article.title)}</title>\n<link>{base}{article.path}</link>\n"
        f"<dc:creator><![CDATA[{article.author}]]></dc:creator>\n<pubDate>{published}</pubDate>\n"
        f"<category><![CDATA[{article.category}]]></category>\n"
        + "".join(f"<category><![CDATA[{tag}]]></category>\n" for tag in article.tags)
        + f'<guid isPermaLink="false">{base}/?p={article.id}</guid>\n'
        f"<description><![CDATA[{excerpt(article)}]]></description>\n</item>\n"
    )

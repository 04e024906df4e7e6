"""Title, author, dates, tags, language and canonical URL, each along a fixed, tested source order.

Visible markup of the post itself comes before machine metadata when the two can disagree in ways
a reader would notice (the headline); machine metadata comes first for values that the visible
page rounds or localises (dates). Bad values (form labels, theme phrases) are rejected so the next
source gets its turn.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from archive.dates import to_iso
from archive.extract.blocks import normalize
from archive.extract.fields import Source, css, css_all, hint, ld, meta, resolve
from archive.extract.page import Page
from archive.extract.selectors import select

TITLE_CSS = (
    "h1.entry-title, h1.post-title, h1.wp-block-post-title, h1.td-post-title, h1.tdb-title-text, "
    "h1.jeg_post_title, .entry-header h1, .post-header h1"
)
AUTHOR_CSS = (
    ".byline .author a, .author.vcard .fn, .author.vcard a, a[rel~='author'], .td-post-author-name a, "
    ".jeg_meta_author a, .wp-block-post-author-name, .wp-block-post-author__name, .entry-author-name, "
    ".author-name"
)
TIME_CSS = (
    "time.entry-date.published::attr(datetime), time.published::attr(datetime), "
    "time.entry-date::attr(datetime), .wp-block-post-date time::attr(datetime), "
    "[itemprop~='datePublished']::attr(content), [itemprop~='datePublished']::attr(datetime)"
)
TAGS_CSS = (
    ".tags-links a, .post-tags a, .td-tags a, .jeg_post_tags a, .taxonomy-post_tag a, "
    ".entry-tags a, .tag-links a"
)
# rel="tag" marks tags, but block themes put it on category links too (core/post-terms).
REL_TAG = (
    "xpath:.//a[contains(concat(' ', normalize-space(@rel), ' '), ' tag ') and not(contains(@rel, 'category'))"
    " and not(ancestor::*[contains(@class, 'taxonomy-category')])]"
)
# Values themes print where a name should be: labels of the comment form, byline stock phrases.
NOT_AUTHORS = frozenset(
    (
        "nama",
        "name",
        "email",
        "e-mail",
        "surel",
        "website",
        "situs web",
        "komentar",
        "comment",
        "published by",
        "posted by",
        "written by",
        "oleh",
        "by",
        "penulis",
        "author",
        "reporter",
        "editor",
        "redaksi:",
        "admin:",
        "anonymous",
        "unknown",
    )
)
AUTHOR_PREFIX = re.compile(
    r"^(?:published by|posted by|written by|oleh|by|penulis|reporter|author|"
    r"editor|ditulis oleh)\s*:?\s+",
    re.I,
)
TITLE_SUFFIX = re.compile(r"\s+[-–—|:•·»]\s+[^-–—|:•·»]{2,60}$")


def clean_author(value: str) -> str | None:
    """A person's name from a byline value, or None for labels and stock phrases."""
    value = AUTHOR_PREFIX.sub("", value.strip()).strip()
    value = value.strip("()[] ,;").strip()
    if not value or value.lower().rstrip(" :*") in NOT_AUTHORS or len(value) > 100 or "://" in value:
        return None
    return value


def _single_h1(page: Page):
    found = page.root.xpath("//h1")
    return css("h1", scoped=False)(page) if len(found) == 1 else None


def _title_tag(page: Page):
    found = page.root.find(".//title")
    title = normalize(found.text_content()) if found is not None else ""
    return TITLE_SUFFIX.sub("", title) if title else None


def title(page: Page, hints) -> tuple[str | None, str | None]:
    """The headline: hint, WordPress title markup, JSON-LD, og:title, the only h1, <title>."""
    sources = [
        *hint(hints and hints.title),
        Source("entry-title", css(TITLE_CSS, scoped=False)),
        Source("json-ld", ld("headline")),
        Source("og:title", meta("og:title", "twitter:title")),
        Source("h1", _single_h1),
        Source("title-tag", _title_tag),
    ]
    return resolve(page, sources)


def author(page: Page, hints):
    """The author: hint, JSON-LD, byline markup, meta author; never a form label."""
    sources = [
        *hint(hints and hints.author),
        Source("json-ld", ld("author")),
        Source("byline", css(AUTHOR_CSS)),
        Source("meta-author", meta("author", "article:author")),
    ]
    return resolve(page, sources, clean_author)


def published(page: Page, hints):
    """Publication date (ISO 8601): hint, article:published_time, JSON-LD, time markup."""
    sources = [
        *hint(hints and hints.published),
        Source("article:published_time", meta("article:published_time", "og:published_time")),
        Source("json-ld", ld("datePublished")),
        Source("time-element", css(TIME_CSS)),
        Source(
            "meta-date",
            meta(
                "pubdate",
                "publishdate",
                "publish-date",
                "date",
                "dc.date",
                "dc.date.issued",
                "parsely-pub-date",
                "sailthru.date",
            ),
        ),
        Source("time", css("time::attr(datetime)")),
    ]
    return resolve(page, sources, to_iso)


def modified(page: Page):
    """Last modification date (ISO 8601): article:modified_time, JSON-LD, ``time.updated``."""
    sources = [
        Source("article:modified_time", meta("article:modified_time", "og:updated_time")),
        Source("json-ld", ld("dateModified")),
        Source("time-element", css("time.updated::attr(datetime)")),
    ]
    return resolve(page, sources, to_iso)


def _meta_all(key: str):
    return lambda page: [
        v.strip() for v in select(page.root, f"xpath://meta[@property='{key}']/@content") if v.strip()
    ]


def tags(page: Page):
    """Tags: theme tag lists, rel=tag links of the post, article:tag, JSON-LD keywords."""
    sources = [
        Source("theme-tags", css_all(TAGS_CSS)),
        Source("rel-tag", css_all(REL_TAG)),
        Source("article:tag", _meta_all("article:tag")),
        Source("json-ld", lambda page: page.jsonld.getall("keywords")),
    ]
    value, source = resolve(page, sources)
    return list(dict.fromkeys(value)) if value else [], source


def _lang(value: str) -> str | None:
    value = value.strip().replace("_", "-").split(",")[0].strip()
    return value if re.match(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", value) else None


def language(page: Page):
    """Language tag: <html lang>, content-language, og:locale, JSON-LD, HTTP header."""
    sources = [
        Source("html-lang", lambda page: page.root.get("lang") or page.root.get("xml:lang")),
        Source("meta-language", meta("content-language", "language", "dc.language")),
        Source("og:locale", meta("og:locale")),
        Source("json-ld", ld("inLanguage")),
        Source("header", lambda page: page.header("Content-Language")),
    ]
    return resolve(page, sources, _lang)


def canonical(page: Page):
    """Canonical URL: <link rel=canonical>, og:url, else the page URL (made absolute)."""

    def link(page: Page):
        found = select(
            page.root, "xpath://link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href"
        )
        return found[0].strip() if found else None

    sources = [
        Source("link-canonical", link),
        Source("og:url", meta("og:url")),
        Source("url", lambda p: p.url),
    ]
    value, source = resolve(page, sources, lambda href: _absolute(page.url or "", href))
    return value, source


def _absolute(base: str, href: str) -> str | None:
    """``href`` made absolute, or None (the next source) when urllib cannot parse it or the base
    (``http://[::1/``: such a canonical failed the whole page's extraction)."""
    try:
        return urljoin(base, href.strip())
    except ValueError:
        return None

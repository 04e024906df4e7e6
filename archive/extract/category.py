"""The article's category, as the site names it: from the post's own taxonomy, never navigation.

WordPress marks the post's categories with ``rel="category tag"`` (``the_category()``); block
themes print them in ``.taxonomy-category``; SEO plugins repeat them in JSON-LD ``articleSection``
and ``article:section``. Menus and category widgets carry none of these, so they cannot leak in.
Breadcrumbs come last: their last crumb before the headline is the category.
"""

from __future__ import annotations

from archive.extract.blocks import normalize
from archive.extract.fields import Source, css, hint, meta, resolve
from archive.extract.page import Page
from archive.extract.selectors import select_elements, select_texts

THEME_CSS = (
    ".cat-links a, .entry-categories a, .post-categories a, .td-category a, .jeg_meta_category a, "
    ".entry-category a, .category-links a, .post-category a, .tdb-category a"
)
CRUMBS_CSS = (
    ".breadcrumb, .breadcrumbs, #breadcrumbs, .rank-math-breadcrumb, .yoast-breadcrumb, "
    "nav[aria-label*='readcrumb'], .td-crumb-container, .jeg_breadcrumbs, .wp-block-breadcrumbs"
)
HOME = frozenset(
    ("home", "beranda", "depan", "halaman utama", "homepage", "index", "start", "news", "berita")
)
MAX_CHARS = 60  # a "category" longer than this is a headline or a sentence, not a section name


def _clean(value: str) -> str | None:
    value = value.strip(" /»›>|·•")
    return value if 0 < len(value) <= MAX_CHARS else None


def _crumb_category(crumbs: list[str], title: str | None) -> str | None:
    """The crumb right before the headline (or the last one), skipping the home link."""
    names = [c for c in crumbs if c and (title is None or c.casefold() != title.casefold())]
    names = [c for c in names if c.casefold() not in HOME]
    return names[-1] if names else None


def _html_crumbs(page: Page) -> list[str]:
    """Crumb names of the first breadcrumb trail in the markup: its links, then its last item."""
    for trail in select_elements(page.root, CRUMBS_CSS):
        links = select_texts(trail, "a")
        last = trail.xpath("(.//*[not(*)][normalize-space()])[last()]")
        tail = normalize(last[0].text_content()) if last else ""
        if links:
            return links + ([tail] if tail and tail not in links else [])
    return []


def category(page: Page, hints, title: str | None = None):
    """Category: hint, rel="category" links, block-theme taxonomy, theme markup, JSON-LD,
    article:section, breadcrumbs (JSON-LD, then markup)."""
    sources = [
        *hint(hints and hints.category),
        Source("rel-category-tag", css("a[rel~='category']")),
        Source("taxonomy-category", css(".taxonomy-category a")),
        Source("theme-category", css(THEME_CSS)),
        # Rank Math joins several sections with commas; the first is the primary one.
        Source("json-ld", lambda p: next(iter(p.jsonld.getall("articleSection")), None)),
        Source("article:section", meta("article:section")),
        Source("breadcrumbs-json-ld", lambda p: _crumb_category(p.jsonld.breadcrumbs, title)),
        Source("breadcrumbs", lambda p: _crumb_category(_html_crumbs(p), title)),
    ]
    return resolve(page, sources, _clean)

"""The demo site's content model: :class:`Article` records and the :class:`Corpus` that holds them.

The corpus answers every question a page needs (listings, related posts, lookups) and knows each
article's expected clean text, so tests compare what an extractor found with the truth.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from . import lexicon as lx
from . import prose
from .config import SiteConfig

FIRST_ID = 170000
AUTHOR_NAMES = dict(lx.AUTHORS)


def slugify(text: str) -> str:
    """WordPress-style slug: ASCII lowercase words joined by hyphens."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_text.lower()).split())


def category_slug(category: str) -> str:
    return slugify(category)


@dataclass(eq=False)
class Article:
    """One post. ``blocks`` are its expected clean-text blocks (docs/CLEAN_TEXT.md), in page order."""

    slug: str
    title: str
    category: str
    published: datetime
    modified: datetime
    author_initials: str
    tags: tuple[str, ...]
    captcha: tuple[int | None, int | None, int]
    id: int = 0
    changed: bool = False
    _make_body: Callable[[Article], tuple[prose.Block, ...]] | None = field(default=None, repr=False)
    _body: tuple[prose.Block, ...] | None = field(default=None, repr=False)

    @property
    def path(self) -> str:
        """The URL path, ``/<slug>/`` as on Channel9.id."""
        return f"/{self.slug}/"

    url_path = path

    @property
    def author(self) -> str:
        return AUTHOR_NAMES.get(self.author_initials, self.author_initials)

    @property
    def category_slug(self) -> str:
        return category_slug(self.category)

    @property
    def body(self) -> tuple[prose.Block, ...]:
        """Typed blocks (kind, text, linked slug), generated on first use."""
        if self._body is None:
            assert self._make_body is not None, "an article gets its body maker from its Corpus"
            self._body = self._make_body(self)
        return self._body

    @property
    def blocks(self) -> list[str]:
        return [block.text for block in self.body]

    def url(self, base_url: str) -> str:
        return base_url.rstrip("/") + self.path


class Corpus:
    """Every article of one configuration, newest first, with the lookups the pages need."""

    def __init__(self, config: SiteConfig, articles: list[Article], popular: list[Article]):
        from .generate import make_body

        self.config = config
        self.oldest_first = sorted(articles, key=lambda a: (a.published, a.slug))
        for rank, article in enumerate(self.oldest_first):
            article.id = FIRST_ID + 7 * rank
            article._make_body = lambda a, corpus=self: make_body(corpus, a)
        self.articles = self.oldest_first[::-1]
        self.by_slug = {a.slug: a for a in articles}
        self.by_title = {a.title: a for a in self.oldest_first}
        self.by_id = {a.id: a for a in articles}
        self.popular = popular
        self._position = {a.slug: i for i, a in enumerate(self.oldest_first)}

    def __len__(self) -> int:
        return len(self.articles)

    @cached_property
    def categories(self) -> list[str]:
        return [c for c in lx.CATEGORIES if self.in_category(c)]

    @cached_property
    def _by_category(self) -> dict[str, list[Article]]:
        out: dict[str, list[Article]] = {}
        for article in self.articles:
            out.setdefault(article.category, []).append(article)
        return out

    @cached_property
    def _category_position(self) -> dict[str, int]:
        return {a.slug: i for same in self._by_category.values() for i, a in enumerate(same)}

    @cached_property
    def _by_tag(self) -> dict[str, list[Article]]:
        out: dict[str, list[Article]] = {}
        for article in self.articles:
            for tag in article.tags:
                out.setdefault(slugify(tag), []).append(article)
        return out

    def in_category(self, category: str) -> list[Article]:
        """Articles of a category (its name or slug), newest first."""
        return self._by_category.get(category) or next(
            (v for k, v in self._by_category.items() if category_slug(k) == category), []
        )

    def tagged(self, tag_slug: str) -> list[Article]:
        return self._by_tag.get(tag_slug, [])

    def tag_name(self, tag_slug: str) -> str | None:
        """The tag's display name as the articles spell it."""
        return self._tag_names.get(tag_slug)

    @cached_property
    def _tag_names(self) -> dict[str, str]:
        return {slugify(tag): tag for article in self.articles for tag in article.tags}

    def by_author(self, initials: str) -> list[Article]:
        return [a for a in self.articles if a.author_initials.lower() == initials.lower()]

    def older_than(self, article: Article, count: int) -> list[Article]:
        """Up to ``count`` articles published just before ``article``, newest first."""
        end = self._position[article.slug]
        return self.oldest_first[max(0, end - count) : end][::-1]

    def related(self, article: Article, count: int = 3) -> list[Article]:
        """Older articles of the same category: stable when newer articles are published."""
        same = self.in_category(article.category)
        start = self._category_position[article.slug] + 1
        return same[start : start + count]

    @property
    def newest_modified(self) -> datetime:
        return max(a.modified for a in self.articles)

    def expected_text(self, article: Article) -> str:
        """The exact clean text (docs/CLEAN_TEXT.md): title, category, blank, title, blank, blocks."""
        return (
            f"{article.title}\n{article.category}\n\n{article.title}\n\n" + "\n\n".join(article.blocks) + "\n"
        )

    def render_article(self, article: Article, base_url: str) -> bytes:
        """The article's full HTML page as served, links absolute to ``base_url``."""
        from .render import article_page

        return article_page(self, article, base_url)

"""Building the demo corpus: deterministic articles from a :class:`SiteConfig`.

Metadata (slug, title, dates, tags) is made eagerly, bodies lazily, so 20,000 articles build in
well under a second. Every random choice comes from a ``random.Random`` keyed by the seed and the
article, never by its position, so publishing more articles (``added``) leaves every existing
page's bytes unchanged, and ``changed`` touches exactly the articles it names.
"""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta

from . import lexicon as lx
from . import prose, seeds_data
from .config import SiteConfig
from .corpus import Article, Corpus, slugify
from .seeds_data import WIB

ANCHOR = datetime(2023, 9, 14, 12, 0, tzinfo=WIB)  # the seed articles' day sits ~1/4 from the newest


def _rng(*key) -> random.Random:
    return random.Random(":".join(map(str, key)))


def _rank(*key) -> str:
    return hashlib.sha1(":".join(map(str, key)).encode()).hexdigest()


def _step(config: SiteConfig) -> timedelta:
    """Time between two articles: every six hours, denser for big sites (~3 years in all)."""
    return timedelta(hours=min(6.0, 26280.0 / config.articles))


def _generated(config: SiteConfig, kind: str, index: int, when: datetime) -> Article:
    rng = _rng(config.seed, kind, index)
    category = rng.choice(lx.CATEGORIES)
    initials = rng.choice(lx.AUTHORS)[0]
    left, right = rng.randint(1, 90), rng.randint(1, 20)
    captcha = (left, None, left + right) if rng.random() < 0.5 else (None, right, left + right)
    when += timedelta(minutes=rng.randint(-90, 90))
    return Article(
        slug="",
        title=prose.headline(rng, category),
        category=category,
        published=when,
        modified=when + timedelta(minutes=rng.choice((0, 0, 4, 17, 45))),
        author_initials=initials,
        tags=tuple(rng.sample(lx.TAGS, rng.randint(2, 4))),
        captcha=captcha,
    )


def _fixed(config: SiteConfig, spec: seeds_data.FixedArticle) -> Article:
    rng = _rng(config.seed, "fixed", spec.slug)
    text = seeds_data.verbatim(spec.slug)
    left, right = rng.randint(1, 90), rng.randint(1, 20)
    title = text[0] if text else spec.title
    # FIXED gives a title to every article without a data file (seeds_data.FixedArticle.title)
    assert title is not None, f"fixed article {spec.slug} has neither a title nor a data file"
    return Article(
        slug=spec.slug,
        title=title,
        category=spec.category,
        published=spec.published,
        modified=spec.published + timedelta(minutes=3),
        author_initials=spec.initials,
        tags=("Korea Utara", "Rusia", "Vladimir Putin"),
        captcha=spec.captcha or (left, None, left + right),
    )


def _assign_slugs(articles: list[Article], taken: set[str]) -> None:
    for article in articles:
        base = article.slug or slugify(article.title)
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        article.slug = slug
        taken.add(slug)


def build_corpus(config: SiteConfig | None = None, **fields) -> Corpus:
    """Build the corpus for ``config`` (or ``SiteConfig(**fields)``)."""
    config = config or SiteConfig(**fields)
    step = _step(config)
    fixed = [_fixed(config, spec) for spec in seeds_data.FIXED]
    count = config.articles - len(fixed)
    base = [_generated(config, "base", j, ANCHOR + (j - (3 * count) // 4) * step) for j in range(count)]
    _assign_slugs(fixed + base, set())
    newest = max(a.published for a in fixed + base)
    added = [
        _generated(config, "added", k, newest + (k + 1) * step + timedelta(hours=2))
        for k in range(config.added)
    ]
    _assign_slugs(added, {a.slug for a in fixed + base})
    for rank, article in enumerate(sorted(base, key=lambda a: _rank(config.seed, "changed", a.slug))):
        if rank < config.changed:
            article.changed = True
            article.modified = newest + timedelta(hours=1, minutes=rank)
    return Corpus(
        config, fixed + base + added, popular=sorted(base, key=lambda a: _rank(config.seed, a.slug))[:5]
    )


def make_body(corpus: Corpus, article: Article) -> tuple[prose.Block, ...]:
    """The body of ``article``: verbatim for the seed articles, generated otherwise."""
    text = seeds_data.verbatim(article.slug)
    if text:
        return seeds_data.verbatim_blocks(text[2], lambda title: corpus.by_title[title].slug)
    older = [(a.slug, a.title) for a in corpus.older_than(article, 12)]
    body = prose.body(
        _rng(corpus.config.seed, "body", article.slug), article.category, older, article.author_initials
    )
    if article.changed:
        body = prose.revise(body, _rng(corpus.config.seed, "revise", article.slug), article.category)
    return body

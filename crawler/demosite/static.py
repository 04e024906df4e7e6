"""Rendering the whole demo site to a folder, for static servers (nginx, ``wget`` benchmarks)."""

from __future__ import annotations

from pathlib import Path

from . import assets, listing
from .corpus import slugify
from .feeds import post_sitemap_chunks
from .pages import Pages
from .render import thumbnail_path


def all_paths(corpus) -> list[str]:
    """Every URL path the site serves with status 200 (redirects and fault routes aside)."""
    paths = [
        "/",
        "/robots.txt",
        "/feed/",
        "/sitemap.xml",
        "/category-sitemap.xml",
        "/private/secret/",
        "/wp-content/themes/c9/style.css",
        assets.BLOCKS_CSS,
        assets.FONT_CSS,
        assets.FONT_FILE,
        *assets.THEME_IMAGES,
        *assets.SITE_IMAGES,
    ]
    paths += [f"/post-sitemap{n}.xml" for n in range(1, len(post_sitemap_chunks(corpus)) + 1)]
    paths += _paged("/", len(corpus.articles))
    for category in corpus.categories:
        paths += _paged(f"/category/{slugify(category)}/", len(corpus.in_category(category)))
    for tag in sorted({slugify(t) for a in corpus.articles for t in a.tags}):
        paths += _paged(f"/tag/{tag}/", len(corpus.tagged(tag)))
    for initials in sorted({a.author_initials.lower() for a in corpus.articles}):
        paths += _paged(f"/author/{initials}/", len(corpus.by_author(initials)))
    for article in corpus.articles:
        thumb = thumbnail_path(article)
        paths += [
            article.path,
            thumb,
            thumb.replace("768x432", "300x169"),
            thumb.replace("768x432", "1200x675"),
        ]
    return paths


def _paged(root: str, count: int) -> list[str]:
    return [root] + [f"{root}page/{n}/" for n in range(2, listing.page_count(count) + 1)]


def file_for(path: str) -> str:
    """Where a URL path lives on disk: directories get ``index.html`` (``index.xml`` for the feed)."""
    if path.endswith("/"):
        return path.lstrip("/") + ("index.xml" if path == "/feed/" else "index.html")
    return path.lstrip("/")


def render_site(corpus, out: str | Path, base_url: str) -> int:
    """Write every page of ``corpus`` (links absolute to ``base_url``) under ``out``; returns files."""
    out = Path(out)
    pages = Pages(corpus, base_url, cache_size=1)
    written = 0
    for path in all_paths(corpus):
        target = out / file_for(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pages.get(path).body)
        written += 1
    (out / "404.html").write_bytes(pages.not_found("/404.html").body)
    return written + 1

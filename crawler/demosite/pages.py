"""URL routing of the demo site: a path becomes a :class:`Page` (status, bytes, validators).

Pages are rendered on first request and kept in a bounded LRU cache with their gzip form, so a
20,000-article site serves hundreds of requests a second without holding every page in memory.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from urllib.parse import parse_qs

from . import assets, feeds, listing

HTML = "text/html; charset=UTF-8"
XML = "application/xml; charset=UTF-8"
STATIC_DATE = datetime(2023, 1, 5, 8, 0, tzinfo=UTC)
ARCHIVE_RE = re.compile(r"^/(?:(category|tag|author)/([a-z0-9-]+)/)?(?:page/(\d+)/)?$")
ARTICLE_RE = re.compile(r"^/([a-z0-9-]+)/$")


@dataclass
class Page:
    """One response: status, body, and what conditional requests and gzip need."""

    status: int
    body: bytes
    content_type: str = HTML
    last_modified: datetime | None = None
    chunked: bool = False
    location: str | None = None
    headers: dict = field(default_factory=dict)

    @cached_property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:20] + '"'

    @property
    def compressible(self) -> bool:
        return not self.content_type.startswith("image/") and len(self.body) > 256

    @cached_property
    def gzipped(self) -> bytes:
        """The gzip form, built once (mtime 0, so the bytes are the same on every run)."""
        return gzip.compress(self.body, compresslevel=6, mtime=0)


class Pages:
    """Every page of one corpus at one base URL, with an LRU cache of rendered pages."""

    def __init__(self, corpus, base_url: str, cache_size: int = 2048):
        self.corpus, self.base = corpus, base_url.rstrip("/")
        self.cache: OrderedDict[str, Page] = OrderedDict()
        self.cache_size = cache_size

    def get(self, path: str, query: str = "") -> Page:
        post = parse_qs(query).get("p", [""])[0] if path == "/" and query else ""
        key = f"{path}?p={post}" if post else path
        page = self.cache.get(key)
        if page is None:
            page = self._build(path, post)
            self.cache[key] = page
            if len(self.cache) > self.cache_size:
                self.cache.popitem(last=False)
        else:
            self.cache.move_to_end(key)
        return page

    def redirect(self, target: str, status: int = 301) -> Page:
        return Page(status, b"", location=target if "://" in target else self.base + target)

    def not_found(self, path: str) -> Page:
        return Page(404, listing.not_found_page(self.corpus, self.base, path))

    def _build(self, path: str, post: str) -> Page:
        if post:
            article = self.corpus.by_id.get(int(post)) if post.isdigit() else None
            return self.redirect(article.path) if article else self.not_found(path)
        return (
            self._special(path)
            or self._archive(path)
            or self._article(path)
            or self._asset(path)
            or self._slashless(path)
            or self.not_found(path)
        )

    def _special(self, path: str) -> Page | None:
        corpus, base = self.corpus, self.base
        if path == "/robots.txt":
            return Page(200, feeds.robots_txt(base), "text/plain; charset=UTF-8", STATIC_DATE)
        if path == "/feed/":
            newest = corpus.articles[0].modified if len(corpus) else None
            return Page(
                200, feeds.rss_feed(corpus, base), "application/rss+xml; charset=UTF-8", newest, chunked=True
            )
        if path == "/sitemap.xml":
            return Page(200, feeds.sitemap_index(corpus, base), XML, corpus.newest_modified)
        if path == "/category-sitemap.xml":
            return Page(200, feeds.category_sitemap(corpus, base), XML, corpus.newest_modified)
        if match := re.fullmatch(r"/post-sitemap(\d+)\.xml", path):
            body = feeds.post_sitemap(corpus, base, int(match.group(1)))
            return Page(200, body, XML, corpus.newest_modified) if body else None
        if path == "/private/secret/":
            return Page(200, listing.private_page(), last_modified=STATIC_DATE)
        return None

    def _archive(self, path: str) -> Page | None:
        match = ARCHIVE_RE.match(path)
        if not match:
            return None
        kind, slug, number = match.groups()
        articles, name = self._archive_items(kind or "home", slug)
        page, root = int(number or 1), f"/{kind}/{slug}/" if kind else "/"
        if articles is None or not 1 <= page <= listing.page_count(len(articles)):
            return None
        if number == "1":
            return self.redirect(root)
        body = listing.archive_page(self.corpus, self.base, kind or "home", name, root, articles, page)
        shown = articles[(page - 1) * listing.PER_PAGE : page * listing.PER_PAGE]
        newest = max((a.modified for a in shown), default=STATIC_DATE)
        return Page(200, body, last_modified=newest, chunked=kind == "category")

    def _archive_items(self, kind: str, slug: str | None):
        corpus = self.corpus
        if kind == "home":
            return corpus.articles, "Beranda"
        if kind == "category":
            items = corpus.in_category(slug)
            return (items, items[0].category) if items else (None, "")
        if kind == "tag":
            items = corpus.tagged(slug)
            return (items, corpus.tag_name(slug)) if items else (None, "")
        items = corpus.by_author(slug)
        return (items, items[0].author) if items else (None, "")

    def _article(self, path: str) -> Page | None:
        match = ARTICLE_RE.match(path)
        article = self.corpus.by_slug.get(match.group(1)) if match else None
        if article is None:
            return None
        return Page(
            200,
            self.corpus.render_article(article, self.base),
            last_modified=article.modified,
            headers={"Link": f"<{self.base}/?p={article.id}>; rel=shortlink"},
        )

    def cdn(self, path: str) -> Page:
        """What the CDN origin (:func:`assets.cdn_base`) serves at ``path``: assets only."""
        key = "cdn:" + path
        page = self.cache.get(key)
        if page is None:
            page = self._asset(path) or Page(404, b"404 Not Found\n", "text/plain; charset=UTF-8")
            self.cache[key] = page
            if len(self.cache) > self.cache_size:
                self.cache.popitem(last=False)
        return page

    def _asset(self, path: str) -> Page | None:
        """Stylesheets, the font and images (on either origin). Their CORS header names the site's
        origin, as a site's own asset host does (fonts are fetched with CORS): the live pages may
        read them, no other origin (a replayed page, say) may."""
        cors = {"Access-Control-Allow-Origin": self.base}
        css = "text/css; charset=UTF-8"
        if path == f"{assets.THEME}/style.css":
            return Page(200, assets.STYLESHEET, css, STATIC_DATE, headers=cors)
        if path == assets.BLOCKS_CSS:
            return Page(200, assets.blocks_css(self.base), css, STATIC_DATE, headers=cors)
        if path == assets.FONT_CSS:
            return Page(200, assets.FONTS, css, STATIC_DATE, headers=cors)
        if path == assets.FONT_FILE:
            return Page(200, assets.font_file(), "font/ttf", STATIC_DATE, headers=cors)
        image = assets.image_for(path, self.corpus) if path.endswith(".jpg") else None
        return Page(200, image, "image/jpeg", STATIC_DATE, headers=cors) if image else None

    def _slashless(self, path: str) -> Page | None:
        """WordPress's canonical redirect: ``/slug`` -> ``/slug/`` when that page exists."""
        if path.endswith("/") or "." in path.rsplit("/", 1)[-1]:
            return None
        target = self._build(path + "/", "")
        return self.redirect(path + "/") if target.status == 200 else None

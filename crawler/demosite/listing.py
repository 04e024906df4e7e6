"""Archive pages (home, category, tag, author; ten per page, newest first), the 404 and private page."""

from __future__ import annotations

from . import chrome
from .chrome import esc
from .render import excerpt, small_thumbnail

PER_PAGE = 10


def page_count(total: int) -> int:
    return max(1, -(-total // PER_PAGE))


def archive_page(corpus, base_url: str, kind: str, name: str, root: str, articles: list, page: int) -> bytes:
    """One page of an archive. ``root`` is the archive's path (``/``, ``/category/x/``)."""
    base = base_url.rstrip("/")
    pages = page_count(len(articles))
    path = root if page == 1 else f"{root}page/{page}/"
    heading = {
        "home": None,
        "category": f"Kategori: {name}",
        "tag": f"Tag: {name}",
        "author": f"Penulis: {name}",
    }[kind]
    title = (
        f"{chrome.SITE_NAME} – {chrome.TAGLINE}" if kind == "home" else f"{name} Arsip – {chrome.SITE_NAME}"
    )
    if page > 1:
        title = f"{title} – Halaman {page}"
    items = articles[(page - 1) * PER_PAGE : page * PER_PAGE]
    body_class = "home blog" if kind == "home" else f"archive {kind} {kind}-{root.strip('/').split('/')[-1]}"
    extra = _rel_links(base, root, page, pages)
    parts = [
        chrome.head(
            base,
            title,
            chrome.TAGLINE if kind == "home" else f"Berita {name} terbaru dari {chrome.SITE_NAME}.",
            base + path,
            extra,
        ),
        f'<body class="{body_class}{f" paged paged-{page}" if page > 1 else ""}">\n',
        chrome.masthead(base, corpus.categories, current=name if kind == "category" else None),
        '<div id="primary" class="content-area"><main id="main" class="site-main">\n',
        "" if kind == "home" else chrome.breadcrumbs(base, [(name, None)]),
        f'<header class="page-header"><h1 class="page-title">{esc(heading)}</h1></header>\n'
        if heading
        else "",
        "".join(_summary(base, a) for a in items),
        _pagination(base, root, page, pages),
        "</main></div>\n",
        chrome.sidebar(base, corpus.popular),
        chrome.footer(base, corpus.categories),
    ]
    return "".join(parts).encode("utf-8")


def _rel_links(base: str, root: str, page: int, pages: int) -> str:
    links = []
    if page > 1:
        links.append(f'<link rel="prev" href="{base}{root if page == 2 else f"{root}page/{page - 1}/"}">\n')
    if page < pages:
        links.append(f'<link rel="next" href="{base}{root}page/{page + 1}/">\n')
    return '<meta property="og:type" content="website">\n' + "".join(links)


def _summary(base: str, article) -> str:
    url = base + article.path
    return f"""<article id="post-{article.id}" class="post-{article.id} post type-post status-publish format-standard has-post-thumbnail hentry category-{article.category_slug}">
<div class="post-thumbnail"><a href="{url}" aria-hidden="true" tabindex="-1">{small_thumbnail(article, base)}</a></div>
<header class="entry-header"><span class="cat-links"><a href="{base}/category/{article.category_slug}/" rel="category tag">{esc(article.category)}</a></span>
<h2 class="entry-title"><a href="{url}" rel="bookmark">{esc(article.title)}</a></h2>
<div class="entry-meta"><time class="entry-date published" datetime="{article.published.isoformat()}">{chrome.wib(article.published)}</time></div></header>
<div class="entry-summary"><p>{esc(excerpt(article))}</p></div>
</article>
"""


def _pagination(base: str, root: str, page: int, pages: int) -> str:
    """WordPress ``the_posts_pagination``: prev, first, a window around the current page, last, next."""
    if pages == 1:
        return ""

    def href(n):
        return f"{base}{root}" if n == 1 else f"{base}{root}page/{n}/"

    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    links, last = [], 0
    if page > 1:
        links.append(f'<a class="prev page-numbers" href="{href(page - 1)}">&laquo; Sebelumnya</a>')
    for n in shown:
        if n > last + 1:
            links.append('<span class="page-numbers dots">&hellip;</span>')
        links.append(
            f'<span aria-current="page" class="page-numbers current">{n}</span>'
            if n == page
            else f'<a class="page-numbers" href="{href(n)}">{n}</a>'
        )
        last = n
    if page < pages:
        links.append(f'<a class="next page-numbers" href="{href(page + 1)}">Berikutnya &raquo;</a>')
    return (
        f'<nav class="navigation pagination" aria-label="Pos"><h2 class="screen-reader-text">Navigasi pos</h2>'
        f'<div class="nav-links">{"".join(links)}</div></nav>\n'
    )


def not_found_page(corpus, base_url: str, path: str) -> bytes:
    """WordPress's 404 template in the theme chrome (served with status 404)."""
    base = base_url.rstrip("/")
    return "".join(
        [
            chrome.head(base, f"Halaman tidak ditemukan – {chrome.SITE_NAME}", chrome.TAGLINE, base + path),
            '<body class="error404">\n',
            chrome.masthead(base, corpus.categories),
            '<div id="primary" class="content-area"><main id="main" class="site-main">\n'
            '<section class="error-404 not-found"><header class="page-header"><h1 class="page-title">'
            'Oops! Halaman tidak ditemukan.</h1></header>\n<div class="page-content"><p>Sepertinya tidak ada apa pun '
            "di lokasi ini. Coba gunakan pencarian atau buka salah satu tautan di bawah.</p></div></section>\n"
            "</main></div>\n",
            chrome.sidebar(base, corpus.popular),
            chrome.footer(base, corpus.categories),
        ]
    ).encode("utf-8")


def private_page() -> bytes:
    """The internal archive robots.txt forbids: a crawler that obeys robots never sees this."""
    return (
        b'<!DOCTYPE html>\n<html lang="id-ID"><head><meta charset="UTF-8"><title>Arsip Internal</title>'
        b'<meta name="robots" content="noindex"></head><body class="private"><h1>Arsip Internal Redaksi</h1>'
        b"<p>Halaman ini hanya untuk redaksi dan tidak boleh dirayapi.</p></body></html>\n"
    )

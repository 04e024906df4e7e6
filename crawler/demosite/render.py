"""Article pages: the body blocks in ``div.entry-content`` inside full WordPress news-theme chrome.

The markup follows the extraction hints of ``seeds/channel9.toml`` (``h1.entry-title``,
``.cat-links a[rel~='category']``, ``div.entry-content``, ``.author-initials``,
``time.entry-date``), puts the chrome the hints drop (share block, Jetpack related posts, an ad,
an inline related box) inside the entry content, and marks the comment form up the non-standard
way Channel9.id does, so that plain trafilatura leaks its heading, notice and captcha (docs/CLEAN_TEXT.md).
"""

from __future__ import annotations

import json

from . import chrome
from .assets import cdn_base
from .chrome import esc

NBSP2 = "&nbsp; &nbsp;"


def article_page(corpus, article, base_url: str) -> bytes:
    """The full HTML of ``article`` with links absolute to ``base_url``."""
    base = base_url.rstrip("/")
    url = base + article.path
    title = f"{article.title} – {chrome.SITE_NAME}"
    parts = [
        chrome.head(base, title, excerpt(article), url, _meta(article, url, base)),
        f'<body class="post-template-default single single-post postid-{article.id} single-format-standard">\n',
        chrome.masthead(base, corpus.categories, current=article.category),
        '<div id="primary" class="content-area"><main id="main" class="site-main">\n',
        chrome.breadcrumbs(
            base, [(article.category, f"{base}/category/{article.category_slug}/"), (article.title, None)]
        ),
        _article(corpus, article, base),
        _related_box(base, corpus.related(article, 4)),
        "</main></div>\n",
        chrome.sidebar(base, corpus.popular),
        chrome.footer(base, corpus.categories),
    ]
    return "".join(parts).encode("utf-8")


def excerpt(article, words: int = 28) -> str:
    """The first words of the lead paragraph, as WordPress's automatic excerpt."""
    lead = article.blocks[0].split()
    return " ".join(lead[:words]) + (" […]" if len(lead) > words else "")


def _meta(article, url: str, base: str) -> str:
    published, modified = article.published.isoformat(), article.modified.isoformat()
    image = f"{base}{thumbnail_path(article)}"
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "articleSection": article.category,
        "datePublished": published,
        "dateModified": modified,
        "author": {
            "@type": "Person",
            "name": article.author,
            "url": f"{base}/author/{article.author_initials.lower()}/",
        },
        "publisher": {
            "@type": "Organization",
            "name": chrome.SITE_NAME,
            "logo": {"@type": "ImageObject", "url": f"{base}/wp-content/uploads/2021/03/logo-channel9.jpg"},
        },
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "image": [image],
        "inLanguage": "id-ID",
        "keywords": list(article.tags),
    }
    tags = "".join(f'<meta property="article:tag" content="{esc(t)}">\n' for t in article.tags)
    return (
        f'<meta property="og:type" content="article">\n<meta property="og:title" content="{esc(article.title)}">\n'
        f'<meta property="og:description" content="{esc(excerpt(article))}">\n'
        f'<meta property="og:url" content="{url}">\n<meta property="og:image" content="{image}">\n'
        f'<meta property="article:section" content="{esc(article.category)}">\n{tags}'
        f'<meta property="article:published_time" content="{published}">\n'
        f'<meta property="article:modified_time" content="{modified}">\n'
        f'<meta name="author" content="{esc(article.author)}">\n'
        f'<link rel="shortlink" href="{base}/?p={article.id}">\n'
        f'<script type="application/ld+json" class="yoast-schema-graph">{json.dumps(ld, ensure_ascii=False)}</script>\n'
    )


def thumbnail_path(article) -> str:
    """Where the article's featured image lives, WordPress upload-folder style."""
    return f"/wp-content/uploads/{article.published:%Y/%m}/{article.slug}-768x432.jpg"


def image_srcset(article, base: str, sizes=((300, 169), (768, 432), (1200, 675))) -> str:
    """The ``srcset`` of an article's photo on the CDN: WordPress's intermediate sizes."""
    path = thumbnail_path(article)
    cdn = cdn_base(base)
    return ", ".join(f"{cdn}{path.replace('768x432', f'{w}x{h}')} {w}w" for w, h in sizes)


def _thumbnail(article, base: str) -> str:
    """The featured image: on the CDN, three candidates; not lazy (it is above the fold)."""
    return (
        f'<img width="768" height="432" src="{cdn_base(base)}{thumbnail_path(article)}" '
        f'srcset="{image_srcset(article, base)}" sizes="(max-width: 768px) 100vw, 768px" '
        f'class="attachment-post-thumbnail size-post-thumbnail wp-post-image" alt="{esc(article.title)}" '
        'decoding="async" fetchpriority="high">'
    )


def small_thumbnail(article, base: str) -> str:
    """A 300x169 lazy-loaded thumbnail (listings, related posts) with its ``<noscript>`` copy."""
    small = thumbnail_path(article).replace("768x432", "300x169")
    return chrome.lazy_image(
        cdn_base(base) + small,
        image_srcset(article, base, ((300, 169), (768, 432))),
        300,
        169,
        "wp-post-image",
        "",
        "300px",
    )


def _article(corpus, article, base: str) -> str:
    tag_classes = " ".join(f"tag-{_slug(t)}" for t in article.tags)
    return f"""<article id="post-{article.id}" class="post-{article.id} post type-post status-publish format-standard has-post-thumbnail hentry category-{article.category_slug} {tag_classes}">
<header class="entry-header">
<span class="cat-links"><a href="{base}/category/{article.category_slug}/" rel="category tag">{esc(article.category)}</a></span>
<h1 class="entry-title">{esc(article.title)}</h1>
<div class="entry-meta"><span class="posted-on"><time class="entry-date published" datetime="{article.published.isoformat()}">{chrome.wib(article.published)}</time><time class="updated" datetime="{article.modified.isoformat()}">{chrome.wib(article.modified)}</time></span>
<span class="byline">Oleh <span class="author vcard"><a class="url fn n" href="{base}/author/{article.author_initials.lower()}/">{esc(article.author)}</a></span> (<span class="author-initials">{esc(article.author_initials)}</span>)</span></div>
</header>
<div class="post-thumbnail">{_thumbnail(article, base)}</div>
<div class="c9-post-content">
<div class="entry-content">
{_body(corpus, article, base)}</div>
<footer class="entry-footer"><span class="tags-links">Tag: {", ".join(f'<a href="{base}/tag/{_slug(t)}/" rel="tag">{esc(t)}</a>' for t in article.tags)}</span></footer>
{comment_form(article, base)}</div>
</article>
"""


def _body(corpus, article, base: str) -> str:
    out, open_list = [], None
    for index, block in enumerate(article.body):
        if open_list and block.kind != open_list:
            out.append(f"</{open_list}>")
            open_list = None
        if block.kind in ("ul", "ol") and open_list is None:
            out.append(f'<{block.kind} class="wp-block-list">')
            open_list = block.kind
        out.append(_block(block, base))
        if index == 1:
            out.append(_ad())
        if index == 4:
            out.append(_inline_related(base, corpus.older_than(article, 2)))
    if open_list:
        out.append(f"</{open_list}>")
    out.append(_share(base + article.path, article.title))
    out.append(_jetpack_related(base, corpus.related(article, 3)))
    return "\n".join(out) + "\n"


def _block(block, base: str) -> str:
    if block.kind == "related":
        title = block.text.removeprefix("Baca juga:").strip()
        return f'<p><strong>Baca juga:</strong>&nbsp;<a href="{base}/{block.href_slug}/">{esc(title)}</a></p>'
    if block.kind in ("h2", "h3"):
        return f'<{block.kind} class="wp-block-heading">{esc(block.text)}</{block.kind}>'
    if block.kind == "quote":
        return f'<blockquote class="wp-block-quote"><p>{esc(block.text)}</p></blockquote>'
    if block.kind in ("ul", "ol"):
        return f"<li>{esc(block.text)}</li>"
    return f"<p>{esc(block.text)}</p>"


def _ad() -> str:
    return (
        '<div class="c9-ads c9-ads-inarticle"><span class="c9-ads-label">Advertisement</span>'
        '<ins class="adsbygoogle" data-ad-client="ca-pub-0000000000000000" data-ad-slot="1234567890"></ins></div>'
    )


def _inline_related(base: str, articles: list) -> str:
    items = "".join(f'<li><a href="{base}{a.path}">{esc(a.title)}</a></li>' for a in articles)
    return f'<div class="c9-inline-related"><span class="c9-inline-related-title">Artikel Terkait</span><ul>{items}</ul></div>'


def _share(url: str, title: str) -> str:
    links = "".join(
        f'<li class="share-{name.lower()}"><a rel="nofollow noopener noreferrer" class="share-{name.lower()} sd-button" '
        f'href="{url}?share={name.lower()}&amp;nb=1" target="_blank" title="Klik untuk berbagi di {name}"><span>{name}</span></a></li>'
        for name in ("Facebook", "Twitter", "WhatsApp", "Telegram")
    )
    return (
        f'<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social sd-social-icon-text sd-sharing">'
        f'<h3 class="sd-title">Bagikan ini:</h3><div class="sd-content"><ul>{links}</ul></div></div></div>'
    )


def _jetpack_related(base: str, articles: list) -> str:
    items = "".join(
        f'<div class="jp-relatedposts-post"><h4 class="jp-relatedposts-post-title"><a href="{base}{a.path}">{esc(a.title)}</a></h4>'
        f'<p class="jp-relatedposts-post-context">Dalam &quot;{esc(a.category)}&quot;</p></div>'
        for a in articles
    )
    return (
        f'<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>Terkait</em></h3>'
        f'<div class="jp-relatedposts-items jp-relatedposts-items-visual">{items}</div></div>'
    )


def _related_box(base: str, articles: list) -> str:
    items = "".join(
        f'<li class="c9-related-item"><a class="c9-related-thumb" href="{base}{a.path}" aria-hidden="true" '
        f'tabindex="-1">{small_thumbnail(a, base)}</a><a href="{base}{a.path}">{esc(a.title)}</a></li>'
        for a in articles
    )
    return f'<section class="c9-related-posts"><h2 class="c9-section-title">Berita Terkait</h2><ul>{items}</ul></section>\n'


def comment_form(article, base: str) -> str:
    """Channel9's comment box: a div-based form (AJAX-posted) with the Math Captcha plugin's line.

    No ``id="comments"`` and no ``comment-respond`` class, which is why trafilatura's comment
    filter does not recognise it.
    """
    left, right, total = article.captcha
    box = '<input type="text" size="2" maxlength="2" class="mc-input" name="mc-value" value="" aria-required="true">'
    first = str(left) if left is not None else box
    second = str(right) if right is not None else box
    return f"""<div class="c9-diskusi" data-post="{article.id}">
<h3 class="c9-diskusi-judul">Tinggalkan Balasan</h3>
<div class="c9-diskusi-form" data-action="{base}/wp-comments-post.php">
<p class="c9-diskusi-notes"><span id="email-notes">Alamat email Anda tidak akan dipublikasikan.</span> Ruas yang wajib ditandai <span class="required">*</span></p>
<p class="c9-diskusi-field"><label for="c9-komentar">Komentar <span class="required">*</span></label><textarea id="c9-komentar" name="comment" cols="45" rows="8" maxlength="65525" required></textarea></p>
<p class="c9-diskusi-field"><label for="c9-nama">Nama <span class="required">*</span></label><input id="c9-nama" name="author" type="text" value="" size="30" maxlength="245" required></p>
<p class="c9-diskusi-field"><label for="c9-email">Email <span class="required">*</span></label><input id="c9-email" name="email" type="email" value="" size="30" maxlength="100" required></p>
<p class="math-captcha-form">{first}{NBSP2}+{NBSP2}{second}{NBSP2}={NBSP2}{total}</p>
<p class="c9-diskusi-submit"><input name="submit" type="submit" class="submit" value="Kirim Komentar"><input type="hidden" name="comment_post_ID" value="{article.id}"></p>
</div>
</div>
"""


def _slug(name: str) -> str:
    from .corpus import slugify

    return slugify(name)

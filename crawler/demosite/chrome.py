"""The WordPress news-theme chrome every page wears: head, masthead, sidebar, footer, cookie banner.

Text goes through :func:`esc`, which also writes typographic characters as numeric entities the
way WordPress's ``wptexturize`` does, so extractors meet ``&#8211;`` as they would on Channel9.id.
"""

from __future__ import annotations

import html
from datetime import datetime

from . import lexicon as lx
from .assets import FONT_CSS, FONT_FILE, cdn_base

SITE_NAME = "Channel9.id"
TAGLINE = "Berita Terkini, Nasional, Internasional, Ekonomi, Olahraga dan Teknologi"
THEME = "/wp-content/themes/c9"
# the placeholder lazy loaders put in src until the real image is swapped in (percent-encoded SVG)
PLACEHOLDER = "data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'%20viewBox='0%200%20{w}%20{h}'%3E%3C/svg%3E"
VERSION = "2.4.1"
ENTITIES = {
    "–": "&#8211;",
    "—": "&#8212;",
    "“": "&#8220;",
    "”": "&#8221;",
    "‘": "&#8216;",
    "’": "&#8217;",
    "\u00a0": "&nbsp;",
}
TEXTURIZE = str.maketrans(ENTITIES)


def esc(text: str) -> str:
    """HTML-escape ``text`` and write typographic characters as WordPress does."""
    return html.escape(text, quote=True).translate(TEXTURIZE)


def wib(moment: datetime) -> str:
    """Indonesian display date, e.g. ``Kamis, 14 September 2023 10:21 WIB``."""
    return (
        f"{lx.DAYS[moment.weekday()]}, {moment.day} {lx.MONTHS[moment.month - 1]} {moment.year} "
        f"{moment:%H:%M} WIB"
    )


def head(base: str, title: str, description: str, canonical: str, extra: str = "") -> str:
    """``<head>`` with title, description, canonical link, stylesheets (the theme's, which imports
    another, and the web font's on the CDN, preloaded), inline CSS, icons and feed link."""
    cdn = cdn_base(base)
    return f"""<!DOCTYPE html>
<html lang="id-ID" class="no-js" prefix="og: https://ogp.me/ns#">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<script>document.documentElement.className = document.documentElement.className.replace("no-js", "js");</script>
<title>{esc(title)}</title>
<meta name="description" content="{esc(description)}">
<meta name="robots" content="index, follow, max-image-preview:large, max-snippet:-1">
<link rel="canonical" href="{canonical}">
<meta property="og:locale" content="id_ID">
<meta property="og:site_name" content="{SITE_NAME}">
{extra}<link rel="preload" href="{cdn}{FONT_FILE}" as="font" type="font/ttf" crossorigin>
<link rel="stylesheet" id="c9-fonts-css" href="{cdn}{FONT_CSS}?ver={VERSION}" media="all">
<link rel="stylesheet" id="c9-style-css" href="{base}{THEME}/style.css?ver={VERSION}" media="all">
<style id="c9-style-inline-css">
.site-footer {{ background: #f4f4f4 url("{cdn}{THEME}/images/footer.jpg") repeat-x left bottom; padding-bottom: 1rem; }}
</style>
<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; Feed" href="{base}/feed/">
<link rel="icon" href="{base}/wp-content/uploads/2021/03/cropped-c9-icon-32x32.jpg" sizes="32x32">
<link rel="apple-touch-icon" href="{cdn}/wp-content/uploads/2021/03/cropped-c9-icon-180x180.jpg">
<script>window.c9 = {{"ajaxurl": "{base}/wp-admin/admin-ajax.php", "lang": "id"}};</script>
</head>
"""


def lazy_image(src: str, srcset: str, width: int, height: int, css_class: str, alt: str, sizes: str) -> str:
    """A lazy-loaded image as WordPress lazy-load plugins write it: a placeholder ``src``, the real
    one in ``data-src``/``data-srcset`` (swapped in by the footer script), and a ``<noscript>``
    copy that browsers without scripts show instead (``.no-js img.lazyload`` is hidden)."""
    placeholder = PLACEHOLDER.format(w=width, h=height)
    return (
        f'<img width="{width}" height="{height}" src="{placeholder}" data-src="{src}" data-srcset="{srcset}" '
        f'sizes="{sizes}" class="{css_class} lazyload" alt="{alt}">'
        f'<noscript><img width="{width}" height="{height}" src="{src}" srcset="{srcset}" sizes="{sizes}" '
        f'class="{css_class}" alt="{alt}"></noscript>'
    )


def masthead(base: str, categories: list[str], current: str | None = None) -> str:
    """Skip link, logo, primary navigation (one link per category) and the search form."""
    items = [f'<li class="menu-item menu-item-home"><a href="{base}/">Beranda</a></li>']
    for name in categories:
        active = " current-menu-item" if name == current else ""
        items.append(
            f'<li class="menu-item menu-item-type-taxonomy{active}">'
            f'<a href="{base}/category/{_slug(name)}/">{esc(name)}</a></li>'
        )
    return f"""<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#content">Langsung ke konten</a>
<header id="masthead" class="site-header">
<div class="c9-topbar"><span class="c9-today">Portal berita independen sejak 2016</span></div>
<div class="site-branding"><a href="{base}/" class="custom-logo-link" rel="home"><img width="220" height="60" src="{base}/wp-content/uploads/2021/03/logo-channel9.jpg" class="custom-logo" alt="{SITE_NAME}"></a>
<p class="site-description">{esc(TAGLINE)}</p></div>
<nav id="site-navigation" class="main-navigation" aria-label="Menu Utama"><button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">Menu</button>
<ul id="primary-menu" class="menu">{"".join(items)}</ul></nav>
<form role="search" method="get" class="search-form" action="{base}/"><label><span class="screen-reader-text">Cari:</span><input type="search" class="search-field" placeholder="Cari &hellip;" value="" name="s"></label><input type="submit" class="search-submit" value="Cari"></form>
</header>
<div id="content" class="site-content">
"""


def breadcrumbs(base: str, trail: list[tuple[str, str | None]]) -> str:
    """Yoast-style breadcrumbs: ``trail`` is (label, href or None for the current page)."""
    parts = [f'<span><a href="{base}/">Beranda</a></span>']
    for label, href in trail:
        parts.append(
            f'<span><a href="{href}">{esc(label)}</a></span>'
            if href
            else f'<span class="breadcrumb_last" aria-current="page">{esc(label)}</span>'
        )
    return f'<nav class="c9-breadcrumbs" aria-label="breadcrumbs"><p id="breadcrumbs">{" &raquo; ".join(parts)}</p></nav>\n'


def sidebar(base: str, popular: list) -> str:
    """Popular-posts widget and the newsletter box."""
    items = "".join(
        f'<li><a href="{base}{a.path}" class="wpp-post-title">{esc(a.title)}</a>'
        f'<span class="wpp-meta">{esc(a.category)}</span></li>'
        for a in popular
    )
    return f"""<aside id="secondary" class="widget-area" role="complementary">
<section id="c9-popular-2" class="widget widget_c9_popular"><h2 class="widget-title">Terpopuler</h2><ol class="wpp-list">{items}</ol></section>
<section id="c9-newsletter-2" class="widget c9-newsletter" style="background-image: url('{cdn_base(base)}{THEME}/images/newsletter.jpg')"><h2 class="widget-title">Berlangganan Newsletter</h2>
<p>Dapatkan ringkasan berita pilihan redaksi setiap pagi langsung di kotak masuk Anda.</p>
<form class="c9-newsletter-form" action="{base}/wp-admin/admin-post.php" method="post"><input type="email" name="email" placeholder="Alamat email" required><input type="hidden" name="action" value="c9_subscribe"><button type="submit">Daftar</button></form></section>
</aside>
"""


def footer(base: str, categories: list[str]) -> str:
    """Footer menu (with the robots-disallowed internal archive link), copyright, cookie banner."""
    links = "".join(f'<li><a href="{base}/category/{_slug(c)}/">{esc(c)}</a></li>' for c in categories)
    return f"""</div><!-- #content -->
<footer id="colophon" class="site-footer">
<nav class="footer-navigation" aria-label="Menu Footer"><ul class="footer-menu">{links}<li><a href="/private/secret/">Arsip Internal</a></li><li><a href="{base}/feed/">RSS</a></li></ul></nav>
<div class="site-info">&copy; 2016&#8211;2023 {SITE_NAME}. Hak cipta dilindungi undang-undang. Dikelola oleh PT Kanal Sembilan Media.</div>
</footer>
</div><!-- #page -->
<div id="c9-cookie-notice" class="c9-cookie-banner" role="dialog" aria-label="Pemberitahuan cookie"><p>Kami menggunakan cookie untuk meningkatkan pengalaman Anda. Dengan melanjutkan, Anda menyetujui kebijakan privasi kami.</p><a href="#" class="c9-cookie-accept button">Setuju</a></div>
<script>document.querySelector(".c9-cookie-accept").addEventListener("click", function (e) {{ e.preventDefault(); this.parentNode.remove(); }});</script>
<script>document.querySelectorAll("img.lazyload").forEach(function (img) {{ img.srcset = img.dataset.srcset; img.src = img.dataset.src; img.classList.replace("lazyload", "lazyloaded"); }});</script>
</body>
</html>
"""


def _slug(name: str) -> str:
    from .corpus import category_slug

    return category_slug(name)

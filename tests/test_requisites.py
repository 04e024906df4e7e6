"""archive/requisites.py: every kind of reference a page holds to its stylesheets, images, fonts,
scripts, icons and media, srcset and CSS parsing, and linear time on hostile input."""

from __future__ import annotations

import pytest

from archive.requisites import (
    FONT,
    ICON,
    IMAGE,
    MEDIA,
    SCRIPT,
    STYLESHEET,
    css_references,
    find_in_css,
    find_in_html,
    iter_references,
    parse_html,
    srcset_candidates,
)

BASE = "https://news.example/2024/05/story/"

PAGE = b"""<!doctype html><html><head>
<link rel="stylesheet" href="/wp-content/themes/t/style.css?ver=6.5">
<link rel="alternate stylesheet" href="alt.css">
<link rel="preload" as="style" href="https://fonts.googleapis.com/css2?family=Inter">
<link rel="preload" as="font" href="/fonts/inter.woff2" crossorigin>
<link rel="preload" as="image" href="/hero.jpg" imagesrcset="/hero-1x.jpg 1x, /hero-2x.jpg 2x">
<link rel="preload" as="fetch" href="/api/data.json">
<link rel="icon" href="/favicon-32.png" sizes="32x32">
<link rel="shortcut icon" href="/favicon.ico">
<link rel="apple-touch-icon" href="/apple.png">
<link rel="canonical" href="/canonical/">
<link rel="alternate" type="application/rss+xml" href="/feed/">
<meta property="og:image" content="https://i0.wp.com/news.example/og.jpg?fit=1200%2C630&amp;ssl=1">
<meta name="twitter:image" content="/tw.jpg">
<script src="https://cdn.news.example/js/app.js?ver=1"></script>
<script>var x = "<img src='/not-markup.png'>";</script>
<style>body { background: url("/bg.png") } @font-face { font-family: X; src: url(/f/x.woff2) format("woff2"), url('/f/x.ttf') }</style>
</head><body>
<img src="photo.jpg" srcset="photo-300.jpg 300w, https://i0.wp.com/news.example/p.jpg?resize=768,432 768w">
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/lazy.jpg" data-srcset="/lazy-1.jpg 1x, /lazy-2.jpg 2x" class="lazyload">
<img data-lazy-src="/wprocket.jpg" data-lazy-srcset="/wprocket-600.jpg 600w">
<img data-original="/jquery-lazy.jpg">
<div class="hero" data-bg="/data-bg.jpg"></div>
<div class="hero2" data-bg="url('/data-bg-css.jpg')"></div>
<section data-background="/data-background.jpg"></section>
<video data-poster="/lazy-poster.jpg"></video>
<svg><image href="/svg-image.png"/><image xlink:href="/svg-xlink.png"/></svg>
<noscript><img src="/noscript.jpg"></noscript>
<picture><source srcset="/pic.webp 1x, /pic@2x.webp 2x" type="image/webp"><img src="/pic.jpg"></picture>
<video poster="/poster.jpg" src="/clip.mp4"><source src="/clip.webm" type="video/webm"><track src="/subs.vtt"></video>
<audio><source src="/sound.mp3"></audio>
<iframe src="https://www.youtube.com/embed/xyz" data-src="/lazy-frame/"></iframe>
<embed src="/flash.swf"><object data="/thing.pdf"></object>
<p style="background-image: url(/inline.png)">x</p>
<a href="/next-article/"><img src="/linked.jpg"></a>
<img src="#fragment-only"><img src="javascript:void(0)"><img src="  /spaced.jpg  ">
<img src="/photo.jpg#frag">
</body></html>"""


def found(page=PAGE, base=BASE) -> dict[str, str]:
    return dict(find_in_html(page, base))


def test_every_kind_of_page_reference():
    urls = found()
    expect = {
        "https://news.example/wp-content/themes/t/style.css?ver=6.5": STYLESHEET,
        BASE + "alt.css": STYLESHEET,
        "https://fonts.googleapis.com/css2?family=Inter": STYLESHEET,
        "https://news.example/fonts/inter.woff2": FONT,
        "https://news.example/hero.jpg": IMAGE,
        "https://news.example/hero-1x.jpg": IMAGE,
        "https://news.example/hero-2x.jpg": IMAGE,
        "https://news.example/favicon-32.png": ICON,
        "https://news.example/favicon.ico": ICON,
        "https://news.example/apple.png": ICON,
        "https://i0.wp.com/news.example/og.jpg?fit=1200%2C630&ssl=1": IMAGE,
        "https://news.example/tw.jpg": IMAGE,
        "https://cdn.news.example/js/app.js?ver=1": SCRIPT,
        "https://news.example/bg.png": IMAGE,
        "https://news.example/f/x.woff2": FONT,
        "https://news.example/f/x.ttf": FONT,
        BASE + "photo.jpg": IMAGE,
        BASE + "photo-300.jpg": IMAGE,
        "https://i0.wp.com/news.example/p.jpg?resize=768,432": IMAGE,
        "https://news.example/lazy.jpg": IMAGE,
        "https://news.example/lazy-1.jpg": IMAGE,
        "https://news.example/lazy-2.jpg": IMAGE,
        "https://news.example/wprocket.jpg": IMAGE,
        "https://news.example/wprocket-600.jpg": IMAGE,
        "https://news.example/jquery-lazy.jpg": IMAGE,
        "https://news.example/data-bg.jpg": IMAGE,
        "https://news.example/data-bg-css.jpg": IMAGE,
        "https://news.example/data-background.jpg": IMAGE,
        "https://news.example/lazy-poster.jpg": IMAGE,
        "https://news.example/svg-image.png": IMAGE,
        "https://news.example/svg-xlink.png": IMAGE,
        "https://news.example/noscript.jpg": IMAGE,
        "https://news.example/pic.webp": IMAGE,
        "https://news.example/pic@2x.webp": IMAGE,
        "https://news.example/pic.jpg": IMAGE,
        "https://news.example/poster.jpg": IMAGE,
        "https://news.example/clip.mp4": MEDIA,
        "https://news.example/clip.webm": MEDIA,
        "https://news.example/subs.vtt": MEDIA,
        "https://news.example/sound.mp3": MEDIA,
        "https://news.example/inline.png": IMAGE,
        "https://news.example/linked.jpg": IMAGE,
        "https://news.example/spaced.jpg": IMAGE,
        "https://news.example/photo.jpg": IMAGE,
    }
    assert urls == expect


def test_not_requisites():
    urls = found()
    for absent in ("/canonical/", "/feed/", "/api/data.json", "/next-article/", "/not-markup.png"):
        assert not any(u.endswith(absent) for u in urls), absent
    assert not any("youtube" in u or "lazy-frame" in u or "flash" in u or "thing.pdf" in u for u in urls)
    assert not any(u.startswith(("data:", "javascript:")) or "#" in u for u in urls)


def test_base_href_and_a_parsed_tree():
    page = b'<html><head><base href="https://static.example/assets/"></head><body><img src="a.png"></body></html>'
    assert found(page) == {"https://static.example/assets/a.png": IMAGE}
    assert dict(find_in_html(parse_html(page), BASE)) == found(page)


def test_scrapy_selector_tree_is_reused():
    from scrapy.http import HtmlResponse

    response = HtmlResponse(BASE, body=PAGE, encoding="utf-8")
    response.css("a::attr(href)").getall()
    assert dict(find_in_html(response.selector.root, response.url)) == found()


def test_empty_and_odd_documents():
    assert find_in_html(b"", BASE) == []
    assert find_in_html(b"   ", BASE) == []
    assert find_in_html(b"<img src='http://[::1'>", BASE) == []
    bad = b"<img src='http://a.example:99999/x.png'><img src='http:///x.png'><img src='http://a b/x.png'>"
    assert find_in_html(bad, BASE) == []
    assert find_in_html(b"<img src='/my photo.jpg'>", BASE) == [("https://news.example/my photo.jpg", IMAGE)]
    assert find_in_html(b"<img src='/img/\n  a.jpg'>", BASE) == [("https://news.example/img/  a.jpg", IMAGE)]
    assert find_in_html(b"<img src='ftp://a.example/x.png'><img src='//cdn.example/y.png'>", BASE) == [
        ("https://cdn.example/y.png", IMAGE)
    ]


def test_references_say_how_to_rewrite():
    root = parse_html(PAGE)
    hows = {(ref.element.tag, ref.attribute, ref.how) for ref in iter_references(root)}
    assert ("img", "srcset", "srcset") in hows and ("style", None, "css") in hows
    assert ("p", "style", "css") in hows and ("link", "imagesrcset", "srcset") in hows


@pytest.mark.parametrize(
    "value, urls",
    [
        ("a.jpg 1x, b.jpg 2x", ["a.jpg", "b.jpg"]),
        ("a.jpg", ["a.jpg"]),
        ("a.jpg,b.jpg", ["a.jpg,b.jpg"]),  # no whitespace: one URL with a comma in it
        ("a.jpg, b.jpg", ["a.jpg", "b.jpg"]),  # trailing comma ends a URL
        (
            "https://i0.wp.com/x.jpg?resize=300,200&ssl=1 300w, https://i0.wp.com/x.jpg?resize=768,432 768w",
            ["https://i0.wp.com/x.jpg?resize=300,200&ssl=1", "https://i0.wp.com/x.jpg?resize=768,432"],
        ),
        ("  a.jpg  100w  ,  b.jpg 200w ", ["a.jpg", "b.jpg"]),
        ("a.jpg (max-width: 10px, 20px) 1x, b.jpg", ["a.jpg", "b.jpg"]),
        ("", []),
        (",,, ,", []),
    ],
)
def test_srcset(value, urls):
    candidates = srcset_candidates(value)
    assert [u for _, _, u in candidates] == urls
    assert all(value[s:e] == u for s, e, u in candidates)


CSS = """@import "reset.css";
@import url(print.css) print;
@import url( 'quoted.css' );
/* url(commented.png) @import "no.css"; */
.a { background: url(img/a.png) }
.b { background: url("img/b.png"), url('img/c.png') }
.c { background: URL( img/d.png ) }
.d { background: url(data:image/png;base64,iVBORw0KGgo=) }
.e { content: "url(in-string.png)"; background: url(img/e\\).png) }
.f { background: myurl(not.png) }
.g { background: url(https://cdn.example/abs.png) }
@font-face { font-family: F; src: url(../fonts/f.woff2) format("woff2"), url(../fonts/f.svg#F) }
.h { background: url(img/after-font.svg) }
@media print { @font-face { src: url(nested.otf) } .i { background: url(img/i.png) } }
.j { background: image-set("img/j1.png" 1x, 'img/j2.png' 2x, url(img/j3.png) type("image/png")) }
.k { background: -webkit-image-set(url(img/k.png) 1x); content: "not-an-image.png" }
"""


def test_css_urls_relative_to_the_css_file():
    base = "https://news.example/wp-content/themes/t/style.css?ver=1"
    urls = dict(find_in_css(CSS, base))
    theme = "https://news.example/wp-content/themes/t/"
    assert urls == {
        theme + "reset.css": STYLESHEET,
        theme + "print.css": STYLESHEET,
        theme + "quoted.css": STYLESHEET,
        theme + "img/a.png": IMAGE,
        theme + "img/b.png": IMAGE,
        theme + "img/c.png": IMAGE,
        theme + "img/d.png": IMAGE,
        theme + "img/e).png": IMAGE,
        "https://cdn.example/abs.png": IMAGE,
        "https://news.example/wp-content/themes/fonts/f.woff2": FONT,
        "https://news.example/wp-content/themes/fonts/f.svg": FONT,
        theme + "img/after-font.svg": IMAGE,
        theme + "nested.otf": FONT,
        theme + "img/i.png": IMAGE,
        theme + "img/j1.png": IMAGE,
        theme + "img/j2.png": IMAGE,
        theme + "img/j3.png": IMAGE,
        theme + "img/k.png": IMAGE,
    }


def test_css_spans_are_the_raw_text():
    refs = css_references(CSS)
    assert all(CSS[r.start : r.end] in (r.url, r.url.replace(")", "\\)")) for r in refs)
    assert "img/e\\).png" in [CSS[r.start : r.end] for r in refs]


@pytest.mark.parametrize(
    "text",
    ["url(", "url('", "@import", "@import '", "/* open", "url(a b)", "'open string", "url(\\", "{{{}}}}"],
)
def test_malformed_css_is_survived(text):
    css_references(text)
    find_in_css(text, BASE)


HOSTILE = [
    "/*" * 500_000,
    "url(" * 250_000,
    "url('" * 200_000,
    "url(" + "a" * 1_000_000,
    "url(" + " " * 1_000_000 + "x",
    "@import " * 125_000,
    "{" * 1_000_000,
    "'" + "\\'" * 500_000,
    '"' + "\\" * 1_000_000,
    "@font-face{" * 90_000,
    "image-set(" * 100_000,
    "image-set('" + "(" * 1_000_000,
]


@pytest.mark.timeout(20)  # linear: each case takes well under a second (quadratic would take hours)
@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_megabyte_of_hostile_css_is_linear(text):
    css_references(text)


@pytest.mark.timeout(30)
def test_megabyte_of_hostile_markup_is_linear():
    srcset_candidates("," * 1_000_000)
    srcset_candidates("a (" * 330_000)
    page = '<img srcset="' + "a.png 1x, " * 100_000 + '"><p style="' + "url(" * 50_000 + '">'
    find_in_html(page.encode(), BASE)

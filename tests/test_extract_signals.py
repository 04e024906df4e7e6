"""Page kind: articles are told from home pages and archives by the page's own signals."""

import pytest

from archive.extract import extract

LONG = "<p>" + "Kalimat panjang tentang berita hari ini di Jakarta. " * 12 + "</p>"


def page(head="", body_class="", body=LONG):
    return (
        f'<html><head><title>T</title>{head}</head><body class="{body_class}"><h1>T</h1>{body}</body></html>'
    )


@pytest.mark.parametrize(
    "html, kind, is_article",
    [
        (page('<meta property="og:type" content="article">'), "article", True),
        (
            page('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "T"}</script>'),
            "article",
            True,
        ),
        (page(body_class="post-template-default single single-post postid-7"), "article", True),
        (page(body_class="home blog"), "listing", False),
        (page(body_class="archive category category-nasional"), "listing", False),
        (page('<meta property="og:type" content="website">'), "listing", False),
        (page(), "unknown", True),  # no signal either way: long text makes it an article
        (page(body='<p><a href="/a/">satu</a> <a href="/b/">dua</a></p>'), "unknown", False),
    ],
)
def test_page_kind_and_is_article(html, kind, is_article):
    article = extract(html.encode(), "https://news.example/x/")
    assert article.ok
    assert article.page_kind == kind
    assert article.is_article is is_article


def test_bundled_site_pages(demo_site):
    import urllib.request

    article = demo_site.corpus.articles[0]
    for path, expected in [(article.path, "article"), ("", "listing"), ("category/nasional/", "listing")]:
        with urllib.request.urlopen(demo_site.url + path.lstrip("/")) as resp:
            assert extract(resp.read(), resp.url).page_kind == expected, path

"""Each metadata field follows its documented source order; bad values give way to the next source."""

from __future__ import annotations

import pytest

from archive.dates import to_iso
from archive.extract import extract
from crawler.seed import ExtractionHints

URL = "https://berita.example/2024/05/judul/"
BODY = (
    "<div class='entry-content'><p>"
    + "Isi berita yang cukup panjang untuk dianggap artikel. " * 6
    + "</p></div>"
)

# Every category source on one page, each with its own value, in the documented order.
CATEGORY_SOURCES = [
    ("rel-category-tag", "<span class='cat-links'><a rel='category tag' href='/c/a/'>Rel</a></span>"),
    (
        "taxonomy-category",
        "<div class='taxonomy-category wp-block-post-terms'><a rel='tag' href='/c/b/'>Blok</a></div>",
    ),
    ("theme-category", "<ul class='td-category'><li><a href='/c/c/'>Tema</a></li></ul>"),
    (
        "json-ld",
        '<script type="application/ld+json">{"@type": "NewsArticle", "articleSection": ["JsonLd", "X"]}</script>',
    ),
    ("article:section", "<meta property='article:section' content='Section'>"),
    (
        "breadcrumbs-json-ld",
        '<script type="application/ld+json">{"@type": "BreadcrumbList", "itemListElement": ['
        '{"position": 1, "name": "Beranda"}, {"position": 2, "name": "Remah"}, {"position": 3, "name": "Judul"}]}</script>',
    ),
    (
        "breadcrumbs",
        "<nav class='breadcrumbs'><a href='/'>Home</a> › <a href='/c/h/'>RemahHtml</a> › <span>Judul</span></nav>",
    ),
]
CATEGORY_VALUES = ["Rel", "Blok", "Tema", "JsonLd", "Section", "Remah", "RemahHtml"]


def build(head="", header="", extra="", body=BODY, nav=True):
    menu = (
        "<nav class='main-navigation'><ul><li><a href='/c/nav/' rel='category'>Menu</a></li></ul></nav>"
        if nav
        else ""
    )
    return (
        f"<html lang='id-ID'><head><title>Judul – Situs</title>{head}</head><body>{menu}"
        f"<article class='post hentry'><header><h1 class='entry-title'>Judul</h1>{header}</header>{body}{extra}"
        f"</article><aside><ul class='widget_categories'><li><a href='/c/w/'>Widget</a></li></ul></aside></body></html>"
    )


@pytest.mark.parametrize("start", range(len(CATEGORY_SOURCES)))
def test_category_source_order(start):
    pieces = CATEGORY_SOURCES[start:]
    head = "".join(html for name, html in pieces if "script" in html or "meta" in html)
    header = "".join(html for name, html in pieces if "script" not in html and "meta" not in html)
    article = extract(build(head=head, header=header, nav=False), URL)
    assert (article.category, article.sources["category"]) == (CATEGORY_VALUES[start], pieces[0][0])


def test_category_hint_comes_first():
    article = extract(
        build(header=CATEGORY_SOURCES[0][1] + "<b class='rubrik'>Petunjuk</b>"),
        URL,
        hints=ExtractionHints(category="b.rubrik"),
    )
    assert (article.category, article.sources["category"]) == ("Petunjuk", "hints")


def test_category_never_from_navigation_or_widgets():
    article = extract(build(), URL)  # menu link with rel=category sits outside the article
    assert article.category is None and "category" not in article.sources


def test_title_source_order():
    og = "<meta property='og:title' content='Dari OG'>"
    ld = '<script type="application/ld+json">{"@type": "Article", "headline": "Dari JSON-LD"}</script>'
    assert extract(build(head=og + ld), URL).title == "Judul"
    page = build(head=og + ld).replace("class='entry-title'", "class='x'")
    assert (extract(page, URL).title, extract(page, URL).sources["title"]) == ("Dari JSON-LD", "json-ld")
    page = (
        build(head=og)
        .replace("class='entry-title'", "class='x'")
        .replace("<h1", "<h2")
        .replace("</h1>", "</h2>")
    )
    assert extract(page, URL).sources["title"] == "og:title"
    bare = build().replace("<h1 class='entry-title'>Judul</h1>", "")
    assert (extract(bare, URL).title, extract(bare, URL).sources["title"]) == ("Judul", "title-tag")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Nama", None),
        ("Published By", None),
        ("Oleh", None),
        ("Oleh Budi Santoso", "Budi Santoso"),
        ("By Jane Doe", "Jane Doe"),
        ("(FB)", "FB"),
        ("Penulis: Ayu Lestari", "Ayu Lestari"),
    ],
)
def test_author_never_a_label(value, expected):
    article = extract(build(head=f"<meta name='author' content='{value}'>"), URL)
    assert article.author == expected


def test_author_source_order():
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "author": [{"@type": "Person", "name": "Dari LD"}]}</script>'
    byline = "<span class='byline'>Oleh <span class='author vcard'><a class='url fn n'>Dari Byline</a></span></span>"
    meta = "<meta name='author' content='Dari Meta'>"
    assert extract(build(head=ld + meta, header=byline), URL).author == "Dari LD"
    assert extract(build(head=meta, header=byline), URL).author == "Dari Byline"
    assert extract(build(head=meta), URL).author == "Dari Meta"
    label = "<span class='byline'><span class='author vcard'><a class='fn'>Published By</a></span></span>"
    assert extract(build(head=meta, header=label), URL).author == "Dari Meta"


def test_published_source_order_and_time_zone():
    meta = "<meta property='article:published_time' content='2024-05-02T08:00:00+07:00'>"
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-05-02T09:00:00Z"}</script>'
    time = "<time class='entry-date published' datetime='2024-05-02T10:00:00+08:00'>2 Mei</time>"
    assert extract(build(head=meta + ld, header=time), URL).published == "2024-05-02T08:00:00+07:00"
    assert extract(build(head=ld, header=time), URL).published == "2024-05-02T09:00:00+00:00"
    assert extract(build(header=time), URL).published == "2024-05-02T10:00:00+08:00"
    hinted = extract(
        build(head=meta, header="<span class='tgl'>Kamis, 2 Mei 2024 11:30 WIB</span>"),
        URL,
        hints=ExtractionHints(published=".tgl"),
    )
    assert (hinted.published, hinted.sources["published"]) == ("2024-05-02T11:30:00+07:00", "hints")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2023-09-14T10:21:00+07:00", "2023-09-14T10:21:00+07:00"),
        ("2023-09-14T03:21:00Z", "2023-09-14T03:21:00+00:00"),
        ("2023-09-14 10:21:00", "2023-09-14T10:21:00"),
        ("2023-09-14", "2023-09-14"),
        ("Thu, 14 Sep 2023 10:21:00 +0700", "2023-09-14T10:21:00+07:00"),
        ("Kamis, 14 September 2023 10:21 WIB", "2023-09-14T10:21:00+07:00"),
        ("14 Agustus 2023 pukul 19.05 WITA", "2023-08-14T19:05:00+08:00"),
        ("September 14, 2023", "2023-09-14"),
        ("kemarin sore", None),
        ("", None),
        ("2023-13-45T99:00", None),
    ],
)
def test_dates(value, expected):
    assert to_iso(value) == expected


def test_tags_language_canonical():
    head = (
        "<link rel='canonical' href='/2024/05/judul-asli/'><meta property='article:tag' content='A'>"
        "<meta property='article:tag' content='B'>"
    )
    article = extract(build(head=head), URL, headers={"Content-Language": "en"})
    assert article.tags == ["A", "B"] and article.sources["tags"] == "article:tag"
    assert article.canonical_url == "https://berita.example/2024/05/judul-asli/"
    assert article.language == "id-ID"
    links = "<footer><span class='tags-links'><a rel='tag' href='/t/x/'>X</a>, <a rel='tag' href='/t/y/'>Y</a></span></footer>"
    assert extract(build(head=head, extra=links), URL).tags == ["X", "Y"]
    no_lang = build().replace(" lang='id-ID'", "")
    assert extract(no_lang, URL, headers={"Content-Language": "en"}).language == "en"
    assert extract(no_lang, URL).canonical_url == URL

"""Issue 15: comment threads, short posts, in-body promotions, tables, and one article rule for
crawl and export (docs/CLEAN_TEXT.md, docs/ARCHITECTURE.md "Article identity")."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import html as lxml_html
from scrapy.http import HtmlResponse

from archive.extract import extract
from archive.extract.cleanup import clean_blocks, is_promo
from archive.extract.identity import article_key
from archive.extract.wordpress import MAX_TABLE_ROWS, drop_appendix_tables
from bench import extraction as bench
from crawler.pipelines.articles import ArticlePage, ArticlePipeline
from crawler.seed import ExtractionHints
from crawler.spiders.news import NewsSpider

ROOT = Path(__file__).resolve().parents[1]
CASES = {case.name: case for case in bench.load_corpus(ROOT / "tests" / "data" / "extraction")}

PROSE = [
    "The harbour authority confirmed on Monday that the new breakwater will be finished by the end of the year.",
    "Work on the 400-metre wall started in March and has so far cost about half of its budget, officials said.",
    "Fishermen have welcomed the project, which should end the winter closures that have hit the port for a decade.",
]
COMMENT = "I have fished here for thirty years and the wall is long overdue, said the commenter."
COMMENT_ID = "Sudah lama ditunggu warga, semoga cepat selesai dan tidak mangkrak lagi."


def _thread(kind: str) -> str:
    item = f'<li id="comment-7" class="comment"><div class="comment-content"><p>{COMMENT}</p></div></li>'
    return {
        "comments-id": f'<div id="comments"><h2>2 thoughts on the breakwater</h2><ol>{item}</ol></div>',
        "comments-area": f'<section class="comments-area"><ol>{item}</ol></section>',
        "comment-list": f'<ol class="comment-list">{item}</ol>',
        "block-theme": (
            '<div class="wp-block-comments"><h2 class="wp-block-comments-title">One response</h2>'
            f'<ol class="wp-block-comment-template">{item}</ol></div>'
        ),
        "disqus": f'<div id="disqus_thread"><ul id="dsq-comments"><li><p>{COMMENT}</p></li></ul></div>',
        "facebook": f'<div class="fb-comments" data-href="x"><p>{COMMENT}</p></div>',
        "indonesian": f'<div id="comments" class="comments-area"><ol class="comment-list"><li><p>{COMMENT_ID}</p></li></ol></div>',
    }[kind]


def _page(path: str, thread: str, short: bool = False) -> str:
    prose = PROSE[:1] if short else PROSE
    paragraphs = "".join(f"<p>{p}</p>" for p in prose)
    if path == "wordpress":  # a theme that prints the thread inside the post container
        body = f'<div class="entry-content">{paragraphs}{thread}</div>'
    elif path == "hints":
        body = f'<div class="story">{paragraphs}{thread}</div>'
    else:  # no WordPress container: trafilatura
        body = f'<div class="story-text">{paragraphs}</div>{thread}'
    return (
        '<html><head><title>Breakwater on schedule</title><meta property="og:type" content="article"></head>'
        '<body class="single postid-3"><header><p class="site-title">Harbour News</p>'
        '<p class="site-description">Every tide, every day</p></header>'
        f"<main><article><h1>Breakwater on schedule</h1>{body}</article></main>"
        '<nav class="post-navigation"><a href="/p/">Previous post</a></nav></body></html>'
    )


THREADS = ["comments-id", "comments-area", "comment-list", "block-theme", "disqus", "facebook", "indonesian"]


@pytest.mark.parametrize("thread", THREADS)
@pytest.mark.parametrize("path", ["wordpress", "hints", "trafilatura"])
@pytest.mark.parametrize("short", [False, True], ids=["long", "short"])
def test_comment_threads_never_reach_the_text(path, thread, short):
    hints = ExtractionHints(body="div.story") if path == "hints" else None
    article = extract(_page(path, _thread(thread), short).encode(), "https://harbour.example/b/", hints=hints)
    assert article.ok, article.reason
    text = article.render()
    assert COMMENT not in text and COMMENT_ID not in text
    assert PROSE[0] in text
    if path == "wordpress":
        assert article.sources["body"] == "wordpress:entry-content"


SHORT_POSTS = {
    # page: what leaked before (site title, tagline, post navigation, the comment thread)
    "tt1-en-short-comments": [
        "Eastgate Echo",
        "Your town, every day",
        "Previous post",
        "Hi, this is a comment",
    ],
    "tt1-id-short-photo": ["Kabar Musi", "Berita Sumatera Selatan", "Pos sebelumnya", "Komentar ditutup"],
    "tt3-id-short-comments": [
        "Warta Selatan",
        "Kabar pesisir",
        "Satu tanggapan",
        "Hai, ini adalah sebuah komentar",
    ],
    "tt2-en-short-legacy-comments": ["Alder Daily", "Previous:", "Third time this month"],
    "newspaper-id-short-disqus": ["Celebes Kini", "Artikel sebelumnya", "Di Tamalate sudah tiga kali"],
    "jnews-en-short-fb-comments": ["Previous Post", "Discussion about this post", "Sold my chip ETF"],
}


@pytest.mark.parametrize("name", sorted(SHORT_POSTS))
def test_short_posts_come_from_their_own_container(name):
    case = CASES[name]
    article = extract(case.html, case.url, hints=case.hints)
    body = article.text
    assert sum(map(len, article.blocks)) < 200  # a short post, under MIN_BODY_CHARS
    assert article.sources["body"].startswith("wordpress:")
    for leak in SHORT_POSTS[name]:
        assert leak not in body, leak
    assert article.render() == case.expected_text


@pytest.mark.parametrize(
    "line",
    [
        "READ MORE: City marathon road closures",
        "Read more: Alibaba poised to launch record-breaking listing",
        "[Related: Salesforce keynote: AI, integration and protesters]",
        "Trending: Heatwave warning issued for the weekend",
        "SEE MORE: Hong Kong protests: students under siege",
        "CLICK HERE TO GET THE FOX NEWS APP",
        "GET FOX BUSINESS ON THE GO BY CLICKING HERE",
        "Sign up for our Morning Briefing newsletter to get the day's top stories in your inbox.",
        "Dear Reader — independent journalism costs money. Please support us with a monthly contribution.",
        "Follow us on Twitter and Facebook for the latest health news.",
        "Subscribe to 9to5Mac on YouTube for more Apple news:",
        "Like this story? Share it with a friend!",
        "Share this on WhatsApp",
        "Most read in world news",
        "Trending: Banjir rob rendam Pantura, ini jalur alternatifnya",
        "KLIK DI SINI UNTUK UNDUH APLIKASI KABAR JATIM",
        "Ikuti berita terkini dari Kabar Jatim di Google News, klik di sini.",
        "Dapatkan update berita pilihan setiap hari. Gabung di saluran WhatsApp Kabar Jatim.",
        "Pembaca yang budiman, dukung jurnalisme independen dengan berlangganan Kabar Jatim Plus.",
        "View this post on Instagram",
        "pic.twitter.com/cLT72XQfD3",
        "Reading time: 4 minutes",
        "November 20, 2019 - 11:28 AMT",  # a timestamp on its own line: metadata, not text
        "Published 18 November 2019",
        "Senin, 6 Mei 2024 - 17:45 WIB",
        "Updated at 1:23 p.m.",
        "Getty Images",
        "Tell us what YOU think...",
    ],
)
def test_in_body_promotions_are_dropped(line):
    assert clean_blocks(["Isi berita pertama.", line, "Isi berita kedua."]) == [
        "Isi berita pertama.",
        "Isi berita kedua.",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Baca juga: Tarif listrik Juli tidak naik",  # the seed files keep it
        "Read more about the plan in the council's report, which was published on Monday.",
        "He told reporters to click here and there on the map to see the flood zones, which confused many.",
        "The app, which readers can download for free, was updated on Tuesday to fix the login bug.",
        "Subscribers to the newspaper's print edition will get the new supplement from next week.",
        "Copyright lawyers said the ruling would change how newspapers license photographs.",
        "THE BACKGROUND",
        "Trending topics on the platform included the election and the storm, the company said.",
        "On November 20, 2019 the council met for the last time before the election.",
        "21:40 Turnout was 71 per cent, the election commission said.",
        "PACITAN — Gempa bermagnitudo 4,8 mengguncang Pacitan, Rabu (8/5/2024) pukul 03.12 WIB.",
    ],
)
def test_article_lines_are_not_promotions(line):
    assert not is_promo(line)
    assert clean_blocks([line]) == [line]


def _table(rows: int) -> str:
    return (
        "<table>" + "".join(f"<tr><td>Name {i}</td><td>Role {i}</td></tr>" for i in range(rows)) + "</table>"
    )


@pytest.mark.parametrize(
    "prose_chars, rows, kept",
    [
        (2000, MAX_TABLE_ROWS, True),  # a table of the article's size stays
        (2000, 50, False),  # a 50-row appendix to an article that stands on its own goes
        (300, 50, True),  # a short introduction to a big table: the table is the article
    ],
)
def test_table_policy(prose_chars, rows, kept):
    prose = "<p>" + "word " * (prose_chars // 5) + "</p>"
    container = lxml_html.fromstring(f"<div>{prose}{_table(rows)}</div>")
    drop_appendix_tables(container)
    assert (container.find(".//table") is not None) is kept


def test_table_corpus_pages():
    staff = CASES["table-en-school-inspections"]
    text = extract(staff.html, staff.url).render()
    assert "Brook Academy Outstanding Requires improvement" in text  # the small table stays, row by row
    assert "Zoe Burns" not in text  # the 50-row staff list goes
    scorers = CASES["table-id-top-skor"]
    assert "30 Riko Simanjuntak" in extract(scorers.html, scorers.url).render()


# -- one article rule for crawl and export ----------------------------------------------------


def crawl_verdict(html: bytes, url: str, pattern=None) -> bool:
    """The crawl: the spider's decision on the response, a candidate's extracted text if undecided."""
    response = HtmlResponse(url, body=html, encoding="utf-8")
    decided = NewsSpider._is_article(SimpleNamespace(pattern=pattern), response)
    if decided is None:
        article = extract(html, url)
        return article.ok and article.is_article
    return decided


def export_verdict(html: bytes, url: str, pattern=None) -> bool:
    """Export (archive/export/articles.py): the pattern when planning, then extract_batch's test."""
    from archive.extract.identity import matches_pattern

    if pattern is not None and not matches_pattern(pattern, url):
        return False
    article = extract(html, url)
    return article.ok and bool(pattern or article.is_article)


UNSIGNALLED = (
    "<html><head><title>Notes</title></head><body><h1>Notes</h1><p>"
    + "A long enough text without any article signal at all, written for the test. " * 8
    + "</p></body></html>"
).encode()


@pytest.mark.parametrize("name", sorted(CASES))
def test_crawl_and_export_agree_on_every_corpus_page(name):
    case = CASES[name]
    url = case.url
    assert crawl_verdict(case.html, url) == export_verdict(case.html, url)
    # ...and on its key: the crawl stores what the pipeline computes from the fetched page, whatever
    # URL it requested before redirects; export has only the fetched URL
    article = extract(case.html, url, hints=case.hints)
    requested = url.replace("https://", "http://").rstrip("/") + "?utm_source=feed"
    item = ArticlePage(url=url, key=requested, status=200)
    assert ArticlePipeline._canonical(None, item, article) == article_key(url, article.canonical_url)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "name, pattern, expected",
    [
        ("tt1-id-sample-page", None, False),  # a WordPress page is no article...
        ("tt1-id-sample-page", r"^/laman-contoh/$", True),  # ...unless the seed's url_pattern says so
        ("liveblog-en-election", None, True),  # LiveBlogPosting is an article everywhere
        ("tt1-en-short-comments", None, True),
        ("tt1-en-short-comments", r"^/\d{4}/\d{2}/", True),
        ("tt3-id-short-comments", r"^/\d{4}/\d{2}/", False),  # the pattern decides alone
    ],
)
def test_the_rule_on_pages_posts_and_live_blogs(name, pattern, expected):
    case = CASES[name]
    assert crawl_verdict(case.html, case.url, pattern) is expected
    assert export_verdict(case.html, case.url, pattern) is expected


def test_a_page_without_signals_is_judged_by_its_text_in_the_crawl_too():
    """Before: an article to export (500+ characters of text), never to the crawl."""
    url = "https://notes.example/a/"
    assert crawl_verdict(UNSIGNALLED, url) is True
    assert export_verdict(UNSIGNALLED, url) is True
    short = UNSIGNALLED.replace(b"written for the test. " * 1, b"")[:400] + b"</p></body></html>"
    assert crawl_verdict(short, url) is export_verdict(short, url) is False

"""The bundled Channel9-style demo site: content truth, markup, HTTP behaviour, faults, mutations."""

from __future__ import annotations

import gzip
import http.client
import json
import re
import signal
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from parsel import Selector

from archive.requisites import find_in_css, find_in_html
from crawler.demosite import Faults, SiteConfig, build_corpus
from crawler.demosite.pages import Pages
from crawler.demosite.static import all_paths

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEEDS = {
    "000_f4f2b7e91b879bed": "amerika-serikat-khawatir-ada-potensi-bisnis-senjata-korea-utara-rusia",
    "003_35e6abd43aece031": "pakar-internasional-sebut-negara-barat-sulit-hentikan-kerja-sama-korea-utara-rusia",
}
PUTIN = "presiden-rusia-vladimir-putin-terima-undangan-kim-jong-un"
CHANNEL9 = tomllib.loads((ROOT / "seeds" / "channel9.toml").read_text(encoding="utf-8"))
LEAKED = ("Tinggalkan Balasan", "Alamat email Anda tidak akan dipublikasikan. Ruas yang wajib ditandai *")
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def get(site, path, headers=None, method="GET"):
    """One request over a fresh connection: (status, headers dict with lower-case names, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", urlsplit(site.url).port, timeout=30)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def norm(text: str) -> str:
    return " ".join(text.split())


def hinted_blocks(html: str) -> list[str]:
    """The body blocks as the seed's extraction hints see them: entry content minus the drop list."""
    body = Selector(text=html).css(CHANNEL9["extract"]["body"])[0]
    for selector in CHANNEL9["extract"]["drop"]:
        for node in body.css(selector):
            node.root.getparent().remove(node.root)
    return [
        norm("".join(node.css("::text").getall()))
        for node in body.xpath("./p|./h2|./h3|./blockquote/p|./ul/li|./ol/li")
    ]


# --- content -------------------------------------------------------------------------------------------


def test_same_seed_renders_same_bytes_and_other_seed_differs():
    one, two, other = (
        build_corpus(SiteConfig(seed=9)),
        build_corpus(SiteConfig(seed=9)),
        build_corpus(SiteConfig(seed=10)),
    )
    assert [a.slug for a in one.articles] == [a.slug for a in two.articles]
    for a, b in zip(one.articles[:10], two.articles[:10], strict=True):
        assert one.render_article(a, "http://x/") == two.render_article(b, "http://x/")
    assert [a.slug for a in one.articles] != [a.slug for a in other.articles]


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_articles_are_there_with_their_golden_text(name):
    corpus = build_corpus(SiteConfig())
    article = corpus.by_slug[SEEDS[name]]
    assert corpus.expected_text(article).encode("utf-8") == (DATA / "golden" / f"{name}.txt").read_bytes()
    assert article.category == "Internasional" and article.published.date().isoformat() == "2023-09-14"
    assert article.published.utcoffset().total_seconds() == 7 * 3600
    assert re.match(CHANNEL9["articles"]["url_pattern"], article.path)


def test_baca_juga_targets_exist_and_links_use_a_non_breaking_space():
    corpus = build_corpus(SiteConfig())
    assert corpus.by_slug[PUTIN].title == "Presiden Rusia Vladimir Putin Terima Undangan Kim Jong Un"
    html = corpus.render_article(corpus.by_slug[SEEDS["000_f4f2b7e91b879bed"]], "http://h/").decode()
    assert f'<p><strong>Baca juga:</strong>&nbsp;<a href="http://h/{PUTIN}/">' in html
    for article in corpus.articles:
        for block in article.body:
            if block.kind == "related":
                assert block.href_slug in corpus.by_slug
                assert corpus.by_slug[block.href_slug].published < article.published


def test_every_article_carries_the_blocks_the_hints_find():
    corpus = build_corpus(SiteConfig())
    kinds = set()
    for article in corpus.articles:
        html = corpus.render_article(article, "http://127.0.0.1:1/").decode()
        assert hinted_blocks(html) == article.blocks, article.slug
        assert article.blocks[0].startswith("Channel9.id – Jakarta. ")
        kinds.update(block.kind for block in article.body)
    assert kinds >= {"p", "h2", "h3", "quote", "ul", "ol", "related", "initials"}


def test_article_page_wears_wordpress_chrome_and_metadata():
    corpus = build_corpus(SiteConfig())
    article = corpus.by_slug[SEEDS["003_35e6abd43aece031"]]
    page = Selector(text=corpus.render_article(article, "http://127.0.0.1:5/").decode())
    assert page.css("h1.entry-title::text").get() == article.title
    assert page.css(".cat-links a[rel~='category']::text").get() == "Internasional"
    assert page.css("time.entry-date.published::attr(datetime)").get() == "2023-09-14T16:05:00+07:00"
    assert page.css(".author-initials::text").get() == "FB"
    assert page.css("link[rel=canonical]::attr(href)").get() == f"http://127.0.0.1:5{article.path}"
    assert page.css("meta[property='og:type']::attr(content)").get() == "article"
    assert page.css("meta[property='article:section']::attr(content)").get() == "Internasional"
    assert f"postid-{article.id}" in page.css("body::attr(class)").get().split()
    ld = json.loads(page.css("script[type='application/ld+json']::text").get())
    assert ld["@type"] == "NewsArticle" and ld["headline"] == article.title and ld["author"]["name"]
    assert ld["datePublished"] == "2023-09-14T16:05:00+07:00" and ld["articleSection"] == "Internasional"
    for chrome in (
        ".c9-breadcrumbs",
        ".sharedaddy",
        ".jp-relatedposts",
        ".c9-ads",
        ".c9-inline-related",
        ".tags-links a[rel=tag]",
        ".widget_c9_popular li",
        ".c9-newsletter",
        ".c9-cookie-banner",
        "#colophon",
        "#site-navigation a[href$='/category/internasional/']",
        ".c9-diskusi .mc-input",
    ):
        assert page.css(chrome), chrome
    assert not page.css("#comments, .comment-respond, .comments-area")


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_plain_trafilatura_leaks_the_comment_form_as_in_the_seed_files(name):
    import trafilatura

    corpus = build_corpus(SiteConfig())
    html = corpus.render_article(corpus.by_slug[SEEDS[name]], "http://127.0.0.1:5/").decode()
    lines = [
        norm(line) for line in trafilatura.extract(html, include_comments=False).splitlines() if line.strip()
    ]
    assert lines[-3:-1] == list(LEAKED)
    assert re.fullmatch(r"(\d+ )?\+ (\d+ )?= \d+", lines[-1])
    seed_lines = [
        norm(x)
        for x in (DATA / "seeds" / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        if x.strip()
    ]
    assert lines == seed_lines[3:]  # the naive extraction the user was given, block for block


def test_twenty_thousand_articles_have_unique_article_slugs():
    corpus = build_corpus(SiteConfig(articles=20000))
    assert len(corpus) == len(corpus.by_slug) == 20000
    pattern = re.compile(CHANNEL9["articles"]["url_pattern"])
    assert all(pattern.match(a.path) for a in corpus.articles)
    assert corpus.articles[0].published > corpus.articles[-1].published


# --- served over HTTP -----------------------------------------------------------------------------------


def test_every_link_on_the_site_resolves(demo_site):
    host = urlsplit(demo_site.url).netloc
    seen, queue, statuses = set(), ["/", "/sitemap.xml", "/feed/", "/robots.txt"], {}
    while queue:
        path = queue.pop()
        if path in seen or path.startswith("/private/"):
            continue
        seen.add(path)
        status, headers, body = get(demo_site, path)
        statuses[path] = status
        urls = []
        if "html" in headers["content-type"] or "xml" in headers["content-type"]:
            for link in re.findall(
                r'(?:href|src)="([^"#]+)"|<loc>([^<]+)</loc>|<link>([^<]+)</link>', body.decode()
            ):
                urls.append(
                    urljoin(demo_site.url + path.lstrip("/"), next(filter(None, link)).replace("&amp;", "&"))
                )
        if "html" in headers["content-type"]:  # and what a browser loads: srcset, CSS url() and @import
            urls += [url for url, _ in find_in_html(body, demo_site.url + path.lstrip("/"))]
        if "text/css" in headers["content-type"]:
            urls += [url for url, _ in find_in_css(body.decode(), demo_site.url + path.lstrip("/"))]
        for url in urls:
            if urlsplit(url).netloc == host and "share=" not in url:
                queue.append(urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else ""))
    broken = {p: s for p, s in statuses.items() if s >= 400}
    assert not broken
    assert {a.path for a in demo_site.corpus.articles} <= seen
    paths = {urlsplit(p).path for p in seen} | {
        "/wp-content/themes/c9/images/pattern.jpg",
        "/private/secret/",
    }
    assert set(all_paths(demo_site.corpus)) <= paths


def test_sitemaps_list_every_article_with_a_timezone_lastmod(demo_site):
    _, _, index = get(demo_site, "/sitemap.xml")
    children = [e.text for e in ET.fromstring(index).iter(f"{SM}loc")]
    assert children == [demo_site.url + "post-sitemap1.xml", demo_site.url + "category-sitemap.xml"]
    _, _, posts = get(demo_site, "/post-sitemap1.xml")
    urls = ET.fromstring(posts).findall(f"{SM}url")
    assert {u.find(f"{SM}loc").text for u in urls} == {
        demo_site.url.rstrip("/") + a.path for a in demo_site.corpus.articles
    }
    assert all(re.search(r"T\d\d:\d\d:\d\d\+07:00$", u.find(f"{SM}lastmod").text) for u in urls)


def test_big_sites_split_post_sitemaps_at_a_thousand():
    pages = Pages(build_corpus(SiteConfig(articles=2500)), "http://h/")
    index = ET.fromstring(pages.get("/sitemap.xml").body)
    locs = [e.text for e in index.iter(f"{SM}loc")]
    assert locs[:3] == [
        "http://h/post-sitemap1.xml",
        "http://h/post-sitemap2.xml",
        "http://h/post-sitemap3.xml",
    ]
    sizes = [
        len(ET.fromstring(pages.get(f"/post-sitemap{n}.xml").body).findall(f"{SM}url")) for n in (1, 2, 3)
    ]
    assert sizes == [1000, 1000, 500]
    assert pages.get("/post-sitemap4.xml").status == 404


def test_feed_is_rss2_with_the_latest_twenty(demo_site):
    status, headers, body = get(demo_site, "/feed/")
    assert status == 200 and headers["content-type"].startswith("application/rss+xml")
    items = ET.fromstring(body).find("channel").findall("item")
    assert [i.find("link").text for i in items] == [
        demo_site.url.rstrip("/") + a.path for a in demo_site.corpus.articles[:20]
    ]
    assert all(
        i.find("pubDate").text.endswith("+0000") and i.find("category").text and i.find("guid").text
        for i in items
    )


def test_robots_txt_points_at_the_sitemap_and_fences_private(demo_site):
    status, headers, body = get(demo_site, "/robots.txt")
    text = body.decode()
    assert status == 200 and headers["content-type"].startswith("text/plain")
    assert "Disallow: /wp-admin/" in text and "Disallow: /private/" in text
    assert f"Sitemap: {demo_site.url}sitemap.xml" in text
    assert b'href="/private/secret/"' in get(demo_site, "/")[2]
    assert get(demo_site, "/private/secret/")[0] == 200


def test_gzip_etag_and_conditional_requests(demo_site):
    path = demo_site.corpus.articles[3].path
    status, plain_headers, plain = get(demo_site, path)
    assert status == 200 and plain_headers["content-type"] == "text/html; charset=UTF-8"
    assert int(plain_headers["content-length"]) == len(plain) and "content-encoding" not in plain_headers
    _, headers, packed = get(demo_site, path, {"Accept-Encoding": "gzip, deflate"})
    assert headers["content-encoding"] == "gzip" and "Accept-Encoding" in headers["vary"]
    assert gzip.decompress(packed) == plain
    assert not headers["etag"].startswith("W/") and headers["etag"] != plain_headers["etag"]
    assert get(demo_site, path, {"If-None-Match": plain_headers["etag"]})[0] == 304
    assert get(demo_site, path, {"If-None-Match": '"nope"'})[0] == 200
    assert get(demo_site, path, {"If-Modified-Since": plain_headers["last-modified"]})[0] == 304
    assert get(demo_site, path, {"If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"})[0] == 200
    _, _, head_body = get(demo_site, path, method="HEAD")
    assert head_body == b""


def test_feed_and_category_pages_are_chunked_articles_are_not(demo_site):
    for path in ("/feed/", "/category/internasional/"):
        _, headers, body = get(demo_site, path, {"Accept-Encoding": "gzip"})
        assert headers.get("transfer-encoding") == "chunked" and "content-length" not in headers
        assert gzip.decompress(body).startswith(b"<")
    _, headers, _ = get(demo_site, demo_site.corpus.articles[0].path)
    assert "transfer-encoding" not in headers and "content-length" in headers


def test_wordpress_404_and_redirects(demo_site):
    status, _, body = get(demo_site, "/tidak-ada-artikel-ini/")
    assert status == 404 and b'class="error404"' in body and b"Halaman tidak ditemukan" in body
    article = demo_site.corpus.by_slug[SEEDS["000_f4f2b7e91b879bed"]]
    status, headers, _ = get(demo_site, f"/?p={article.id}")
    assert status == 301 and headers["location"] == demo_site.url.rstrip("/") + article.path
    assert get(demo_site, article.path.rstrip("/"))[1]["location"].endswith(article.path)
    assert get(demo_site, "/page/1/")[1]["location"] == demo_site.url
    assert get(demo_site, "/page/999/")[0] == 404


def test_images_and_stylesheet_are_real_bytes(demo_site):
    article = demo_site.corpus.articles[0]
    html = get(demo_site, article.path)[2].decode()
    image = re.search(r'src="(http://[^"]+-768x432\.jpg)"', html).group(1)
    status, headers, jpeg = get(demo_site, urlsplit(image).path)
    assert status == 200 and headers["content-type"] == "image/jpeg"
    assert jpeg[:3] == b"\xff\xd8\xff" and jpeg.endswith(b"\xff\xd9") and b"JFIF" in jpeg[:20]
    assert jpeg[jpeg.index(b"\xff\xc0") + 5 :][:4] == bytes([1, 176, 3, 0])  # 432 x 768
    status, headers, css = get(demo_site, "/wp-content/themes/c9/style.css")
    assert (
        status == 200 and headers["content-type"].startswith("text/css") and b"url(images/pattern.jpg)" in css
    )


def test_requests_log_records_method_path_and_status(demo_site):
    before = len(demo_site.requests_log)
    get(demo_site, "/robots.txt")
    get(demo_site, "/nope/")
    assert demo_site.requests_log[before:] == [("GET", "/robots.txt", 200), ("GET", "/nope/", 404)]


# --- faults ---------------------------------------------------------------------------------------------


def test_faults_parse_the_command_line_syntax():
    faults = Faults.parse("503=0.1,500=0.02,slow=0.05:2.5,drop=0.02")
    assert (faults.error_503, faults.error_500, faults.slow, faults.slow_seconds, faults.drop) == (
        0.1,
        0.02,
        0.05,
        2.5,
        0.02,
    )
    assert faults.active and not Faults().active
    for bad in ("404=0.1", "503=2", "drop=0.1:3", "503"):
        with pytest.raises(ValueError):
            Faults.parse(bad)


def test_random_503_and_500_spare_robots_and_are_reproducible(site_factory):
    site = site_factory(articles=10, faults=Faults(error_503=1.0, retry_after=7))
    status, headers, _ = get(site, "/")
    assert status == 503 and headers["retry-after"] == "7"
    assert get(site, "/robots.txt")[0] == 200
    site.set_faults(Faults(error_503=1.0, include_robots=True))
    assert get(site, "/robots.txt")[0] == 503
    site.set_faults(Faults(error_500=1.0))
    assert get(site, "/feed/")[0] == 500
    paths = [a.path for a in site.corpus.articles] * 2
    runs = []
    for _ in range(2):
        site.set_faults(Faults(error_503=0.3, error_500=0.1, seed=4))
        runs.append([get(site, p)[0] for p in paths])
    assert runs[0] == runs[1] and {200, 503} <= set(runs[0])
    site.set_faults(Faults())
    assert all(get(site, p)[0] == 200 for p in paths[:5])


def test_dropped_connections_cut_the_body_short(site_factory):
    site = site_factory(articles=5, faults=Faults(drop=1.0))
    for path in ("/", "/fault/drop/"):
        conn = http.client.HTTPConnection("127.0.0.1", urlsplit(site.url).port, timeout=30)
        conn.request("GET", path)
        response = conn.getresponse()
        assert response.status == 200
        with pytest.raises(http.client.IncompleteRead):
            response.read()
        conn.close()
    assert [entry[2] for entry in site.requests_log] == [0, 0]


def test_slow_responses_still_arrive(site_factory):
    site = site_factory(articles=5, faults=Faults(slow=1.0, slow_seconds=0.05))
    assert get(site, "/")[0] == 200
    assert get(site, "/fault/slow/0.05/")[0] == 200
    assert get(site, "/fault/slow/soon/")[0] == 404


def test_redirect_chain_ends_at_an_article(demo_site):
    path, hops = "/fault/redirect/3/", []
    while True:
        status, headers, _ = get(demo_site, path)
        hops.append(status)
        if status not in (301, 302):
            break
        path = urlsplit(headers["location"]).path
    assert hops == [302, 302, 302, 301, 200]
    assert path in {a.path for a in demo_site.corpus.articles}


def test_charset_faults(demo_site):
    status, headers, body = get(demo_site, "/fault/charset/latin1/")
    assert (
        headers["content-type"] == "text/html; charset=ISO-8859-1" and b'<meta charset="ISO-8859-1">' in body
    )
    assert "Korea Utara–Rusia".encode() in body  # UTF-8 bytes under a Latin-1 label
    _, headers, body = get(demo_site, "/fault/charset/cp1252/")
    assert headers["content-type"] == "text/html" and b"<meta charset" not in body.lower()
    assert "Korea Utara–Rusia".encode("cp1252") in body
    _, headers, body = get(demo_site, "/fault/charset/none/")
    assert headers["content-type"] == "text/html" and b"<meta charset" not in body.lower()
    assert "Korea Utara–Rusia".encode() in body


def test_huge_page_has_the_size_asked_for(demo_site):
    status, headers, body = get(demo_site, "/fault/huge/2/")
    assert status == 200 and int(headers["content-length"]) == len(body) >= 2 * 1024 * 1024 - 2048


# --- mutations ------------------------------------------------------------------------------------------


def test_reconfigure_adds_and_changes_articles_in_place(site_factory):
    site = site_factory(articles=20, seed=9)
    url, before = site.url, {a.slug: get(site, a.path)[2] for a in site.corpus.articles}
    sitemap_before = get(site, "/post-sitemap1.xml")[2]
    site.reconfigure(added=5, changed=3)
    assert site.url == url and len(site.corpus) == 25
    corpus = site.corpus
    new = corpus.articles[:5]
    assert all(a.slug not in before for a in new)
    assert all(a.published > max(corpus.by_slug[s].published for s in before) for a in new)
    home = get(site, "/")[2].decode()
    assert all(a.path in home for a in new)
    changed = {a.slug for a in corpus.articles if a.changed}
    assert len(changed) == 3 and not changed & set(SEEDS.values())
    for slug, body in before.items():
        article = corpus.by_slug[slug]
        now = get(site, article.path)[2]
        assert (now != body) == (slug in changed), slug
        if slug in changed:
            assert article.modified > article.published and article.blocks[-1].startswith(
                ("Pembaruan", "Ralat", "(")
            )
    assert get(site, "/post-sitemap1.xml")[2] != sitemap_before
    site.reconfigure(added=6, changed=3)
    assert {a.slug for a in site.corpus.articles[1:6]} == {a.slug for a in new}


def test_seed_articles_keep_their_text_under_mutation():
    corpus = build_corpus(SiteConfig(articles=60, added=10, changed=57))
    for name, slug in SEEDS.items():
        assert (
            corpus.expected_text(corpus.by_slug[slug]).encode()
            == (DATA / "golden" / f"{name}.txt").read_bytes()
        )


# --- command line ---------------------------------------------------------------------------------------


def test_arsip_site_serve_prints_its_url_and_stops_on_sigterm():
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "site", "serve", "--articles", "5", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("serving http://127.0.0.1:")
        port = urlsplit(line.split()[1]).port
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/robots.txt")
        assert conn.getresponse().status == 200
        conn.close()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_arsip_site_render_writes_a_static_copy(tmp_path):
    from crawler.cli import main

    assert (
        main(["site", "render", "--out", str(tmp_path), "--articles", "12", "--base-url", "http://s.test/"])
        == 0
    )
    corpus = build_corpus(SiteConfig(articles=12))
    article = corpus.articles[0]
    assert (tmp_path / article.slug / "index.html").read_bytes() == corpus.render_article(
        article, "http://s.test/"
    )
    assert (tmp_path / "index.html").exists() and (tmp_path / "robots.txt").exists()
    assert (tmp_path / "feed" / "index.xml").exists() and (tmp_path / "404.html").exists()

"""Fuzz: the CDX API's parameters, sitemaps, feeds and robots.txt, and seed files (marker ``fuzz``).

Each reads text a stranger wrote: a replay visitor's query string, a site's XML, a seed file someone
sent. The properties: no exception but arsip's own (:class:`CdxQueryError`, :class:`SeedError` with
a message naming file and key), every example within the time bound, and well-formed output.
"""

from __future__ import annotations

import gzip
import json
import math

import pytest
from fuzz_helpers import FUZZ, bounded
from hypothesis import example, given
from hypothesis import strategies as st
from test_replay_archive import build_archive

from archive.index import cdx
from archive.index.query import CdxjIndex
from crawler.seed import Seed, SeedError, load_seed
from crawler.spiders.discovery import Entry, parse_feed, parse_sitemap, robots_sitemaps

pytestmark = FUZZ

# --- the CDX API --------------------------------------------------------------------------------

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
PARAMS = {
    "url": st.one_of(
        TEXT,
        st.sampled_from(["http://news.test/", "news.test/*", "*.test", "*.", "*", "http://[::1", "//", "%"]),
    ),
    "matchType": st.one_of(TEXT, st.sampled_from(cdx.MATCH_TYPES)),
    "output": st.one_of(TEXT, st.sampled_from(list(cdx.CONTENT_TYPES))),
    "fl": st.one_of(TEXT, st.sampled_from(["url,timestamp", "urlkey", ",", "status,mime,length"])),
    "limit": st.one_of(TEXT, st.integers(-5, 10**30).map(str)),
    "collapseTime": st.one_of(TEXT, st.integers(-5, 20).map(str)),
    "closest": st.one_of(TEXT, st.sampled_from(["20240301", "99999999999999999999", "0", "²", "٣"])),
    "from": st.one_of(TEXT, st.sampled_from(["2024", "20240399", "x"])),
    "to": st.one_of(TEXT, st.sampled_from(["2025", "9", "x"])),
    "sort": st.one_of(TEXT, st.just("reverse")),
    "reverse": TEXT,
    "resolveRevisits": st.one_of(TEXT, st.just("true")),
}
FILTERS = st.lists(
    st.one_of(
        TEXT,
        st.sampled_from(
            ["~url:(a|", "!=status:200", "~mime:.*", "=", "~", "!", "mime:image", "~(?P<", "!~x:["]
        ),
    ),
    max_size=3,
)


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> CdxjIndex:
    return CdxjIndex(build_archive(tmp_path_factory.mktemp("fuzz-cdx")) / "indexes")


@given(st.fixed_dictionaries({}, optional=PARAMS), FILTERS)
# found by this test: a limit past sys.maxsize was a 500 (islice/deque refuse it), not a whole answer
@example({"url": "0", "limit": "9223372036854775808"}, [])
@example({"url": "0", "reverse": "1", "limit": "9223372036854775808"}, [])
def test_cdx_queries_answer_or_refuse(index, params, filters):
    try:
        with bounded():
            query = cdx.CdxQuery.parse(params, filters)
            lines = list(cdx.render(cdx.run(index, query), query, "demo"))
    except cdx.CdxQueryError as exc:
        assert str(exc)  # the 400 page's message
        return
    assert all(line.endswith("\n") for line in lines)
    assert len(lines) <= max(query.limit, 0) or not query.limit
    if query.output == "json":
        assert all(isinstance(json.loads(line), dict) for line in lines)


# --- sitemaps, feeds, robots.txt ------------------------------------------------------------------

XML_PIECES = st.sampled_from(
    [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        "</urlset>",
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        "</sitemapindex>",
        "<url>",
        "</url>",
        "<sitemap>",
        "</sitemap>",
        "<loc>http://news.test/a/</loc>",
        "<loc> </loc>",
        "<loc>",
        "</loc>",
        "<lastmod>2024-03-01T10:00:00+07:00</lastmod>",
        "<lastmod>not a date</lastmod>",
        "<lastmod>99999-99-99</lastmod>",
        "<lastmod>0000-00-00</lastmod>",
        '<rss version="2.0"><channel>',
        "</channel></rss>",
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        "</feed>",
        "<item>",
        "</item>",
        "<entry>",
        "</entry>",
        "<link>http://news.test/b/</link>",
        '<link rel="alternate" href="http://news.test/c/"/>',
        '<link href=""/>',
        "<pubDate>Fri, 01 Mar 2024 10:00:00 +0700</pubDate>",
        "<pubDate>Fri, 31 Feb 2024 25:61:00 +9999</pubDate>",
        "<updated>2024-13-45T99:99:99Z</updated>",
        "<published>1e309</published>",
        '<!DOCTYPE x [<!ENTITY e "aaaaaaaaaa"><!ENTITY f "&e;&e;&e;&e;">]>',
        "&f;",
        '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        "&xxe;",
        "<![CDATA[http://news.test/d/]]>",
        "<!-- comment -->",
        "<?pi x?>",
        "\x00",
        "\ufeff",
    ]
)
XML = st.one_of(
    st.lists(st.one_of(XML_PIECES, TEXT), max_size=30)
    .map("".join)
    .map(lambda s: s.encode("utf-8", "replace")),
    st.binary(max_size=300),
)


def _well_formed(entries: list[Entry]) -> None:
    for entry in entries:
        assert isinstance(entry.url, str) and entry.url
        assert entry.lastmod is None or (isinstance(entry.lastmod, str) and entry.lastmod.endswith("Z"))


@given(XML, st.booleans(), st.integers(0, 2))
# found by this test: a gzipped sitemap whose gzip yields nothing (cut short) raised EOFError in the
# spider's callback; one inflating past the page limit raised scrapy's ValueError
@example(b"", True, 1)
@example(b" " * ((1 << 20) + 1), True, 0)
def test_sitemaps_parse_or_come_back_empty(body, gzipped, cut):
    if gzipped:
        body = gzip.compress(body)
        body = body[: len(body) - cut * 4] if cut else body
    with bounded():
        kind, entries = parse_sitemap(body, max_size=1 << 20)
    assert isinstance(kind, str)  # the root's tag: the spider follows only a "sitemapindex"
    _well_formed(entries)


@given(XML)
def test_feeds_parse_or_come_back_empty(body):
    with bounded():
        entries = parse_feed(body)
    _well_formed(entries)
    assert all("aaaaaaaaaa" not in e.url and "root:" not in e.url for e in entries)  # no entity expansion


@given(
    st.one_of(
        st.binary(max_size=200),
        st.lists(st.one_of(TEXT, st.just("Sitemap: ")), max_size=10).map("\n".join).map(str.encode),
    ),
    TEXT,
)
def test_robots_sitemaps(body, base):
    with bounded():
        urls = robots_sitemaps(body, "http://news.test/" + base)
    assert all(isinstance(url, str) for url in urls)


# --- seed files -----------------------------------------------------------------------------------

KEYS = {
    "": [
        "name",
        "start_urls",
        "allowed_domains",
        "sitemaps",
        "feeds",
        "allow_private_networks",
        "ignore_robots_for_requisites",
        "bogus",
    ],
    "articles": ["url_pattern", "max_articles", "max_pages", "max_pagination_depth"],
    "politeness": ["delay", "concurrency", "obey_robots", "autothrottle", "user_agent", "contact_url"],
    "schedule": ["interval", "cron", "timezone", "time_limit"],
    "extract": ["title", "category", "body", "author", "published", "drop"],
    "requisites": [
        "enabled",
        "max_per_page",
        "max_bytes_per_crawl",
        "hosts_allow",
        "hosts_deny",
        "types",
        "ignore_robots_for_requisites",
    ],
    "bundled_site": ["articles", "seed", "port", "origin"],
}
STRINGS = st.one_of(
    TEXT,
    st.sampled_from(
        [
            "demo",
            "http://news.test/",
            "https://news.test/berita/",
            "ftp://x/",
            "http://",
            "http://[::1]:99999/",
            "http://a b/",
            "\x07",
            "15m",
            "1e309d",
            "inf",
            "nan",
            "500MB",
            "1e400GB",
            "*/5 * * * *",
            "61 * * * *",
            "Asia/Jakarta",
            "../../etc/passwd",
            "Nope/Zone",
            "^/\\d{4}/",
            "(?=x)",
            "(",
            "a{99999}",
            "h1.title",
            "xpath://h1",
            "xpath:(",
            "div >>> p",
            "::before",
            "text",
            "image",
            "font",
            ".example.com",
            "[::1]",
            "http://Demo.TEST:8080",
            "http://u:p@x/",
            "http://x:0x50/",
        ]
    ),
)
SCALARS = st.one_of(
    STRINGS,
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=3))


# a value each key takes, so that generated seeds get past the first key and reach the later checks
GOOD = {
    "name": "demo",
    "start_urls": ["http://news.test/"],
    "allowed_domains": ["news.test"],
    "sitemaps": ["http://news.test/sitemap.xml"],
    "feeds": ["http://news.test/feed/"],
    "allow_private_networks": False,
    "url_pattern": "^/\\d{4}/",
    "max_articles": 10,
    "max_pagination_depth": 3,
    "delay": 0.5,
    "concurrency": 2,
    "user_agent": "arsip-fuzz",
    "contact_url": "https://news.test/kontak",
    "interval": "6h",
    "cron": "*/5 * * * *",
    "timezone": "Asia/Jakarta",
    "time_limit": 600,
    "title": "h1.entry-title",
    "body": "xpath://article",
    "drop": [".share"],
    "max_bytes_per_crawl": "50MB",
    "hosts_allow": [".cdn.test"],
    "types": ["image", "stylesheet"],
    "origin": "http://demo.test:8080/",
    "port": 0,
    "articles": 5,
    "seed": 9,
    "max_pages": 100,
    "obey_robots": True,
    "autothrottle": False,
    "enabled": True,
    "category": "a[rel~=tag]",
    "ignore_robots_for_requisites": False,
}


def _toml(value) -> str:
    """A TOML value (TOML spells its floats' specials inf/nan; json's escapes, but for DEL and
    surrogates, which it leaves to ensure_ascii=False, are TOML's)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


@st.composite
def seed_text(draw) -> str:
    lines = []
    for table, keys in KEYS.items():
        if table and not draw(st.booleans()):
            continue
        if table:
            lines.append(f"[{table}]")
        chosen = draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys)))
        if not table:  # most seeds name themselves and a start URL, as real ones do
            chosen = [
                k for k in ("name", "start_urls") if draw(st.integers(0, 9)) and k not in chosen
            ] + chosen
        for key in chosen:
            good = GOOD.get(key)
            value = draw(VALUES) if good is None or not draw(st.integers(0, 3)) else good
            lines.append(f"{key} = {_toml(value)}")
    return "\n".join(lines) + "\n"


SEEDS = st.one_of(seed_text(), seed_text(), st.text(max_size=200))


@pytest.fixture(scope="module")
def seed_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz-seed")


@given(SEEDS, st.booleans())
def test_seed_files_load_or_name_what_is_wrong(seed_dir, text, as_bytes):
    path = seed_dir / "site.toml"
    if as_bytes:  # not always UTF-8
        path.write_bytes(text.encode("utf-8", "surrogatepass")[:-1] if text else b"\xff")
    else:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        with bounded():
            seed = load_seed(path)
    except SeedError as exc:
        assert exc.key and exc.reason and str(path) in str(exc)
        return
    assert isinstance(seed, Seed) and seed.name and (seed.start_urls or seed.bundled_site)
    assert math.isfinite(seed.politeness.delay) and 0 <= seed.politeness.delay <= 60

"""The [requisites] seed table (validated key by key), --no-requisites, and the policy that picks
which requisites of a page are requested (types, hosts, per-page and per-crawl bounds)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from archive.requisites import FONT, IMAGE, KINDS, SCRIPT, STYLESHEET
from crawler.requisites import PRIO_REQUISITE, RequisitePolicy
from crawler.seed import Requisites, SeedError, load_seed
from crawler.settings import CrawlOptions, build_settings, effective_seed

HEAD = 'name = "a"\nstart_urls = ["https://news.example/"]\n'


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(HEAD + text, encoding="utf-8")
    return path


def test_defaults(tmp_path):
    req = load_seed(write(tmp_path, "")).requisites
    assert req.enabled and req.types == KINDS and not req.ignore_robots
    assert req.max_per_page == 200 and req.max_bytes_per_crawl == 500 * 1024 * 1024
    assert req.hosts_allow == () and req.hosts_deny == ()


def test_every_key(tmp_path):
    req = load_seed(
        write(
            tmp_path,
            "ignore_robots_for_requisites = true\n[requisites]\nenabled = false\nmax_per_page = 10\n"
            'max_bytes_per_crawl = "20 MB"\nhosts_allow = ["WP.com", ".gstatic.com"]\n'
            'hosts_deny = ["ads.example"]\ntypes = ["image", "stylesheet", "image"]\n',
        )
    ).requisites
    assert req == Requisites(
        enabled=False,
        max_per_page=10,
        max_bytes_per_crawl=20 * 1024 * 1024,
        hosts_allow=("wp.com", "gstatic.com"),
        hosts_deny=("ads.example",),
        types=("image", "stylesheet"),
        ignore_robots=True,
    )
    table = load_seed(write(tmp_path, "[requisites]\nignore_robots_for_requisites = true\n")).requisites
    assert table.ignore_robots


@pytest.mark.parametrize(
    "text, key, reason",
    [
        ('[requisites]\ntypes = ["images"]', "requisites.types", "unknown type 'images'"),
        ("[requisites]\ntypes = [1]", "requisites.types", "list of non-empty strings"),
        ("[requisites]\nmax_per_page = -1", "requisites.max_per_page", "zero or more"),
        ('[requisites]\nmax_per_page = "9"', "requisites.max_per_page", "expected an integer"),
        ('[requisites]\nmax_bytes_per_crawl = "lots"', "requisites.max_bytes_per_crawl", "expected a size"),
        ("[requisites]\nmax_bytes_per_crawl = -5", "requisites.max_bytes_per_crawl", "zero or more"),
        ('[requisites]\nhosts_deny = ["a b.example"]', "requisites.hosts_deny", "not a host name"),
        ('[requisites]\nhosts_allow = "wp.com"', "requisites.hosts_allow", "expected a list"),
        ('[requisites]\nenabled = "yes"', "requisites.enabled", "expected true or false"),
        ("[requisites]\nmax_per_pge = 3", "requisites.max_per_pge", "unknown key"),
        (
            "ignore_robots_for_requisites = true\n[requisites]\nignore_robots_for_requisites = false",
            "requisites.ignore_robots_for_requisites",
            "contradicts",
        ),
        ('ignore_robots_for_requisites = "yes"', "ignore_robots_for_requisites", "expected true or false"),
    ],
)
def test_mistakes_name_file_key_and_reason(tmp_path, text, key, reason):
    path = write(tmp_path, text)
    with pytest.raises(SeedError) as caught:
        load_seed(path)
    assert caught.value.key == key and reason in caught.value.reason and str(path) in str(caught.value)


def test_no_requisites_option_switches_them_off(tmp_path):
    seed = load_seed(write(tmp_path, ""))
    on = build_settings(effective_seed(seed, CrawlOptions()), CrawlOptions(), tmp_path, "id", None)
    off_seed = effective_seed(seed, CrawlOptions(requisites=False))
    off = build_settings(off_seed, CrawlOptions(requisites=False), tmp_path, "id", None)
    assert not off_seed.requisites.enabled
    assert "crawler.middlewares.requisites.RequisiteMiddleware" in on["DOWNLOADER_MIDDLEWARES"]
    assert "crawler.middlewares.requisites.RequisiteMiddleware" not in off["DOWNLOADER_MIDDLEWARES"]


class Stats:
    """Scrapy's stats collector interface, in memory."""

    def __init__(self):
        self.values: dict = {}

    def inc_value(self, key, count=1):
        self.values[key] = self.values.get(key, 0) + count

    def get_value(self, key, default=None):
        return self.values.get(key, default)


class Crawler:
    def __init__(self):
        self.stats = Stats()


def policy(**config) -> RequisitePolicy:
    return RequisitePolicy(replace(Requisites(), **config), ("news.example",), Crawler())


def urls(requests) -> list[str]:
    return [r.url for r in requests]


PAGE = "https://news.example/a/"
FOUND = [
    ("https://news.example/style.css", STYLESHEET),
    ("https://i0.wp.com/news.example/x.jpg", IMAGE),
    ("https://fonts.gstatic.com/f.woff2", FONT),
    ("https://ads.example/track.js", SCRIPT),
]


def test_requests_are_low_priority_conditional_and_offsite():
    p = policy()
    requests = p.requests_for(FOUND, PAGE, None, None)
    assert urls(requests) == [u for u, _ in FOUND]
    first = requests[0]
    assert first.priority == PRIO_REQUISITE < 0
    assert first.meta["allow_offsite"] and first.meta["arsip_conditional"]
    assert first.meta["handle_httpstatus_list"] == [304] and "dont_obey_robotstxt" not in first.meta
    assert first.headers[b"Accept"].startswith(b"text/css")
    assert p.requests_for(FOUND, "https://news.example/b/", None, None) == []  # once per crawl
    robots_ignored = policy(ignore_robots=True).requests_for(FOUND, PAGE, None, None)
    assert all(r.meta["dont_obey_robotstxt"] for r in robots_ignored)


def test_types_and_hosts():
    assert urls(policy(types=("image", "font")).requests_for(FOUND, PAGE, None, None)) == [
        "https://i0.wp.com/news.example/x.jpg",
        "https://fonts.gstatic.com/f.woff2",
    ]
    assert urls(policy(hosts_deny=("example",)).requests_for(FOUND, PAGE, None, None)) == [
        "https://i0.wp.com/news.example/x.jpg",
        "https://fonts.gstatic.com/f.woff2",
    ]
    allowed = policy(hosts_allow=("wp.com",)).requests_for(FOUND, PAGE, None, None)
    assert urls(allowed) == ["https://news.example/style.css", "https://i0.wp.com/news.example/x.jpg"]
    p = policy(hosts_allow=("wp.com",))
    p.requests_for(FOUND, PAGE, None, None)
    assert p.stats.get_value("arsip/requisites/skipped_excluded") == 2


def test_per_page_and_per_crawl_bounds():
    p = policy(max_per_page=2)
    assert len(p.requests_for(FOUND, PAGE, None, None)) == 2
    assert p.stats.get_value("arsip/requisites/skipped_budget") == 2
    assert len(p.requests_for(FOUND, "https://news.example/b/", None, None)) == 2  # the other two
    assert p.stats.get_value("arsip/requisites/skipped_budget") == 0
    assert len(policy(max_per_page=0).requests_for(FOUND * 100, PAGE, None, None)) == 4  # 0: no bound

    p = policy(max_bytes_per_crawl=1000)
    p.count("bytes", 999)
    assert not p.budget_spent() and len(p.requests_for(FOUND[:1], PAGE, None, None)) == 1
    p.count("bytes", 1)
    assert p.budget_spent() and p.requests_for(FOUND, PAGE, None, None) == []
    assert policy(max_bytes_per_crawl=0).bytes_left() is None


def test_disabled_policy_requests_nothing():
    assert policy(enabled=False).requests_for(FOUND, PAGE, None, None) == []
    assert policy(types=()).requests_for(FOUND, PAGE, None, None) == []


def test_an_unchanged_pages_archived_requisites_are_dropped_once():
    p = policy()
    archived = {"https://news.example/style.css", "https://news.example/my%20photo.jpg"}
    found = [*FOUND, ("https://news.example/my photo.jpg", IMAGE)]
    kept = p.drop_archived(found, archived.__contains__)
    assert [u for u, _ in kept] == [u for u, _ in FOUND[1:]]
    assert p.drop_archived(found, archived.__contains__) == kept
    assert p.stats.get_value("arsip/requisites/skipped_archived") == 2  # each URL counted once

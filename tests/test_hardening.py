"""Hardening (issue "Hardening"): inputs that used to delete, hang or stop things are refused before
anything runs, or handled in linear time. Fast tests: no crawl runs (end-to-end ones are in
tests/test_crawl_hardening.py)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from archive.extract.jsonld import LinkedData
from archive.urls import BadPattern, url_pattern
from crawler.commands.crawl import _crawl_id, _delay
from crawler.crawls import check_crawl_id
from crawler.links import ARTICLE, SKIP, classify
from crawler.runner import pick_crawl, remove_job
from crawler.seed import SeedError, load_seed, seed_from_dict
from crawler.service.syncer import Syncer
from crawler.spiders.discovery import is_article_page
from tests.crawl_helpers import arsip, write_seed

SITE = 'name = "a"\nstart_urls = ["https://a.example/"]\n'


def seed_text(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "a.toml"
    path.write_text(text, encoding="utf-8")
    return path


def rejected(tmp_path: Path, text: str, key: str) -> SeedError:
    path = seed_text(tmp_path, text)
    with pytest.raises(SeedError) as info:
        load_seed(path)
    assert info.value.key == key and str(path) in str(info.value), str(info.value)
    return info.value


# --- 2. --crawl-id never names anything outside the collection ---------------------------------------


@pytest.mark.parametrize("crawl_id", ["20250101T060000Z-3fa1", "nightly", "run.2_b-C", "x" * 100])
def test_valid_crawl_ids(crawl_id):
    assert check_crawl_id(crawl_id) == crawl_id == _crawl_id(crawl_id)


@pytest.mark.parametrize(
    "crawl_id", ["", ".", "..", "../../x", "/some/dir", "a/b", "a\\b", "a b", "a\nb", "x" * 101, "ü"]
)
def test_invalid_crawl_ids(crawl_id):
    with pytest.raises(ValueError, match="invalid crawl id"):
        check_crawl_id(crawl_id)
    with pytest.raises(argparse.ArgumentTypeError):
        _crawl_id(crawl_id)


def test_crawl_id_outside_the_collection_is_refused_before_anything_runs(tmp_path):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me")
    for crawl_id in (str(victim), "../../victim"):
        result = arsip("crawl", "http://127.0.0.1:9/", "--data", tmp_path / "data", "--crawl-id", crawl_id)
        assert result.returncode == 2, result.stderr
        assert "invalid crawl id" in result.stderr
    assert (victim / "precious.txt").read_text() == "keep me"
    assert not (tmp_path / "data").exists()  # refused before anything was created


def test_job_directories_outside_the_collection_are_never_removed(tmp_path):
    collection = tmp_path / "coll"
    (collection / "jobs").mkdir(parents=True)
    (collection / "crawls").mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "file").write_text("x")
    # a symlink planted in jobs/ by a finished crawl's name: pick_crawl cleans finished jobs up
    (collection / "jobs" / "finished-1").symlink_to(outside)
    (collection / "crawls" / "finished-1.json").write_text('{"outcome": "finished"}')
    crawl_id, resumed = pick_crawl(collection, None)
    assert resumed is None and crawl_id != "finished-1"
    remove_job(collection, outside)
    remove_job(collection, collection / "jobs" / "..")
    assert (outside / "file").read_text() == "x" and collection.is_dir()
    with pytest.raises(ValueError):
        pick_crawl(collection, "../outside")
    real = collection / "jobs" / "run-2"
    real.mkdir()
    remove_job(collection, real)
    assert not real.exists()


# --- 5. JSON-LD is parsed, in linear time -------------------------------------------------------------


def html_with_ld(script: str) -> HtmlResponse:
    body = f'<html><head><script type="application/ld+json">{script}</script></head><body></body></html>'
    return HtmlResponse("https://a.example/x/", body=body.encode(), encoding="utf-8")


@pytest.mark.timeout(30)
@pytest.mark.parametrize("unit", ['"@type":[', '"@type":"', '{"@graph":[', "["])
def test_a_megabyte_of_adversarial_json_ld_is_read_fast(unit):
    for size in (990_000, 1_048_576):  # under the size cap (parsed) and over it (skipped)
        script = unit * (size // len(unit))
        assert not is_article_page(html_with_ld(script))
        assert LinkedData.parse([script]).article == {}


def test_json_ld_types_are_read_from_objects_and_graphs():
    assert is_article_page(html_with_ld('{"@type": "NewsArticle"}'))
    assert is_article_page(html_with_ld('[{"@type": "BlogPosting"}]'))
    graph = '{"@context": "https://schema.org", "@graph": [{"@type": ["WebPage"]}, {"@type": "Article"}]}'
    assert is_article_page(html_with_ld(graph))
    assert not is_article_page(html_with_ld('{"@type": "Person", "name": "x"}'))
    assert not is_article_page(html_with_ld("not json"))


# --- 6. seed patterns run in linear time; numbers are finite and in range ----------------------------


def test_url_patterns_are_re2_and_linear():
    path = "/" + "a" * 200_000 + "!/"
    pattern = url_pattern(r"^/(a+)+/$")  # exponential in Python's re, linear in RE2
    assert pattern.search(path) is None and pattern.search("/aaa/") is not None
    assert classify("https://a.example" + path, pattern) == SKIP
    assert classify("https://a.example/aaa/", pattern) == ARTICLE
    for bad in (r"^/(?!tag/)[a-z]+/$", r"(a)\1", "("):
        with pytest.raises(BadPattern, match="RE2"):
            url_pattern(bad)


def test_a_pattern_re2_cannot_compile_is_refused_naming_file_and_key(tmp_path):
    error = rejected(
        tmp_path, SITE + "[articles]\nurl_pattern = '^/(?!tag/)[a-z]+/$'\n", "articles.url_pattern"
    )
    assert "RE2" in error.reason and "lookaround" in error.reason
    assert load_seed(seed_text(tmp_path, SITE + "[articles]\nurl_pattern = '^/(a+)+/$'\n")).article_pattern


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e309", "61", "-1"])
def test_delay_must_be_finite_and_in_range(tmp_path, value):
    rejected(tmp_path, SITE + f"[politeness]\ndelay = {value}\n", "politeness.delay")
    with pytest.raises(argparse.ArgumentTypeError):
        _delay(value)


def test_cli_delay_inf_is_refused():
    result = arsip("crawl", "http://127.0.0.1:9/", "--delay", "1e309")
    assert result.returncode == 2 and "finite" in result.stderr, result.stderr
    assert _delay("0") == 0 and _delay("60") == 60 and _delay("0.5") == 0.5


@pytest.mark.parametrize("value", ['"' + "9" * 400 + '"', '"' + "9" * 400 + ' GB"'])
def test_sizes_that_overflow_are_refused(tmp_path, value):
    rejected(
        tmp_path, SITE + f"[requisites]\nmax_bytes_per_crawl = {value}\n", "requisites.max_bytes_per_crawl"
    )


def test_port_in_range(tmp_path):
    rejected(tmp_path, 'name = "a"\n[bundled_site]\nport = 70000\n', "bundled_site.port")


# --- 7. a bad schedule is refused by the seed checks, and never stops the scheduler --------------------


@pytest.mark.parametrize("value", ["inf", "nan", '"99999999999999999999d"', '"367d"', "1e30", '"1e3"'])
def test_intervals_must_be_finite_and_at_most_a_year(tmp_path, value):
    rejected(tmp_path, SITE + f"[schedule]\ninterval = {value}\n", "schedule.interval")
    rejected(tmp_path, SITE + f"[schedule]\ntime_limit = {value}\n", "schedule.time_limit")


def test_one_bad_seed_never_stops_the_others_from_being_scheduled(tmp_path, caplog, monkeypatch):
    from apscheduler.schedulers.background import BackgroundScheduler

    seeds = tmp_path / "seeds"
    write_seed(seeds, name="alpha", interval="1h")
    write_seed(seeds, name="omega", interval="2h")
    (seeds / "bad.toml").write_text(SITE.replace('"a"', '"bad"') + "[schedule]\ninterval = inf\n")
    (seeds / "huge.toml").write_text(
        SITE.replace('"a"', '"huge"') + '[schedule]\ninterval = "99999999999999999999d"\n'
    )
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.start(paused=True)
    try:
        caplog.set_level(logging.INFO)
        Syncer(scheduler, seeds).sync()
        assert sorted(job.id for job in scheduler.get_jobs()) == ["alpha", "omega"]
        assert "bad.toml: schedule.interval: must be a finite" in caplog.text
        assert "huge.toml: schedule.interval: must be at most 366 days" in caplog.text

        # and whatever the trigger chokes on (the seed checks missed it), the others are scheduled
        from crawler.service import syncer as syncer_module

        real = syncer_module.make_trigger

        def choking(schedule):
            if schedule.interval == 3600:
                raise OverflowError("date value out of range")
            return real(schedule)

        monkeypatch.setattr(syncer_module, "make_trigger", choking)
        for job in scheduler.get_jobs():
            scheduler.remove_job(job.id)
        Syncer(scheduler, seeds).sync()
        assert [job.id for job in scheduler.get_jobs()] == ["omega"]
        assert "seed=alpha not scheduled" in caplog.text and "OverflowError" in caplog.text
    finally:
        scheduler.shutdown(wait=False)


# --- 14. seed validation gaps ---------------------------------------------------------------------------


def test_name_with_a_trailing_newline_is_refused(tmp_path):
    rejected(tmp_path, 'name = "demo\\n"\nstart_urls = ["https://a.example/"]\n', "name")


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ('title = "h1[[["', "extract.title"),
        ('body = "div >> > p"', "extract.body"),
        ('published = "xpath://*[@"', "extract.published"),
        ('category = "   "', "extract.category"),
        ('drop = [".ok", "xpath:///"]', "extract.drop"),
    ],
)
def test_garbage_selectors_are_refused_at_load(tmp_path, table, key):
    rejected(tmp_path, SITE + "[extract]\n" + table + "\n", key)


def test_good_selectors_load():
    seed = seed_from_dict(
        {
            "name": "a",
            "start_urls": ["https://a.example/"],
            "extract": {
                "title": "h1.entry-title::text",
                "published": "time::attr(datetime)",
                "body": "xpath://div[@class='entry-content']",
                "drop": [".sharedaddy", "div.c9-inline-related"],
            },
        }
    )
    assert seed.hints.title == "h1.entry-title::text"


def test_empty_start_urls_are_refused_unless_bundled(tmp_path):
    rejected(tmp_path, 'name = "a"\nstart_urls = []\n', "start_urls")
    seed = load_seed(seed_text(tmp_path, 'name = "a"\nstart_urls = []\n[bundled_site]\narticles = 3\n'))
    assert seed.start_urls


@pytest.mark.parametrize("agent", ["arsip\\r\\nX-Evil: 1", "arsip\\n", "a\\u0000b", "tab\\there"])
def test_user_agent_with_control_characters_is_refused(tmp_path, agent):
    rejected(tmp_path, SITE + f'[politeness]\nuser_agent = "{agent}"\n', "politeness.user_agent")


def test_urls_with_control_characters_are_refused(tmp_path):
    rejected(tmp_path, 'name = "a"\nstart_urls = ["https://a.example/\\r\\nX: y"]\n', "start_urls")

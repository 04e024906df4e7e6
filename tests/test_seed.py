"""Seed configs: the shipped seed loads, and every kind of mistake names file, key and reason."""

from pathlib import Path

import pytest

from crawler.seed import SeedError, adhoc_seed, load_seed

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path, text):
    path = tmp_path / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_channel9_seed_loads_and_rebases():
    seed = load_seed(ROOT / "seeds" / "channel9.toml")
    assert seed.name == "channel9"
    assert seed.bundled_site is not None and seed.allow_private_networks
    assert seed.bundled_site.origin == "http://channel9.arsip.test/"  # the default origin
    rebased = seed.with_base_url(seed.bundled_site.origin)
    assert rebased.start_urls == ("http://channel9.arsip.test/",)
    assert rebased.allowed_domains == ("channel9.arsip.test",)


def test_bundled_site_origin_is_normalised(tmp_path):
    seed = load_seed(
        write(tmp_path, 'name = "demo"\n[bundled_site]\norigin = "http://Demo.Arsip.TEST:8080"\n')
    )
    assert seed.bundled_site.origin == "http://demo.arsip.test:8080/"
    assert seed.start_urls == ("http://demo.arsip.test:8080/",)


def test_minimal_seed_gets_polite_defaults(tmp_path):
    seed = load_seed(write(tmp_path, 'name = "news"\nstart_urls = ["https://news.example/"]\n'))
    assert seed.allowed_domains == ("news.example",)
    assert seed.politeness.obey_robots and seed.politeness.delay >= 1.0
    assert not seed.allow_private_networks


@pytest.mark.parametrize(
    "text, key, reason",
    [
        ('start_urls = ["https://a.example/"]', "name", "is required"),
        ('name = "a"\nstart_urls = ["ftp://a.example/"]', "start_urls", "not an http(s) URL"),
        (
            'name = "a"\nstart_urls = ["https://a.example/"]\n[politeness]\nconcurency = 3',
            "politeness.concurency",
            "unknown key",
        ),
        (
            'name = "a"\nstart_urls = ["https://a.example/"]\n[politeness]\nconcurrency = "3"',
            "politeness.concurrency",
            "expected an integer",
        ),
        (
            'name = "a"\nstart_urls = ["https://a.example/"]\n[politeness]\nconcurrency = 0',
            "politeness.concurrency",
            "greater than zero",
        ),
        (
            'name = "a"\nstart_urls = ["https://a.example/"]\n[schedule]\ncron = "61 * * * *"',
            "schedule.cron",
            "invalid cron",
        ),
        (
            'name = "a"\nstart_urls = ["https://a.example/"]\n[schedule]\ninterval = "soon"',
            "schedule.interval",
            "expected a duration",
        ),
        (
            'name = "a"\nstart_urls = ["https://a.example/"]\n[schedule]\ntimezone = "Mars/Base"',
            "schedule.timezone",
            "unknown time zone",
        ),
        (
            'name = "a"\nstart_urls = ["https://a.example/"]\n[articles]\nurl_pattern = "("',
            "articles.url_pattern",
            "invalid regular expression",
        ),
        ('name = "A B"\nstart_urls = ["https://a.example/"]', "name", "lowercase"),
        (
            'name = "a"\n[bundled_site]\norigin = "channel9.arsip.test"',
            "bundled_site.origin",
            "not an http(s) URL",
        ),
        ('name = "a"\n[bundled_site]\norigin = "https://a.test/"', "bundled_site.origin", "plain http"),
        ('name = "a"\n[bundled_site]\norigin = "http://a.test/news/"', "bundled_site.origin", "only scheme"),
        ('name = "a"\n[bundled_site]\norigin = "http://a.test/?x=1"', "bundled_site.origin", "only scheme"),
        ('name = "a"\n[bundled_site]\norigin = "http://u@a.test/"', "bundled_site.origin", "only scheme"),
        (
            'name = "a"\n[bundled_site]\norigin = "http://a.test:99999/"',
            "bundled_site.origin",
            "invalid port",
        ),
        ('name = "a"\n[bundled_site]\norigin = 5', "bundled_site.origin", "expected a string"),
        ('name = "a"\nstart_urls = [', "<file>", "invalid TOML"),
    ],
)
def test_malformed_seed_names_file_key_and_reason(tmp_path, text, key, reason):
    path = write(tmp_path, text)
    with pytest.raises(SeedError) as caught:
        load_seed(path)
    assert caught.value.key == key
    assert reason in caught.value.reason
    assert str(path) in str(caught.value)


def test_adhoc_seed_from_url():
    seed = adhoc_seed("https://www.channel9.id/")
    assert seed.name == "www-channel9-id"
    assert seed.allowed_domains == ("www.channel9.id",)
    with pytest.raises(SeedError):
        adhoc_seed("not a url")


def test_adhoc_collection_name_keeps_a_non_default_port():
    """Two sites on one host (two ports) never share a collection; a default port stays out of the
    name, so collections of earlier ad-hoc crawls keep their names."""
    assert adhoc_seed("http://127.0.0.1:8089/").name == "127-0-0-1-8089"
    assert adhoc_seed("http://127.0.0.1:8090/x/").name == "127-0-0-1-8090"
    assert adhoc_seed("http://127.0.0.1/").name == adhoc_seed("http://127.0.0.1:80/").name == "127-0-0-1"
    assert adhoc_seed("https://news.example:443/").name == "news-example"
    assert adhoc_seed("https://news.example:8443/").name == "news-example-8443"
    assert adhoc_seed("http://news.example:443/").name == "news-example-443"
    long = adhoc_seed("http://" + "a" * 70 + ".example:8089/").name
    assert len(long) == 64 and long.endswith("-8089")
    assert adhoc_seed("http://127.0.0.1:8089/").allowed_domains == ("127.0.0.1",)

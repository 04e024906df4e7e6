"""Seed configs: one TOML file per site (docs/SEEDS.md), validated before anything is fetched.

A seed is data only. Every key is checked for type and range; an unknown key is an error too,
because a typo such as ``concurency`` would otherwise silently fall back to a default.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from archive.requisites import KINDS as REQUISITE_KINDS
from archive.urls import BadPattern, url_pattern
from crawler.tomlcheck import (
    MAX_DELAY,
    SeedError,
    Table,
    check_text,
    check_url,
    parse_duration,
    parse_size,
    positive,
)

__all__ = [
    "Seed",
    "SeedError",
    "ExtractionHints",
    "Politeness",
    "Requisites",
    "Schedule",
    "BundledSite",
    "load_seed",
    "seed_from_dict",
    "adhoc_seed",
    "adhoc_name",
    "parse_duration",
]

DEFAULT_CONTACT = "https://github.com/arsip-archiver/arsip"
# The bundled site's URLs, whatever port it is served on (.test never resolves: RFC 2606).
BUNDLED_ORIGIN = "http://channel9.arsip.test/"
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class ExtractionHints:
    """Optional site selectors (CSS, or XPath when prefixed with ``xpath:``)."""

    title: str | None = None
    category: str | None = None
    body: str | None = None
    author: str | None = None
    published: str | None = None
    drop: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.title or self.category or self.body or self.author or self.published or self.drop)


@dataclass(frozen=True)
class Politeness:
    delay: float = 1.0
    concurrency: int = 4
    obey_robots: bool = True
    autothrottle: bool = True
    user_agent: str | None = None
    contact_url: str = DEFAULT_CONTACT


@dataclass(frozen=True)
class Schedule:
    interval: float | None = None  # seconds
    cron: str | None = None
    timezone: str = "UTC"
    time_limit: float = 3600.0  # seconds a single crawl may run


@dataclass(frozen=True)
class Requisites:
    """Page requisites (stylesheets, images, fonts, scripts, icons, media) fetched with each page.

    ``hosts_allow`` / ``hosts_deny`` are host suffixes (``wp.com`` covers ``i0.wp.com``); deny wins,
    and a non-empty allow list limits requisites to those hosts and the site's own domains.
    """

    enabled: bool = True
    max_per_page: int = 200
    max_bytes_per_crawl: int = 500 * 1024 * 1024  # 0: no budget
    hosts_allow: tuple[str, ...] = ()
    hosts_deny: tuple[str, ...] = ()
    types: tuple[str, ...] = REQUISITE_KINDS
    ignore_robots: bool = False  # ignore_robots_for_requisites: fetch assets robots.txt disallows


@dataclass(frozen=True)
class BundledSite:
    """Serve the bundled Channel9-style site for this seed (the embedded default).

    The site's URLs start with ``origin`` whatever loopback port serves it: the crawl reaches the
    origin through the site as an HTTP proxy, so what is archived does not depend on the port.
    """

    articles: int = 60
    seed: int = 9
    port: int = 0  # 0 picks a free loopback port
    origin: str = BUNDLED_ORIGIN
    served_at: str | None = None  # the loopback URL serving the site during a crawl (not in TOML)


@dataclass(frozen=True)
class Seed:
    name: str
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    article_pattern: str | None = None  # regex matched against the URL path
    max_articles: int = 0  # 0: unbounded
    max_pages: int = 0
    max_pagination_depth: int = 50
    allow_private_networks: bool = False
    politeness: Politeness = field(default_factory=Politeness)
    schedule: Schedule = field(default_factory=Schedule)
    hints: ExtractionHints = field(default_factory=ExtractionHints)
    requisites: Requisites = field(default_factory=Requisites)
    bundled_site: BundledSite | None = None
    path: str | None = None

    def with_base_url(self, base_url: str) -> Seed:
        """Return this seed pointed at ``base_url`` (used for the bundled site's origin)."""
        from dataclasses import replace

        base = base_url.rstrip("/")
        host = urlsplit(base_url).hostname or ""

        def rebase(urls):
            return tuple(base + "/" + urlsplit(u).path.lstrip("/") + _query(u) for u in urls)

        return replace(
            self,
            start_urls=rebase(self.start_urls),
            sitemaps=rebase(self.sitemaps),
            feeds=rebase(self.feeds),
            allowed_domains=(host,),
        )


def _query(url: str) -> str:
    query = urlsplit(url).query
    return "?" + query if query else ""


def _politeness(table: Table, path) -> Politeness:
    pol = Politeness(
        delay=positive(table.get("delay", float, 1.0), path, "politeness.delay", maximum=MAX_DELAY),
        concurrency=positive(
            table.get("concurrency", int, 4), path, "politeness.concurrency", allow_zero=False
        ),
        obey_robots=table.get("obey_robots", bool, True),
        autothrottle=table.get("autothrottle", bool, True),
        user_agent=check_text(table.get("user_agent", str), path, "politeness.user_agent"),
        contact_url=check_url(table.get("contact_url", str, DEFAULT_CONTACT), path, "politeness.contact_url"),
    )
    table.finish()
    return pol


def _schedule(table: Table, path) -> Schedule:
    interval, cron = table.get("interval", (int, float, str)), table.get("cron", str)
    if interval is not None and cron is not None:
        raise SeedError(path, "schedule.cron", "give either interval or cron, not both")
    if cron is not None:
        _check_cron(cron, path)
    tz = table.get("timezone", str, "UTC")
    _check_timezone(tz, path)
    limit = table.get("time_limit", (int, float, str), 3600)
    sched = Schedule(
        interval=parse_duration(interval, path, "schedule.interval") if interval is not None else None,
        cron=cron,
        timezone=tz,
        time_limit=parse_duration(limit, path, "schedule.time_limit"),
    )
    table.finish()
    return sched


def _check_cron(expr: str, path):
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(expr)
    except ValueError as exc:
        raise SeedError(path, "schedule.cron", f"invalid cron expression {expr!r}: {exc}") from None


def _check_timezone(name: str, path):
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SeedError(path, "schedule.timezone", f"unknown time zone {name!r}") from None


def _hints(table: Table, path) -> ExtractionHints:
    hints = ExtractionHints(
        title=_selector(table.get("title", str), path, "extract.title"),
        category=_selector(table.get("category", str), path, "extract.category"),
        body=_selector(table.get("body", str), path, "extract.body"),
        author=_selector(table.get("author", str), path, "extract.author"),
        published=_selector(table.get("published", str), path, "extract.published"),
        drop=tuple(_selector(expr, path, "extract.drop") or expr for expr in table.strings("drop")),
    )
    table.finish()
    return hints


def _selector(expr: str | None, path, key) -> str | None:
    """A hint selector that compiles (CSS, or XPath after ``xpath:``), as extraction will run it."""
    from archive.extract.selectors import BadSelector, compile_selector

    if expr is None:
        return None
    if not expr.strip():
        raise SeedError(path, key, "empty selector")
    try:
        compile_selector(expr)
    except BadSelector as exc:
        raise SeedError(path, key, str(exc)) from None
    return expr


def _requisites(table: Table, path, top_ignore_robots: bool | None) -> Requisites:
    types = table.strings("types") if "types" in table.data else REQUISITE_KINDS
    for kind in types:
        if kind not in REQUISITE_KINDS:
            raise SeedError(
                path, "requisites.types", f"unknown type {kind!r} (use {', '.join(REQUISITE_KINDS)})"
            )
    table_ignore = table.get("ignore_robots_for_requisites", bool)
    if table_ignore is not None and top_ignore_robots is not None and table_ignore != top_ignore_robots:
        raise SeedError(
            path,
            "requisites.ignore_robots_for_requisites",
            "contradicts the top-level ignore_robots_for_requisites: give it once",
        )
    size = table.get("max_bytes_per_crawl", (int, str), 500 * 1024 * 1024)
    requisites = Requisites(
        enabled=table.get("enabled", bool, True),
        max_per_page=positive(table.get("max_per_page", int, 200), path, "requisites.max_per_page"),
        max_bytes_per_crawl=parse_size(size, path, "requisites.max_bytes_per_crawl"),
        hosts_allow=_host_suffixes(table, "hosts_allow", path),
        hosts_deny=_host_suffixes(table, "hosts_deny", path),
        types=tuple(dict.fromkeys(types)),
        ignore_robots=bool(table_ignore if table_ignore is not None else top_ignore_robots),
    )
    table.finish()
    return requisites


def _host_suffixes(table: Table, key: str, path) -> tuple[str, ...]:
    hosts = []
    for host in table.strings(key):
        host = host.strip().lower().lstrip(".")
        if not re.fullmatch(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\]", host):
            raise SeedError(path, f"requisites.{key}", f"not a host name or suffix: {host!r}")
        hosts.append(host)
    return tuple(hosts)


def _bundled(table: Table, path) -> BundledSite:
    site = BundledSite(
        articles=positive(table.get("articles", int, 60), path, "bundled_site.articles", allow_zero=False),
        seed=table.get("seed", int, 9),
        port=positive(table.get("port", int, 0), path, "bundled_site.port", maximum=65535),
        origin=_check_origin(table.get("origin", str, BUNDLED_ORIGIN), path),
    )
    table.finish()
    return site


def _check_origin(url: str, path) -> str:
    """An ``http://host[:port]/`` origin, returned as ``http://host[:port]/`` in lower case."""
    key = "bundled_site.origin"
    parts = urlsplit(check_url(url, path, key))
    if parts.scheme != "http":
        raise SeedError(path, key, f"the bundled site speaks plain http, not {parts.scheme}: {url!r}")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number or out of range
    except ValueError:
        raise SeedError(path, key, f"invalid port in {url!r}") from None
    if parts.username is not None or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise SeedError(path, key, f"give only scheme and host (http://host/), got {url!r}")
    return f"http://{parts.netloc.lower()}/"


def _check_pattern(pattern, path):
    """The pattern, if RE2 compiles it (linear-time matching: docs/SEEDS.md)."""
    if pattern is None:
        return None
    try:
        url_pattern(pattern)
    except BadPattern as exc:
        raise SeedError(path, "articles.url_pattern", str(exc)) from None
    return pattern


def _hostname(url: str) -> str:
    """The host of a URL that check_url accepted (it refuses a URL without one)."""
    host = urlsplit(url).hostname
    assert host is not None, f"{url!r} has no host"
    return host


def seed_from_dict(data: dict, path: str | Path = "<seed>") -> Seed:
    """Validate a parsed TOML document and build a :class:`Seed`."""
    top = Table(data, path)
    name = top.get("name", str, required=True)
    if not NAME_RE.fullmatch(name):
        raise SeedError(path, "name", f"use lowercase letters, digits, '-' or '_' (max 64), got {name!r}")
    bundled = _bundled(top.table("bundled_site"), path) if "bundled_site" in data else None
    top.seen.add("bundled_site")
    starts = top.strings("start_urls", required=bundled is None)
    if bundled is None:
        if not starts:
            raise SeedError(path, "start_urls", "must name at least one URL")
        for url in starts:
            check_url(url, path, "start_urls")
    elif not starts:
        starts = (bundled.origin,)
    # A bundled seed's start URLs are paths on its origin (Seed.with_base_url, when the crawl starts).
    domains = top.strings("allowed_domains") or (
        () if bundled else tuple(sorted({_hostname(u) for u in starts}))
    )
    articles = top.table("articles")
    seed = Seed(
        name=name,
        start_urls=starts,
        allowed_domains=domains,
        sitemaps=tuple(check_url(u, path, "sitemaps") for u in top.strings("sitemaps")),
        feeds=tuple(check_url(u, path, "feeds") for u in top.strings("feeds")),
        article_pattern=_check_pattern(articles.get("url_pattern", str), path),
        max_articles=positive(articles.get("max_articles", int, 0), path, "articles.max_articles"),
        max_pages=positive(articles.get("max_pages", int, 0), path, "articles.max_pages"),
        max_pagination_depth=positive(
            articles.get("max_pagination_depth", int, 50),
            path,
            "articles.max_pagination_depth",
            allow_zero=False,
        ),
        allow_private_networks=top.get("allow_private_networks", bool, False),
        politeness=_politeness(top.table("politeness"), path),
        schedule=_schedule(top.table("schedule"), path),
        hints=_hints(top.table("extract"), path),
        requisites=_requisites(top.table("requisites"), path, top.get("ignore_robots_for_requisites", bool)),
        bundled_site=bundled,
        path=str(path),
    )
    articles.finish()
    top.finish()
    return seed


def load_seed(path: str | Path) -> Seed:
    """Read and validate one seed file; raises :class:`SeedError` naming file, key and reason."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SeedError(path, "<file>", f"cannot read: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SeedError(path, "<file>", "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise SeedError(path, "<file>", f"invalid TOML: {exc}") from None
    return seed_from_dict(data, path)


DEFAULT_PORTS = {"http": 80, "https": 443}


def adhoc_name(url: str) -> str:
    """The collection name of an ad-hoc crawl: the host, and its port unless the scheme's default
    (``127-0-0-1-8089``), so that two sites on one host never share a collection."""
    parts = urlsplit(url)
    host = _hostname(url)
    if parts.port is not None and parts.port != DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}-{parts.port}"
    name = re.sub(r"[^a-z0-9_-]+", "-", host.lower()).strip("-")
    if len(name) > 64 and parts.port is not None:  # keep the port that tells sites apart
        name = name[: 63 - len(str(parts.port))].rstrip("-") + f"-{parts.port}"
    return name[:64] or "site"


def adhoc_seed(url: str) -> Seed:
    """A seed with sensible defaults for ``arsip crawl https://site/``."""
    check_url(url, "<command line>", "url")
    host = _hostname(url)
    name = adhoc_name(url)
    return Seed(name=name, start_urls=(url,), allowed_domains=(host,))

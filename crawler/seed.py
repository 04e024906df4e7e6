"""Seed configs: one TOML file per site (SPEC §3), validated before anything is fetched.

A seed is data only. Every key is checked for type and range; an unknown key is an error too,
because a typo such as ``concurency`` would otherwise silently fall back to a default.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from archive.errors import ArsipError

DEFAULT_CONTACT = "https://github.com/arsip-archiver/arsip"
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
DURATION_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


class SeedError(ArsipError):
    """A seed file is malformed: names the file, the key and the reason."""

    def __init__(self, path: str | Path, key: str, reason: str):
        self.path, self.key, self.reason = str(path), key, reason
        super().__init__(f"{path}: {key}: {reason}")


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
class BundledSite:
    """Serve the bundled Channel9-style site for this seed (the embedded default)."""

    articles: int = 60
    seed: int = 9
    port: int = 0  # 0 picks a free loopback port


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
    bundled_site: BundledSite | None = None
    path: str | None = None

    def with_base_url(self, base_url: str) -> Seed:
        """Return this seed pointed at ``base_url`` (used for the bundled site's free port)."""
        from dataclasses import replace

        base = base_url.rstrip("/")
        host = urlsplit(base_url).hostname or ""

        def rebase(urls):
            return tuple(base + "/" + urlsplit(u).path.lstrip("/") + _query(u) for u in urls)

        return replace(self, start_urls=rebase(self.start_urls), sitemaps=rebase(self.sitemaps),
                       feeds=rebase(self.feeds), allowed_domains=(host,))


def _query(url: str) -> str:
    query = urlsplit(url).query
    return "?" + query if query else ""


def parse_duration(value, path, key) -> float:
    """Accept seconds as a number or a string such as ``90s``, ``15m``, ``6h``, ``1d``."""
    if isinstance(value, bool):
        raise SeedError(path, key, "expected a duration such as 30, '15m' or '6h', got a boolean")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and (match := DURATION_RE.match(value)):
        seconds = float(match.group(1)) * DURATION_UNITS[match.group(2)]
    else:
        raise SeedError(path, key, f"expected a duration such as 30, '15m' or '6h', got {value!r}")
    if seconds <= 0:
        raise SeedError(path, key, "must be greater than zero")
    return seconds


class _Table:
    """Typed access to one TOML table that remembers which keys were read."""

    def __init__(self, data: dict, path, prefix: str = ""):
        if not isinstance(data, dict):
            raise SeedError(path, prefix.rstrip(".") or "<file>", "expected a table")
        self.data, self.path, self.prefix, self.seen = data, path, prefix, set()

    def get(self, key, kind, default=None, required=False):
        self.seen.add(key)
        full = self.prefix + key
        if key not in self.data:
            if required:
                raise SeedError(self.path, full, "is required")
            return default
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise SeedError(self.path, full, f"expected {_kind_name(kind)}, got {type(value).__name__} {value!r}")
        return value

    def strings(self, key, required=False) -> tuple[str, ...]:
        values = self.get(key, list, [], required)
        for item in values:
            if not isinstance(item, str) or not item.strip():
                raise SeedError(self.path, self.prefix + key, f"expected a list of non-empty strings, got {item!r}")
        return tuple(values)

    def table(self, key) -> _Table:
        return _Table(self.get(key, dict, {}), self.path, f"{self.prefix}{key}.")

    def finish(self):
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            raise SeedError(self.path, self.prefix + unknown[0], "unknown key")


def _kind_name(kind) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false",
            list: "a list", dict: "a table"}.get(kind, "a number or a duration string")


def _check_url(url: str, path, key) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SeedError(path, key, f"not an http(s) URL: {url!r}")
    return url


def _positive(value, path, key, allow_zero=True):
    if value is not None and (value < 0 or (value == 0 and not allow_zero)):
        raise SeedError(path, key, f"must be {'zero or more' if allow_zero else 'greater than zero'}, got {value}")
    return value


def _politeness(table: _Table, path) -> Politeness:
    pol = Politeness(
        delay=_positive(table.get("delay", float, 1.0), path, "politeness.delay"),
        concurrency=_positive(table.get("concurrency", int, 4), path, "politeness.concurrency", allow_zero=False),
        obey_robots=table.get("obey_robots", bool, True),
        autothrottle=table.get("autothrottle", bool, True),
        user_agent=table.get("user_agent", str),
        contact_url=_check_url(table.get("contact_url", str, DEFAULT_CONTACT), path, "politeness.contact_url"),
    )
    table.finish()
    return pol


def _schedule(table: _Table, path) -> Schedule:
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
        cron=cron, timezone=tz, time_limit=parse_duration(limit, path, "schedule.time_limit"))
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


def _hints(table: _Table) -> ExtractionHints:
    hints = ExtractionHints(
        title=table.get("title", str), category=table.get("category", str), body=table.get("body", str),
        author=table.get("author", str), published=table.get("published", str), drop=table.strings("drop"))
    table.finish()
    return hints


def _bundled(table: _Table, path) -> BundledSite:
    site = BundledSite(
        articles=_positive(table.get("articles", int, 60), path, "bundled_site.articles", allow_zero=False),
        seed=table.get("seed", int, 9),
        port=_positive(table.get("port", int, 0), path, "bundled_site.port"))
    table.finish()
    return site


def _check_pattern(pattern, path):
    if pattern is None:
        return None
    try:
        re.compile(pattern)
    except re.error as exc:
        raise SeedError(path, "articles.url_pattern", f"invalid regular expression: {exc}") from None
    return pattern


def seed_from_dict(data: dict, path: str | Path = "<seed>") -> Seed:
    """Validate a parsed TOML document and build a :class:`Seed`."""
    top = _Table(data, path)
    name = top.get("name", str, required=True)
    if not NAME_RE.match(name):
        raise SeedError(path, "name", f"use lowercase letters, digits, '-' or '_' (max 64), got {name!r}")
    bundled = _bundled(top.table("bundled_site"), path) if "bundled_site" in data else None
    top.seen.add("bundled_site")
    starts = top.strings("start_urls", required=bundled is None)
    if bundled is None:
        for url in starts:
            _check_url(url, path, "start_urls")
    elif not starts:
        starts = ("http://127.0.0.1/",)
    # A bundled seed's start URLs are paths until the site's port is known (Seed.with_base_url).
    domains = top.strings("allowed_domains") or (
        () if bundled else tuple(sorted({urlsplit(u).hostname for u in starts})))
    articles = top.table("articles")
    seed = Seed(
        name=name, start_urls=starts, allowed_domains=domains,
        sitemaps=tuple(_check_url(u, path, "sitemaps") for u in top.strings("sitemaps")),
        feeds=tuple(_check_url(u, path, "feeds") for u in top.strings("feeds")),
        article_pattern=_check_pattern(articles.get("url_pattern", str), path),
        max_articles=_positive(articles.get("max_articles", int, 0), path, "articles.max_articles"),
        max_pages=_positive(articles.get("max_pages", int, 0), path, "articles.max_pages"),
        max_pagination_depth=_positive(articles.get("max_pagination_depth", int, 50), path,
                                       "articles.max_pagination_depth", allow_zero=False),
        allow_private_networks=top.get("allow_private_networks", bool, False),
        politeness=_politeness(top.table("politeness"), path),
        schedule=_schedule(top.table("schedule"), path),
        hints=_hints(top.table("extract")),
        bundled_site=bundled, path=str(path))
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


def adhoc_seed(url: str) -> Seed:
    """A seed with sensible defaults for ``arsip crawl https://site/``."""
    _check_url(url, "<command line>", "url")
    host = urlsplit(url).hostname
    name = re.sub(r"[^a-z0-9_-]+", "-", host.lower()).strip("-")[:64] or "site"
    return Seed(name=name, start_urls=(url,), allowed_domains=(host,))

"""Scrapy settings for one crawl, built from a seed and the command line's overrides.

Politeness is the default (robots.txt, AutoThrottle, a per-site delay and concurrency, a
User-Agent that names arsip and a contact URL); the seed or ``--delay``/``--concurrency`` relax it.
Scrapy's remote-control and telnet consoles are always off: a headless service must not open
ports that execute code.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from archive.warc.payload import MAX_BODY_BYTES
from crawler.seed import Seed

# after decompression too (HttpCompressionMiddleware honours it); every reader of archived bodies
# stops at the same size (archive/warc/payload.py), so what the crawl refuses is never inflated later
MAX_PAGE_BYTES = MAX_BODY_BYTES
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
CONCURRENT_ITEMS = 8  # tasks per callback output (see build_settings)


@dataclass(frozen=True)
class CrawlOptions:
    """Per-run choices from the command line (or the scheduler); None keeps the seed's value."""

    data_dir: Path = Path("data")
    crawl_id: str | None = None
    full: bool = False
    since: datetime | None = None
    max_articles: int | None = None
    delay: float | None = None
    concurrency: int | None = None
    allow_private_networks: bool = False
    warc: bool = True
    requisites: bool = True  # False (--no-requisites): only the pages, whatever the seed says
    progress: str = "auto"  # auto | tty | log | off
    extract_processes: int | None = None  # None: one per spare core; 0: in a thread


def arsip_version() -> str:
    try:
        return importlib.metadata.version("arsip")
    except importlib.metadata.PackageNotFoundError:
        return "0"


def user_agent(seed: Seed) -> str:
    """``arsip/<version> (+<contact_url>)`` unless the seed names its own."""
    return seed.politeness.user_agent or f"arsip/{arsip_version()} (+{seed.politeness.contact_url})"


def effective_seed(seed: Seed, opts: CrawlOptions) -> Seed:
    """The seed with the run's overrides applied (delay, concurrency, limits, private networks)."""
    pol = seed.politeness
    if opts.delay is not None:
        pol = replace(pol, delay=opts.delay)
    if opts.concurrency is not None:
        pol = replace(pol, concurrency=opts.concurrency)
    if not opts.requisites:
        seed = replace(seed, requisites=replace(seed.requisites, enabled=False))
    return replace(
        seed,
        politeness=pol,
        max_articles=opts.max_articles if opts.max_articles is not None else seed.max_articles,
        allow_private_networks=seed.allow_private_networks or opts.allow_private_networks,
    )


def build_settings(
    seed: Seed, opts: CrawlOptions, collection_dir: Path, crawl_id: str, jobdir: Path | None
) -> dict:
    """The complete settings dict for :class:`scrapy.crawler.CrawlerProcess`."""
    pol = seed.politeness
    settings = {
        "BOT_NAME": "arsip",
        "USER_AGENT": user_agent(seed),
        "ROBOTSTXT_OBEY": pol.obey_robots,
        "DOWNLOAD_DELAY": pol.delay,
        "CONCURRENT_REQUESTS": max(16, pol.concurrency),
        "CONCURRENT_REQUESTS_PER_DOMAIN": pol.concurrency,
        "AUTOTHROTTLE_ENABLED": pol.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(pol.delay, 1.0),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": max(1.0, pol.concurrency / 2),
        "REMOTE_CONTROL_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "DOWNLOAD_MAXSIZE": MAX_PAGE_BYTES,
        "DOWNLOAD_WARNSIZE": MAX_PAGE_BYTES // 4,
        "DOWNLOAD_TIMEOUT": 60,
        "RETRY_TIMES": 5,
        "RETRY_HTTP_CODES": RETRY_HTTP_CODES,
        # Local seeds (delay 0) retry fast; open-web seeds back off from a second upwards.
        "ARSIP_RETRY_BACKOFF_BASE": min(1.0, max(0.1, pol.delay)),
        "REDIRECT_MAX_TIMES": 10,
        # Scrapy starts this many asyncio tasks for the output of every callback, even an empty
        # one (a requisite's); a page yields at most one item (the pipeline awaits its extraction)
        # beside requests that never wait, so 8 lose nothing against the default 100
        "CONCURRENT_ITEMS": CONCURRENT_ITEMS,
        "LOGSTATS_INTERVAL": 0,
        "JOBDIR": str(jobdir) if jobdir else None,
        "SCHEDULER": "crawler.extensions.storage.StorageAwareScheduler",
        "SCHEDULER_DISK_QUEUE": "crawler.extensions.queues.RequestDiskQueue",  # Scrapy's pickle FIFO
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        # the resolver every connection goes through refuses private addresses (literal IPs too)
        # unless allowed; the middlewares say so before a request goes anywhere, and after
        "TWISTED_DNS_RESOLVER": "crawler.middlewares.safety.GuardedResolver",
        "DOWNLOADER_MIDDLEWARES": {
            "crawler.middlewares.safety.PrivateAddressMiddleware": 760,  # after HttpProxyMiddleware
            "crawler.middlewares.safety.RefusedConnectionMiddleware": 990,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawler.middlewares.retry.BackoffRetryMiddleware": 550,
        },
        "ITEM_PIPELINES": {"crawler.pipelines.articles.ArticlePipeline": 300},
        # SpiderState persists spider.state, which arsip does not use, and raises on a full disk
        "EXTENSIONS": {
            "crawler.extensions.storage.StorageGuard": 1,
            "crawler.extensions.report.CrawlReport": 10,
            "crawler.extensions.progress.Progress": 20,
            "scrapy.extensions.spiderstate.SpiderState": None,
        },
        "ARSIP_ALLOW_PRIVATE_NETWORKS": seed.allow_private_networks,
        "ARSIP_COLLECTION_DIR": str(collection_dir),
        "ARSIP_CRAWL_ID": crawl_id,
        "ARSIP_PROGRESS": opts.progress,
    }
    if opts.extract_processes is not None:
        settings["ARSIP_EXTRACT_PROCESSES"] = opts.extract_processes
    if opts.warc:
        merge(settings, _capture(seed, collection_dir, crawl_id))
    from crawler.middlewares.robots import robots_settings

    # Scrapy's own lets all but the first requests waiting for a robots.txt through unchecked
    merge(settings, robots_settings())
    if seed.requisites.enabled:
        from crawler.middlewares.requisites import requisite_settings

        merge(settings, requisite_settings())
    bundled = seed.bundled_site
    if bundled is not None and bundled.served_at:
        from crawler.middlewares.bundled import bundled_proxy_settings

        # the bundled site's origin never resolves: its requests go to the port serving it
        merge(settings, bundled_proxy_settings(bundled.origin, bundled.served_at))
    return settings


def _capture(seed: Seed, collection_dir: Path, crawl_id: str) -> dict:
    from crawler.middlewares.capture import capture_settings

    info = {
        "software": f"arsip/{arsip_version()}",
        "seed": seed.name,
        "crawl-id": crawl_id,
        "seed-file": seed.path or "",
        "start-urls": " ".join(seed.start_urls),
        "robots": "obey" if seed.politeness.obey_robots else "ignore",
        "http-header-user-agent": user_agent(seed),
    }
    return capture_settings(collection_dir, prefix=seed.name, warcinfo=info)


def merge(settings: dict, extra: dict):
    """Merge ``extra`` into ``settings``; component dicts (middlewares, extensions) are combined."""
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(settings.get(key), dict):
            settings[key] = {**settings[key], **value}
        else:
            settings[key] = value

"""One generic spider for WordPress-style news sites, driven entirely by a seed.

Discovery: sitemaps (named by the seed, else from robots.txt, else ``/sitemap.xml``), RSS/Atom
feeds (named, else advertised by the home page), the start pages, category archives with bounded
``/page/N/`` pagination, and links inside articles. Every URL is canonicalised and scoped before it
is requested, and each article is decided once per crawl: fetched when new, when a sitemap or feed
date says it changed, conditionally when nothing dates it, or skipped as already archived.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import HtmlResponse, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from archive.catalog import Catalog
from archive.dates import iso_utc
from archive.extract.identity import UNKNOWN, decide
from archive.requisites import STYLESHEET, find_in_css, find_in_html
from archive.urls import canonicalize, url_pattern
from crawler.extensions.archive import archive_session
from crawler.extensions.report import CrawlReport
from crawler.extensions.storage import STORAGE_ERRORS, stop_for_storage, storage_failed
from crawler.links import ARTICLE, CANDIDATE, LISTING, PAGE_RE, article_url, classify, in_scope, page_number
from crawler.middlewares.requisites import RequisiteBudgetSpent
from crawler.middlewares.robots import robots_middleware
from crawler.middlewares.safety import PrivateAddressRefused
from crawler.pipelines.articles import ArticlePage, utc_now
from crawler.requisites import MAX_CSS_DEPTH, RequisitePolicy
from crawler.spiders import discovery

PRIO_DISCOVERY, PRIO_ARTICLE, PRIO_LISTING = 20, 10, 0


class NewsSpider(Spider):
    """Crawl one seed. ``full`` refetches everything; ``since`` (ISO date) skips older entries."""

    name = "news"

    def __init__(self, seed, full: bool = False, since: str | None = None, **kwargs):
        super().__init__(name=seed.name, **kwargs)
        self.seed = seed
        self.allowed_domains = list(seed.allowed_domains)
        # RE2: matching is linear in the path's length, whatever the pattern (docs/SEEDS.md)
        self.pattern = url_pattern(seed.article_pattern) if seed.article_pattern else None
        self.full, self.since = full, iso_utc(since) if since else None
        self.budget = seed.max_articles or None
        self.scheduled: set[str] = set()
        self.skipped: dict[str, str] = {}  # key -> why (unchanged, since, budget)
        self.catalog: Catalog | None = None
        self.known: dict[str, str | None] = {}
        self.feeds_found = bool(seed.feeds)
        self.deferred: dict[str, str] = {}  # undated links waiting for the sitemaps (with --since)
        self.discovery_done = False
        self.requisites: RequisitePolicy | None = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.catalog = Catalog.for_collection(crawler.settings["ARSIP_COLLECTION_DIR"])
        spider.known = spider.catalog.known(text_record=crawler.settings.getbool("ARSIP_WARC_ENABLED", False))
        crawler.signals.connect(spider.idle, signal=signals.spider_idle)
        spider.requisites = RequisitePolicy(spider.seed.requisites, spider.seed.allowed_domains, crawler)
        return spider

    @property
    def _catalog(self) -> Catalog:
        """The collection's catalog: from_crawler (how Scrapy builds every spider) opens it."""
        assert self.catalog is not None, "NewsSpider not built by from_crawler"
        return self.catalog

    def idle(self):
        """The queue ran dry: sitemaps and feeds are read, so links held back for their date
        can now be judged."""
        self.discovery_done = True
        deferred, self.deferred = self.deferred, {}
        requests = [r for key, source in deferred.items() if (r := self.consider(key, None, source))]
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider

    def closed(self, reason):
        for key, why in self.skipped.items():
            if key not in self.scheduled:
                self.crawler.stats.inc_value(f"arsip/skip/{why}")
        if self.catalog is not None:
            self.catalog.close()

    async def start(self):
        for url in self.seed.sitemaps:
            yield self._request(url, self.parse_sitemap, PRIO_DISCOVERY)
        for url in self.seed.feeds:
            yield self._request(url, self.parse_feed, PRIO_DISCOVERY)
        if not self.seed.sitemaps:
            robots = robots_middleware(self.crawler)
            for root in sorted({_root(u) for u in self.seed.start_urls}):
                if robots is None:
                    yield self._request(
                        root + "robots.txt", self.parse_robots, PRIO_DISCOVERY, arsip_optional=True
                    )
                    continue
                # obeying robots.txt: the robots check fetches it anyway, once; its Sitemap lines are
                # read from that response rather than from a second fetch
                response = await robots.robots_response(root + "robots.txt")
                if response is not None and response.status == 200:
                    requests = self._robots_sitemaps(response.body, response.url)
                else:  # no robots.txt: the host's /sitemap.xml, if any
                    requests = self._robots_sitemaps(b"", root + "robots.txt")
                for request in requests:
                    yield request
        for url in self.seed.start_urls:
            yield self._request(canonicalize(url), self.parse_listing, PRIO_LISTING, arsip_home=True)

    def _request(self, url, callback, priority, **meta) -> Request:
        return Request(url, callback=callback, errback=self.on_error, priority=priority, meta=meta)

    # -- discovery ---------------------------------------------------------------------------
    def parse_robots(self, response):
        yield from self._robots_sitemaps(response.body, response.url)

    def _robots_sitemaps(self, body: bytes, robots_url: str):
        """The sitemaps a robots.txt names (in scope), else the host's ``/sitemap.xml``."""
        sitemaps = [
            u for u in discovery.robots_sitemaps(body, robots_url) if in_scope(u, self.allowed_domains)
        ]
        for url in sitemaps or [_root(robots_url) + "sitemap.xml"]:
            yield self._request(url, self.parse_sitemap, PRIO_DISCOVERY, arsip_optional=not sitemaps)

    def parse_sitemap(self, response):
        kind, entries = discovery.parse_sitemap(response.body, self.settings.getint("DOWNLOAD_MAXSIZE"))
        self.crawler.stats.inc_value("arsip/discovery/sitemaps")
        for entry in entries:
            url = response.urljoin(entry.url)
            if kind == "sitemapindex":
                if in_scope(url, self.allowed_domains):
                    yield self._request(url, self.parse_sitemap, PRIO_DISCOVERY)
            elif request := self.consider(url, entry.lastmod, "sitemap"):
                yield request

    def parse_feed(self, response):
        self.crawler.stats.inc_value("arsip/discovery/feeds")
        for entry in discovery.parse_feed(response.body):
            if request := self.consider(response.urljoin(entry.url), entry.lastmod, "feed"):
                yield request

    def parse_listing(self, response):
        """Home and category archives: queue their articles, then their next pages."""
        if not isinstance(response, TextResponse):
            return
        decided = self._is_article(response)
        if decided:
            yield from self.parse_article(response)
            return
        if decided is None:  # no signal either way: its extracted text decides, as in export
            yield self._article_page(response, candidate=True)
        if response.meta.get("arsip_home") and not self.feeds_found:
            for url in [u for u in discovery.feed_links(response) if in_scope(u, self.allowed_domains)][:1]:
                self.feeds_found = True
                yield self._request(url, self.parse_feed, PRIO_DISCOVERY)
        source = "home" if response.meta.get("arsip_home") else "link"
        fresh, listings = 0, []
        for link in self._links(response):
            verdict = classify(link, self.pattern, self.seed.max_pagination_depth)
            if verdict == LISTING:
                listings.append(link)
            elif verdict in (ARTICLE, CANDIDATE) and (request := self.consider(link, None, source)):
                fresh += 1
                yield request
        for link in listings:
            if not self._stop_paging(response.url, link, fresh):
                yield self._request(link, self.parse_listing, PRIO_LISTING)
        yield from self.page_requisites(response)

    def _stop_paging(self, current: str, link: str, fresh: int) -> bool:
        """Past the article budget follow nothing; in an incremental crawl, stop paging an
        archive once a page of it brought nothing new (sitemaps still cover the rest)."""
        if self.budget is not None and self.budget <= 0:
            return True
        if self.full or not self.known or fresh:
            return False
        return _archive_base(link) == _archive_base(current) and page_number(link) > page_number(current)

    # -- articles ----------------------------------------------------------------------------
    def parse_article(self, response):
        key = response.meta.get("arsip_key") or canonicalize(response.url)
        if response.status == 304:
            yield ArticlePage(url=response.url, key=key, status=304, fetched_at=utc_now())
            return
        decided = self._is_article(response) if isinstance(response, TextResponse) else False
        if decided is False:
            self.crawler.stats.inc_value("arsip/pages/not_article")
            return
        yield self._article_page(response, candidate=decided is None)
        for link in self._links(response):
            verdict = classify(link, self.pattern, self.seed.max_pagination_depth)
            if verdict == LISTING and not self._stop_paging(response.url, link, 1):
                yield self._request(link, self.parse_listing, PRIO_LISTING)
            elif verdict in (ARTICLE, CANDIDATE) and (request := self.consider(link, None, "link")):
                yield request
        yield from self.page_requisites(response)

    def _is_article(self, response) -> bool | None:
        """The one article rule (``archive/extract/identity.py``) before extraction: the seed's
        pattern, else the page's signals; None when only its extracted text can tell."""
        kind = discovery.page_kind(response) if self.pattern is None else UNKNOWN
        return decide(kind, response.url, self.pattern)

    def _article_page(self, response, candidate: bool = False) -> ArticlePage:
        """The item for the article pipeline; a ``candidate`` is kept only if extraction finds an
        article in it (``Article.is_article``)."""
        return ArticlePage(
            url=response.url,
            key=response.meta.get("arsip_key") or canonicalize(response.url),
            status=response.status,
            body=response.body,
            headers=_headers(response),
            capture=response.meta.get("arsip_capture"),
            fetched_at=utc_now(),
            candidate=candidate,
        )

    def _links(self, response):
        for href in dict.fromkeys(response.css("a::attr(href)").getall()):  # each link once per page
            if href.startswith(("mailto:", "javascript:", "tel:", "#")):
                continue
            url = canonicalize(response.urljoin(href))
            if in_scope(url, self.allowed_domains):
                yield url

    def consider(self, url: str, lastmod: str | None, source: str) -> Request | None:
        """The request for a possible article, or None when it is out of scope, not an article,
        already decided in this crawl, unchanged since it was archived, or over a bound."""
        key = canonicalize(url)
        verdict = classify(key, self.pattern, self.seed.max_pagination_depth)
        if not in_scope(key, self.allowed_domains) or verdict not in (ARTICLE, CANDIDATE):
            return None
        key = article_url(key) if verdict == ARTICLE else key
        if lastmod and not self._note_lastmod(key, lastmod):
            return None
        if key in self.scheduled:
            return None
        if self.since and not lastmod:
            lastmod = self._catalog.lastmod_of(key)
            if lastmod is None and not self.discovery_done:
                self.deferred.setdefault(key, source)
                return None
        why = self._why_fetch(key, lastmod, source)
        if why in ("unchanged", "since") or (self.budget is not None and self.budget <= 0):
            self.skipped.setdefault(key, why if why in ("unchanged", "since") else "budget")
            return None
        self.scheduled.add(key)
        if self.budget is not None:
            self.budget -= 1
        self.crawler.stats.inc_value(f"arsip/fetch/{why}")
        meta: dict[str, object] = {"arsip_key": key, "arsip_reason": why}
        if why == "conditional":
            meta.update(arsip_conditional=True, handle_httpstatus_list=[304])
        return Request(
            key, callback=self.parse_article, errback=self.on_error, priority=PRIO_ARTICLE, meta=meta
        )

    def _note_lastmod(self, key: str, lastmod: str) -> bool:
        """Remember a sitemap/feed date; False once the catalog cannot be written (the crawl stops)."""
        if storage_failed(self.crawler):
            return False
        try:
            self._catalog.note_lastmod(key, lastmod)
        except STORAGE_ERRORS as exc:
            stop_for_storage(self.crawler, key, exc)
            return False
        return True

    def _why_fetch(self, key: str, lastmod: str | None, source: str) -> str:
        if self.since and lastmod and lastmod < self.since:
            return "since"
        if key not in self.known:
            return "new"
        if self.full:
            return "full"
        stored = self.known[key]
        if lastmod and (stored is None or lastmod > stored):
            return "changed"
        if stored is None and not lastmod and source in ("feed", "home"):
            return "conditional"  # nothing dates it: let the server say (304 = unchanged)
        return "unchanged"

    # -- page requisites: stylesheets, images, fonts, scripts, icons, media ------------------------
    def page_requisites(self, response):
        """Requests for what an archived HTML page needs to render (crawler/requisites.py).
        The page's tree is the one Scrapy parsed for its links, not a second parse."""
        policy = self.requisites
        if policy is None or not policy.enabled or not isinstance(response, HtmlResponse):
            return []
        found = find_in_html(response.selector.root, response.url)
        if (response.meta.get("arsip_capture") or {}).get("revisit"):
            found = self._not_archived(found, policy)
        return policy.requests_for(found, response.url, self.parse_requisite, self.on_requisite_error)

    def _not_archived(self, found, policy: RequisitePolicy):
        """The requisites of a page unchanged since it was archived (a revisit) were requested when
        that content was first archived: request only those the archive still lacks (an earlier
        crawl stopped before them, or they failed then)."""
        session = archive_session(self.crawler)
        store = session.store if session is not None else None
        if store is None:
            return found
        return policy.drop_archived(found, lambda url: store.last_capture(url) is not None)

    def parse_requisite(self, response):
        """A requisite arrived (archived already, by the capture middleware). It is never read for
        links; a stylesheet is read for its own requisites (imports, fonts, images)."""
        policy = self.requisites
        if policy is None:
            return
        policy.fetched(response, revisit=bool((response.meta.get("arsip_capture") or {}).get("revisit")))
        depth = response.meta.get("arsip_requisite_depth", 0)
        if response.status != 200 or depth >= MAX_CSS_DEPTH or not _is_css(response):
            return
        text = (
            response.text if isinstance(response, TextResponse) else response.body.decode("utf-8", "replace")
        )
        found = find_in_css(text, response.url)
        yield from policy.requests_for(
            found, response.url, self.parse_requisite, self.on_requisite_error, depth=depth + 1
        )

    def on_requisite_error(self, failure):
        """A requisite that failed or was refused: counted, never an error of its page or crawl."""
        if self.requisites is None or (failure.check(IgnoreRequest) and storage_failed(self.crawler)):
            return
        url = failure.request.url
        if failure.check(RequisiteBudgetSpent):
            self.requisites.failed(url, "skipped_budget")
        elif failure.check(PrivateAddressRefused):
            self.requisites.failed(url, "skipped_private")
        elif failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            self.requisites.failed(url, "skipped_robots")
        else:
            self.requisites.failed(url, "failed", _describe(failure) or "ignored")
            self.logger.debug("requisite failed %s: %s", url, _describe(failure))

    # -- failures ----------------------------------------------------------------------------
    def on_error(self, failure):
        """Every failed request ends here: robots and offsite refusals are counted, the rest
        reported with their URL; a missing robots.txt falls back to ``/sitemap.xml``."""
        request = failure.request
        error = _describe(failure)
        if request.meta.get("arsip_optional"):
            if request.callback == self.parse_robots:
                yield self._request(
                    _root(request.url) + "sitemap.xml",
                    self.parse_sitemap,
                    PRIO_DISCOVERY,
                    arsip_optional=True,
                )
            return
        if error is None or (failure.check(IgnoreRequest) and storage_failed(self.crawler)):
            return  # a storage failure is reported once, by crawler.extensions.storage
        report = self.crawler.get_extension(CrawlReport)
        if report is not None:
            report.add_error(request.url, error)
        self.logger.warning("failed %s: %s", request.url, error)


def _describe(failure) -> str | None:
    """One line for the report, or None for refusals that are policy, not failures."""
    if failure.check(HttpError):
        response = failure.value.response
        return f"HTTP {response.status}"
    if failure.check(PrivateAddressRefused):
        return str(failure.value)
    if failure.check(IgnoreRequest):
        message = str(failure.value)
        if "robots.txt" in message or "offsite" in message:
            return None
        return message or "ignored"
    return f"{failure.type.__name__}: {failure.getErrorMessage()}"


def _is_css(response) -> bool:
    if response.meta.get("arsip_requisite") == STYLESHEET:
        return True
    content_type = response.headers.get(b"Content-Type") or b""
    return content_type.split(b";")[0].strip().lower() == b"text/css"


def _root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def _archive_base(url: str) -> str:
    return PAGE_RE.sub("/", urlsplit(url).path)


def _headers(response) -> dict[str, str]:
    return {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}

"""Crawl scope and a verdict on every discovered link, given without fetching it.

Classifying links by their URL alone is what keeps calendar, tag and search archives (crawler
traps) out of a crawl. The canonical form itself is the archive's rule: ``archive/urls.py``.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from archive.urls import _CACHE

# Query keys of links that are never content: search, shortlinks, share buttons, comment replies.
SKIP_QUERY_KEYS = frozenset({"s", "p", "share", "replytocom", "like_comment", "print"})
SKIP_EXTENSIONS = frozenset(
    "jpg jpeg png gif webp svg ico bmp tif tiff avif mp3 mp4 m4a wav ogg webm mov avi pdf zip gz "
    "rar 7z tar doc docx xls xlsx ppt pptx css js json woff woff2 ttf eot exe dmg apk".split()
)
# WordPress archives that multiply without adding articles: tags, authors, feeds, search, comments,
# admin, attachments, embeds and date archives (the calendar trap).
TRAP_RE = re.compile(
    r"/(tag|author|feed|search|comments?|trackback|embed|attachment|wp-admin|wp-json|wp-includes|"
    r"wp-content|wp-login\.php|xmlrpc\.php)(/|$)|/comment-page-\d+|^/\d{4}(/\d{1,2}){0,2}/(page/\d+/)?$"
)
LISTING_RE = re.compile(r"^/((category|kategori|rubrik)/[^?#]+?/)?(page/(?P<page>\d+)/)?$")
PAGE_RE = re.compile(r"/page/(\d+)/$")

ARTICLE, CANDIDATE, LISTING, SKIP = "article", "candidate", "listing", "skip"


def in_scope(url: str, allowed_domains) -> bool:
    """True when ``url`` is http(s) on one of ``allowed_domains`` or a subdomain of one."""
    return _in_scope(url, tuple(allowed_domains))


@functools.lru_cache(maxsize=_CACHE)
def _in_scope(url: str, allowed_domains: tuple[str, ...]) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    return host_matches(parts.hostname, allowed_domains)


def host_matches(host: str, suffixes) -> bool:
    """Whether ``host`` is one of ``suffixes`` or a subdomain of one (case-insensitive)."""
    host = host.lower()
    return any(host == s.lower() or host.endswith("." + s.lower()) for s in suffixes)


def page_number(url: str) -> int:
    """The ``N`` of a ``/page/N/`` pagination URL, 1 for any other URL."""
    match = PAGE_RE.search(urlsplit(url).path)
    return int(match.group(1)) if match else 1


def article_url(url: str) -> str:
    """An article's URL without its query: WordPress permalinks carry none, so a query on a link
    to an article is a variant (tracking, share counters) of the same page."""
    return urlunsplit(urlsplit(url)._replace(query=""))


@functools.lru_cache(maxsize=_CACHE)
def classify(url: str, article_pattern: re.Pattern | None = None, max_page: int = 50) -> str:
    """Verdict on a canonical link: ``article`` (matches the seed's pattern), ``listing`` (home or
    category archive within the pagination bound), ``candidate`` (maybe an article: no pattern to
    tell, the page signals will) or ``skip``."""
    parts = urlsplit(url)
    path = parts.path or "/"
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if "." in last and last.rsplit(".", 1)[-1].lower() in SKIP_EXTENSIONS:
        return SKIP
    if TRAP_RE.search(path) or SKIP_QUERY_KEYS.intersection(k for k, _ in parse_qsl(parts.query, True)):
        return SKIP
    listing = LISTING_RE.match(path)
    if listing and not parts.query:
        return LISTING if int(listing.group("page") or 1) <= max_page else SKIP
    if article_pattern is not None:
        return ARTICLE if article_pattern.search(path) else SKIP
    return CANDIDATE if not parts.query else SKIP

"""One parsed page: the lxml tree, built once, plus the lookups every layer shares (meta, JSON-LD)."""

from __future__ import annotations

import threading
from functools import cached_property

import lxml.html
from lxml import etree

from archive.extract import decode, jsonld

_local = threading.local()


def _parser() -> lxml.html.HTMLParser:
    # lxml parsers must not be shared between threads; one per thread is reused across pages.
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = lxml.html.HTMLParser(
            encoding="utf-8", remove_comments=True, remove_pis=True, default_doctype=False
        )
    return parser


class Page:
    """A decoded, parsed HTML page and its URL; metadata lookups are computed once, on demand."""

    def __init__(self, root, url: str, headers=None, encoding: str | None = None):
        self.root, self.url, self.headers, self.encoding = root, url, headers, encoding
        self.scope = None  # the element holding the whole post, once the body is known

    @cached_property
    def meta(self) -> dict[str, str]:
        """``<meta>`` content by lowercased ``property``/``name``/``itemprop`` (first one wins)."""
        found: dict[str, str] = {}
        for el in self.root.iter("meta"):
            content = el.get("content")
            if content is None:
                continue
            for attr in ("property", "name", "itemprop", "http-equiv"):
                key = el.get(attr)
                if key:
                    found.setdefault(key.strip().lower(), content.strip())
        return found

    @cached_property
    def jsonld(self) -> jsonld.LinkedData:
        """The page's JSON-LD, searched for its article and breadcrumb objects."""
        scripts = self.root.xpath("//script[contains(@type, 'ld+json')]/text()")
        return jsonld.LinkedData.parse(scripts)

    def header(self, name: str) -> str | None:
        """One HTTP response header, if headers were given."""
        return decode.header(self.headers, name)


def load(html, url: str, headers=None) -> Page | str:
    """Decode and parse a page; returns the :class:`Page`, or the reason there is none."""
    if html is None:
        return "empty page"
    if isinstance(html, bytes | bytearray | memoryview):
        data = bytes(html)
        reason = decode.sniff(data, headers)
        if reason:
            return reason
        text, encoding = decode.decode(data, headers)
    elif isinstance(html, str):
        text, encoding = html, None
        if not text.strip():
            return "empty page"
        if "\x00" in text[: decode.PRESCAN]:
            return "binary content"
    else:
        return f"not html (got {type(html).__name__})"
    if not decode.looks_like_html(text):
        return "not html (no markup)"
    root = parse(text)
    if root is None:
        return "malformed html (nothing parsed)"
    return Page(root, url, headers, encoding)


def parse(text: str):
    """Parse text into an lxml HTML tree; None when libxml2 recovers nothing."""
    data = text.encode("utf-8", "surrogatepass")
    try:
        root = etree.fromstring(data, _parser())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    if root is None or not isinstance(root.tag, str):
        return None
    return root

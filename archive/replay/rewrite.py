"""Rewrite the URLs of an archived page so that every link, image and stylesheet stays in the archive.

A regex rewriter rather than a parse-and-serialize one: it touches only URL attribute values and CSS
``url()``/``@import``, leaving every other byte of the archived document as it was. Bodies are
decoded with ``surrogateescape`` so any ASCII-compatible charset round-trips unchanged.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

URL_ATTRS = {
    "href",
    "src",
    "action",
    "formaction",
    "poster",
    "background",
    "cite",
    "data",
    "data-src",
    "data-href",
    "data-lazy-src",
    "data-original",
}
SRCSET_ATTRS = {"srcset", "data-srcset", "imagesrcset"}
_CHANGED_ATTRS = URL_ATTRS | SRCSET_ATTRS | {"style", "integrity", "nonce"}
SKIP_SCHEMES = ("javascript:", "data:", "mailto:", "tel:", "about:", "blob:", "#")

TAG_RE = re.compile(r"<([a-zA-Z][a-zA-Z0-9:-]*)(\s[^<>]*?)?(/?)>", re.S)
ATTR_RE = re.compile(r"""(\s)([^\s"'<>/=]+)(\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]+)""")
SKIP_BLOCK_RE = re.compile(r"<!--.*?-->|(<script\b[^>]*>).*?</script\s*>", re.S | re.I)
STYLE_BLOCK_RE = re.compile(r"(<style\b[^>]*>)(.*?)(</style\s*>)", re.S | re.I)
CSS_URL_RE = re.compile(r"""url\(\s*(['"]?)([^'")]*?)\1\s*\)""", re.I)
CSS_IMPORT_RE = re.compile(r"""@import\s+(['"])([^'"]+)\1""", re.I)
BASE_RE = re.compile(r"""<base\b[^>]*\bhref\s*=\s*["']?([^"'\s>]+)""", re.I)
BODY_RE = re.compile(r"<body\b[^>]*>", re.I)
REFRESH_URL_RE = re.compile(r"(url\s*=\s*)(\S+)", re.I)


class UrlRewriter:
    """Maps archived URLs to ``<prefix><timestamp><modifier>/<absolute url>``."""

    def __init__(self, prefix: str, timestamp: str, base_url: str):
        self.prefix, self.timestamp, self.base_url = prefix, timestamp, base_url

    def rewrite(self, url: str, modifier: str = "") -> str:
        """The archive URL for ``url`` (relative to the page); other schemes are left alone."""
        stripped = url.strip()
        if not stripped or stripped.lower().startswith(SKIP_SCHEMES):
            return url
        absolute = urljoin(self.base_url, stripped)
        if urlsplit(absolute).scheme not in ("http", "https"):
            return url
        return f"{self.prefix}{self.timestamp}{modifier}/{absolute}"

    def rewrite_srcset(self, value: str) -> str:
        """Rewrite each candidate of a ``srcset`` (``url 2x, url 640w``)."""
        out = []
        for candidate in value.split(","):
            parts = candidate.strip().split(None, 1)
            if parts:
                out.append(" ".join([self.rewrite(parts[0])] + parts[1:]))
        return ", ".join(out)

    def rewrite_css(self, css: str) -> str:
        """Rewrite ``url(...)`` and ``@import "..."`` in a stylesheet or a style attribute."""
        css = CSS_URL_RE.sub(lambda m: f"url({m.group(1)}{self.rewrite(m.group(2))}{m.group(1)})", css)
        return CSS_IMPORT_RE.sub(lambda m: f"@import {m.group(1)}{self.rewrite(m.group(2))}{m.group(1)}", css)

    def rewrite_html(self, text: str, banner: str = "") -> str:
        """Rewrite an HTML document; ``banner`` is inserted right after ``<body>``."""
        base = BASE_RE.search(text)
        if base:
            self.base_url = urljoin(self.base_url, html.unescape(base.group(1)))
        pieces, pos = [], 0
        for match in SKIP_BLOCK_RE.finditer(text):
            pieces.append(self._markup(text[pos : match.start()]))
            if match.group(1):  # keep the script's src inside the archive even though it never runs
                pieces.append(self._markup(match.group(1)) + match.group(0)[len(match.group(1)) :])
            else:
                pieces.append(match.group(0))
            pos = match.end()
        pieces.append(self._markup(text[pos:]))
        result = "".join(pieces)
        return insert_banner(result, banner) if banner else result

    def _markup(self, text: str) -> str:
        text = STYLE_BLOCK_RE.sub(lambda m: m.group(1) + self.rewrite_css(m.group(2)) + m.group(3), text)
        return TAG_RE.sub(self._tag, text)

    def _tag(self, match: re.Match) -> str:
        name, attrs = match.group(1).lower(), match.group(2)
        if not attrs:
            return match.group(0)
        new_attrs = ATTR_RE.sub(lambda m: self._attr(name, m), attrs)
        return f"<{match.group(1)}{new_attrs}{match.group(3)}>"

    def _attr(self, tag: str, match: re.Match) -> str:
        lead, name, eq, raw = match.groups()
        key = name.lower()
        if key not in _CHANGED_ATTRS and not (key == "content" and tag == "meta"):
            return match.group(0)
        value = html.unescape(raw[1:-1] if raw[:1] in "\"'" else raw)
        if key in URL_ATTRS:
            new = self.rewrite(value, "if_" if tag in ("iframe", "frame") else "")
        elif key in SRCSET_ATTRS:
            new = self.rewrite_srcset(value)
        elif key == "style":
            new = self.rewrite_css(value)
        elif key == "content" and tag == "meta" and "url=" in value.lower():
            new = REFRESH_URL_RE.sub(lambda m: m.group(1) + self.rewrite(m.group(2).strip("'\"")), value)
        elif key in ("integrity", "nonce"):  # a rewritten resource no longer matches its hash
            return ""
        else:
            return match.group(0)
        return f'{lead}{name}{eq}"{html.escape(new, quote=True)}"'


def insert_banner(text: str, banner: str) -> str:
    """Put ``banner`` just inside ``<body>``, or first if the document has no body tag."""
    body = BODY_RE.search(text)
    at = body.end() if body else 0
    return text[:at] + banner + text[at:]


def decode_text(body: bytes) -> str:
    """Bytes to str losslessly for any ASCII-compatible charset (see module docstring)."""
    return body.decode("utf-8", "surrogateescape")


def encode_text(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")

"""Rewrite the URLs of an archived page so that every link, image, font and stylesheet stays in the archive.

A rewriter that edits in place rather than parsing and serializing: it touches only URL attribute
values (``srcset`` candidates included), ``style`` attributes, ``<style>`` blocks and, in CSS, every
``url()``, ``@import "..."`` and ``image-set("...")``, leaving every other byte of the archived
document as it was. Bodies are decoded with ``surrogateescape`` so any ASCII-compatible charset
round-trips unchanged.

Linear in the size of the input: the document is walked once, tag by tag, with patterns that
cannot backtrack (possessive quantifiers, no nested repetition); comments and the raw text of
``<script>``, ``<style>``, ``<textarea>`` and ``<title>`` are skipped with a plain search for
their end, which an unclosed one takes to the end of the document, as an HTML parser does.
"""

from __future__ import annotations

import contextlib
import html
import re
from urllib.parse import urljoin, urlsplit

from archive.requisites import LAZY_SRCSET_ATTRIBUTES, LAZY_URL_ATTRIBUTES

# Every attribute the crawl reads requisites from (archive/requisites.py) is rewritten, and more:
# links, forms, embeds, and lazy loaders' attributes the crawl does not fetch from.
URL_ATTRS = {
    "href",
    "src",
    "action",
    "formaction",
    "poster",
    "background",
    "cite",
    "data",
    "xlink:href",
    "data-href",
    "data-bg",
    "data-background",
    "data-poster",
    *LAZY_URL_ATTRIBUTES,  # data-src, data-lazy-src, data-original
}
SRCSET_ATTRS = {"srcset", "imagesrcset", *LAZY_SRCSET_ATTRIBUTES}  # data-srcset, data-lazy-srcset
# what each attribute that may change is: "url", "srcset", "style", "drop", or "meta" (content=)
ATTR_KIND = (
    {name: "url" for name in URL_ATTRS}
    | {name: "srcset" for name in SRCSET_ATTRS}
    | {"style": "style", "integrity": "drop", "nonce": "drop", "content": "meta"}
)
SKIP_SCHEMES = ("javascript:", "data:", "mailto:", "tel:", "about:", "blob:", "#")

# A comment opener, or a start tag with its attributes (``<br/>`` included). ``[^<>]*+`` stops at
# the first ``>`` or ``<``: a tag never spans another's start, so no position is scanned twice.
TOKEN_RE = re.compile(r"<(?:(!--)|([a-zA-Z][a-zA-Z0-9:-]*+)([\s/][^<>]*+)?>)")
ATTR_RE = re.compile(r"""(\s)([^\s"'<>/=]++)(\s*+=\s*+)("[^"]*+"|'[^']*+'|[^\s"'>]++)""")
# elements whose content is text, not markup: the end tag to look for, and whether it is CSS
RAW_TEXT = {
    "script": (re.compile(r"</script", re.I), False),
    "style": (re.compile(r"</style", re.I), True),
    "textarea": (re.compile(r"</textarea", re.I), False),
    "title": (re.compile(r"</title", re.I), False),
}
# CSS: url(...) (quoted or not), @import "...", image-set("..." 1x, ...). An unquoted url() holds
# no quote, parenthesis or space, so an unclosed one stops at the next of those.
CSS_RE = re.compile(
    r"""(url\(\s*+)(?:"([^"\n]*+)"|'([^'\n]*+)'|([^'"()\s]*+))\s*+\)"""
    r"""|(@import\s*+)(?:"([^"\n]*+)"|'([^'\n]*+)')"""
    r"""|((?:-webkit-)?image-set\()([^()]*+)\)""",
    re.I,
)
CSS_STRING_RE = re.compile(r""""([^"\n]*+)"|'([^'\n]*+)'""")
SRCSET_CANDIDATE_RE = re.compile(r"[\s,]*+(\S++)")
BASE_TAG_RE = re.compile(r"<base\b[^<>]*+>", re.I)
BODY_RE = re.compile(r"<body\b[^<>]*+>", re.I)
REFRESH_URL_RE = re.compile(r"(url\s*+=\s*+)(\S++)", re.I)


class UrlRewriter:
    """Maps archived URLs to ``<prefix><timestamp><modifier>/<absolute url>``."""

    def __init__(self, prefix: str, timestamp: str, base_url: str):
        self.prefix, self.timestamp, self.base_url = prefix, timestamp, base_url

    def rewrite(self, url: str, modifier: str = "") -> str:
        """The archive URL for ``url`` (relative to the page); other schemes are left alone."""
        stripped = url.strip()
        if not stripped or stripped.lower().startswith(SKIP_SCHEMES):
            return url
        try:
            absolute = urljoin(self.base_url, stripped)
            if urlsplit(absolute).scheme not in ("http", "https"):
                return url
        except ValueError:  # "http://[::1/": no URL urllib can resolve (was a 500), left as it is
            return url
        return f"{self.prefix}{self.timestamp}{modifier}/{absolute}"

    def rewrite_srcset(self, value: str) -> str:
        """Rewrite every candidate of a ``srcset`` (``url 2x, url 640w``), as HTML parses one.

        A candidate's URL is everything up to white space (so commas inside a URL, as in
        ``data:`` URLs or ``?resize=300,200``, stay in it); its descriptors run to the next comma.
        """
        out, pos, end = [], 0, len(value)
        while pos < end:
            match = SRCSET_CANDIDATE_RE.match(value, pos)
            if match is None:
                break
            url, pos = match.group(1), match.end()
            descriptors = ""
            if url.endswith(","):
                url = url.rstrip(",")
            else:
                comma = value.find(",", pos)
                stop = end if comma < 0 else comma
                descriptors, pos = value[pos:stop].strip(), stop + 1
            if url:
                out.append(f"{self.rewrite(url)} {descriptors}" if descriptors else self.rewrite(url))
        return ", ".join(out)

    def rewrite_css(self, css: str) -> str:
        """Rewrite ``url(...)``, ``@import "..."`` and ``image-set("...")`` in CSS or a style attribute."""
        return CSS_RE.sub(self._css, css)

    def _css(self, match: re.Match) -> str:
        groups = match.groups()
        if groups[0] is not None:
            quote = '"' if groups[1] is not None else "'" if groups[2] is not None else ""
            url = groups[1] if groups[1] is not None else groups[2] if groups[2] is not None else groups[3]
            return f"url({quote}{self.rewrite(url)}{quote})"
        if groups[4] is not None:
            quote = '"' if groups[5] is not None else "'"
            url = groups[5] if groups[5] is not None else groups[6]
            return f"@import {quote}{self.rewrite(url)}{quote}"
        return groups[7] + CSS_STRING_RE.sub(self._css_string, groups[8]) + ")"

    def _css_string(self, match: re.Match) -> str:
        if match.group(1) is not None:
            return f'"{self.rewrite(match.group(1))}"'
        return f"'{self.rewrite(match.group(2))}'"

    def rewrite_html(self, text: str, banner: str = "") -> str:
        """Rewrite an HTML document; ``banner`` is inserted right after ``<body>``."""
        self._apply_base(text)
        pieces, pos, end = [], 0, len(text)
        search = TOKEN_RE.search
        while (match := search(text, pos)) is not None:
            if match.group(1):  # a comment, kept whole up to its "-->" (or the end)
                close = text.find("-->", match.end())
                stop = end if close < 0 else close + 3
                pieces.append(text[pos:stop])
                pos = stop
                continue
            name, attrs = match.group(2), match.group(3)
            pieces.append(text[pos : match.start()])
            pieces.append(self._tag(name.lower(), name, attrs) if attrs else match.group(0))
            pos = match.end()
            raw = RAW_TEXT.get(name.lower())
            if raw is not None:  # its text runs to the end tag (a script's src is still rewritten)
                close_match = raw[0].search(text, pos)
                stop = end if close_match is None else close_match.start()
                pieces.append(self.rewrite_css(text[pos:stop]) if raw[1] else text[pos:stop])
                pos = stop
        pieces.append(text[pos:])
        result = "".join(pieces)
        return insert_banner(result, banner) if banner else result

    def _apply_base(self, text: str) -> None:
        """The first ``<base href>`` sets the base URL of the whole document."""
        for tag in BASE_TAG_RE.finditer(text):
            for attr in ATTR_RE.finditer(tag.group(0)):
                if attr.group(2).lower() == "href":
                    raw = attr.group(4)
                    href = html.unescape(raw[1:-1] if raw[:1] in "\"'" else raw)
                    with contextlib.suppress(ValueError):  # an unresolvable base changes nothing
                        self.base_url = urljoin(self.base_url, href.strip())
                    return

    def _tag(self, tag: str, name: str, attrs: str) -> str:
        new_attrs = ATTR_RE.sub(lambda m: self._attr(tag, m), attrs)
        return f"<{name}{new_attrs}>"

    def _attr(self, tag: str, match: re.Match) -> str:
        lead, name, eq, raw = match.groups()
        kind = ATTR_KIND.get(name.lower())
        if kind is None or (kind == "meta" and tag != "meta"):
            return match.group(0)
        if kind == "drop":  # a rewritten resource no longer matches its hash or nonce
            return ""
        value = html.unescape(raw[1:-1] if raw[:1] in "\"'" else raw)
        if kind == "url":
            if value.lstrip()[:4].lower() == "url(":  # data-bg="url(...)" (WP Rocket and others)
                new = self.rewrite_css(value)
            else:
                new = self.rewrite(value, "if_" if tag in ("iframe", "frame") else "")
        elif kind == "srcset":
            new = self.rewrite_srcset(value)
        elif kind == "style":
            new = self.rewrite_css(value)
        elif "url=" in value.lower():  # <meta http-equiv="refresh" content="0; url=...">
            new = REFRESH_URL_RE.sub(lambda m: m.group(1) + self.rewrite(m.group(2).strip("'\"")), value)
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

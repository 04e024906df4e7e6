"""Page requisites: the stylesheets, images, fonts, scripts, icons and media an HTML page needs to
render, found in its markup and in CSS. Pure functions, no network.

The crawl fetches what :func:`find_in_html` and :func:`find_in_css` return; replay's rewriter must
rewrite exactly the same references, so both sides walk them with :func:`iter_references` (which
attribute of which element, and how its value holds URLs: one ``url``, a ``srcset`` list or ``css``
text) and :func:`css_references` / :func:`srcset_candidates` (character spans of each URL).

Linear time on any input: CSS is read by a hand-written scanner that always moves forward (no
backtracking regular expression), ``srcset`` by the HTML standard's candidate algorithm.

Not captured: resources that JavaScript inserts (no script runs), ``<iframe>``/``<embed>``/
``<object>`` documents (embeds are other pages, and page scope never widens).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html

STYLESHEET, IMAGE, FONT, SCRIPT, ICON, MEDIA = "stylesheet", "image", "font", "script", "icon", "media"
KINDS = (STYLESHEET, IMAGE, FONT, SCRIPT, ICON, MEDIA)

# How an attribute value (or element text) holds URLs.
URL, SRCSET, CSS = "url", "srcset", "css"

LAZY_URL_ATTRIBUTES = ("data-src", "data-lazy-src", "data-original")
LAZY_SRCSET_ATTRIBUTES = ("data-srcset", "data-lazy-srcset")
BACKGROUND_ATTRIBUTES = ("data-bg", "data-background")
# The URL attributes of particular elements (``src`` of video, audio and their sources is MEDIA).
ELEMENT_ATTRIBUTES = {
    "img": (("src", URL), ("srcset", SRCSET)),
    "source": (("src", URL), ("srcset", SRCSET)),
    "video": (("src", URL), ("poster", URL), ("data-poster", URL)),
    "audio": (("src", URL),),
    "track": (("src", URL),),
    "image": (("href", URL), ("xlink:href", URL)),  # SVG
    **{tag: (("background", URL),) for tag in ("body", "table", "td", "th")},
}
ICON_RELS = frozenset({"icon", "apple-touch-icon", "apple-touch-icon-precomposed", "mask-icon"})
PRELOAD_KINDS = {"style": STYLESHEET, "font": FONT, "image": IMAGE, "script": SCRIPT}
META_IMAGES = frozenset({"og:image", "og:image:url", "og:image:secure_url", "twitter:image"})
EMBEDS = frozenset({"iframe", "frame", "embed", "object"})  # other documents: never followed
MEDIA_ELEMENTS = frozenset({"video", "audio"})
FONT_EXTENSIONS = frozenset({"woff", "woff2", "ttf", "otf", "eot"})
IGNORED_SCHEMES = ("data:", "javascript:", "about:", "blob:", "mailto:", "tel:")


class Reference(NamedTuple):  # a tuple: a page makes dozens, a frozen dataclass costs more each
    """One place in a page that holds URLs: ``element.get(attribute)`` (or the element's text when
    ``attribute`` is None, for ``<style>``), read as ``how`` (URL, SRCSET or CSS)."""

    element: lxml.html.HtmlElement
    attribute: str | None
    how: str
    kind: str  # of the resource(s); CSS text says per URL (fonts, imports), see css_references

    @property
    def value(self) -> str:
        raw = self.element.text if self.attribute is None else self.element.get(self.attribute)
        return raw or ""


@dataclass(frozen=True)
class CssReference:
    """A URL in CSS text: ``text[start:end]`` is its raw form (quotes excluded, escapes not undone)."""

    start: int
    end: int
    url: str  # escapes undone
    kind: str  # STYLESHEET for @import, FONT inside @font-face or for a font file, else IMAGE


# -- HTML -------------------------------------------------------------------------------------


def parse_html(page: bytes | str) -> lxml.html.HtmlElement:
    """The lxml tree of a page (callers holding Scrapy's ``response.selector.root`` pass that)."""
    return lxml.html.fromstring(page)


# The attributes read on elements other than link, style, script and meta: an element with none
# of them holds no reference (most of a page), and is passed over after one look at its names.
_READ_ATTRIBUTES = frozenset(
    {"style"}
    | {name for pairs in ELEMENT_ATTRIBUTES.values() for name, _ in pairs}
    | set(LAZY_URL_ATTRIBUTES)
    | set(LAZY_SRCSET_ATTRIBUTES)
    | set(BACKGROUND_ATTRIBUTES)
)
_READ_TAGS = frozenset({"link", "style", "script", "meta"})


def iter_references(root) -> Iterator[Reference]:
    """Every attribute and ``<style>`` text of the tree that holds requisite URLs, in document order
    (``<noscript>`` fallbacks included: lxml parses their markup as elements)."""
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str):  # comments, processing instructions
            continue
        tag = tag.lower()
        if tag in EMBEDS or (tag not in _READ_TAGS and _READ_ATTRIBUTES.isdisjoint(el.keys())):
            continue
        yield from _element_references(el, tag)
        if el.get("style"):
            yield Reference(el, "style", CSS, IMAGE)


def _element_references(el, tag: str) -> Iterator[Reference]:
    if tag == "link":
        yield from _link_references(el)
    elif tag == "style":
        if el.text:
            yield Reference(el, None, CSS, IMAGE)
    elif tag == "script":
        if el.get("src"):
            yield Reference(el, "src", URL, SCRIPT)
    elif tag == "meta":
        prop = (el.get("property") or el.get("name") or "").strip().lower()
        if prop in META_IMAGES and el.get("content"):
            yield Reference(el, "content", URL, IMAGE)
    else:
        yield from _media_references(el, tag)


def _link_references(el) -> Iterator[Reference]:
    rels = set((el.get("rel") or "").lower().split())
    if not el.get("href") and not el.get("imagesrcset"):
        return
    if "stylesheet" in rels:
        yield Reference(el, "href", URL, STYLESHEET)
    elif rels & ICON_RELS:
        yield Reference(el, "href", URL, ICON)
    elif "preload" in rels and (kind := PRELOAD_KINDS.get((el.get("as") or "").strip().lower())):
        if el.get("href"):
            yield Reference(el, "href", URL, kind)
        if kind == IMAGE and el.get("imagesrcset"):
            yield Reference(el, "imagesrcset", SRCSET, IMAGE)


def _media_references(el, tag: str) -> Iterator[Reference]:
    in_media = tag in MEDIA_ELEMENTS or (
        tag in ("source", "track") and next(el.iterancestors("video", "audio"), None) is not None
    )
    for name, how in ELEMENT_ATTRIBUTES.get(tag, ()):
        if el.get(name):
            yield Reference(el, name, how, MEDIA if in_media and name == "src" else IMAGE)
    if tag == "input" and el.get("src") and (el.get("type") or "").lower() == "image":
        yield Reference(el, "src", URL, IMAGE)
    for name in LAZY_URL_ATTRIBUTES:
        if el.get(name):
            yield Reference(el, name, URL, MEDIA if in_media else IMAGE)
    for name in LAZY_SRCSET_ATTRIBUTES:
        if el.get(name):
            yield Reference(el, name, SRCSET, IMAGE)
    for name in BACKGROUND_ATTRIBUTES:  # a bare URL or CSS such as url(...)
        if value := el.get(name):
            yield Reference(el, name, CSS if "url(" in value.lower() else URL, IMAGE)


def reference_urls(ref: Reference) -> list[tuple[str, str]]:
    """``(raw url, kind)`` of each URL a reference holds, unresolved."""
    value = ref.value
    if ref.how == URL:
        return [(value.strip(), ref.kind)] if value.strip() else []
    if ref.how == SRCSET:
        return [(url, ref.kind) for _, _, url in srcset_candidates(value)]
    return [(r.url, r.kind if r.kind != IMAGE else ref.kind) for r in css_references(value)]


def find_in_html(page, base_url: str) -> list[tuple[str, str]]:
    """``(absolute url, kind)`` of every requisite of an HTML page, each URL once (first kind
    wins), in document order. ``page`` is the page's bytes or text, or its lxml tree (Scrapy's
    ``response.selector.root``); ``base_url`` the page's URL (``<base href>`` is honoured)."""
    root = _parse_or_none(page) if isinstance(page, bytes | str) else page
    if root is None:
        return []
    base = _document_base(root, base_url)
    found: dict[str, str] = {}
    for ref in iter_references(root):
        for raw, kind in reference_urls(ref):
            url = resolve(raw, base)
            if url is not None:
                found.setdefault(url, kind)
    return list(found.items())


def _parse_or_none(page):
    try:
        return parse_html(page)
    except (ValueError, lxml.etree.ParserError):  # empty document
        return None


def _document_base(root, page_url: str) -> str:
    for base in root.iter("base"):
        href = (base.get("href") or "").strip()
        if href:
            return urljoin(page_url, href)
    return page_url


_TAB_OR_NEWLINE = str.maketrans("", "", "\t\n\r")
# Absolute http(s) references resolved already: the theme's stylesheets, fonts and icons recur on
# every page of a site. urljoin's result for such a reference depends on the base URL's scheme
# only (the same scheme: the reference's parts joined again; another: the reference as it is).
_ABSOLUTE: dict[tuple[str, str], str | None] = {}
_ABSOLUTE_MAX = 20000  # entries; the cache starts afresh past it


def resolve(raw: str, base_url: str) -> str | None:
    """The absolute http(s) URL of a reference without its fragment, or None (``data:``,
    ``javascript:``, a bare fragment, another scheme)."""
    raw = raw.strip()
    if "\t" in raw or "\n" in raw or "\r" in raw:
        raw = raw.translate(_TAB_OR_NEWLINE)  # as the URL standard's parser does
    if raw[:8].lower().startswith(("http://", "https://")):
        key = (raw, base_url.split(":", 1)[0].lower())
        url = _ABSOLUTE.get(key, "")  # never a result: a URL or None
        if url != "":
            return url
        if len(_ABSOLUTE) >= _ABSOLUTE_MAX:
            _ABSOLUTE.clear()
        url = _ABSOLUTE[key] = _resolve(raw, base_url)
        return url
    return _resolve(raw, base_url)


def _resolve(raw: str, base_url: str) -> str | None:
    if not raw or raw.startswith("#") or raw.lower().startswith(IGNORED_SCHEMES):
        return None
    try:
        url = urldefrag(urljoin(base_url, raw))[0]
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number or out of range
    except ValueError:  # an invalid IPv6 literal, a bad port
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in parts.hostname:
        return None
    return url  # spaces in a path stay: Scrapy sends them as %20, as a browser does


# -- srcset -----------------------------------------------------------------------------------

_SRCSET_GAP = re.compile(r"[ \t\n\r\f,]*")
_SRCSET_URL = re.compile(r"[^ \t\n\r\f]*")


def srcset_candidates(value: str) -> list[tuple[int, int, str]]:
    """``(start, end, url)`` of each image candidate of a ``srcset`` value, following the HTML
    standard: a URL runs to the next whitespace, so commas inside it (``?resize=300,200``) are
    kept; commas that end it separate candidates; descriptors run to a comma outside parentheses."""
    out, i, n = [], 0, len(value)
    while i < n:
        i = _run_end(_SRCSET_GAP, value, i)
        if i >= n:
            break
        start = i
        i = end = _run_end(_SRCSET_URL, value, i)
        trailing = start + len(value[start:end].rstrip(","))
        if trailing > start:
            out.append((start, trailing, value[start:trailing]))
        if trailing < end:  # the URL ended with commas: no descriptors
            continue
        comma = value.find(",", i)
        if value.find("(", i, n if comma < 0 else comma) < 0:  # no parenthesis before the comma
            i = n if comma < 0 else comma + 1
            continue
        depth = 0
        while i < n:  # descriptors, up to a comma outside parentheses
            ch = value[i]
            if ch == "(":
                depth += 1
            elif ch == ")" and depth:
                depth -= 1
            elif ch == "," and not depth:
                i += 1
                break
            i += 1
    return out


# -- CSS --------------------------------------------------------------------------------------

# Where something may start: a comment, a string, a brace or parenthesis, url(, image-set(
# (-webkit-image-set( too), @import, @font-face.
_CSS_START = re.compile(r"/\*|[\"'{}()]|url\(|image-set\(|@import|@font-face", re.IGNORECASE)
_STRING_BODY = {q: re.compile(rf"(?:[^{q}\\\n]|\\.|\\\n)*") for q in "\"'"}
_UNQUOTED_URL = re.compile(r"(?:[^)\s\"'(\\]|\\.)*")
_WS = re.compile(r"\s*")
_BRACKETS = frozenset({"{", "}", "(", ")", "image-set("})
_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})\s?|\n|(.))", re.DOTALL)
_NAME_CHAR = re.compile(r"[\w-]")


def css_references(text: str) -> list[CssReference]:
    """Every ``url()`` and ``@import`` URL of CSS text (a file, a ``<style>`` block or a ``style``
    attribute), in order, outside comments and strings; one forward pass."""
    return _CssScanner(text).run()


class _CssScanner:
    """The state of one pass: brace depth, the depth of the ``@font-face`` block it is in, and the
    parentheses open in an ``image-set()`` (whose strings are URLs) when in one."""

    def __init__(self, text: str):
        self.text = text
        self.out: list[CssReference] = []
        self.depth, self.font_face_depth, self.pending_font_face = 0, -1, False
        self.image_set = 0

    def run(self) -> list[CssReference]:
        text, i = self.text, 0
        while (match := _CSS_START.search(text, i)) is not None:
            token = match.group().lower()
            i = self.step(token, match.start(), match.end())
        return self.out

    def step(self, token: str, start: int, i: int) -> int:
        """Handle one token found at ``start``; return where scanning goes on."""
        text = self.text
        if token == "/*":
            close = text.find("*/", i)
            return len(text) if close < 0 else close + 2
        if token in ("'", '"'):
            end = _run_end(_STRING_BODY[token], text, i)
            if self.image_set == 1 and end > i:  # not inside type("image/png") and the like
                self.out.append(_css_ref(i, end, text[i:end], font=False, imported=False))
            return end + 1
        if token in _BRACKETS:
            self.bracket(token)
        elif token == "@font-face":
            self.pending_font_face = True
        elif token == "url(":
            if start and _NAME_CHAR.match(text, start - 1):
                return i  # part of another function's name (myurl()
            ref, i = _url_function(text, i)
            if ref is not None:
                self.out.append(_css_ref(*ref, font=self.font_face_depth > 0, imported=False))
        else:  # @import
            ref, i = _import(text, i)
            if ref is not None:
                self.out.append(_css_ref(*ref, font=False, imported=True))
        return i

    def bracket(self, token: str) -> None:
        if token == "image-set(":
            self.image_set = 1
        elif token in ("(", ")"):
            if self.image_set:
                self.image_set += 1 if token == "(" else -1
        else:
            self.image_set = 0  # a brace ends any unclosed image-set(
            self.brace(token)

    def brace(self, token: str) -> None:
        if token == "{":
            self.depth += 1
            if self.pending_font_face:
                self.font_face_depth, self.pending_font_face = self.depth, False
            return
        if self.depth == self.font_face_depth:
            self.font_face_depth = -1
        self.depth = max(0, self.depth - 1)


def _run_end(pattern: re.Pattern, text: str, i: int) -> int:
    """Where a run of ``pattern`` (one that also matches nothing) starting at ``i`` ends."""
    match = pattern.match(text, i)
    return match.end() if match else i


def _url_function(text: str, i: int) -> tuple[tuple[int, int, str] | None, int]:
    """After ``url(``: the URL's span and raw text, and where scanning goes on."""
    i = _run_end(_WS, text, i)
    if i < len(text) and text[i] in "\"'":
        quote = text[i]
        end = _run_end(_STRING_BODY[quote], text, i + 1)
        span = (i + 1, end, text[i + 1 : end])
        after = _run_end(_WS, text, end + 1)
    else:
        end = _run_end(_UNQUOTED_URL, text, i)
        span = (i, end, text[i:end])
        after = _run_end(_WS, text, end)
    if after < len(text) and text[after] == ")":
        return (span if span[2] else None), after + 1
    close = text.find(")", after)  # a bad url(): dropped, as a browser does
    return None, len(text) if close < 0 else close + 1


def _import(text: str, i: int) -> tuple[tuple[int, int, str] | None, int]:
    i = _run_end(_WS, text, i)
    if i < len(text) and text[i] in "\"'":
        quote = text[i]
        end = _run_end(_STRING_BODY[quote], text, i + 1)
        return ((i + 1, end, text[i + 1 : end]) if end > i + 1 else None), end + 1
    if text[i : i + 4].lower() == "url(":
        return _url_function(text, i + 4)
    return None, i


def _css_ref(start: int, end: int, raw: str, *, font: bool, imported: bool) -> CssReference:
    url = _unescape(raw)
    if imported:
        kind = STYLESHEET
    elif font or _extension(url) in FONT_EXTENSIONS:
        kind = FONT
    elif _extension(url) == "css":
        kind = STYLESHEET
    else:
        kind = IMAGE
    return CssReference(start, end, url, kind)


def _unescape(raw: str) -> str:
    if "\\" not in raw:
        return raw

    def one(match):
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
        return match.group(2) or ""

    return _ESCAPE.sub(one, raw)


def _extension(url: str) -> str:
    path = url.split("#", 1)[0].split("?", 1)[0]
    last = path.rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[-1].lower() if "." in last else ""


def find_in_css(text: str, base_url: str) -> list[tuple[str, str]]:
    """``(absolute url, kind)`` of every URL in CSS text, relative to ``base_url`` (the CSS file's
    own URL, or the page's for ``<style>`` and ``style``), each once, in order."""
    found: dict[str, str] = {}
    for ref in css_references(text):
        url = resolve(ref.url, base_url)
        if url is not None:
            found.setdefault(url, ref.kind)
    return list(found.items())

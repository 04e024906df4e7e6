"""An HTML element to text blocks: each paragraph, subheading, quote paragraph or list item, one line.

Inline markup (links, emphasis, ``<br>``) joins its text into the surrounding block; block-level
markup ends one block and starts the next. Scripts, forms, media and hidden elements give no text.
"""

from __future__ import annotations

import re
import unicodedata

from lxml import etree

BLOCK_TAGS = frozenset(
    "p h1 h2 h3 h4 h5 h6 li dt dd blockquote pre div section article header footer aside main "
    "ul ol dl table thead tbody tfoot tr caption address hr details summary center fieldset "
    "legend figure body html".split()
)
SKIP_TAGS = frozenset(
    "script style noscript template iframe object embed svg math canvas video audio picture "
    "button input select textarea option form nav figcaption head title meta link".split()
)
CELL_TAGS = frozenset(("td", "th"))
SKIP_CLASSES = ("screen-reader-text", "sr-only", "visually-hidden", "wp-caption-text")
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
SPACE = re.compile(r"\s+")
INVISIBLE = dict.fromkeys(map(ord, "\u200b\ufeff\u2060\u00ad"))


def normalize(text: str) -> str:
    """One block's text as the seed files have it: one space for any run, stripped, NFC."""
    text = SPACE.sub(" ", text.translate(INVISIBLE)).strip()
    return unicodedata.normalize("NFC", text) if not text.isascii() else text


def skipped(el) -> bool:
    """True for elements that never hold article text (scripts, forms, hidden, screen-reader)."""
    tag = el.tag
    if not isinstance(tag, str):
        return True  # comments and processing instructions
    if tag.lower() in SKIP_TAGS or el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    cls = el.get("class")
    if cls and any(name in cls for name in SKIP_CLASSES):
        return True
    style = el.get("style")
    return bool(style and HIDDEN_STYLE.search(style))


class _Collector:
    """Accumulates inline text and cuts it into blocks at block boundaries."""

    def __init__(self, block_tags=BLOCK_TAGS, cell_tags=CELL_TAGS, skip=skipped):
        self.blocks: list[str] = []
        self.parts: list[str] = []
        self.block_tags, self.cell_tags, self.skip = block_tags, cell_tags, skip

    def add(self, text):
        if text:
            self.parts.append(text)

    def cut(self):
        if self.parts:
            block = normalize("".join(self.parts))
            self.parts = []
            if block:
                self.blocks.append(block)

    def walk(self, el):
        if self.skip(el):
            return
        tag = el.tag.lower()
        block = tag in self.block_tags
        if block:
            self.cut()
        elif tag in ("br", "lb") or tag in self.cell_tags:
            self.add(" ")
        self.add(el.text)
        for child in el:
            self.walk(child)
            self.add(child.tail)
        if block:
            self.cut()
        elif tag in self.cell_tags:
            self.add(" ")


# trafilatura's output tree: its own tag names, nothing hidden left to skip.
TRAFILATURA_BLOCKS = frozenset("body doc main p head item list quote code row table".split())


def _not_element(el) -> bool:
    return not isinstance(el.tag, str)


def element_blocks(el, trafilatura: bool = False) -> list[str]:
    """The text blocks of one element (an HTML element, or trafilatura's output body)."""
    if trafilatura:
        collector = _Collector(TRAFILATURA_BLOCKS, frozenset(("cell",)), _not_element)
    else:
        collector = _Collector()
    collector.walk(el)
    collector.cut()
    return collector.blocks


def elements_blocks(elements) -> list[str]:
    """The text blocks of several elements (a selector may match more than one body part)."""
    blocks: list[str] = []
    for el in elements:
        if isinstance(el, etree._Element):
            blocks.extend(element_blocks(el))
        elif isinstance(el, str) and (text := normalize(el)):
            blocks.append(text)
    return blocks

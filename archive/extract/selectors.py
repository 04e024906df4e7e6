"""Seed hint selectors: CSS (with ``::text`` and ``::attr(x)``) or XPath after an ``xpath:`` prefix.

Selectors are compiled once (parsel's CSS translator, then ``lxml.etree.XPath``) and evaluated on
the page's one lxml tree, so the hint path never parses the page twice.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from lxml import etree

from archive.extract.blocks import element_blocks, normalize

logger = logging.getLogger(__name__)


class BadSelector(ValueError):
    """A hint selector that neither CSS nor XPath can compile."""


@lru_cache(maxsize=512)
def compile_selector(expr: str) -> etree.XPath:
    """Compile one hint to an XPath object; raises :class:`BadSelector` when it is invalid."""
    expr = expr.strip()
    try:
        if expr.startswith("xpath:"):
            return etree.XPath(expr[len("xpath:") :].strip())
        from parsel.csstranslator import HTMLTranslator

        return etree.XPath(HTMLTranslator().css_to_xpath(expr))
    except Exception as exc:  # noqa: BLE001 - cssselect and lxml raise several unrelated types
        raise BadSelector(f"invalid selector {expr!r}: {exc}") from None


@lru_cache(maxsize=512)
def _compiled_or_none(expr: str) -> etree.XPath | None:
    # Cached, so a broken hint is reported once per process, not once per page.
    try:
        return compile_selector(expr)
    except BadSelector as exc:
        logger.warning("%s (ignored)", exc)
        return None


def select(root, expr: str) -> list:
    """Everything a selector matches: elements, or strings for ``::text``/``::attr``/XPath text."""
    xpath = _compiled_or_none(expr)
    if xpath is None:
        return []
    try:
        result = xpath(root)
    except etree.XPathError as exc:
        logger.warning("selector %r failed: %s", expr, exc)
        return []
    if isinstance(result, list):
        return result
    return [str(result)] if result not in (None, "") and not isinstance(result, bool) else []


def select_text(root, expr: str) -> str | None:
    """The first non-empty text a selector gives (an element's whole text, or a string)."""
    for item in select(root, expr):
        text = " ".join(element_blocks(item)) if isinstance(item, etree._Element) else normalize(str(item))
        if text:
            return text
    return None


def select_texts(root, expr: str) -> list[str]:
    """Every non-empty text a selector gives, in order, without duplicates."""
    seen: dict[str, None] = {}
    for item in select(root, expr):
        text = " ".join(element_blocks(item)) if isinstance(item, etree._Element) else normalize(str(item))
        if text:
            seen.setdefault(text)
    return list(seen)


def select_elements(root, expr: str) -> list:
    """Only the elements a selector matches."""
    return [item for item in select(root, expr) if isinstance(item, etree._Element)]


def drop(root, exprs) -> int:
    """Remove every element the selectors match (keeping their tails); returns how many."""
    removed = 0
    for expr in exprs:
        for el in select_elements(root, expr):
            remove(el)
            removed += 1
    return removed


def remove(el) -> None:
    """Remove one element from its tree but keep the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = _settable((prev.tail or "") + tail)
        else:
            parent.text = _settable((parent.text or "") + tail)
    parent.remove(el)


# What lxml's HTML parser keeps in text but its setters refuse (C0 controls but tab, newline and
# carriage return): a page's "\x1f" after a removed comment thread failed its whole extraction.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _settable(text: str) -> str:
    return _NOT_XML.sub("", text)

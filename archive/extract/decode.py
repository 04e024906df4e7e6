"""Bytes to text: charset from BOM, HTTP header, ``<meta>``, then UTF-8 or windows-1252.

The order follows the HTML standard's encoding sniffing, simplified: a byte order mark wins, then
the server's ``Content-Type`` charset, then a declaration in the first bytes of the page. Without
any, strict UTF-8 is tried and windows-1252 taken when it fails, since undeclared legacy pages are
nearly always Western European (and ISO-8859-1 is decoded as windows-1252 by every browser).
"""

from __future__ import annotations

import codecs
import re

MAX_BYTES = 20_000_000  # trafilatura's own limit; bigger "pages" are dumps, not articles
PRESCAN = 4096
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# Labels browsers treat as windows-1252 (WHATWG Encoding, "legacy single-byte encodings").
WINDOWS_1252 = {
    "iso-8859-1",
    "iso8859-1",
    "latin1",
    "latin-1",
    "l1",
    "us-ascii",
    "ascii",
    "cp1252",
    "windows-1252",
    "x-cp1252",
    "iso_8859-1",
    "cp819",
    "ibm819",
    "iso-ir-100",
}
MAGIC = (
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"%PDF",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"BZh",
    b"\x00\x00\x01\x00",
    b"RIFF",
    b"OggS",
    b"ID3",
    b"wOFF",
    b"wOF2",
    b"\x7fELF",
)
NOT_HTML_TYPES = (
    "image/",
    "audio/",
    "video/",
    "font/",
    "application/pdf",
    "application/zip",
    "application/gzip",
    "application/json",
    "application/javascript",
    "text/css",
)
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.-]+)""", re.I)
XML_DECL = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.-]+)""", re.I)
HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([a-zA-Z0-9_:.-]+)""", re.I)
MARKUP = re.compile(r"<\s*[a-zA-Z!/]")


def header(headers, name: str) -> str | None:
    """One header value from a dict, a Scrapy ``Headers`` or a list of pairs, as text."""
    if not headers:
        return None
    items = headers.items() if hasattr(headers, "items") else headers
    for key, value in items:
        key = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if key.lower() == name.lower():
            if isinstance(value, list | tuple):
                value = value[0] if value else b""
            return value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return None


def sniff(data: bytes, headers=None) -> str | None:
    """Why these bytes are no HTML page ("empty page", "binary content", ...), or None."""
    if not data.strip():
        return "empty page"
    if len(data) > MAX_BYTES:
        return f"page too large ({len(data)} bytes)"
    ctype = (header(headers, "Content-Type") or "").lower().strip()
    if ctype.startswith(NOT_HTML_TYPES):
        return f"not html ({ctype.split(';')[0]})"
    if data.startswith(MAGIC):
        return "binary content"
    head = data[:PRESCAN]
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "binary content"
    return None


def _label(name: str | bytes | None) -> str | None:
    """A Python codec name for a charset label, or None when unknown."""
    if not name:
        return None
    name = (name.decode("ascii", "ignore") if isinstance(name, bytes) else name).strip().lower()
    if name in WINDOWS_1252:
        return "cp1252"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_encoding(data: bytes, headers=None) -> tuple[str | None, str]:
    """The encoding the page declares and where ("bom", "header", "meta"), else (None, "")."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return name, "bom"
    match = HEADER_CHARSET.search(header(headers, "Content-Type") or "")
    if match and (label := _label(match.group(1))):
        return label, "header"
    head = data[:PRESCAN]
    meta = XML_DECL.match(head) or META_CHARSET.search(head)
    if meta and (label := _label(meta.group(1))):
        # A page saying "utf-16" in ASCII bytes cannot be UTF-16 (HTML standard, prescan rule).
        return ("utf-8" if label.startswith("utf-16") else label), "meta"
    return None, ""


def decode(data: bytes, headers=None) -> tuple[str, str]:
    """Decode a page; returns the text and the encoding used. Never raises."""
    name, _ = declared_encoding(data, headers)
    if name == "cp1252":
        return data.decode("cp1252", "replace"), "windows-1252"
    if name:
        text = data.decode(name, "replace")
        return (text[1:] if text.startswith("\ufeff") else text), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace"), "windows-1252"


def looks_like_html(text: str) -> bool:
    """True when the text has markup at all (a tag, a doctype or a comment)."""
    return MARKUP.search(text, 0, 65536) is not None

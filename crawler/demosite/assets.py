"""Static files the pages reference: stylesheets, a web font and small, valid JPEG images.

Replay has to rewrite every URL a browser loads, so these are real bytes laid out as a real theme
lays them out: ``style.css`` imports ``blocks.css`` and points at a theme image; the theme's font
(``fonts/fonts.css`` with an ``@font-face``, and ``c9-display.ttf``), some theme images and the
uploaded photos live on a second, "CDN" origin (:func:`cdn_base`), served by the same demo server
with ``Access-Control-Allow-Origin`` naming the site's origin. JPEGs are built by hand (one flat grey, a
comment segment naming the image so every file differs).
"""

from __future__ import annotations

import ipaddress
import re
import struct
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

THEME = "/wp-content/themes/c9"
FONT_CSS = f"{THEME}/fonts/fonts.css"
FONT_FILE = f"{THEME}/fonts/c9-display.ttf"
BLOCKS_CSS = f"{THEME}/blocks.css"
DATA = Path(__file__).resolve().parent / "data"


def cdn_base(base: str) -> str:
    """The theme's asset origin for a site at ``base``: ``http://cdn.<host>[:port]`` for a named
    host (``http://channel9.arsip.test/`` -> ``http://cdn.channel9.arsip.test``), else (an IP
    address, ``localhost``: a site reached directly on its port) the site's own origin."""
    parts = urlsplit(base)
    host = parts.hostname or ""
    try:
        ipaddress.ip_address(host)
        named = False
    except ValueError:
        named = "." in host
    netloc = ("cdn." + parts.netloc) if named else parts.netloc
    return f"{parts.scheme}://{netloc}"


def is_cdn_host(base: str, host: str) -> bool:
    """Whether ``host`` (a Host header or URL host, port included or not) names the CDN origin of
    the site at ``base`` and not the site itself."""
    cdn = urlsplit(cdn_base(base)).hostname
    return cdn != urlsplit(base).hostname and host.split(":")[0].lower() == cdn


STYLESHEET = b"""/*
Theme Name: C9 News
Theme URI: https://channel9.id/
Version: 2.4.1
Text Domain: c9
*/
@import "blocks.css";
:root { --c9-red: #c8102e; --c9-ink: #1b1b1b; }
body { margin: 0; font: 16px/1.6 "Source Sans Pro", Arial, sans-serif; color: var(--c9-ink); }
.site-header { background: #fff url(images/pattern.jpg) repeat-x top left; border-bottom: 3px solid var(--c9-red); }
.main-navigation ul { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; }
.site-content { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 2rem; }
.entry-title { font-size: 2rem; line-height: 1.25; }
.entry-content p { margin: 0 0 1.2em; }
.cat-links a { color: var(--c9-red); text-transform: uppercase; font-weight: 700; }
.c9-ads { min-height: 250px; background: #f4f4f4; text-align: center; }
.c9-inline-related { border-left: 4px solid var(--c9-red); padding: .5rem 1rem; }
.c9-diskusi { margin-top: 2rem; padding-top: 1rem; border-top: 1px solid #ddd; }
.c9-cookie-banner { position: fixed; bottom: 0; left: 0; right: 0; background: #222; color: #fff; }
.screen-reader-text { position: absolute; clip: rect(1px, 1px, 1px, 1px); }
.entry-title, .page-title, .widget-title, .c9-section-title { font-family: "C9 Display", Impact, sans-serif; letter-spacing: .03em; }
"""

# The imported stylesheet: lazy-loading without scripts, and a background image on the CDN
# (protocol-relative, as themes write them).
BLOCKS = """/* C9 News blocks */
.no-js img.lazyload { display: none; }
img { max-width: 100%; height: auto; }
.c9-topbar { background: #1b1b1b url(//{cdn_host}/wp-content/themes/c9/images/topbar.jpg) repeat-x; color: #fff; padding: .25rem 1rem; }
.c9-related-posts ul { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 1rem; list-style: none; padding: 0; }
.c9-related-thumb { display: block; }
.c9-newsletter { background-repeat: no-repeat; background-position: right top; padding: 1rem; }
"""
FONTS = b"""/* C9 Display, the theme's heading face */
@font-face {
  font-family: "C9 Display";
  src: url(c9-display.ttf) format("truetype");
  font-weight: normal;
  font-style: normal;
  font-display: block;
}
"""


def blocks_css(base: str) -> bytes:
    return BLOCKS.replace("{cdn_host}", urlsplit(cdn_base(base)).netloc).encode("ascii")


@cache
def font_file() -> bytes:
    """The theme's TrueType font (built by ``python -m crawler.demosite.make_font``)."""
    return (DATA / "c9-display.ttf").read_bytes()


UPLOAD_RE = re.compile(r"^/wp-content/uploads/(\d{4})/(\d{2})/([a-z0-9-]+?)(?:-(\d+)x(\d+))?\.jpg$")
THEME_IMAGES = {
    "/wp-content/themes/c9/images/pattern.jpg": (64, 8),
    "/wp-content/themes/c9/images/topbar.jpg": (64, 24),
    "/wp-content/themes/c9/images/footer.jpg": (64, 16),
    "/wp-content/themes/c9/images/newsletter.jpg": (96, 96),
}
SITE_IMAGES = {
    "/wp-content/uploads/2021/03/logo-channel9.jpg": (220, 60),
    "/wp-content/uploads/2021/03/cropped-c9-icon-32x32.jpg": (32, 32),
    "/wp-content/uploads/2021/03/cropped-c9-icon-180x180.jpg": (180, 180),
}


def jpeg(width: int, height: int, label: str) -> bytes:
    """A valid baseline greyscale JPEG of ``width`` x ``height``, every block flat mid-grey.

    Both Huffman tables hold a single one-bit code (DC difference 0, AC end-of-block), so each
    8x8 block costs two zero bits; the comment segment carries ``label``.
    """
    blocks = -(-width // 8) * -(-height // 8)
    bits = 2 * blocks
    scan = bytes(bits // 8) + (bytes([0xFF >> (bits % 8)]) if bits % 8 else b"")
    comment = label.encode("ascii", "replace")[:200]
    return b"".join(
        (
            b"\xff\xd8",
            _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
            _segment(0xFE, comment),
            _segment(0xDB, b"\x00" + bytes([1] * 64)),
            _segment(0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"),
            _segment(0xC4, b"\x00" + bytes([1] + [0] * 15) + b"\x00"),
            _segment(0xC4, b"\x10" + bytes([1] + [0] * 15) + b"\x00"),
            _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"),
            scan,
            b"\xff\xd9",
        )
    )


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def image_for(path: str, corpus) -> bytes | None:
    """The JPEG served at ``path``, or None when nothing lives there."""
    size = THEME_IMAGES.get(path) or SITE_IMAGES.get(path)
    if size:
        return jpeg(*size, label=path)
    match = UPLOAD_RE.match(path)
    if not match:
        return None
    year, month, slug, width, height = match.groups()
    article = corpus.by_slug.get(slug)
    if article is None or f"{article.published:%Y/%m}" != f"{year}/{month}":
        return None
    return jpeg(int(width or 1200), int(height or 675), label=f"Channel9.id foto: {article.title}")

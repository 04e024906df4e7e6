"""Fault injection: the random faults a :class:`Faults` switches on, and the always-there ``/fault/`` routes.

Random faults are decided by a hash of (seed, path, how many times the path was asked for), so the
same request sequence meets the same faults, and a retry of a failed URL can succeed.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections import Counter

from aiohttp import web

from .config import Faults
from .pages import Page, Pages

DROP, SLOW = "drop", "slow"
MAINTENANCE = (
    b'<!DOCTYPE html><html><head><meta charset="UTF-8"><title>Maintenance</title></head>'
    b"<body><h1>Briefly unavailable for scheduled maintenance. Check back in a minute.</h1></body></html>\n"
)
DB_ERROR = (
    b'<!DOCTYPE html><html><head><meta charset="UTF-8"><title>Database Error</title></head>'
    b"<body><h1>Error establishing a database connection</h1></body></html>\n"
)
NUMBER_RE = re.compile(r"^\d+(\.\d+)?$")
SEED_ARTICLE = "pakar-internasional-sebut-negara-barat-sulit-hentikan-kerja-sama-korea-utara-rusia"
LITERAL = {"&#8211;": "–", "&#8220;": "“", "&#8221;": "”", "&#8217;": "’", "&nbsp;": "\u00a0"}


class FaultPicker:
    """Decides which random fault, if any, a request meets."""

    def __init__(self, faults: Faults):
        self.faults = faults
        self.asked: Counter[str] = Counter()

    def pick(self, path: str) -> int | str | None:
        """503, 500, ``"drop"``, ``"slow"`` or None for this request of ``path``."""
        faults = self.faults
        if (
            not faults.active
            or path.startswith("/fault/")
            or (path == "/robots.txt" and not faults.include_robots)
        ):
            return None
        attempt = self.asked[path]
        self.asked[path] += 1
        digest = hashlib.sha1(f"{faults.seed}:{path}:{attempt}".encode()).hexdigest()
        roll = int(digest[:13], 16) / 16**13
        for outcome, share in (
            (503, faults.error_503),
            (500, faults.error_500),
            (DROP, faults.drop),
            (SLOW, faults.slow),
        ):
            if roll < share:
                return outcome
            roll -= share
        return None


def error_page(status: int, faults: Faults) -> Page:
    """WordPress's maintenance answer (503 with Retry-After) or a database error (500)."""
    if status == 503:
        return Page(503, MAINTENANCE, headers={"Retry-After": str(faults.retry_after)})
    return Page(500, DB_ERROR)


async def drop_connection(request: web.Request, page: Page) -> web.StreamResponse:
    """Send the headers and half the body, then cut the connection."""
    response = web.StreamResponse(
        status=page.status, headers={"Content-Type": page.content_type, "Content-Length": str(len(page.body))}
    )
    await response.prepare(request)
    await response.write(page.body[: len(page.body) // 2])
    if request.transport is not None:  # None: the client has already gone
        request.transport.close()
    raise asyncio.CancelledError()


def charset_page(pages: Pages, variant: str) -> Page | None:
    """The seed article with literal typographic characters and a wrong or missing charset.

    ``latin1`` declares ISO-8859-1 (header and meta) but is UTF-8; ``cp1252`` is windows-1252
    bytes with no declaration; ``none`` is UTF-8 with no declaration.
    """
    article = pages.corpus.by_slug[SEED_ARTICLE]
    text = pages.corpus.render_article(article, pages.base).decode("utf-8")
    for entity, char in LITERAL.items():
        text = text.replace(entity, char)
    own = f"{pages.base}/fault/charset/{variant}/"
    text = text.replace(
        f'<link rel="canonical" href="{pages.base}{article.path}">', f'<link rel="canonical" href="{own}">'
    )
    if variant == "latin1":
        body = text.replace('<meta charset="UTF-8">', '<meta charset="ISO-8859-1">').encode("utf-8")
        return Page(200, body, "text/html; charset=ISO-8859-1")
    text = text.replace('<meta charset="UTF-8">\n', "")
    if variant == "cp1252":
        return Page(200, text.encode("cp1252", errors="xmlcharrefreplace"), "text/html")
    return Page(200, text.encode("utf-8"), "text/html") if variant == "none" else None


async def huge_response(request: web.Request, megabytes: float) -> web.StreamResponse:
    """An HTML page of about ``megabytes`` MB, streamed with a Content-Length."""
    unit = (
        b"<p>"
        + b"Channel9.id arsip halaman sangat besar untuk menguji batas ukuran unduhan. " * 13
        + b"</p>\n"
    )
    head, tail = (
        b'<!DOCTYPE html><html><head><meta charset="UTF-8"><title>Besar</title></head><body>\n',
        b"</body></html>\n",
    )
    count = max(1, int(megabytes * 1024 * 1024) // len(unit))
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/html; charset=UTF-8",
            "Content-Length": str(len(head) + count * len(unit) + len(tail)),
        }
    )
    await response.prepare(request)
    await response.write(head)
    for start in range(0, count, 64):
        await response.write(unit * min(64, count - start))
    await response.write(tail)
    return response


def fault_route(pages: Pages, faults: Faults, path: str) -> Page | str | None:
    """A ``/fault/...`` page, ``"drop"``/``"huge:<mb>"``/``"slow:<s>"`` for streamed ones, or None."""
    parts = [p for p in path.split("/") if p][1:]
    if parts[:1] == ["redirect"] and len(parts) == 2 and parts[1].isdigit():
        hops = int(parts[1])
        return (
            pages.redirect(f"/fault/redirect/{hops - 1}/", 302)
            if hops > 0
            else pages.redirect(f"/{SEED_ARTICLE}/", 301)
        )
    if parts in (["503"], ["500"]):
        return error_page(int(parts[0]), faults)
    if parts[:1] == ["charset"] and len(parts) == 2:
        return charset_page(pages, parts[1])
    if parts == ["drop"]:
        return DROP
    defaults = {"huge": faults.huge_mb, "slow": faults.slow_seconds}
    if parts[:1] in (["huge"], ["slow"]) and len(parts) <= 2:
        value = parts[1] if len(parts) == 2 else str(defaults[parts[0]])
        return f"{parts[0]}:{value}" if NUMBER_RE.match(value) else None
    return None

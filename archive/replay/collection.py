"""One collection of a data directory, as the reading side sees it: its index, WARCs and articles.

Names and paths are checked so that nothing a URL says can reach outside the data directory.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from archive.errors import ArsipError, WarcError
from archive.extract import extract
from archive.extract.identity import ARTICLE, UNKNOWN, page_kind
from archive.extract.page import load
from archive.index.query import Capture, CdxjIndex, sort_closest
from archive.warc.reader import ArchivedResponse, read_at, resolve_revisit

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
HTML_MIMES = ("text/html", "application/xhtml+xml")
KINDS_KEPT = 20_000  # captures whose article-or-not answer a worker remembers


class CollectionError(ArsipError):
    """No such collection, or a name or path that would leave the data directory. ``public`` is
    the message for a web visitor: it never names the data directory."""

    def __init__(self, message: str, public: str | None = None):
        super().__init__(message)
        self.public = public or message


def list_collections(data_dir: Path) -> list[str]:
    """Names of the collections under ``data_dir`` (those with an index or WARC folder)."""
    if not data_dir.is_dir():
        return []
    return sorted(
        p.name
        for p in data_dir.iterdir()
        if NAME_RE.match(p.name) and ((p / "indexes").is_dir() or (p / "warcs").is_dir())
    )


def _digest(value: str) -> str:
    return value.split(":", 1)[-1].upper()


class Collection:
    """The index, WARC files and article list of ``<data>/<name>``."""

    def __init__(self, data_dir: str | Path, name: str):
        data_dir = Path(data_dir).resolve()
        if not NAME_RE.match(name):
            raise CollectionError(f"not a collection name: {name!r}")
        self.name, self.dir = name, (data_dir / name).resolve()
        if self.dir.parent != data_dir or self.name not in list_collections(data_dir):
            raise CollectionError(f"no collection {name!r} in {data_dir}", public=f"no collection {name!r}")
        self.index = CdxjIndex(self.dir / "indexes")
        self._articles: tuple[tuple, list[dict]] = ((), [])
        self._is_article: dict[tuple[str, int], bool] = {}

    def warc_path(self, filename: str) -> Path:
        """The WARC an index line names, which must lie inside this collection."""
        for base in (self.dir / "warcs", self.dir):
            for candidate in (base / filename, base / (filename + ".open")):
                path = candidate.resolve()
                if path.is_relative_to(self.dir) and path.is_file():
                    return path
        raise CollectionError(f"{self.name}: WARC file {filename!r} not found")

    def replayable(self, url: str) -> list[Capture]:
        """Captures of ``url`` that are HTTP responses or revisits, oldest first.

        A 304 capture (a conditional refetch) has no payload of its own, so it is not offered.
        """
        caps = self.index.captures(url)
        return [c for c in caps if c.status not in ("", "-", "304")] or caps

    def closest(self, url: str, ts: str) -> list[Capture]:
        return sort_closest(self.replayable(url), ts)

    def load(self, cap: Capture) -> ArchivedResponse:
        """Read a capture's record; a revisit comes back with its original payload."""
        exchange = read_at(self.warc_path(cap.filename), cap.offset)
        if exchange.rec_type == "revisit":
            exchange = resolve_revisit(exchange, self._find_original)
        return exchange

    def _find_original(self, revisit: ArchivedResponse) -> ArchivedResponse | None:
        uri, date = revisit.refers_to or (revisit.url, "")
        digest = _digest(revisit.payload_digest)
        for url in dict.fromkeys((uri, revisit.url)):
            same = [
                c
                for c in self.index.captures(url)
                if not c.is_revisit and (not digest or _digest(c.digest) == digest)
            ]
            if same:
                when = re.sub(r"\D", "", date)[:14] or same[-1].timestamp
                best = sort_closest(same, when)[0]
                return read_at(self.warc_path(best.filename), best.offset)
        return None

    def article(self, cap: Capture):
        """Extract the clean article from a capture (see :mod:`archive.extract`)."""
        exchange = self.load(cap)
        return extract(exchange.body, exchange.url, headers=dict(exchange.headers))

    def is_article(self, cap: Capture, exchange: ArchivedResponse | None = None) -> bool:
        """Whether a capture is an article by the project's one rule (``archive/extract/identity.py``):
        the page's own signals (``page_kind``: og:type, JSON-LD, body classes) and, only for a page
        with none, the length of its extracted text (``Article.is_article``). Remembered per capture,
        so a page is judged once per worker (about half a millisecond: one lxml parse)."""
        key = (cap.filename, cap.offset)
        known = self._is_article.get(key)
        if known is None:
            known = self._judge(cap, exchange)
            if len(self._is_article) >= KINDS_KEPT:
                self._is_article.pop(next(iter(self._is_article)))
            self._is_article[key] = known
        return known

    def _judge(self, cap: Capture, exchange: ArchivedResponse | None) -> bool:
        try:
            exchange = exchange or self.load(cap)
        except (WarcError, CollectionError):
            return False
        if exchange.mime not in HTML_MIMES or exchange.status != 200:
            return False
        page = load(exchange.body, exchange.url, dict(exchange.headers))
        if isinstance(page, str):
            return False
        kind = page_kind(page)
        if kind != UNKNOWN:
            return kind == ARTICLE
        return extract(exchange.body, exchange.url, headers=dict(exchange.headers)).is_article

    def articles(self) -> list[dict]:
        """The collection's ``articles.jsonl``, or its HTML pages from the index when there is none."""
        path = self.dir / "articles.jsonl"
        if not path.is_file():
            return self._pages_from_index()
        stat = path.stat()
        stamp = (stat.st_size, stat.st_mtime_ns)
        if self._articles[0] != stamp:
            with open(path, encoding="utf-8") as fh:
                rows = [json.loads(line) for line in fh if line.strip()]
            self._articles = (stamp, rows)
        return self._articles[1]

    def _pages_from_index(self) -> list[dict]:
        seen: dict[str, dict] = {}
        for cap in self.index.all():
            if cap.mime in HTML_MIMES and cap.status == "200":
                seen.setdefault(cap.urlkey, {"url": cap.url, "title": "", "published": ""})
        return list(seen.values())

    def search(self, q: str) -> list[dict]:
        """Articles whose URL starts with ``q`` (when it looks like a URL) or whose title has every word."""
        rows = self.articles()
        if not q:
            return rows
        if "/" in q or q.startswith("http"):
            bare = re.sub(r"^https?://", "", q)
            return [r for r in rows if re.sub(r"^https?://", "", r.get("url", "")).startswith(bare)]
        words = q.lower().split()
        return [r for r in rows if all(w in (r.get("title") or "").lower() for w in words)]

    def listing_row(self, article: dict) -> dict:
        url = article.get("url", "")
        caps = self.replayable(url)
        latest = caps[-1].timestamp if caps else "1"
        date = article.get("published") or (caps[-1].datetime.strftime("%Y-%m-%d") if caps else "")
        return {
            "url": url,
            "title": article.get("title", ""),
            "date": date[:10],
            "count": len(caps),
            "ts": latest,
        }

"""The per-collection article catalog: one SQLite file, one row per article, keyed by canonical URL.

It is what makes text files stable (docs/FORMATS.md): the ordinal ``NNN`` is assigned once, when an article
is first archived, and never changes; the text's SHA-1 tells a changed article from an unchanged
one; the site's ``lastmod`` as of the last fetch lets the next crawl skip what did not change.
All writes come from one thread (the crawler's reactor); readers may open their own connection.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from archive.atomic import replacing
from archive.errors import ArsipError

FILENAME = "catalog.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    canonical_url TEXT PRIMARY KEY, url TEXT NOT NULL, ordinal INTEGER NOT NULL UNIQUE,
    hash16 TEXT NOT NULL, file TEXT NOT NULL, sha1 TEXT NOT NULL,
    title TEXT, category TEXT, published TEXT, author TEXT, tags TEXT, language TEXT,
    lastmod TEXT, fetched_at TEXT NOT NULL, warc_file TEXT, warc_offset INTEGER, record_id TEXT,
    text_warc_file TEXT, text_warc_offset INTEGER,
    first_crawl TEXT, changed_crawl TEXT, seen_crawl TEXT);
CREATE INDEX IF NOT EXISTS articles_url ON articles (url);
CREATE TABLE IF NOT EXISTS lastmods (url TEXT PRIMARY KEY, lastmod TEXT NOT NULL);
"""
# The fields every exported article carries (docs/FORMATS.md, articles.jsonl); the catalog's own
# articles.jsonl adds what only the catalog knows.
ARTICLE_FIELDS = (
    "file",
    "url",
    "canonical_url",
    "title",
    "category",
    "published",
    "author",
    "tags",
    "language",
    "fetched_at",
    "warc_file",
    "warc_offset",
    "sha1",
)
JSONL_FIELDS = (*ARTICLE_FIELDS, "lastmod", "ordinal")
NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


class CatalogError(ArsipError):
    """The catalog file cannot be opened or is not an arsip catalog."""


@dataclass
class ArticleRecord:
    """What the crawler knows about one fetched article; ``canonical_url`` is the key."""

    canonical_url: str
    url: str
    hash16: str
    sha1: str
    fetched_at: str
    title: str | None = None
    category: str | None = None
    published: str | None = None
    author: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    warc_file: str | None = None
    warc_offset: int | None = None
    record_id: str | None = None


@dataclass(frozen=True)
class Stored:
    """The outcome of :meth:`Catalog.store`: ``status`` is new, changed or unchanged."""

    status: str
    ordinal: int
    file: str


def text_filename(ordinal: int, hash16: str) -> str:
    """``NNN_<hash16>.txt``: the ordinal zero-padded to at least three digits."""
    return f"{ordinal:03d}_{hash16}.txt"


class Catalog:
    """Canonical URL -> ordinal, text hash, lastmod and capture location for one collection."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            # With WAL, NORMAL survives a killed process (only a power cut may lose the last commits)
            # and spares an fsync per statement: a crawl writes a row per sitemap entry and article.
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise CatalogError(f"{self.path}: not a usable catalog: {exc}") from None

    @classmethod
    def for_collection(cls, collection_dir: str | Path) -> Catalog:
        """Open (creating if needed) the catalog of the collection at ``collection_dir``."""
        return cls(Path(collection_dir) / FILENAME)

    def close(self):
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def known(self, text_record: bool = False) -> dict[str, str | None]:
        """Every completely archived article under both its canonical and its fetched URL -> lastmod.

        An article whose text file (or, with ``text_record``, conversion record) is missing is left
        out: a crawl killed between the catalog commit and those writes must fetch it again."""
        text_dir = self.path.parent / "text"
        present = {p.name for p in text_dir.glob("*.txt")} if text_dir.is_dir() else set()
        seen = {}
        for row in self.db.execute("SELECT canonical_url, url, lastmod, file, text_warc_file FROM articles"):
            if row["file"] not in present or (text_record and not row["text_warc_file"]):
                continue
            seen[row["url"]] = seen[row["canonical_url"]] = row["lastmod"]
        return seen

    def get(self, url: str) -> dict | None:
        """The row of the article whose canonical or fetched URL is ``url``."""
        row = self.db.execute(
            "SELECT * FROM articles WHERE canonical_url = ? OR url = ? LIMIT 1", (url, url)
        ).fetchone()
        return dict(row) if row else None

    def note_lastmod(self, url: str, lastmod: str):
        """Remember the newest lastmod a sitemap or feed gave for ``url`` (ISO 8601, UTC)."""
        self.db.execute(
            "INSERT INTO lastmods VALUES (?, ?) ON CONFLICT(url) DO UPDATE SET "
            "lastmod = max(lastmod, excluded.lastmod)",
            (url, lastmod),
        )

    def lastmod_of(self, url: str) -> str | None:
        """The newest lastmod a sitemap or feed gave for ``url``, if any."""
        row = self.db.execute("SELECT lastmod FROM lastmods WHERE url = ?", (url,)).fetchone()
        return row[0] if row else None

    def store(self, rec: ArticleRecord, crawl_id: str) -> Stored:
        """Record a fetched article; assigns its ordinal when it is new. Returns the outcome."""
        old = self.get(rec.canonical_url)
        if old is None:
            ordinal = self.db.execute("SELECT coalesce(max(ordinal) + 1, 0) FROM articles").fetchone()[0]
            status, first, changed = NEW, crawl_id, crawl_id
            text_location: tuple[str | None, int | None] = (None, None)
        else:
            ordinal, first = old["ordinal"], old["first_crawl"]
            status = UNCHANGED if old["sha1"] == rec.sha1 else CHANGED
            changed = crawl_id if status == CHANGED else old["changed_crawl"]
            # a new text needs a new conversion record: until it is written, the row has none
            text_location = (
                (old["text_warc_file"], old["text_warc_offset"]) if status == UNCHANGED else (None, None)
            )
            if old["canonical_url"] != rec.canonical_url:
                rec.canonical_url, rec.hash16 = old["canonical_url"], old["hash16"]
        file = text_filename(ordinal, rec.hash16)
        self.db.execute(
            "INSERT OR REPLACE INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?,?,"
            "(SELECT lastmod FROM lastmods WHERE url IN (?, ?) ORDER BY lastmod DESC LIMIT 1),"
            "?,?,?,?,?,?,?,?,?)",
            (
                rec.canonical_url,
                rec.url,
                ordinal,
                rec.hash16,
                file,
                rec.sha1,
                rec.title,
                rec.category,
                rec.published,
                rec.author,
                json.dumps(rec.tags, ensure_ascii=False),
                rec.language,
                rec.canonical_url,
                rec.url,
                rec.fetched_at,
                rec.warc_file,
                rec.warc_offset,
                rec.record_id,
                *text_location,
                first,
                changed,
                crawl_id,
            ),
        )
        return Stored(status, ordinal, file)

    def set_text_location(self, canonical_url: str, warc_file: str, warc_offset: int):
        """Where the conversion record holding the article's current text lives."""
        self.db.execute(
            "UPDATE articles SET text_warc_file = ?, text_warc_offset = ? WHERE canonical_url = ?",
            (warc_file, warc_offset, canonical_url),
        )

    def touch(self, url: str, crawl_id: str) -> bool:
        """An article confirmed unchanged without a new body (HTTP 304); False if unknown."""
        cur = self.db.execute(
            "UPDATE articles SET seen_crawl = ? WHERE canonical_url = ? OR url = ?", (crawl_id, url, url)
        )
        return cur.rowcount > 0

    def apply_lastmods(self, crawl_id: str):
        """Articles fetched by ``crawl_id`` are current as of the newest lastmod seen for them,
        including lastmods of sitemaps parsed after the article itself was fetched."""
        self.db.execute(
            "UPDATE articles SET lastmod = (SELECT max(l.lastmod) FROM lastmods l WHERE l.url IN "
            "(articles.canonical_url, articles.url)) WHERE seen_crawl = ? AND EXISTS (SELECT 1 FROM "
            "lastmods l WHERE l.url IN (articles.canonical_url, articles.url))",
            (crawl_id,),
        )

    def counts(self, crawl_id: str) -> dict[str, int]:
        """Articles new, changed and unchanged (fetched or confirmed by a 304) in ``crawl_id``."""
        row = self.db.execute(
            "SELECT sum(first_crawl = :c), sum(changed_crawl = :c AND first_crawl != :c), "
            "sum(seen_crawl = :c AND changed_crawl IS NOT :c) FROM articles",
            {"c": crawl_id},
        ).fetchone()
        return {NEW: row[0] or 0, CHANGED: row[1] or 0, UNCHANGED: row[2] or 0}

    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def rows(self):
        """Every article as a dict of the ``articles.jsonl`` fields, in ordinal order."""
        for row in self.db.execute("SELECT * FROM articles ORDER BY ordinal"):
            item = {key: row[key] for key in JSONL_FIELDS}
            item["tags"] = json.loads(row["tags"] or "[]")
            yield item

    def write_jsonl(self, path: str | Path):
        """Rewrite ``articles.jsonl`` atomically: one JSON object per article (docs/FORMATS.md)."""
        with replacing(path) as out:
            for item in self.rows():
                out.write(json.dumps(item, ensure_ascii=False) + "\n")

"""``<data>/search.sqlite``: an SQLite FTS5 index of every capture's clean text, for every collection.

Table ``captures`` has one row per distinct text of an article (its collection, canonical URL,
capture timestamp, text SHA-1, metadata and where the text lives); ``docs`` (FTS5, ``unicode61
remove_diacritics 2``, bm25) holds its words, under the same rowid; ``stems`` maps each indexed
word to its Indonesian stem for query expansion (:mod:`archive.search.stem`). ``latest`` marks an
article's newest text, which is what a search finds unless it asks for every capture.

Only text changes make a row: a text identical to the article's newest one is not added again, so
every row after an article's first is a change. The index is derived data: the crawl fills it as
it writes texts (:meth:`SearchIndex.add`, committed in batches) and ``arsip index --search``
rebuilds it from the WARCs' conversion records (:mod:`archive.search.rebuild`).
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from archive.errors import ArsipError
from archive.search import stem as stems
from archive.search.query import parse, to_fts
from archive.search.text import parse_clean_text, words

FILENAME = "search.sqlite"
SCHEMA_VERSION = "1"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS captures (
    id INTEGER PRIMARY KEY, collection TEXT NOT NULL, canonical_url TEXT NOT NULL, url TEXT NOT NULL,
    ts TEXT NOT NULL, sha1 TEXT NOT NULL, title TEXT, category TEXT, author TEXT, published TEXT,
    day TEXT, file TEXT, warc_file TEXT, warc_offset INTEGER, latest INTEGER NOT NULL DEFAULT 1);
CREATE UNIQUE INDEX IF NOT EXISTS captures_version ON captures (collection, canonical_url, ts);
CREATE INDEX IF NOT EXISTS captures_url ON captures (collection, url);
CREATE INDEX IF NOT EXISTS captures_ts ON captures (collection, ts);
CREATE TABLE IF NOT EXISTS filters (
    id INTEGER PRIMARY KEY, latest INTEGER NOT NULL, collection TEXT NOT NULL, category TEXT,
    author TEXT, day TEXT, month TEXT);
CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(
    title, category, author, url, text, tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS stems (word TEXT PRIMARY KEY, stem TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS stems_stem ON stems (stem);
"""
# bm25 column weights: title, category, author, url, text
WEIGHTS = (10.0, 2.0, 2.0, 1.0, 1.0)
TEXT_COLUMN = 4
MARK_START, MARK_END = "\x02", "\x03"  # snippet markers: callers turn them into <mark> or bold
MAX_VARIANTS = 40


class SearchUnavailable(ArsipError):
    """There is no search index to read (it is built by a crawl or by ``arsip index --search``)."""

    exit_code = 1


def index_path(data_dir: str | Path) -> Path:
    return Path(data_dir) / FILENAME


def timestamp14(date: str) -> str:
    """``2025-01-01T06:00:00.123Z`` (or any ISO 8601 UTC date) -> ``20250101060000``."""
    digits = "".join(ch for ch in date if ch.isdigit())
    return (digits + "00000000000000")[:14]


@dataclass
class CaptureText:
    """One capture's clean text and what is known about its article, as the index stores it."""

    collection: str
    canonical_url: str
    url: str
    ts: str  # 14 digits, the capture of the page the text came from
    text: str
    title: str | None = None
    category: str | None = None
    author: str | None = None
    published: str | None = None
    file: str | None = None
    warc_file: str | None = None
    warc_offset: int | None = None
    sha1: str = ""

    def __post_init__(self):
        if not self.sha1:
            self.sha1 = hashlib.sha1(self.text.encode("utf-8")).hexdigest()


@dataclass
class Hit:
    collection: str
    canonical_url: str
    url: str
    ts: str
    title: str
    category: str
    author: str
    published: str
    snippet: str
    score: float
    file: str | None
    latest: bool
    versions: int

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Results:
    hits: list[Hit]
    total: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    query: str = ""  # the FTS5 expression run


def date_bound(text: str | None, end: bool = False) -> str | None:
    """``2024``, ``2024-03`` or ``2024-03-15`` as a bound on ``YYYY-MM-DD`` days (an end bound
    takes in the whole year or month); :class:`QueryError` for anything else."""
    from archive.search.query import QueryError

    if not text:
        return None
    parts = text.strip().split("-")
    widths = [4, 2, 2][: len(parts)]
    if len(parts) > 3 or any(len(p) != w or not p.isdigit() for p, w in zip(parts, widths, strict=False)):
        raise QueryError(f"{text!r}: a date is YYYY, YYYY-MM or YYYY-MM-DD")
    if len(parts) >= 2 and not 1 <= int(parts[1]) <= 12:
        raise QueryError(f"{text!r}: no such month")
    if len(parts) == 3:
        try:
            date.fromisoformat(text.strip())
        except ValueError:
            raise QueryError(f"{text!r}: no such date") from None
    joined = "-".join(parts)
    return joined + "~" if end and len(parts) < 3 else joined


@dataclass(frozen=True)
class Filters:
    collection: str | None = None
    since: str | None = None  # YYYY-MM-DD, on the published date (else the capture date)
    until: str | None = None
    category: str | None = None
    author: str | None = None
    all_captures: bool = False

    def sql(self) -> tuple[str, list]:
        clauses: list[str] = []
        params: list[str | None] = []
        if not self.all_captures:
            clauses.append("c.latest = 1")
        for column, value in (("collection", self.collection), ("category", self.category)):
            if value:
                clauses.append(f"c.{column} = ? COLLATE NOCASE")
                params.append(value)
        if self.author:
            clauses.append("c.author LIKE ?")
            params.append(f"%{self.author}%")
        if self.since:
            clauses.append("c.day >= ?")
            params.append(date_bound(self.since))
        if self.until:
            clauses.append("c.day <= ?")
            params.append(date_bound(self.until, end=True))
        return "".join(f" AND {c}" for c in clauses), params


class SearchIndex:
    """The search index of one data directory; writes from one thread, batched."""

    def __init__(self, path: str | Path, *, create: bool = True, stemming: bool = True, batch: int = 500):
        self.path = Path(path)
        if not create and not self.path.exists():
            raise SearchUnavailable(
                f"no search index at {self.path}: crawl, or build it with `arsip index --search`"
            )
        self.stemming, self.batch = stemming, batch
        self._pending: list[CaptureText] = []
        self._since = 0.0
        self.added = 0  # texts indexed (new versions) by this instance
        self._known_words: set[str] | None = None
        self._closed = False
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            # a frequent word's doclist spans megabytes: read it from memory, not page by page
            self.db.execute("PRAGMA cache_size=-65536")
            self.db.execute("PRAGMA mmap_size=1073741824")
            if create:
                self.db.executescript(SCHEMA)
                self.db.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('schema', ?)",
                    (SCHEMA_VERSION,),
                )
        except sqlite3.DatabaseError as exc:
            raise SearchUnavailable(f"{self.path}: not a usable search index: {exc}") from None

    @classmethod
    def for_data(cls, data_dir: str | Path, **kwargs) -> SearchIndex:
        return cls(index_path(data_dir), **kwargs)

    def close(self):
        if self._closed:
            return
        self.flush()
        self.db.close()
        self._closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- writing ---------------------------------------------------------------------------

    def add(self, cap: CaptureText) -> None:
        """Queue one capture's text; the queue is written in one transaction every ``batch`` texts
        or second (checked at each add), and by flush() and close(). No write lock is held
        between flushes, so crawls of several collections share the file."""
        if not self._pending:
            self._since = time.monotonic()
        self._pending.append(cap)
        if len(self._pending) >= self.batch or time.monotonic() - self._since > 1.0:
            self.flush()

    def flush(self) -> int:
        """Write the queued texts; returns how many were new versions (the rest: an article's
        newest text again, or a capture indexed already)."""
        if not self._pending:
            return 0
        pending, self._pending = self._pending, []
        added = 0
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for cap in pending:
                added += self._insert(cap)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            self._known_words = None  # stems of the rolled-back texts are not in the table
            raise
        self.added += added
        return added

    def _insert(self, cap: CaptureText) -> bool:
        newest = self.db.execute(
            "SELECT id, ts, sha1 FROM captures WHERE collection = ? AND canonical_url = ? ORDER BY ts DESC LIMIT 1",
            (cap.collection, cap.canonical_url),
        ).fetchone()
        if newest is not None:
            if newest["ts"] == cap.ts or (newest["ts"] < cap.ts and newest["sha1"] == cap.sha1):
                return False  # this capture, or the article's newest text again
            if newest["ts"] > cap.ts and self._exists(cap):
                return False  # an older capture arriving late, indexed already
        parsed = parse_clean_text(cap.text)
        title = parsed.title or cap.title or ""
        category = parsed.category or cap.category or ""
        day = (cap.published or "")[:10] or f"{cap.ts[:4]}-{cap.ts[4:6]}-{cap.ts[6:8]}"
        newest_now = newest is None or newest["ts"] < cap.ts  # the usual case: captures come in order
        cur = self.db.execute(
            "INSERT INTO captures (collection, canonical_url, url, ts, sha1, title, category, author, "
            "published, day, file, warc_file, warc_offset, latest) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                cap.collection,
                cap.canonical_url,
                cap.url,
                cap.ts,
                cap.sha1,
                title,
                category,
                cap.author,
                cap.published,
                day,
                cap.file,
                cap.warc_file,
                cap.warc_offset,
                int(newest_now),
            ),
        )
        rowid = cur.lastrowid
        self.db.execute(
            "INSERT INTO docs (rowid, title, category, author, url, text) VALUES (?,?,?,?,?,?)",
            (rowid, title, category, cap.author or "", cap.url, parsed.body),
        )
        self.db.execute(
            "INSERT INTO filters VALUES (?, ?, ?, ?, ?, ?, ?)",
            (rowid, int(newest_now), cap.collection, category, cap.author, day, day[:7]),
        )
        if newest is not None and newest_now:
            for table in ("captures", "filters"):
                self.db.execute(f"UPDATE {table} SET latest = 0 WHERE id = ?", (newest["id"],))
        elif newest is not None:
            self._relatest(cap)
        if self.stemming:
            self._add_stems(f"{title}\n{parsed.body}")
        return True

    def _relatest(self, cap: CaptureText):
        """A capture that arrived out of time order: flag the article's newest text again."""
        self.db.execute(
            "UPDATE captures SET latest = (ts = (SELECT max(ts) FROM captures WHERE collection = :c AND "
            "canonical_url = :u)) WHERE collection = :c AND canonical_url = :u",
            {"c": cap.collection, "u": cap.canonical_url},
        )
        self.db.execute(
            "UPDATE filters SET latest = (SELECT latest FROM captures WHERE captures.id = filters.id) "
            "WHERE id IN (SELECT id FROM captures WHERE collection = :c AND canonical_url = :u)",
            {"c": cap.collection, "u": cap.canonical_url},
        )

    def _exists(self, cap: CaptureText) -> bool:
        """An older capture arriving late: indexed already when a row of that text is at that time."""
        row = self.db.execute(
            "SELECT 1 FROM captures WHERE collection = ? AND canonical_url = ? AND (ts = ? OR sha1 = ?)",
            (cap.collection, cap.canonical_url, cap.ts, cap.sha1),
        ).fetchone()
        return row is not None

    def _add_stems(self, text: str):
        if self._known_words is None:
            self._known_words = {row[0] for row in self.db.execute("SELECT word FROM stems")}
        new = set(words(text)) - self._known_words
        if new:
            self.db.executemany(
                "INSERT OR IGNORE INTO stems VALUES (?, ?)", [(w, stems.stem(w)) for w in new]
            )
            self._known_words |= new

    def clear(self, collection: str):
        """Forget every capture of ``collection`` (before a rebuild)."""
        self.flush()
        self.db.execute("BEGIN IMMEDIATE")
        self.db.execute(
            "DELETE FROM docs WHERE rowid IN (SELECT id FROM captures WHERE collection = ?)", (collection,)
        )
        self.db.execute("DELETE FROM captures WHERE collection = ?", (collection,))
        self.db.execute("DELETE FROM filters WHERE collection = ?", (collection,))
        self.db.execute("COMMIT")

    def optimize(self):
        self.flush()
        self.db.execute("INSERT INTO docs (docs) VALUES ('optimize')")

    # -- reading ---------------------------------------------------------------------------

    def variants(self, word: str) -> list[str]:
        """``word`` and the indexed words sharing its stem (most frequent stems first is not
        needed: FTS5 ORs them)."""
        if not self.stemming:
            return [word]
        rows = self.db.execute(
            "SELECT word FROM stems WHERE stem = ? AND word != ? LIMIT ?",
            (stems.stem(word), word, MAX_VARIANTS),
        )
        return [word, *sorted(r[0] for r in rows)]

    def match_expression(self, query: str) -> str:
        return to_fts(parse(query), self.variants if self.stemming else None)

    def search(
        self,
        query: str,
        filters: Filters | None = None,
        *,
        limit: int = 20,
        offset: int = 0,
        sort: str = "relevance",
        facets: bool = True,
    ) -> Results:
        """Ranked hits (bm25; ``sort="newest"`` by date), their total and facets by category and month."""
        filters = filters or Filters()
        expr = self.match_expression(query)
        where, params = filters.sql()
        order = "score" if sort == "relevance" else "c.day DESC, c.id DESC"
        # filters: a narrow copy of the captures' filtered columns, so the join every match
        # goes through stays cheap
        base = f"FROM docs JOIN filters c ON c.id = docs.rowid WHERE docs MATCH ?{where}"
        # Ranking touches every match, so it reads only the rowid and score; snippets and the
        # capture rows are made for the page of hits alone.
        ranked = (
            f"SELECT c.id, bm25(docs, {', '.join(map(str, WEIGHTS))}) AS score {base} "
            f"ORDER BY {order} LIMIT ? OFFSET ?"
        )
        try:
            top = self.db.execute(ranked, (expr, *params, max(limit, 0), max(offset, 0))).fetchall()
            results = Results(self._hits(expr, [(r[0], r[1]) for r in top]), 0, query=expr)
            if facets:
                counted = self.db.execute(
                    f"SELECT coalesce(c.category, '') AS k, c.month AS m, count(*) AS n {base} GROUP BY k, m",
                    (expr, *params),
                ).fetchall()
                by_category: dict[str, int] = {}
                by_month: dict[str, int] = {}
                for k, m, n in counted:
                    by_category[k] = by_category.get(k, 0) + n
                    by_month[m] = by_month.get(m, 0) + n
                results.facets["category"] = sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0]))
                results.facets["month"] = sorted(by_month.items(), reverse=True)
                results.total = sum(by_category.values())
            else:
                results.total = self.db.execute(f"SELECT count(*) {base}", (expr, *params)).fetchone()[0]
        except sqlite3.OperationalError as exc:  # a query parse() let through that FTS5 refuses
            from archive.search.query import QueryError

            raise QueryError(f"cannot search for {query!r}: {exc}") from None
        return results

    def _hits(self, expr: str, top: list[tuple[int, float]]) -> list[Hit]:
        if not top:
            return []
        ids = [i for i, _ in top]
        marks = ",".join("?" * len(ids))
        snippets = dict(
            self.db.execute(
                f"SELECT rowid, snippet(docs, ?, ?, ?, '…', 24) FROM docs WHERE docs MATCH ? AND rowid IN ({marks})",
                (TEXT_COLUMN, MARK_START, MARK_END, expr, *ids),
            ).fetchall()
        )
        rows = {
            r["id"]: r
            for r in self.db.execute(
                "SELECT c.*, (SELECT count(*) FROM captures v WHERE v.collection = c.collection AND "
                f"v.canonical_url = c.canonical_url) AS versions FROM captures c WHERE c.id IN ({marks})",
                ids,
            )
        }
        return [_hit(rows[i], snippets.get(i, ""), score) for i, score in top]

    def collections(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT collection FROM captures ORDER BY 1")]

    def versions(self, collection: str, url: str) -> list[dict]:
        """Every indexed text of the article whose canonical or captured URL is ``url``, oldest first."""
        rows = self.db.execute(
            "SELECT c.*, d.text AS body FROM captures c JOIN docs d ON d.rowid = c.id "
            "WHERE c.collection = ? AND c.canonical_url = (SELECT canonical_url FROM captures WHERE "
            "collection = ? AND (canonical_url = ? OR url = ?) LIMIT 1) ORDER BY c.ts",
            (collection, collection, url, url),
        ).fetchall()
        return [
            {**dict(r), "text": render_text(r["title"] or "", r["category"] or "", r["body"])} for r in rows
        ]

    def previous_ts(self, collection: str, canonical_url: str, ts: str) -> str | None:
        """The capture time of the article's text before the one captured at ``ts``."""
        row = self.db.execute(
            "SELECT max(ts) FROM captures WHERE collection = ? AND canonical_url = ? AND ts < ?",
            (collection, canonical_url, ts),
        ).fetchone()
        return row[0] if row else None

    def count_changes(self, collection: str) -> int:
        return self.db.execute(
            "SELECT count(*) - count(DISTINCT canonical_url) FROM captures WHERE collection = ?",
            (collection,),
        ).fetchone()[0]

    def changes(self, collection: str, limit: int = 100, offset: int = 0) -> list[dict]:
        """Texts that changed, newest first: every capture with an earlier, different text
        (``prev_ts``, ``prev_title``)."""
        rows = self.db.execute(
            "SELECT c.*, p.ts AS prev_ts, p.title AS prev_title FROM captures c JOIN captures p ON "
            "p.id = (SELECT id FROM captures q WHERE q.collection = c.collection AND q.canonical_url = "
            "c.canonical_url AND q.ts < c.ts ORDER BY q.ts DESC LIMIT 1) "
            "WHERE c.collection = ? ORDER BY c.ts DESC, c.canonical_url LIMIT ? OFFSET ?",
            (collection, limit, offset),
        ).fetchall()
        return [dict(r) for r in rows]

    def count(self, collection: str | None = None) -> int:
        if collection:
            return self.db.execute(
                "SELECT count(*) FROM captures WHERE collection = ?", (collection,)
            ).fetchone()[0]
        return self.db.execute("SELECT count(*) FROM captures").fetchone()[0]


def render_text(title: str, category: str, body: str) -> str:
    """The clean text again from its indexed parts (docs/CLEAN_TEXT.md's shape)."""
    return f"{title}\n{category}\n\n{title}\n\n{body}\n"


def _hit(row: sqlite3.Row, snippet: str, score: float) -> Hit:
    return Hit(
        collection=row["collection"],
        canonical_url=row["canonical_url"],
        url=row["url"],
        ts=row["ts"],
        title=row["title"] or "",
        category=row["category"] or "",
        author=row["author"] or "",
        published=row["published"] or "",
        snippet=snippet or "",
        score=round(-score, 4),
        file=row["file"],
        latest=bool(row["latest"]),
        versions=row["versions"],
    )

"""The per-collection catalog: ordinals assigned once, change detection, lastmods, JSONL."""

import hashlib
import json
import sqlite3

from crawl_helpers import SPEC_FIELDS

from archive.catalog import CHANGED, NEW, UNCHANGED, ArticleRecord, Catalog, text_filename


def hash16(url):
    return hashlib.sha1(url.encode()).hexdigest()[:16]


def record(url, sha1="a" * 40, **kw):
    return ArticleRecord(
        canonical_url=url, url=url, hash16=hash16(url), sha1=sha1, fetched_at="2024-01-01T00:00:00Z", **kw
    )


def with_text(cat, rec, crawl_id):
    """Store ``rec`` and write its text file, as the pipeline does once the row is committed."""
    stored = cat.store(rec, crawl_id)
    (cat.path.parent / "text").mkdir(exist_ok=True)
    (cat.path.parent / "text" / stored.file).write_text("text", encoding="utf-8")
    return stored


def test_ordinals_are_assigned_once_and_never_change(tmp_path):
    with Catalog.for_collection(tmp_path) as cat:
        first = cat.store(record("https://x/a/"), "c1")
        second = cat.store(record("https://x/b/"), "c1")
        assert (first.status, first.ordinal, second.ordinal) == (NEW, 0, 1)
        again = cat.store(record("https://x/a/", sha1="b" * 40), "c2")
        assert (again.status, again.ordinal, again.file) == (CHANGED, 0, first.file)
        same = cat.store(record("https://x/a/", sha1="b" * 40), "c3")
        assert same.status == UNCHANGED
        assert cat.store(record("https://x/c/"), "c3").ordinal == 2
    assert first.file == text_filename(0, hash16("https://x/a/"))
    assert text_filename(7, "0123456789abcdef") == "007_0123456789abcdef.txt"
    assert text_filename(1234, "0123456789abcdef") == "1234_0123456789abcdef.txt"


def test_counts_per_crawl(tmp_path):
    with Catalog.for_collection(tmp_path) as cat:
        cat.store(record("https://x/a/"), "c1")
        cat.store(record("https://x/b/"), "c1")
        cat.store(record("https://x/a/", sha1="c" * 40), "c2")
        cat.store(record("https://x/b/"), "c2")
        cat.store(record("https://x/d/"), "c2")
        assert cat.counts("c1") == {NEW: 2, CHANGED: 0, UNCHANGED: 0}
        assert cat.counts("c2") == {NEW: 1, CHANGED: 1, UNCHANGED: 1}
        assert cat.touch("https://x/a/", "c3") and not cat.touch("https://x/zzz/", "c3")
        assert cat.counts("c3") == {NEW: 0, CHANGED: 0, UNCHANGED: 1}


def test_lastmod_noted_before_or_after_the_fetch_is_applied(tmp_path):
    with Catalog.for_collection(tmp_path) as cat:
        cat.note_lastmod("https://x/a/", "2024-01-02T00:00:00Z")
        with_text(cat, record("https://x/a/"), "c1")
        with_text(cat, record("https://x/b/"), "c1")
        cat.note_lastmod("https://x/b/", "2024-03-01T00:00:00Z")  # sitemap parsed after the fetch
        cat.note_lastmod("https://x/b/", "2024-02-01T00:00:00Z")  # older date never wins
        cat.note_lastmod("https://x/never-fetched/", "2024-03-01T00:00:00Z")
        cat.apply_lastmods("c1")
        known = cat.known()
    assert known["https://x/a/"] == "2024-01-02T00:00:00Z"
    assert known["https://x/b/"] == "2024-03-01T00:00:00Z"
    assert "https://x/never-fetched/" not in known


def test_known_and_get_under_the_fetched_url_too(tmp_path):
    with Catalog.for_collection(tmp_path) as cat:
        rec = record("https://x/canonical/")
        rec.url = "https://x/fetched/"
        with_text(cat, rec, "c1")
        assert set(cat.known()) == {"https://x/canonical/", "https://x/fetched/"}
        assert cat.get("https://x/fetched/")["canonical_url"] == "https://x/canonical/"
        # the same article stored under its fetched URL keeps its key and ordinal
        again = record("https://x/fetched/", sha1="e" * 40)
        assert cat.store(again, "c2").ordinal == 0 and len(cat) == 1


def test_jsonl_has_the_spec_fields(tmp_path):
    with Catalog.for_collection(tmp_path) as cat:
        cat.store(
            record(
                "https://x/a/",
                title="Judul",
                category="Nasional",
                published="2024-01-01T07:00:00+07:00",
                author="FB",
                tags=["korea"],
                language="id",
                warc_file="w.warc.gz",
                warc_offset=10,
            ),
            "c1",
        )
        cat.write_jsonl(tmp_path / "articles.jsonl")
    lines = (tmp_path / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    item = json.loads(lines[0])
    assert set(item) >= SPEC_FIELDS, SPEC_FIELDS - set(item)
    assert item["tags"] == ["korea"] and item["warc_offset"] == 10 and len(lines) == 1


def test_readers_can_open_the_file_while_it_is_in_use(tmp_path):
    with Catalog.for_collection(tmp_path) as cat:
        cat.store(record("https://x/a/"), "c1")
        other = sqlite3.connect(tmp_path / "catalog.sqlite")
        assert other.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
        other.close()


def test_known_leaves_out_articles_whose_text_was_never_written(tmp_path):
    """A kill between the catalog commit and the text file (or conversion record) must not make
    the next crawl skip the article as already archived."""
    with Catalog.for_collection(tmp_path) as cat:
        with_text(cat, record("https://x/done/", warc_file="w", warc_offset=0), "c1")
        cat.set_text_location("https://x/done/", "w", 100)
        cat.store(record("https://x/no-file/"), "c1")
        with_text(cat, record("https://x/no-record/"), "c1")
        assert set(cat.known()) == {"https://x/done/", "https://x/no-record/"}
        assert set(cat.known(text_record=True)) == {"https://x/done/"}
        # a changed text has no conversion record until the new one is written
        with_text(cat, record("https://x/done/", sha1="f" * 40), "c2")
        assert set(cat.known(text_record=True)) == set()

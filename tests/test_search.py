"""Search semantics on a real SQLite FTS5 index: words, phrases, prefixes, AND/OR/NOT, filters,
diacritics, stems, captures and changes; malformed queries are one clear error, never a traceback."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from archive.search.diff import ADDED, CHANGED, SAME, changed_rows, compare, unified
from archive.search.index import CaptureText, Filters, SearchIndex, date_bound
from archive.search.query import QueryError, parse, to_fts
from tests.crawl_helpers import ROOT


def text(title: str, category: str, *blocks: str) -> str:
    return "\n".join([title, category, "", title, "", "\n\n".join(blocks)]) + "\n"


ARTICLES = [
    # (slug, ts, category, published, author, title, blocks)
    (
        "a",
        "20240105000000",
        "Ekonomi",
        "2024-01-05T10:00:00+07:00",
        "Adi Wibowo",
        "Inflasi tahunan naik",
        ("Badan Pusat Statistik mencatat inflasi tahunan naik.", "Perekonomian Indonesia tetap tumbuh."),
    ),
    (
        "b",
        "20240210000000",
        "Internasional",
        "2024-02-10T10:00:00+07:00",
        "Sari Dewi",
        "Kerja sama pertahanan",
        ("Kedua negara sepakat melanjutkan kerja sama pertahanan.", "Menlu Jepang hadir di Tokyo."),
    ),
    (
        "c",
        "20240315000000",
        "Teknologi",
        "2024-03-15T10:00:00+07:00",
        "Adi Wibowo",
        "Kebocoran data pribadi",
        ("Kementerian menyoroti kebocoran data pribadi.", "Sama-sama bekerja untuk keamanan siber."),
    ),
    (
        "d",
        "20240320000000",
        "Nasional",
        "2024-03-20",
        "Budi",
        "Banjir di Jakarta",
        ("Penanganan banjir di Jakarta dibahas.", "Warga diminta waspada."),
    ),
    (
        "e",
        "20240401000000",
        "Nasional",
        None,
        None,
        "Banjir di Semarang",
        ("Penanganan banjir di Semarang dibahas. Kafé dan toko tutup.", "Ekonom menilai kerugian besar."),
    ),
]


@pytest.fixture
def index(tmp_path):
    ix = SearchIndex(tmp_path / "search.sqlite")
    for slug, ts, cat, published, author, title, blocks in ARTICLES:
        ix.add(
            CaptureText(
                collection="site",
                canonical_url=f"http://x.test/{slug}/",
                url=f"http://x.test/{slug}/",
                ts=ts,
                text=text(title, cat, *blocks),
                author=author,
                published=published,
            )
        )
    ix.flush()
    yield ix
    ix.close()


def slugs(results) -> list[str]:
    return sorted(h.url.rsplit("/", 2)[-2] for h in results.hits)


def find(index, query, **filters) -> list[str]:
    return slugs(index.search(query, Filters(**filters), limit=50))


def test_words_are_anded_and_ranked_by_title_first(index):
    assert find(index, "banjir") == ["d", "e"]
    assert find(index, "banjir jakarta") == ["d"]
    assert find(index, "banjir AND semarang") == ["e"]
    hits = index.search("kebocoran").hits
    assert hits[0].url.endswith("/c/") and hits[0].title == "Kebocoran data pribadi"


def test_phrase_is_exact_and_words_are_not(index):
    assert find(index, '"kerja sama"') == ["b"]  # c has "Sama-sama bekerja": both words, no phrase
    assert find(index, '"sama kerja"') == []
    assert find(index, '"data pribadi" kebocoran') == ["c"]


def test_prefix(index):
    assert find(index, "ekonom*") == ["a", "e"]  # a's category Ekonomi, e's "Ekonom"; not "Perekonomian"
    assert find(index, "perekonom*") == ["a"]
    assert find(index, "pertahan*") == ["b"]


def test_boolean_operators(index):
    assert find(index, "banjir OR inflasi") == ["a", "d", "e"]
    assert find(index, "banjir NOT jakarta") == ["e"]
    assert find(index, "banjir -jakarta") == ["e"]
    assert find(index, "(inflasi OR kebocoran) NOT pribadi") == ["a"]
    assert find(index, "banjir AND NOT semarang") == ["d"]
    assert find(index, "and") == []  # lower case: a word, not an operator


def test_filters_dates_category_author_collection(index):
    assert find(index, "banjir", category="nasional") == ["d", "e"]
    assert find(index, "banjir OR inflasi", since="2024-03") == ["d", "e"]
    assert find(index, "banjir OR inflasi", until="2024-03") == ["a", "d"]  # e: captured April, no date
    assert find(index, "banjir OR inflasi", since="2024-01-05", until="2024-01-05") == ["a"]
    assert find(index, "inflasi OR kebocoran", author="adi") == ["a", "c"]
    assert find(index, "banjir", collection="other") == []


def test_facets_by_category_and_month(index):
    results = index.search("banjir OR inflasi OR kebocoran")
    assert dict(results.facets["category"]) == {"Nasional": 2, "Ekonomi": 1, "Teknologi": 1}
    assert dict(results.facets["month"]) == {"2024-01": 1, "2024-03": 2, "2024-04": 1}
    assert results.total == 4


def test_diacritics_fold_both_ways(index):
    assert find(index, "kafe") == ["e"]
    assert find(index, "KAFÉ") == ["e"]
    assert find(index, "kafé*") == ["e"]


def test_stems_expand_plain_words_only(index):
    assert find(index, "bocor") == ["c"]  # kebocoran
    assert find(index, "ekonomi") == ["a"]  # perekonomian
    assert find(index, '"bocor"') == []  # a phrase is taken as typed


def test_snippet_marks_the_words_found(index):
    snippet = index.search("banjir jakarta").hits[0].snippet
    assert "\x02banjir\x03" in snippet and "\x02Jakarta\x03" in snippet


@pytest.mark.parametrize(
    "query, message",
    [
        ('"unbalanced', "unbalanced quote"),
        ("AND AND", "AND needs"),
        ("banjir AND", "AND needs"),
        ("OR banjir", "OR needs"),
        ("NOT banjir", "cannot only exclude"),
        ("-banjir", "cannot only exclude"),
        ("(banjir", "unbalanced parenthesis"),
        ("banjir)", "unbalanced parenthesis"),
        ("x" * 10240, "query too long"),
        ("kata " * 40, "too many terms"),
        ("e*", "prefix needs"),
        ("eko*nomi", "* goes at the end"),
        ('""', "nothing to search"),
        ("   ", "nothing to search"),
        ("!!! ???", "nothing to search"),
    ],
)
def test_malformed_queries_are_clear_errors(index, query, message):
    with pytest.raises(QueryError, match=re.escape(message)):
        index.search(query)


def test_fts_syntax_typed_by_a_reader_is_only_words(index):
    for query in [
        "title:banjir",
        "banjir^",
        "NEAR(banjir jakarta)",
        "{title}: x",
        "banjir + jakarta",
        "'; DROP",
    ]:
        index.search(query)  # never an FTS5 syntax error
    assert to_fts(parse("NEAR(a b)")) == '("near" AND ("a" AND "b"))'


def test_latest_capture_by_default_every_capture_on_request(index):
    old = ARTICLES[3]
    # the second: the same text again (a later capture of an unchanged page) is no new version
    for ts in ("20240501000000", "20240601000000"):
        index.add(
            CaptureText(
                collection="site",
                canonical_url="http://x.test/d/",
                url="http://x.test/d/",
                ts=ts,
                text=text(old[5], old[2], *old[6], "Pembaruan: tanggul jebol di Pluit."),
                published=old[3],
            )
        )
    assert index.flush() == 1
    assert find(index, "tanggul") == ["d"]
    assert find(index, "banjir jakarta") == ["d"]
    assert len(index.search("banjir jakarta", Filters(all_captures=True)).hits) == 2
    assert find(index, "banjir jakarta NOT tanggul") == []
    assert find(index, "banjir jakarta NOT tanggul", all_captures=True) == ["d"]
    assert [c["url"] for c in index.changes("site")] == ["http://x.test/d/"]
    assert [v["ts"] for v in index.versions("site", "http://x.test/d/")] == [
        "20240320000000",
        "20240501000000",
    ]


def test_date_bounds():
    assert date_bound("2024") == "2024" and date_bound("2024", end=True) == "2024~"
    assert date_bound("2024-03-15", end=True) == "2024-03-15"
    for bad in ("2024-13", "2024-02-30", "yesterday", "24-01-01"):
        with pytest.raises(QueryError):
            date_bound(bad)


def test_diff_marks_changed_and_added_blocks_word_by_word():
    old = text("Judul", "Nasional", "satu dua tiga", "empat lima", "enam")
    new = text("Judul baru", "Nasional", "satu dua tiga", "empat lima tujuh", "catatan redaksi", "enam")
    rows = changed_rows(compare(old, new))
    assert [(r.field, r.kind) for r in rows] == [("title", CHANGED), ("block", CHANGED), ("block", ADDED)]
    assert rows[0].new == ((SAME, "Judul"), ("ins", " baru"))
    assert rows[1].new == ((SAME, "empat lima"), ("ins", " tujuh"))
    assert compare(old, old) and not changed_rows(compare(old, old))
    assert "+catatan redaksi" in unified(old, new)


@pytest.mark.parametrize("query", ['"unbalanced', "AND AND", "x" * 10240])
def test_cli_malformed_query_is_one_line(tmp_path, index, query):
    index.close()
    run = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "search", query, "--data", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert run.stderr.startswith("arsip search: error: ") and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_cli_without_index_says_how_to_build_it(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "search", "banjir", "--data", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1 and "arsip index --search" in run.stderr


def test_two_writers_share_the_file_no_lock_held_between_flushes(tmp_path):
    """Two crawls of different collections write one data directory's index at once."""
    path = tmp_path / "search.sqlite"
    a, b = SearchIndex(path), SearchIndex(path)
    b.db.execute("PRAGMA busy_timeout = 100")  # a held lock would fail this at once
    a.add(
        CaptureText(
            "one", "http://a.test/x/", "http://a.test/x/", "20240101000000", text("Satu", "", "banjir")
        )
    )
    b.add(
        CaptureText(
            "two", "http://b.test/y/", "http://b.test/y/", "20240101000000", text("Dua", "", "banjir")
        )
    )
    assert b.flush() == 1 and a.flush() == 1
    a.close()
    assert {h.collection for h in b.search("banjir").hits} == {"one", "two"}
    b.close()


def test_catch_up_indexes_the_catalogued_texts_the_index_lacks(tmp_path):
    """An index lost (or older than the archive) gets the current texts back at the next crawl."""
    import hashlib

    from archive.catalog import ArticleRecord, Catalog
    from archive.search.rebuild import catch_up

    coll = tmp_path / "data" / "site"
    (coll / "text").mkdir(parents=True)
    with Catalog.for_collection(coll) as catalog:
        for slug, _, cat, published, author, title, blocks in ARTICLES[:3]:
            body = text(title, cat, *blocks)
            url = f"http://x.test/{slug}/"
            stored = catalog.store(
                ArticleRecord(
                    url,
                    url,
                    slug * 16,
                    hashlib.sha1(body.encode()).hexdigest(),
                    "2024-05-01T00:00:00Z",
                    title=title,
                    category=cat,
                    published=published,
                    author=author,
                ),
                "crawl-1",
            )
            (coll / "text" / stored.file).write_text(body, encoding="utf-8")
    with SearchIndex.for_data(tmp_path / "data") as index:
        assert catch_up(index, coll) == 3
        index.flush()
        assert find(index, "kebocoran OR inflasi OR pertahanan") == ["a", "b", "c"]
        assert catch_up(index, coll) == 0  # nothing missing any more

"""Extraction end to end: the seed articles byte-identical to golden, the corpus, the fixture site."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.extract import Article, extract
from bench import extraction as bench
from crawler.seed import load_seed

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "extraction"
GOLDEN_DIRS = (ROOT / "tests" / "data" / "golden", ROOT.parent / "shared" / "golden")
SEEDS = {
    "000_f4f2b7e91b879bed": ("c9-seed-000", "seed-000-unknown-form"),
    "003_35e6abd43aece031": ("c9-seed-003", "seed-003-form-in-body"),
}
CASES = {case.name: case for case in bench.load_corpus(CORPUS)}


def golden(name: str) -> bytes:
    for folder in GOLDEN_DIRS:
        if (folder / f"{name}.txt").exists():
            return (folder / f"{name}.txt").read_bytes()
    pytest.skip("no golden files (tests/data/golden or ../shared/golden)")


@pytest.mark.parametrize("golden_name", sorted(SEEDS))
@pytest.mark.parametrize("variant", [0, 1], ids=["fixture-site", "unknown-form-container"])
def test_seed_articles_byte_identical_to_golden(golden_name, variant):
    case = CASES[SEEDS[golden_name][variant]]
    article = extract(case.html, case.url, hints=case.hints)
    assert article.ok, article.reason
    assert article.render().encode("utf-8") == golden(golden_name)


def test_seed_article_without_hints_matches_golden_too():
    case = CASES["c9-seed-000"]
    assert extract(case.html, case.url).render().encode("utf-8") == golden("000_f4f2b7e91b879bed")


@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_page_exact(name):
    """Every corpus page, hints or not, renders exactly its hand-checked expected text."""
    case = CASES[name]
    article = extract(case.html, case.url, hints=case.hints)
    assert article.ok, article.reason
    assert article.render() == case.expected_text


def test_corpus_shape():
    assert len(CASES) >= 30
    themes = {name.split("-")[0] for name in CASES}
    assert {"c9", "tt1", "block", "newspaper", "jnews", "loose"} <= themes
    assert sum(1 for case in CASES.values() if case.hints) >= 15


def test_harness_on_corpus_beats_plain_trafilatura():
    """Quality floor: exact on every hinted page, zero leaks, 4-gram F1 strictly above trafilatura."""
    cases = list(CASES.values())
    ours = bench.evaluate(cases, "arsip", timed=False)
    generic = bench.evaluate(cases, "arsip-generic", timed=False)
    plain = bench.evaluate(cases, "trafilatura", timed=False)
    hinted = [p for p, c in zip(ours.pages, cases, strict=True) if c.hints]
    assert all(p["exact"] for p in hinted)
    assert ours.totals()["leaks"] == 0 and generic.totals()["leaks"] == 0
    assert ours.totals()["f1"] > plain.totals()["f1"]
    assert generic.totals()["f1"] > plain.totals()["f1"]
    assert plain.totals()["leaks"] > 0  # the corpus does trip plain trafilatura


@pytest.mark.skipif(not (bench.BENCHMARK / "ground-truth.json").exists(), reason="benchmark not present")
def test_generic_path_no_worse_than_trafilatura_on_real_pages():
    cases = bench.load_benchmark(bench.BENCHMARK)
    ours = bench.evaluate(cases, "arsip", timed=False).totals()
    plain = bench.evaluate(cases, "trafilatura", timed=False).totals()
    assert ours["f1"] >= plain["f1"]


def test_fixture_site_every_article_exact_with_and_without_hints():
    from crawler.demosite import SiteConfig, build_corpus

    hints = load_seed(ROOT / "seeds" / "channel9.toml").hints
    corpus = build_corpus(SiteConfig(articles=60, seed=9))
    base = "http://127.0.0.1:8000"
    for item in corpus.articles:
        html = corpus.render_article(item, base)
        expected = corpus.expected_text(item)
        with_hints = extract(html, item.url(base), hints=hints)
        assert with_hints.render() == expected, item.slug
        assert with_hints.sources["body"] == "hints"
        assert extract(html, item.url(base)).render() == expected, item.slug


def test_fixture_metadata_and_sources():
    case = CASES["c9-seed-000"]
    article = extract(case.html, case.url, hints=case.hints)
    assert (article.title, article.category, article.author) == (
        "Amerika Serikat Khawatir Ada Potensi Bisnis Senjata Korea Utara–Rusia",
        "Internasional",
        "FB",
    )
    assert article.published == "2023-09-14T10:21:00+07:00"
    assert article.language == "id-ID"
    assert article.canonical_url.endswith(
        "/amerika-serikat-khawatir-ada-potensi-bisnis-senjata-korea-utara-rusia/"
    )
    assert article.sources["body"] == "hints" and article.sources["category"] == "hints"
    generic = extract(case.html, case.url)
    assert generic.author == "Fajar Budiman" and generic.sources["author"] == "json-ld"
    assert generic.sources["category"] == "rel-category-tag"
    assert generic.tags == ["Korea Utara", "Rusia", "Vladimir Putin"]


def test_render_shape_and_to_dict():
    article = Article(
        url="https://x.example/a/", title="Judul", category="Nasional", blocks=["Satu.", "Dua."]
    )
    assert article.render() == "Judul\nNasional\n\nJudul\n\nSatu.\n\nDua.\n"
    data = article.to_dict()
    assert data["title"] == "Judul" and data["ok"] is True and "blocks" in data
    assert "text" not in data
    import json

    json.dumps(data)

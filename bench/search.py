"""Search index figures (``python -m bench.search [--articles N]``, and a section of ``make bench``):
index build rate, query latency p50/p99 for 20 frequent and 20 rare words, and what indexing costs a
crawl. The texts are the bundled site's generated articles, exactly as the crawl writes them."""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from pathlib import Path

from archive.search.index import CaptureText, SearchIndex
from archive.search.text import words
from crawler.demosite import SiteConfig, build_corpus

ARTICLES = 20000
ROUNDS = 5  # each query this many times; the first (cold) round is dropped
P99_GOAL_MS = 50.0
CRAWL_SHARE_GOAL = 0.05


def pick_words(texts: list[str]) -> tuple[list[str], list[str]]:
    """20 of the most frequent words (by articles holding them) and 20 rare ones (in 2-10 articles)."""
    df: Counter[str] = Counter()
    for text in texts:
        df.update({w for w in words(text) if w.isalpha() and len(w) >= 4})
    ranked = df.most_common()
    frequent = [w for w, _ in ranked[:20]]
    rare = sorted(w for w, n in ranked if 2 <= n <= 10)
    step = max(len(rare) // 20, 1)
    return frequent, rare[::step][:20]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(round(q * (len(ordered) - 1))), len(ordered) - 1)]


def measure(articles: int = ARTICLES) -> dict:
    corpus = build_corpus(SiteConfig(articles=articles, seed=9))
    texts = [(a.path, corpus.expected_text(a)) for a in corpus.articles]
    out: dict = {"articles": len(texts)}
    with tempfile.TemporaryDirectory(prefix="arsip-search-") as tmp:
        index = SearchIndex(Path(tmp) / "search.sqlite")
        started = time.perf_counter()
        for path, text in texts:
            url = f"http://channel9.arsip.test{path}"
            index.add(CaptureText("bench", url, url, "20240101000000", text, published="2024-01-01"))
        index.flush()
        seconds = time.perf_counter() - started
        index.optimize()  # as `arsip index --search` leaves it
        out["index_rate"] = len(texts) / seconds
        out["ms_per_article"] = seconds / len(texts) * 1000
        out["size_mb"] = (Path(tmp) / "search.sqlite").stat().st_size / 1e6
        frequent, rare = pick_words([t for _, t in texts])
        for name, group in (("frequent", frequent), ("rare", rare)):
            latencies = []
            for n in range(ROUNDS):
                for word in group:
                    t0 = time.perf_counter()
                    index.search(word)  # first page of 20, facets and total: what a search page asks
                    if n:
                        latencies.append((time.perf_counter() - t0) * 1000)
            out[name] = {
                "words": group,
                "p50": percentile(latencies, 0.5),
                "p99": percentile(latencies, 0.99),
            }
        index.close()
    return out


def table(
    result: dict, crawl_pages_per_second: float | None = None, pages_per_article: float = 1.0
) -> list[str]:
    lines = [
        f"{result['articles']:,} articles, Indonesian stems on; queries: the first page of 20 hits with "
        f"facets and total, {ROUNDS - 1} warm runs each",
        "",
        "| measure | value | goal |",
        "|---|---|---|",
        f"| index build | {result['index_rate']:.0f} articles/s ({result['ms_per_article']:.2f} ms each), "
        f"{result['size_mb']:.0f} MB | |",
    ]
    for name in ("frequent", "rare"):
        r = result[name]
        ok = "met" if r["p99"] < P99_GOAL_MS else "missed"
        lines.append(
            f"| query, 20 {name} words: p50 / p99 | {r['p50']:.1f} / {r['p99']:.1f} ms | p99 < {P99_GOAL_MS:.0f} ms ({ok}) |"
        )
    if crawl_pages_per_second:
        crawl_ms = 1000 / crawl_pages_per_second * pages_per_article
        share = result["ms_per_article"] / crawl_ms
        ok = "met" if share < CRAWL_SHARE_GOAL else "missed"
        lines.append(
            f"| indexing share of a crawl (index ms per article / crawl ms per article) | {share:.1%} | "
            f"< {CRAWL_SHARE_GOAL:.0%} ({ok}) |"
        )
    lines += [
        "",
        "frequent: " + ", ".join(result["frequent"]["words"]),
        "rare: " + ", ".join(result["rare"]["words"]),
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=ARTICLES)
    parser.add_argument("--crawl-pages-per-second", type=float, help="to state indexing's share of a crawl")
    args = parser.parse_args()
    print("\n".join(table(measure(args.articles), args.crawl_pages_per_second)))


if __name__ == "__main__":
    main()

"""Does Indonesian stemming help search? Plain tokens against Sastrawi stem expansion, on a labelled
query set over the bundled demo site's articles (`python -m bench.search_quality [--articles N]`).

Each query is what a reader would type; its relevant articles are those holding any of the word
forms listed beside it, chosen by hand for meaning (``langsung``, direct, is not ``berlangsung``,
to take place), never by the stemmer. Retrieval is judged as a set (every hit of the query):
precision, recall and F1 per query, then their means.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from archive.search.index import CaptureText, Filters, SearchIndex
from archive.search.text import words
from crawler.demosite import SiteConfig, build_corpus

# query -> the word forms that make an article relevant to it
QUERIES: dict[str, tuple[str, ...]] = {
    "evaluasi": ("evaluasi", "mengevaluasi"),
    "sorotan": ("sorotan", "menyoroti"),
    "tanggapan": ("tanggapan", "menanggapi"),
    "bocor": ("bocor", "kebocoran"),
    "kementerian": ("kementerian", "menteri"),
    "dampak": ("dampak", "berdampak"),
    "meningkat": ("meningkat", "peningkatan", "meningkatkan"),
    "perkembangan": ("perkembangan", "berkembang"),
    "pertemuan": ("pertemuan", "bertemu"),
    "diperkuat": ("diperkuat", "memperkuat"),
    "melibatkan": ("melibatkan", "terlibat"),
    "khawatir": ("khawatir", "kekhawatiran", "kekhawatirannya"),
    "siapkan": ("disiapkan", "menyiapkan", "siapkan"),
    "hentikan": ("hentikan", "menghentikan", "penghentian"),
    # where one stem joins words of other meanings
    "percepatan": ("percepatan",),  # not "secepatnya" (as soon as possible)
    "langsung": ("langsung",),  # not "berlangsung" (to take place)
    "tahunan": ("tahunan",),  # annual (inflation), not every "tahun"
    "usaha": ("usaha",),  # (kredit) usaha (rakyat), not "perusahaan" (company)
    "pekerjaan": ("pekerjaan",),  # work to do, not "kerja sama"
    "mengumumkan": ("mengumumkan", "umumkan"),  # not "Pemilihan Umum"
}


def build(path: Path, corpus, stemming: bool) -> tuple[SearchIndex, float]:
    index = SearchIndex(path, stemming=stemming)
    started = time.perf_counter()
    for article in corpus.articles:
        url = f"http://channel9.arsip.test{article.path}"
        index.add(CaptureText("demo", url, url, "20240101000000", corpus.expected_text(article)))
    index.flush()
    return index, time.perf_counter() - started


def evaluate(articles: int = 200) -> dict:
    corpus = build_corpus(SiteConfig(articles=articles, seed=9))
    tokens = {
        f"http://channel9.arsip.test{a.path}": set(words(corpus.expected_text(a))) for a in corpus.articles
    }
    out: dict = {"articles": articles, "queries": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for mode, stemming in (("plain", False), ("stems", True)):
            index, seconds = build(Path(tmp) / f"{mode}.sqlite", corpus, stemming)
            out[f"{mode}_index_seconds"] = seconds
            for query, forms in QUERIES.items():
                relevant = {url for url, ws in tokens.items() if ws & set(forms)}
                ranked = [h.url for h in index.search(query, Filters(), limit=100_000, facets=False).hits]
                found = set(ranked)
                top = ranked[:10]
                p10 = sum(u in relevant for u in top) / min(10, len(relevant)) if relevant else 1.0
                tp = len(found & relevant)
                p = tp / len(found) if found else 1.0
                r = tp / len(relevant) if relevant else 1.0
                f1 = 2 * p * r / (p + r) if p + r else 0.0
                out["queries"].setdefault(query, {"relevant": len(relevant)})[mode] = (p, r, f1, p10)
            index.close()
    for mode in ("plain", "stems"):
        rows = [q[mode] for q in out["queries"].values()]
        out[mode] = tuple(sum(r[i] for r in rows) / len(rows) for i in range(4))
    return out


def report(result: dict) -> str:
    lines = [
        f"Search quality, {len(QUERIES)} labelled queries over {result['articles']} demo-site articles",
        "",
        "| query | relevant | plain P / R / F1 / P@10 | stems P / R / F1 / P@10 |",
        "|---|---|---|---|",
    ]
    for query, row in result["queries"].items():
        cells = [" / ".join(f"{x:.2f}" for x in row[m]) for m in ("plain", "stems")]
        lines.append(f"| {query} | {row['relevant']} | {cells[0]} | {cells[1]} |")
    for mode in ("plain", "stems"):
        cells = " / ".join(f"{x:.3f}" for x in result[mode])
        lines.append(
            f"| **mean, {mode}** | | {cells if mode == 'plain' else ''} | {cells if mode == 'stems' else ''} |"
        )
    better = sum(q["stems"][2] > q["plain"][2] + 1e-9 for q in result["queries"].values())
    worse = sum(q["stems"][2] < q["plain"][2] - 1e-9 for q in result["queries"].values())
    lines.append("")
    lines.append(f"stems better on {better} queries, worse on {worse}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=200)
    print(report(evaluate(parser.parse_args().articles)))


if __name__ == "__main__":
    main()

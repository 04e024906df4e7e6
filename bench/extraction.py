"""Extraction quality and speed: arsip against plain trafilatura, page by page.

    python -m bench.extraction [--corpus DIR] [--benchmark DIR] [--pages] [--json FILE]

The corpus is a folder of ``<name>.html`` pages with ``<name>.txt`` expected text (docs/CLEAN_TEXT.md shape)
and optional ``<name>.toml`` (``url = ...`` and an ``[extract]`` table of seed hints). The
benchmark is Scrapinghub's article-extraction-benchmark (``html/<id>.html.gz`` and
``ground-truth.json``), read from ``../shared/benchmarks`` when present and never copied.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from bench import metrics

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "extraction"
BENCHMARK = ROOT.parent / "shared" / "benchmarks" / "article-extraction-benchmark"


@dataclass
class Case:
    """One page and what a perfect extractor returns for it."""

    name: str
    html: bytes
    url: str
    expected_blocks: list[str]
    expected_text: str | None = None  # the whole docs/CLEAN_TEXT.md file, when the corpus gives one
    hints: object = None


@dataclass
class Result:
    """What one extractor made of one page."""

    blocks: list[str]
    text: str | None = None
    seconds: float = 0.0


@dataclass
class Score:
    """One system over one set of cases."""

    system: str
    pages: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    def totals(self) -> dict:
        rated = [p for p in self.pages if p["exact"] is not None]
        out = metrics.summary([p["counts"] for p in self.pages])
        out.update(
            pages=len(self.pages),
            leaks=sum(len(p["leaks"]) for p in self.pages),
            exact=sum(p["exact"] for p in rated),
            exact_of=len(rated),
            pages_per_second=len(self.pages) / self.seconds if self.seconds else 0.0,
        )
        return out


def spec_blocks(text: str) -> list[str]:
    """The body blocks of a docs/CLEAN_TEXT.md text (everything after the second headline)."""
    return [part.strip() for part in text.split("\n\n")[2:] if part.strip()]


def load_corpus(folder: Path) -> list[Case]:
    """Every ``<name>.html`` with its ``<name>.txt`` (and ``<name>.toml``) in a folder."""
    from crawler.seed import ExtractionHints

    cases = []
    for page in sorted(folder.glob("*.html")):
        expected = page.with_suffix(".txt").read_text(encoding="utf-8")
        extra = page.with_suffix(".toml")
        conf = tomllib.loads(extra.read_text(encoding="utf-8")) if extra.exists() else {}
        hints = conf.get("extract")
        hints = ExtractionHints(**{**hints, "drop": tuple(hints.get("drop", ()))}) if hints else None
        cases.append(
            Case(
                page.stem,
                page.read_bytes(),
                conf.get("url", f"https://example.org/{page.stem}/"),
                spec_blocks(expected),
                expected,
                hints,
            )
        )
    return cases


def load_benchmark(folder: Path) -> list[Case]:
    """The 181 pages of the article-extraction-benchmark, bodies only."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    cases = []
    for key, item in sorted(truth.items()):
        html = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes())
        body = item.get("articleBody") or ""
        cases.append(
            Case(key[:12], html, item.get("url") or "", [b.strip() for b in body.split("\n") if b.strip()])
        )
    return cases


def run_arsip(case: Case, use_hints: bool = True) -> Result:
    from archive.extract import extract

    article = extract(case.html, case.url, hints=case.hints if use_hints else None)
    return Result(article.blocks, article.render() if article.ok else None)


def run_trafilatura(case: Case) -> Result:
    """Plain trafilatura: bare_extraction with metadata, comments excluded, lines as blocks."""
    import trafilatura

    from archive.extract.blocks import normalize

    doc = trafilatura.bare_extraction(
        case.html, url=case.url or None, include_comments=False, with_metadata=True
    )
    if doc is None:
        return Result([])
    blocks = [b for b in (normalize(line) for line in (doc.text or "").split("\n")) if b]
    category = doc.categories[0] if doc.categories else ""
    text = f"{doc.title}\n{category}\n\n{doc.title}\n\n" + "\n\n".join(blocks) + "\n"
    return Result(blocks, text)


SYSTEMS = {
    "arsip": run_arsip,
    "arsip-generic": lambda case: run_arsip(case, use_hints=False),
    "trafilatura": run_trafilatura,
}


def _plain_extract(case: Case):
    import trafilatura

    return trafilatura.extract(case.html, url=case.url or None, include_comments=False)


def speed(cases: list[Case], passes: int = 3) -> dict[str, float]:
    """Pages per second (one core) of each system on the same pages, best of a few warm passes."""
    runners = {
        "arsip (hints)": run_arsip,
        "arsip (no hints)": lambda case: run_arsip(case, use_hints=False),
        "trafilatura.extract": _plain_extract,
        "trafilatura.bare_extraction+metadata": run_trafilatura,
    }
    rates = {}
    for name, runner in runners.items():
        best = float("inf")
        for _ in range(passes + 1):  # the first pass only warms caches
            start = time.perf_counter()
            for case in cases:
                runner(case)
            best = min(best, time.perf_counter() - start)
        rates[name] = len(cases) / best if best else 0.0
    return rates


def evaluate(cases: list[Case], system: str, timed: bool = True) -> Score:
    """Run one system over the cases and score every page; then time a second, warm pass."""
    score, runner = Score(system), SYSTEMS[system]
    for case in cases:
        result = runner(case)
        exact = None if case.expected_text is None else result.text == case.expected_text
        counts = metrics.tp_fp_fn("\n".join(case.expected_blocks), "\n".join(result.blocks))
        score.pages.append(
            {
                "name": case.name,
                "exact": exact,
                "counts": counts,
                "f1": metrics.page_f1(counts),
                "leaks": metrics.leaks(case.expected_blocks, result.blocks),
            }
        )
    if timed:
        # The first pass warmed imports and selector caches; this one measures extraction alone.
        start = time.perf_counter()
        for case in cases:
            runner(case)
        score.seconds = time.perf_counter() - start
    return score


def report(title: str, scores: list[Score], per_page: bool, out=sys.stdout) -> None:
    print(f"\n== {title}", file=out)
    if per_page:
        print(f"{'page':<44}" + "".join(f"{s.system:>24}" for s in scores), file=out)
        for i, page in enumerate(scores[0].pages):
            cells = []
            for s in scores:
                p = s.pages[i]
                mark = "" if p["exact"] is None else ("=" if p["exact"] else "≠")
                cells.append(f"{mark} F1 {p['f1']:.3f} leaks {len(p['leaks'])}")
            print(f"{page['name'][:43]:<44}" + "".join(f"{c:>24}" for c in cells), file=out)
    for s in scores:
        t = s.totals()
        exact = f"exact {t['exact']}/{t['exact_of']}  " if t["exact_of"] else ""
        print(
            f"{s.system:<14} {exact}P {t['precision']:.3f}  R {t['recall']:.3f}  F1 {t['f1']:.3f}  "
            f"leaks {t['leaks']}  {t['pages_per_second']:.1f} pages/s ({t['pages']} pages)",
            file=out,
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of .html/.txt[/.toml] pages")
    parser.add_argument(
        "--benchmark", type=Path, default=BENCHMARK, help="article-extraction-benchmark folder"
    )
    parser.add_argument("--pages", action="store_true", help="print a line per page")
    parser.add_argument("--json", type=Path, help="write every figure to this JSON file")
    args = parser.parse_args(argv)
    results = {}
    if args.corpus.is_dir():
        cases = load_corpus(args.corpus)
        systems = (
            ["arsip", "arsip-generic", "trafilatura"]
            if any(c.hints for c in cases)
            else ["arsip", "trafilatura"]
        )
        results["corpus"] = [evaluate(cases, s) for s in systems]
        report(f"corpus {args.corpus} ({len(cases)} pages)", results["corpus"], args.pages)
        hinted = [c for c in cases if c.hints]
        if hinted:
            rates = speed(hinted)
            results["speed"] = rates
            print(f"\n== speed on the {len(hinted)} pages with hints (pages/s, one core, best of 3)")
            for name, rate in rates.items():
                print(f"{name:<38} {rate:8.1f}")
    else:
        print(f"no corpus at {args.corpus}: skipped")
    if (args.benchmark / "ground-truth.json").exists():
        cases = load_benchmark(args.benchmark)
        results["benchmark"] = [evaluate(cases, s) for s in ("arsip", "trafilatura")]
        report(
            f"article-extraction-benchmark ({len(cases)} pages, no hints)", results["benchmark"], args.pages
        )
    else:
        print(f"no benchmark at {args.benchmark}: skipped")
    if args.json:
        out = {
            k: v if isinstance(v, dict) else {s.system: {**s.totals(), "pages": s.pages} for s in v}
            for k, v in results.items()
        }
        args.json.write_text(json.dumps(out, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

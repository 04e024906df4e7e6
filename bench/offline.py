"""The stages that run from files, not from a site: extraction per core and export from WARCs.

Extraction uses the rendered article pages of the bench site (the same bytes the crawler
fetches) and the runners of :mod:`bench.extraction`; export runs :func:`archive.export.articles.run_export`
over the WARCs of one bench crawl, in one process and in one per core.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

SAMPLE = 200  # article pages per extraction pass: enough for a stable rate, a few seconds a pass


def article_cases(site_dir: Path, base_url: str, corpus_articles, limit: int = SAMPLE) -> list:
    """:class:`bench.extraction.Case` objects for the first ``limit`` rendered article pages."""
    from bench.extraction import Case
    from crawler.demosite.static import file_for

    cases = []
    for article in corpus_articles[:limit]:
        html = (site_dir / file_for(article.path)).read_bytes()
        cases.append(Case(article.slug, html, base_url.rstrip("/") + article.path, []))
    return cases


def extraction_runners() -> dict:
    """Name -> one-page runner: arsip with and without the channel9 seed's hints, plain trafilatura."""
    import trafilatura

    from bench.extraction import run_arsip
    from crawler.seed import load_seed

    hints = load_seed(Path(__file__).resolve().parents[1] / "seeds" / "channel9.toml").hints

    def with_hints(case):
        case.hints = hints
        return run_arsip(case)

    return {
        "arsip (no hints, as the bench crawl)": lambda case: run_arsip(case, use_hints=False),
        "arsip (channel9 hints)": with_hints,
        "trafilatura.extract": lambda case: trafilatura.extract(
            case.html, url=case.url, include_comments=False
        ),
    }


def extraction_rates(cases: list, repeat: int) -> dict[str, list[float]]:
    """Pages/s on one core of each runner, ``repeat`` timed passes after one warm-up pass."""
    rates: dict[str, list[float]] = {}
    for name, runner in extraction_runners().items():
        for case in cases[:20]:
            runner(case)
        rates[name] = []
        for _ in range(repeat):
            start = time.perf_counter()
            for case in cases:
                runner(case)
            rates[name].append(len(cases) / (time.perf_counter() - start))
    return rates


def export_rates(warcs: list[Path], work: Path, repeat: int) -> dict[str, list[float]]:
    """Export pages/s (HTML captures read, extracted and written) with 1 process and all cores."""
    from archive.export.articles import ExportOptions, run_export

    cores = os.cpu_count() or 1
    rates: dict[str, list[float]] = {}
    for jobs in sorted({1, cores}):
        label = f"export, {jobs} process{'es' if jobs > 1 else ''}"
        rates[label] = []
        for n in range(repeat):
            out = work / f"export-{jobs}-{n}"
            report = run_export(warcs, ExportOptions(out=out, jobs=jobs))
            rates[label].append(report.pages_per_second)
            shutil.rmtree(out, ignore_errors=True)
    return rates

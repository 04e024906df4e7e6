"""``make bench``: every arsip benchmark side by side in one run, written to ``bench/RESULTS.md``.

    python -m bench.run [--articles N] [--repeat R] [--scale]

``BENCH_ARTICLES`` (default 2000) and ``BENCH_REPEAT`` (default 3) set the defaults; ``--scale``
(or ``BENCH_ARTICLES=20000``) adds the 20,000-article crawl for the memory and throughput curves.
Nothing leaves loopback: the bundled site is rendered to a folder and served by nginx (or an
aiohttp file server); crawlers, replay servers and load generators are separate processes.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench import offline, overhead, replay_load, results
from bench import search as search_bench
from bench.crawl import arsip_crawl, measured, wget_crawl
from bench.memory import memory_table, verdict
from bench.plot import plot_throughput
from bench.staticsite import StaticSite
from tests.crawl_helpers import arsip_argv, write_seed

log = logging.getLogger("bench")
HERE = Path(__file__).resolve().parent
SCALE = 20000
# the bundled site's size for the capture-alone figures (bench.overhead's spider follows every link)
OVERHEAD_ARTICLES = 200
VARIANTS = {
    "arsip": {},
    "arsip --no-warc": {"warc": False},
    "arsip (no extraction)": {"extract": False},
    "arsip --no-warc (no extraction)": {"warc": False, "extract": False},
    "arsip --no-requisites": {"requisites": False},
}
WGET, WGET_P = "wget --warc-file", "wget --warc-file --page-requisites"
REQUISITES_MIN = 0.8  # pages/s with page requisites on, at least this share of pages/s with them off
MODES = ("mp_", "id_")  # rewritten page with banner, and the original bytes


def crawl_matrix(seed: Path, site: StaticSite, work: Path, repeat: int) -> tuple[dict, Path]:
    """Every crawler ``repeat`` times, round-robin so drifts hit all alike; keeps one arsip crawl."""
    runs: dict[str, list] = {name: [] for name in [*VARIANTS, WGET, WGET_P]}
    kept = work / "kept"
    for n in range(repeat):
        for name, options in VARIANTS.items():
            data = kept if name == "arsip" and n == 0 else work / "scratch"
            runs[name].append(arsip_crawl(seed, data, **options))
            log.info("crawl %d/%d %s: %.1f pages/s", n + 1, repeat, name, runs[name][-1].pages_per_second)
            if data != kept:
                shutil.rmtree(data, ignore_errors=True)
        for name, cdn in ((WGET, None), (WGET_P, site.cdn_url)):
            runs[name].append(wget_crawl(site.url, work / "wget", cdn))
            shutil.rmtree(work / "wget", ignore_errors=True)
    return runs, kept


def size_points(sizes: list[int], work: Path) -> tuple[dict, dict[int, float]]:
    """One crawl per tool per extra site size: ``{tool: [(size, pages/s)]}`` and peak RSS by size."""
    points: dict[str, list] = {"arsip": [], "arsip --no-warc": [], "wget --warc-file": []}
    memory = {}
    for size in sizes:
        folder = work / f"size-{size}"
        with StaticSite(folder, size) as site:
            seed = write_seed(folder, site.url, "bench")
            run = arsip_crawl(seed, folder / "data")
            points["arsip"].append((size, run.pages_per_second))
            memory[size] = run.maxrss_mb
            points["arsip --no-warc"].append(
                (size, arsip_crawl(seed, folder / "nowarc", warc=False).pages_per_second)
            )
            points["wget --warc-file"].append((size, wget_crawl(site.url, folder / "wget").pages_per_second))
        shutil.rmtree(folder, ignore_errors=True)
        log.info("size %d: arsip %.1f pages/s, peak %.0f MB", size, run.pages_per_second, run.maxrss_mb)
    return points, memory


def replay_rates(data: Path, work: Path, repeat: int) -> dict:
    """Requests/s and latency of article captures, arsip and pywb, each mode ``repeat`` times."""
    urls = [json.loads(line)["url"] for line in (data / "bench" / "articles.jsonl").read_text().splitlines()]
    urls = urls[:500]
    out: dict = {}
    servers = [
        ("arsip", lambda: replay_load.arsip_server(data)),
        ("arsip --workers 1", lambda: replay_load.arsip_server(data, workers=1)),
    ]
    if replay_load.have_pywb():
        warcs = sorted((data / "bench" / "warcs").glob("*.warc.gz"))
        servers.append(("pywb 2.x", lambda: replay_load.pywb_server(warcs, work, "bench")))
    for name, start in servers:
        server = start()
        try:
            for _ in range(repeat):
                for mode in MODES:
                    paths = [f"/bench/2099{mode}/{u}" for u in urls]
                    out.setdefault((name, mode), []).append(
                        replay_load.load(f"http://127.0.0.1:{server.port}", paths, work, seconds=5)
                    )
        finally:
            server.stop()
    return out


def profile_crawl(seed: Path, work: Path, articles: int) -> list[str]:
    """cProfile of an ``arsip crawl`` (the slowest stage): top functions by own and cumulative time."""
    prof, data = work / "crawl.prof", work / "profiled"
    measured(
        arsip_argv(
            "crawl",
            seed,
            "--data",
            data,
            "--progress",
            "off",
            "--max-articles",
            articles,
            python=(sys.executable, "-m", "cProfile", "-o", str(prof)),
        )
    )
    shutil.rmtree(data, ignore_errors=True)
    lines = []
    for order, pattern, count in (("tottime", "", 15), ("cumulative", "/(crawler|archive)/", 15)):
        buf = io.StringIO()
        stats = pstats.Stats(str(prof), stream=buf)
        if not pattern:  # full paths are needed to pick arsip's own functions out
            stats.strip_dirs()
        stats.sort_stats(order).print_stats(*([pattern] if pattern else []), count)
        body = buf.getvalue().split("ncalls", 1)[-1]
        lines += [
            f"Top {count} by {order}{' (arsip code)' if pattern else ''}:",
            "",
            "```",
            "   ncalls" + body.replace(str(Path.cwd()) + "/", "").rstrip(),
            "```",
            "",
        ]
    return lines


def targets(runs: dict, replay: dict, memory: dict[int, float]) -> list[str]:
    pps = {tool: results.median([r.pages_per_second for r in rows]) for tool, rows in runs.items()}
    rps = {key: results.median([r["rps"] for r in rows]) for key, rows in replay.items()}
    lines = ["| target | measured | verdict |", "|---|---|---|"]

    def row(name, figure, ok):
        lines.append(f"| {name} | {figure} | {'met' if ok else '**missed**'} |")

    ratio = pps["arsip"] / pps["wget --warc-file"]
    row(
        "crawl+archive >= wget pages/s",
        f"{pps['arsip']:.1f} vs {pps['wget --warc-file']:.1f} ({ratio:.2f}x)",
        ratio >= 1,
    )
    overhead = 1 - pps["arsip"] / pps["arsip --no-warc"]
    row("archiving overhead < 15%", f"{100 * overhead:.1f}% of --no-warc pages/s", overhead < 0.15)
    cost = 1 - pps["arsip"] / pps["arsip (no extraction)"]
    row("extraction on costs < 30% of crawl throughput", f"{100 * cost:.1f}%", cost < 0.30)
    share = pps["arsip"] / pps["arsip --no-requisites"]
    fetched = results.median([r.requisites for r in runs["arsip"]])
    row(
        f"requisites on >= {REQUISITES_MIN}x of off pages/s",
        f"{pps['arsip']:.1f} vs {pps['arsip --no-requisites']:.1f} ({share:.2f}x; {fetched:.0f} requisites "
        "per crawl)",
        share >= REQUISITES_MIN,
    )
    if ("pywb 2.x", "mp_") in rps:
        for mode in MODES:
            for server in ("arsip", "arsip --workers 1"):
                factor = rps[(server, mode)] / rps[("pywb 2.x", mode)]
                label = "" if server == "arsip" else ", one process"
                row(f"replay >= 3x pywb requests/s (`{mode}`{label})", f"{factor:.2f}x", factor >= 3)
    else:
        lines.append("| replay >= 3x pywb | pywb not installed (.venv-pywb) | not measured |")
    if 2000 in memory and SCALE in memory:
        figure = verdict(memory[2000], memory[SCALE])
        row("peak memory at 20,000 <= 1.5x at 2,000", figure, "met" in figure)
    else:
        lines.append(
            "| peak memory at 20,000 <= 1.5x at 2,000 | run `BENCH_ARTICLES=20000 make bench` or "
            "`python -m bench.run --scale` | not measured |"
        )
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=int(os.environ.get("BENCH_ARTICLES", 2000)))
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", 3)))
    parser.add_argument("--scale", action="store_true", help=f"also crawl {SCALE:,} articles (memory, curve)")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s bench: %(message)s")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="arsip-bench-") as tmp:
        sections, intro = run_all(args, Path(tmp))
    intro.append(f"- Whole run: {time.monotonic() - started:.0f} s")
    print(f"wrote {results.write(args.out, sections, intro)}")
    return 0


def run_all(args, work: Path) -> tuple[list, list[str]]:
    n, repeat = args.articles, args.repeat
    with StaticSite(work / "main", n) as site:
        seed = write_seed(work / "main", site.url, "bench")
        runs, kept = crawl_matrix(seed, site, work, repeat)
        cases = offline.article_cases(work / "main" / "site", site.url, _articles(n))
        profile = profile_crawl(seed, work, max(100, n // 4))
        server, files = site.server, site.files
    log.info("extraction and export")
    extraction = offline.extraction_rates(cases, repeat)
    export = offline.export_rates(sorted((kept / "bench" / "warcs").glob("*.warc.gz")), work, repeat)
    log.info("replay")
    replay = replay_rates(kept, work, repeat)
    log.info("search index (%d articles)", search_bench.ARTICLES)
    arsip_runs = runs["arsip"]
    searching = search_bench.table(
        search_bench.measure(),
        results.median([r.pages_per_second for r in arsip_runs]),
        pages_per_article=results.median([r.pages for r in arsip_runs]) / n,
    )
    log.info("capture alone (minimal spider)")
    capture = overhead.measure(work / "overhead", min(n, OVERHEAD_ARTICLES), repeat)
    scale = {2000, SCALE} if args.scale or n >= SCALE else set()
    sizes = sorted(({max(50, n // 8), n // 2} | scale) - {n})
    points, memory = size_points(sizes, work)
    for tool in points:
        points[tool].append((n, results.median([r.pages_per_second for r in runs[tool]])))
    memory[n] = results.median([r.maxrss_mb for r in runs["arsip"]])
    png = plot_throughput(
        points, HERE / "throughput.png", f"crawl throughput, bundled site on {server}, loopback"
    )
    intro = results.machine() + [
        f"- Site: the bundled demo site, {n:,} articles ({files:,} files) rendered to a folder, served by {server} "
        f"on 127.0.0.1 (its CDN host on 127.0.0.2); every figure is the median (min–max) of {repeat} runs "
        "unless marked single"
    ]
    found = sections(runs, capture, extraction, export, replay, memory, points, profile, png)
    return [*found, ("Search index (python -m bench.search)", searching)], intro


def _articles(n: int):
    from crawler.demosite import SiteConfig, build_corpus

    return build_corpus(SiteConfig(articles=n, seed=9)).articles


def sections(runs, capture, extraction, export, replay, memory, points, profile, png) -> list:
    curve = ["| articles | " + " | ".join(points) + " |", "|---" * (len(points) + 1) + "|"]
    for size in sorted({s for series in points.values() for s, _ in series}):
        curve.append(
            f"| {size:,} | "
            + " | ".join(f"{dict(series).get(size, 0):.1f}" for series in points.values())
            + " |"
        )
    curve += [
        "",
        "![throughput against site size](throughput.png)" if png else "(matplotlib missing: no plot)",
    ]
    return [
        ("Targets", targets(runs, replay, memory)),
        ("Crawl + archive throughput", results.crawl_table(runs) + ["", NOTES["crawl"]]),
        (
            "WARC capture alone (minimal spider, capture off and on alternated)",
            overhead.table(capture) + ["", NOTES["capture"]],
        ),
        (
            "Extraction, pages/s on one core",
            results.rate_table("extractor", extraction) + ["", NOTES["extract"]],
        ),
        ("Export from WARCs, pages/s", results.rate_table("export", export)),
        ("Replay of article captures (16 concurrent clients, 5 s each)", results.replay_table(replay)),
        ("Peak memory of a crawl", memory_table(memory)),
        ("Throughput against site size (sizes other than the main one: single runs)", curve),
        (
            "Profile of the slowest stage (arsip crawl, cProfile, reactor thread)",
            [NOTES["profile"], "", *profile],
        ),
    ]


NOTES = {
    "crawl": "Pages are the site's pages fetched (arsip: its report's `pages`; wget: HTML, XML and text "
    "response records in its WARC); requisites (stylesheets, the font, images: the rest, in the report's "
    "`requisites`, fetched plus deduplicated) are counted apart, pages/s and CPU ms/page are per page. wget is "
    "kept to the same page set (`--reject-regex` drops tag, author, wp-content and query URLs; with "
    "`--page-requisites --span-hosts --domains` of the two hosts it keeps wp-content and loads what its HTML "
    "and CSS parsers find, lazy images' `data-src` not). The site's CDN host (`cdn.<host>` "
    "live) is a second loopback address on the same port, 127.0.0.2, serving the wp-content files: "
    'requisites come from two hosts, as on a real site. "arsip --no-requisites" is `arsip crawl '
    "--no-requisites`: pages only. "
    '"no extraction" drops arsip\'s article pipeline (extraction, text file, catalog, conversion '
    "record): `arsip crawl` itself has no switch for that; the bench patches the settings.",
    "capture": "`python -m bench.overhead`: the spider of tests/warc_helpers.py, which fetches and follows "
    "same-host links and does nothing else, with the capture middleware on and off; the bundled site is "
    "served live by its aiohttp app. The raw test server's figure is mostly process start-up.",
    "extract": "The rendered article pages of the bench site; one timed pass per repetition after a warm-up.",
    "profile": "cProfile sees the reactor thread only; extraction runs in the thread pool and is measured "
    "on its own above.",
}


if __name__ == "__main__":
    sys.exit(main())

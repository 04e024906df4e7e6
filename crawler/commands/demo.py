"""``arsip demo``: serve the bundled Channel9-style site on loopback, crawl it, say where things are.

The embedded default (docs/ARCHITECTURE.md): no network, no configuration, the real pipeline end to end with
``seeds/channel9.toml``. Running it again crawls incrementally (nothing new: nothing refetched).
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from archive.errors import CrawlError
from crawler.commands.crawl import add_common, live_seed

SEED_NAME = "channel9.toml"


def configure(parser: argparse.ArgumentParser):
    add_common(parser)
    parser.add_argument(
        "--articles",
        metavar="N",
        type=int,
        default=None,
        help="articles on the demo site (default: the seed's, 60)",
    )


def find_seed() -> Path:
    """``seeds/channel9.toml`` next to the installed package (a checkout) or in the working dir."""
    import crawler

    for base in (Path(crawler.__file__).resolve().parent.parent, Path.cwd()):
        path = base / "seeds" / SEED_NAME
        if path.is_file():
            return path
    raise CrawlError(f"cannot find seeds/{SEED_NAME} (run arsip demo from the arsip checkout)")


def run(args) -> int:
    from crawler.runner import run_crawl
    from crawler.seed import load_seed
    from crawler.settings import CrawlOptions

    seed = load_seed(find_seed())
    if seed.bundled_site is None:  # a seeds/channel9.toml edited (or found in the working dir) without one
        raise CrawlError(f"{seed.path}: the demo seed has no [bundled_site] table")
    if args.articles is not None:
        if args.articles < 3:
            raise CrawlError("--articles: the demo site needs at least 3 articles")
        seed = replace(seed, bundled_site=replace(seed.bundled_site, articles=args.articles))
    with live_seed(seed) as live:
        bundled = live.bundled_site
        print(
            f"demo site: {bundled.origin} ({bundled.articles} articles, served on {bundled.served_at}), "
            f"crawling into {args.data}"
        )
        result = run_crawl(live, CrawlOptions(data_dir=args.data, progress=args.progress))
    print(summary(result.report, result.collection_dir))
    return result.exit_code


def summary(report: dict, collection: Path) -> str:
    """Pages, WARC files, text files, and where each of them is."""
    warcs = sorted((collection / "warcs").glob("*.warc.gz")) if (collection / "warcs").is_dir() else []
    texts = sorted((collection / "text").glob("*.txt")) if (collection / "text").is_dir() else []
    arts = report["articles"]
    lines = [
        f"demo {report['outcome']} in {report['duration']:.1f}s: {report['pages']} pages fetched, "
        f"{arts['new']} new and {arts['changed']} changed articles, {len(report['errors'])} errors",
        f"  WARC files  {len(warcs):>5}  {collection / 'warcs'}",
        f"  text files  {len(texts):>5}  {collection / 'text'}",
        f"  metadata           {collection / 'articles.jsonl'}",
        f"  report             {collection / 'crawls' / (report['crawl_id'] + '.json')}",
        f"next: arsip replay --data {collection.parent}   (browse the archive)",
    ]
    return "\n".join(lines)

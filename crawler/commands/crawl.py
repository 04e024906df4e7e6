"""``arsip crawl SEED_OR_URL``: crawl one site into WARC files, text files and a report.

Exit status: 0 finished, 1 failed, 3 interrupted (run the same command again to resume).
"""

from __future__ import annotations

import argparse
import contextlib
import math
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from archive.dates import parse_iso
from archive.errors import CrawlError
from crawler.commands import options_from
from crawler.tomlcheck import MAX_DELAY


def configure(parser: argparse.ArgumentParser):
    parser.add_argument("target", metavar="SEED_OR_URL", help="a seed file (seeds/x.toml) or a site URL")
    add_common(parser)
    parser.add_argument(
        "--crawl-id",
        metavar="ID",
        type=_crawl_id,
        help="name of this crawl: letters, digits, '.', '_', '-' (default: a timestamp)",
    )
    parser.add_argument("--full", action="store_true", help="refetch every article, even unchanged ones")
    parser.add_argument(
        "--since",
        metavar="DATE",
        type=parse_since,
        help="skip articles whose sitemap/feed date is before DATE (YYYY-MM-DD)",
    )
    parser.add_argument("--max-articles", metavar="N", type=_positive_int, help="fetch at most N articles")
    parser.add_argument(
        "--delay",
        metavar="S",
        type=_delay,
        help=f"seconds between requests to the site (0 to {MAX_DELAY:g})",
    )
    parser.add_argument(
        "--concurrency", metavar="N", type=_positive_int, help="parallel requests to the site"
    )
    parser.add_argument(
        "--allow-private-networks",
        action="store_true",
        help="permit loopback, private and link-local targets",
    )
    parser.add_argument("--no-warc", dest="warc", action="store_false", help="do not write WARC files")
    parser.add_argument(
        "--no-requisites",
        dest="requisites",
        action="store_false",
        help="fetch only the pages, not their stylesheets, images, fonts and scripts",
    )
    parser.add_argument(
        "--extract-processes",
        metavar="N",
        type=_non_negative_int,
        help="worker processes extracting article text (default: one per spare core, "
        "at least 1; 0: a thread of the crawl process)",
    )


def add_common(parser: argparse.ArgumentParser):
    parser.add_argument(
        "--data", metavar="DIR", type=Path, default=Path("data"), help="data directory (default: ./data)"
    )
    parser.add_argument(
        "--progress",
        choices=("auto", "tty", "log", "off"),
        default="auto",
        help="progress display (default: a line on a terminal, log lines otherwise)",
    )


def parse_since(text: str) -> datetime:
    """An argparse type: an ISO 8601 date or date-time, UTC unless it states a zone."""
    when = parse_iso(text)
    if when is None:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)")
    return when


def _crawl_id(text: str) -> str:
    """An argparse type: a valid crawl id (crawler/crawls.py)."""
    from crawler.crawls import check_crawl_id

    try:
        return check_crawl_id(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _at_least(kind, low, high=None):
    """An argparse type: ``kind(text)``, finite, refused below ``low`` or above ``high`` (bad text is
    argparse's "invalid"; ``inf``, ``nan`` and ``1e309`` are refused too)."""

    def parse(text: str):
        value = kind(text)
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
        if value < low:
            raise argparse.ArgumentTypeError(f"must be {low} or more, got {value}")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"must be {high} or less, got {value}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its "invalid ... value" message
    return parse


_positive_int, _non_negative_int = _at_least(int, 1), _at_least(int, 0)
_delay = _at_least(float, 0, MAX_DELAY)


def resolve_seed(target: str):
    """A seed file, or an ad-hoc seed for a bare site URL."""
    from crawler.seed import adhoc_seed, load_seed

    if urlsplit(target).scheme in ("http", "https"):
        return adhoc_seed(target)
    if not Path(target).exists():
        raise CrawlError(f"{target}: no such seed file (give a seed file or an http(s) URL)")
    return load_seed(target)


@contextlib.contextmanager
def live_seed(seed):
    """The seed itself, or for a ``[bundled_site]`` seed the bundled site running on loopback for
    as long as the crawl runs, with the seed rebased on the site's origin and ``served_at`` set to
    the loopback URL that the crawl reaches the origin through (any free port: the URLs archived
    are the origin's, the same from one run to the next)."""
    if seed.bundled_site is None:
        yield seed
        return
    from dataclasses import replace

    from crawler.demosite import Faults, SiteConfig, start_site

    bundled = seed.bundled_site
    config = SiteConfig(articles=bundled.articles, seed=bundled.seed, faults=Faults())
    site = start_site(config, port=bundled.port, origin=bundled.origin)
    try:
        live = seed.with_base_url(bundled.origin)
        yield replace(live, bundled_site=replace(bundled, served_at=site.url))
    finally:
        site.stop()


def run(args) -> int:
    from crawler.extensions.report import format_summary
    from crawler.orphans import reap_children
    from crawler.runner import run_crawl
    from crawler.settings import CrawlOptions

    opts = options_from(args, CrawlOptions, data_dir=args.data)
    try:
        with live_seed(resolve_seed(args.target)) as seed:
            result = run_crawl(seed, opts)
    finally:
        reap_children()  # the extraction workers and multiprocessing's resource tracker
    print(format_summary(result.report, result.collection_dir))
    if result.report["outcome"] == "interrupted":
        print("  interrupted: run the same command again to resume")
    return result.exit_code

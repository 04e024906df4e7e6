"""``arsip index``: rebuild the CDXJ index of one collection (or of every collection) from its WARCs,
and with ``--search`` the search index (``<data>/search.sqlite``) from their conversion records."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from archive.errors import WarcError
from crawler.commands import add_data_options


def configure(parser: argparse.ArgumentParser) -> None:
    add_data_options(parser, "collection name (default: every collection)")
    parser.add_argument(
        "--search",
        action="store_true",
        help="rebuild the search index (<data>/search.sqlite) from the WARCs' clean-text records instead",
    )


def run(args: argparse.Namespace) -> int:
    """Rewrite ``<coll>/indexes/index.cdxj`` from the closed WARC files with cdxj-indexer.

    ``.open`` files are left alone: a crawl may be writing them (the next crawl repairs them).
    """
    from archive.index.build import build_index

    if args.collection:
        collections = [args.data / args.collection]
    else:
        collections = sorted(p.parent for p in args.data.glob("*/warcs") if p.is_dir())
    if not collections or not (collections[0] / "warcs").is_dir():
        raise WarcError(f"no collection with WARC files under {args.data}")
    if args.search:
        return _rebuild_search(args.data, collections)
    status = 0
    for coll in collections:
        errors: list[str] = []
        lines = build_index(coll, errors)
        for error in errors:  # a record left out (a WARC-Date that is no date): reported, not fatal
            print(f"arsip index: warning: {error}", file=sys.stderr)
        status = max(status, 1 if errors else 0)
        print(f"{coll.name}: {lines} index lines in {coll / 'indexes' / 'index.cdxj'}")
    return status


def _rebuild_search(data: Path, collections: list[Path]) -> int:
    from archive.search.index import SearchIndex
    from archive.search.rebuild import rebuild_collection

    status = 0
    with SearchIndex.for_data(data) as index:
        for coll in collections:
            started = time.perf_counter()
            added, errors = rebuild_collection(index, coll)
            seconds = time.perf_counter() - started
            rate = added / seconds if seconds else 0.0
            print(f"{coll.name}: {added} texts indexed in {seconds:.1f} s ({rate:.0f}/s) into {index.path}")
            for error in errors:
                print(f"{coll.name}: damaged WARC data skipped: {error}")
                status = 1
        index.optimize()
    return status

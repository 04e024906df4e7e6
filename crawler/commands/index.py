"""``arsip index``: rebuild the CDXJ index of one collection (or of every collection) from its WARCs."""

from __future__ import annotations

import argparse
from pathlib import Path

from archive.errors import WarcError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=Path("data"), help="data directory (default ./data)")
    parser.add_argument("--collection", "-c", help="collection name (default: every collection)")


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
    for coll in collections:
        lines = build_index(coll)
        print(f"{coll.name}: {lines} index lines in {coll / 'indexes' / 'index.cdxj'}")
    return 0

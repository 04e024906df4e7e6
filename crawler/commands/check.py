"""``arsip check [PATH...]``: validate WARC files (digests, pairing, index, header/body consistency)."""

from __future__ import annotations

import argparse
from pathlib import Path

from archive.errors import WarcError
from crawler.commands import add_data_options


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="WARC files or directories holding them (default: the data directory)",
    )
    add_data_options(parser)
    parser.add_argument("--no-index", action="store_true", help="skip the 'every response indexed' rule")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only files with problems")


def run(args: argparse.Namespace) -> int:
    """Check every file, print one line per file and one per problem or warning; 1 if any problem
    (warnings do not fail)."""
    from archive.warc.check import check_file, collection_index, warc_files

    paths = args.paths or [args.data]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise WarcError(f"no such file or directory: {', '.join(missing)}")
    files = warc_files(paths)
    if not files:
        raise WarcError(f"no WARC files in {', '.join(map(str, paths))}")
    cache: dict = {}
    failed = 0
    for path in files:
        indexed = None if args.no_index else collection_index(path, cache)
        report = check_file(path, indexed)
        failed += not report.ok
        if report.ok and not args.quiet:
            note = "" if indexed is not None or args.no_index else ", no collection index to compare"
            print(f"OK    {path} ({report.records} records{note})")
        for offset, message in report.warnings:
            print(f"WARN  {path} @{offset}: {message}")
        for offset, message in report.problems:
            print(f"FAIL  {path} @{offset}: {message}")
    print(f"{len(files) - failed} of {len(files)} files passed")
    return 1 if failed else 0

"""``arsip diff URL``: how an article's clean text changed between two captures (a unified diff)."""

from __future__ import annotations

import argparse
import sys

from archive.errors import ArsipError
from archive.search.diff import unified
from archive.search.index import SearchIndex
from archive.urls import canonicalize
from crawler.commands import add_data_options


class DiffError(ArsipError):
    exit_code = 1


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", help="the article's URL (canonical or as captured)")
    add_data_options(parser, "collection (default: the one holding the URL)")
    parser.add_argument(
        "--from",
        dest="since",
        metavar="TS",
        help="old capture: timestamp or prefix (default: the one before --to)",
    )
    parser.add_argument(
        "--to", dest="until", metavar="TS", help="new capture: timestamp or prefix (default: the latest)"
    )
    parser.add_argument("--list", action="store_true", help="list the article's distinct texts instead")


def pick(versions: list[dict], ts: str | None, default: int) -> int:
    """The version captured at ``ts`` (or the latest one before the end of that prefix)."""
    if not ts:
        return default
    digits = "".join(ch for ch in ts if ch.isdigit())
    if not digits:
        raise DiffError(f"{ts!r}: a timestamp is digits, YYYYMMDDhhmmss or a prefix of it")
    end = digits.ljust(14, "9")
    found = [i for i, v in enumerate(versions) if v["ts"] <= end]
    if not found:
        raise DiffError(f"no capture of the article at or before {ts} (first: {versions[0]['ts']})")
    return found[-1]


def find_versions(index: SearchIndex, url: str, collection: str | None) -> tuple[str, list[dict]]:
    names = [collection] if collection else index.collections()
    for name in names:
        for candidate in dict.fromkeys((url, canonicalize(url))):
            versions = index.versions(name, candidate)
            if versions:
                return name, versions
    raise DiffError(f"{url}: no archived text of this URL in the search index ({index.path})")


def run(args: argparse.Namespace) -> int:
    with SearchIndex.for_data(args.data, create=False) as index:
        collection, versions = find_versions(index, args.url, args.collection)
    if args.list:
        for n, v in enumerate(versions):
            print(
                f"{v['ts']}  {v['sha1'][:12]}  {v['title']}{'  (latest)' if n == len(versions) - 1 else ''}"
            )
        return 0
    if len(versions) == 1:
        print(f"{args.url}: one text only, captured {versions[0]['ts']}: nothing to compare", file=sys.stderr)
        return 0
    new = pick(versions, args.until, len(versions) - 1)
    old = pick(versions, args.since, max(new - 1, 0))
    a, b = versions[old], versions[new]
    label = f"{collection}/{{}}/{a['url']}"
    sys.stdout.write(unified(a["text"], b["text"], label.format(a["ts"]), label.format(b["ts"])))
    return 0

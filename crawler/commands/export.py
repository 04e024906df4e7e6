"""``arsip export``: clean text, articles.jsonl, CSV or WACZ from a collection or any WARC files."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from archive.errors import ArsipError, StorageError
from crawler.commands import options_from

log = logging.getLogger(__name__)
FORMATS = ("text", "jsonl", "csv", "wacz")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "warcs", nargs="*", metavar="WARC", help="WARC files or folders (instead of a collection)"
    )
    parser.add_argument("--data", default="./data", help="data directory (default: ./data)")
    parser.add_argument(
        "--collection",
        "-c",
        help="export this collection of the data directory (default: every collection; several go "
        "into OUT/<collection>)",
    )
    parser.add_argument("--out", required=True, help="output folder (text files, articles.jsonl, ...)")
    parser.add_argument(
        "--format",
        default="text",
        choices=FORMATS,
        help="text (default) and jsonl: text files + articles.jsonl; csv or wacz: those too",
    )
    parser.add_argument("--since", help="published (else captured) on or after this ISO date")
    parser.add_argument("--until", help="published (else captured) on or before this ISO date")
    parser.add_argument("--category", help="only this category (as the site names it)")
    parser.add_argument("--url-prefix", help="only URLs starting with this")
    parser.add_argument("--seed", help="seed file whose extraction hints and article pattern apply")
    parser.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (default: 1)")


def _sources(args, collection: str | None) -> tuple[list[Path], Path | None]:
    """The WARC files to read, and the catalog whose ordinals name the files."""
    if collection:
        from archive.replay.collection import Collection

        coll = Collection(args.data, collection)
        paths = sorted((coll.dir / "warcs").glob("*.warc.gz")) + sorted((coll.dir / "warcs").glob("*.warc"))
        return paths, coll.dir / "catalog.sqlite"
    paths = []
    for name in args.warcs:
        path = Path(name)
        if path.is_dir():
            paths += sorted(p for p in path.rglob("*") if p.name.endswith((".warc", ".warc.gz")))
        elif path.is_file():
            paths.append(path)
        else:
            raise ArsipError(f"no such WARC file: {name}")
    unique = {path.resolve(): path for path in reversed(paths)}  # a file named twice is read once
    return [path for path in paths if unique.get(path.resolve()) is path], None


def _targets(args) -> list[tuple[str | None, Path]]:
    """(collection or None for the WARC files given, output folder) of each export to run.

    Without ``--collection`` or WARC files, every collection of the data directory: the only one
    into ``--out``, several each into ``--out/<collection>``.
    """
    out = Path(args.out)
    if args.warcs and args.collection:
        raise ArsipError("give a --collection or WARC files, not both")
    if args.collection:
        return [(args.collection, out)]
    if args.warcs:
        return [(None, out)]
    from archive.replay.collection import list_collections

    names = list_collections(Path(args.data))
    if not names:
        raise ArsipError(
            f"nothing to export: no collection in {args.data}; give --collection NAME or WARC files"
        )
    if len(names) == 1:
        print(f"arsip export: collection {names[0]} (the only one in {args.data}) -> {out}", flush=True)
        return [(names[0], out)]
    print(
        f"arsip export: {len(names)} collections in {args.data} ({', '.join(names)}), each into {out}/<collection>",
        flush=True,
    )
    return [(name, out / name) for name in names]


def _seed(args, collection: str | None):
    from crawler.seed import load_seed

    if args.seed:
        return load_seed(args.seed)
    default = Path("seeds") / f"{collection}.toml"
    return load_seed(default) if collection and default.is_file() else None


def _check_dates(args: argparse.Namespace) -> None:
    """``--since``/``--until`` must be ISO dates: a filter that is no date would silently match
    nothing (or everything)."""
    from archive.dates import parse_iso

    for option, value in (("--since", args.since), ("--until", args.until)):
        if value is not None and parse_iso(value) is None:
            raise ArsipError(f"{option} {value!r} is not an ISO date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)")


def run(args: argparse.Namespace) -> int:
    if args.jobs < 1:
        raise ArsipError("--jobs must be 1 or more")
    _check_dates(args)
    status = 0
    for collection, out in _targets(args):
        status = max(status, _export(args, collection, out))
    return status


def _export(args: argparse.Namespace, collection: str | None, out: Path) -> int:
    from archive.export.articles import ExportOptions, run_export

    paths, catalog = _sources(args, collection)
    seed = _seed(args, collection)
    opts = options_from(
        args,
        ExportOptions,
        out=out,
        fmt=args.format,
        hints=seed.hints if seed else None,
        article_pattern=seed.article_pattern if seed else None,
        catalog=catalog,
        progress=sys.stderr.isatty(),
        wacz_name=collection or "export",
    )
    try:
        report = run_export(paths, opts)
    except OSError as exc:  # a full disk, a file size limit, a folder made read-only meanwhile
        raise StorageError(f"{exc.filename or out}: {exc.strerror or exc}") from None
    for error in report.errors:
        print(f"arsip export: warning: {error}", file=sys.stderr)
    print(
        f"arsip export: {report.articles} articles from {report.captures} pages in {len(paths)} WARC file(s): "
        f"{report.new} new, {report.changed} changed, {report.unchanged} unchanged "
        f"({report.pages_per_second:.1f} pages/s) -> {opts.out}",
        flush=True,
    )
    for output in report.outputs:
        print(f"  {output}")
    return 1 if report.errors else 0

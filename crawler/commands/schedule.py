"""``arsip schedule`` (also ``python scheduler.py``): run every seed on its timetable until stopped."""

from __future__ import annotations

from pathlib import Path

from archive.errors import ArsipError


def configure(parser) -> None:
    parser.add_argument(
        "--data",
        default="data",
        metavar="DIR",
        help="data directory: collections and scheduler.sqlite (default: ./data)",
    )
    parser.add_argument(
        "--seeds", default="seeds", metavar="DIR", help="directory of seed files, *.toml (default: ./seeds)"
    )
    parser.add_argument(
        "--stop-timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="on SIGTERM, how long running crawls get to close their WARCs before "
        "they are killed (default: 60)",
    )


def run(args) -> int:
    from crawler.service.service import Service

    if not Path(args.seeds).is_dir():
        raise ArsipError(f"seeds directory not found: {args.seeds}")
    if args.stop_timeout <= 0:
        raise ArsipError("--stop-timeout must be greater than zero")
    return Service(args.data, args.seeds, stop_timeout=args.stop_timeout).run()

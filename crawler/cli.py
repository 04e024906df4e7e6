"""The ``arsip`` console command: one subcommand per module in :mod:`crawler.commands`."""

from __future__ import annotations

import argparse
import importlib
import logging
import signal
import sys

from archive.errors import ArsipError
from crawler.crawls import EXIT_CODES, INTERRUPTED

# name -> (module, one-line help). Each module has configure(parser) and run(args) -> int.
COMMANDS = {
    "demo": ("crawler.commands.demo", "serve the bundled site, crawl, archive and export it into ./data"),
    "crawl": ("crawler.commands.crawl", "crawl a seed file or a site URL into WARC files and text"),
    "site": ("crawler.commands.site", "serve the bundled Channel9-style demo site"),
    "check": ("crawler.commands.check", "validate WARC files (digests, pairing, index)"),
    "index": ("crawler.commands.index", "rebuild the CDXJ index of a collection"),
    "search": (
        "crawler.commands.search",
        "full-text search of the archived articles (latest or every capture)",
    ),
    "diff": ("crawler.commands.diff", "show how an article's text changed between two captures"),
    "export": ("crawler.commands.export", "export clean text, JSONL, CSV or WACZ from WARCs"),
    "replay": ("crawler.commands.replay", "browse archived captures over HTTP (wayback-style)"),
    "schedule": ("crawler.commands.schedule", "run every seed on its timetable (the service)"),
    "jobs": ("crawler.commands.jobs", "list scheduled seeds, next run and last outcome"),
    "history": ("crawler.commands.history", "show the crawl history"),
    "run-now": ("crawler.commands.jobs", "queue an immediate run of a seed through the service"),
    "pause": ("crawler.commands.jobs", "pause a seed's schedule"),
    "resume": ("crawler.commands.jobs", "resume a paused seed's schedule"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="arsip", description="Crawl, archive (WARC), replay and export news sites."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(module_name)  # a command that fails to import is an error
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(_module=module, _name=name)
        configure = getattr(module, f"configure_{name.replace('-', '_')}", None) or module.configure
        configure(command)
    return parser


# Commands whose exit status 3 means "interrupted: run the same command again to resume".
RESUMABLE = ("crawl", "demo")


class Terminated(Exception):
    """SIGTERM arrived before the command installed its own handling (Scrapy and replay do)."""


def _terminated(signum, frame):
    raise Terminated


def _stopped(command: str) -> int:
    print(f"arsip {command}: stopped by SIGTERM", file=sys.stderr)
    return EXIT_CODES[INTERRUPTED] if command in RESUMABLE else 128 + signal.SIGTERM


def main(argv: list[str] | None = None) -> int:
    # A crawl the scheduler stops while it is still importing Scrapy must still say "interrupted"
    # (exit 3), not die of the signal: the default action would leave no status to judge by.
    signal.signal(signal.SIGTERM, _terminated)
    try:
        args = build_parser().parse_args(argv)
    except Terminated:
        words = [word for word in (sys.argv[1:] if argv is None else argv) if not word.startswith("-")]
        return _stopped(words[0] if words else "")
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    module = args._module
    run = getattr(module, f"run_{args._name.replace('-', '_')}", None) or module.run
    try:
        return run(args) or 0
    except Terminated:
        return _stopped(args._name)
    except ArsipError as exc:
        print(f"arsip {args._name}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # a folder that cannot be made or written (/proc/x, a file, a full disk)
        logging.getLogger("arsip").debug("%s failed", args._name, exc_info=True)  # -v: the traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"arsip {args._name}: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"arsip {args._name}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

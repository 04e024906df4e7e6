"""``arsip history [--data DIR] [--seed S]``: the crawls the scheduler ran, newest first."""

from __future__ import annotations

import json
from dataclasses import asdict

COLUMNS = ("started", "seed", "crawl_id", "outcome", "exit_status", "duration", "pages", "bytes", "errors")


def configure(parser) -> None:
    parser.add_argument("--data", default="data", metavar="DIR", help="data directory (default: ./data)")
    parser.add_argument("--seed", metavar="S", help="only this seed")
    parser.add_argument("--limit", type=int, default=50, metavar="N", help="at most N runs (default: 50)")
    parser.add_argument("--json", action="store_true", help="one JSON object per run")


def run(args) -> int:
    from crawler.service.store import Store

    runs = Store(args.data, create=False).history(args.seed, args.limit)
    if args.json:
        for run in runs:
            print(json.dumps(asdict(run)))
        return 0
    if not runs:
        print("no crawls recorded" + (f" for seed {args.seed}" if args.seed else ""))
        return 0
    rows = [COLUMNS] + [tuple(_cell(getattr(run, name)) for name in COLUMNS) for run in runs]
    widths = [max(len(row[col]) for row in rows) for col in range(len(COLUMNS))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def _cell(value) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if isinstance(value, float) else str(value)

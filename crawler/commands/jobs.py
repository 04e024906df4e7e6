"""``arsip jobs``, ``run-now``, ``pause`` and ``resume``: the scheduled seeds and requests to the service."""

from __future__ import annotations

import json


def _data_option(parser) -> None:
    parser.add_argument("--data", default="data", metavar="DIR", help="data directory (default: ./data)")


def configure_jobs(parser) -> None:
    _data_option(parser)
    parser.add_argument("--json", action="store_true", help="one JSON object per seed")


def run_jobs(args) -> int:
    from crawler.service.control import read_jobs
    from crawler.service.lock import running_pid

    infos = read_jobs(args.data)
    if args.json:
        for info in infos:
            print(json.dumps(_as_dict(info)))
        return 0
    pid = running_pid(args.data)
    print(f"scheduler: running (pid {pid})" if pid else "scheduler: not running")
    rows = [("SEED", "SCHEDULE", "NEXT RUN", "LAST OUTCOME")]
    rows += [(i.seed, i.schedule, _next(i), _last(i)) for i in infos]
    widths = [max(len(row[col]) for row in rows) for col in range(3)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[3])
    return 0


def _as_dict(info) -> dict:
    last = info.last
    return {
        "seed": info.seed,
        "schedule": info.schedule,
        "paused": info.paused,
        "next_run": info.next_run.isoformat() if info.next_run else None,
        "last_outcome": last.outcome if last else None,
        "last_crawl_id": last.crawl_id if last else None,
        "last_started": last.started if last else None,
        "failures_in_a_row": info.failures,
        "failing": info.failing,
    }


def _next(info) -> str:
    return "paused" if info.paused else info.next_run.isoformat(timespec="seconds")


def _last(info) -> str:
    last = info.last
    if last is None:
        return "never run"
    text = f"{last.outcome or 'running'} ({last.crawl_id}, {last.pages or 0} pages)"
    if info.failing:
        text += f"  FAILING: {info.failures} failures in a row"
    return text


def _configure_request(parser) -> None:
    parser.add_argument("seed", metavar="SEED", help="the seed's name (its `name` key)")
    _data_option(parser)


def _request(args, action: str) -> int:
    from crawler.service.control import request

    print(f"{action} {args.seed}: {request(args.data, args.seed, action)}")
    return 0


configure_run_now = configure_pause = configure_resume = _configure_request


def run_run_now(args) -> int:
    return _request(args, "run-now")


def run_pause(args) -> int:
    return _request(args, "pause")


def run_resume(args) -> int:
    return _request(args, "resume")

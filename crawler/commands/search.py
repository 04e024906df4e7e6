"""``arsip search QUERY``: ranked full-text search over the archived articles' clean text."""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from urllib.parse import quote

from archive.search.index import MARK_END, MARK_START, Filters, Hit, Results, SearchIndex, date_bound
from crawler.commands import add_data_options, options_from

SYNTAX = 'words, "a phrase", prefix*, AND, OR, NOT (or -word), parentheses'


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="+", help=f"what to find: {SYNTAX}")
    add_data_options(parser, "search one collection (default: all)")
    parser.add_argument("--since", help="published (else captured) on or after YYYY[-MM[-DD]]")
    parser.add_argument("--until", help="published (else captured) on or before YYYY[-MM[-DD]]")
    parser.add_argument("--category", help="only this category (case-insensitive)")
    parser.add_argument("--author", help="only authors whose name contains this")
    parser.add_argument("--limit", type=int, default=10, help="results to show (default 10)")
    parser.add_argument("--page", type=int, default=1, help="page of results (default 1)")
    parser.add_argument("--sort", choices=("relevance", "newest"), default="relevance")
    parser.add_argument(
        "--all-captures", action="store_true", help="search every archived version, not only the latest"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument(
        "--replay", default="http://127.0.0.1:8080", help="replay server the links point to (arsip replay)"
    )


def run(args: argparse.Namespace) -> int:
    date_bound(args.since), date_bound(args.until, end=True)  # a malformed date is an error before anything
    filters = options_from(args, Filters)
    limit = max(args.limit, 1)
    query = " ".join(args.query)
    with SearchIndex.for_data(args.data, create=False) as index:
        results = index.search(
            query, filters, limit=limit, offset=(max(args.page, 1) - 1) * limit, sort=args.sort
        )
    if args.json:
        payload = {
            "query": query,
            "total": results.total,
            "page": max(args.page, 1),
            "results": [_json_hit(h, args) for h in results.hits],
            "facets": {k: [{"value": v, "count": n} for v, n in rows] for k, rows in results.facets.items()},
        }
        print(json.dumps(payload, ensure_ascii=False, indent=1))
        return 0
    _print(query, results, args, limit)
    return 0


def links(hit: Hit, args: argparse.Namespace) -> dict:
    base = args.replay.rstrip("/")
    url = quote(hit.url, safe=":/?&=%#~+,;@!$'()*")
    out = {
        "replay": f"{base}/{hit.collection}/{hit.ts}/{url}",
        "text": f"{base}/{hit.collection}/text/{hit.ts}/{url}",
    }
    if hit.file and hit.latest:
        out["file"] = str(args.data / hit.collection / "text" / hit.file)
    if hit.versions > 1:
        out["versions"] = f"{base}/{hit.collection}/*/{url}"
    return out


def _json_hit(hit: Hit, args: argparse.Namespace) -> dict:
    item = hit.to_dict()
    item["snippet"] = (
        html.escape(_flat(hit.snippet), quote=False)
        .replace(MARK_START, "<mark>")
        .replace(MARK_END, "</mark>")
    )
    item.update(links(hit, args))
    return item


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _print(query: str, results: Results, args: argparse.Namespace, limit: int) -> None:
    bold = sys.stdout.isatty()
    start = (max(args.page, 1) - 1) * limit
    scope = "every capture" if args.all_captures else "latest captures"
    if not results.hits:
        print(f"no results for {query} ({scope})")
        return
    print(f"{results.total} results for {query} ({scope}), {start + 1}-{start + len(results.hits)}:")
    for n, hit in enumerate(results.hits, start + 1):
        mark_on, mark_off = ("\x1b[1m", "\x1b[0m") if bold else ("*", "*")
        snippet = _flat(hit.snippet).replace(MARK_START, mark_on).replace(MARK_END, mark_off)
        date = (hit.published or hit.ts)[:10]
        captured = f"{hit.ts[:4]}-{hit.ts[4:6]}-{hit.ts[6:8]}"
        print(f"\n{n:>3}. {hit.title}")
        print(f"     {date} · {hit.category or '-'} · {hit.url} · captured {captured}")
        print(f"     {snippet}")
        for name, link in links(hit, args).items():
            print(f"     {name}: {link}")
    for facet in ("category", "month"):
        counts = ", ".join(f"{value or '(none)'} {n}" for value, n in results.facets.get(facet, [])[:12])
        print(f"\nby {facet}: {counts}")

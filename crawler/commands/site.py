"""``arsip site serve`` and ``arsip site render``: the bundled Channel9-style demo site (docs/ARCHITECTURE.md)."""

from __future__ import annotations

import argparse

from archive.errors import ArsipError
from crawler.commands import check_port


class SiteError(ArsipError):
    """The demo site cannot start with the options given."""


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="site_action", metavar="ACTION", required=True)
    serve = actions.add_parser("serve", help="serve the site on loopback until SIGINT/SIGTERM")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default %(default)s)")
    serve.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    serve.add_argument(
        "--faults",
        default="",
        metavar="SPEC",
        help="random faults, e.g. 503=0.1,500=0.02,slow=0.05:2.0,drop=0.02",
    )
    render = actions.add_parser("render", help="write every page to a folder for a static server")
    render.add_argument("--out", required=True, help="folder to write into")
    render.add_argument(
        "--base-url",
        default="http://127.0.0.1:8000/",
        help="absolute URL the pages link to (default %(default)s)",
    )
    for sub in (serve, render):
        sub.add_argument("--articles", type=int, default=60, help="number of articles (default %(default)s)")
        sub.add_argument("--seed", type=int, default=9, help="content seed (default %(default)s)")
        sub.add_argument("--added", type=int, default=0, help="publish this many newer articles")
        sub.add_argument("--changed", type=int, default=0, help="update this many existing articles")


def _config(args, faults=None):
    from crawler.demosite import Faults, SiteConfig

    try:
        return SiteConfig(
            articles=args.articles,
            seed=args.seed,
            added=args.added,
            changed=args.changed,
            faults=Faults.parse(faults) if faults else Faults(),
        )
    except ValueError as exc:
        raise SiteError(str(exc)) from None


def run(args) -> int:
    return _serve(args) if args.site_action == "serve" else _render(args)


def _serve(args) -> int:
    import signal
    import threading

    from crawler.demosite import start_site

    try:
        check_port(args.port)
    except ArsipError as exc:
        raise SiteError(str(exc)) from None
    config = _config(args, args.faults)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        site = start_site(config, port=args.port, host=args.host)
    except OSError as exc:
        raise SiteError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    print(f"serving {site.url}", flush=True)
    try:
        stop.wait()
    finally:
        site.stop()
    return 0


def _render(args) -> int:
    from crawler.demosite import build_corpus
    from crawler.demosite.static import render_site

    corpus = build_corpus(_config(args))
    count = render_site(corpus, args.out, args.base_url)
    print(f"wrote {count} files to {args.out} (links point at {args.base_url})", flush=True)
    return 0

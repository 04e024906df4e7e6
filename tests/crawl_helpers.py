"""Shared helpers of the tests (and of bench/): seed files, `arsip crawl` in a
subprocess, WARC read-back, the articles.jsonl fields."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

ROOT = Path(__file__).resolve().parent.parent
PATTERN = r"^/[a-z0-9-]+/$"  # seeds/channel9.toml's, in RE2 syntax (no lookarounds)
UNREACHABLE = "http://127.0.0.1:9/"  # the discard port: a crawl of it fails at once
# docs/FORMATS.md: the 13 fields of every articles.jsonl line, whether the crawl or export wrote it
SPEC_FIELDS = frozenset(
    "file url canonical_url title category published author "
    "tags language fetched_at warc_file warc_offset sha1".split()
)


def write_seed(
    folder: Path,
    url: str = UNREACHABLE,
    name: str = "site",
    *,
    pattern: bool = True,
    concurrency: int = 16,
    **schedule: str,
) -> Path:
    """``folder/NAME.toml``, a seed of the site at ``url`` with private addresses allowed: the one seed
    writer of the tests and the benchmarks.

    Crawled at full speed (no delay, no AutoThrottle) over ``concurrency`` connections; ``pattern`` adds
    the bundled site's article URL pattern (without it, page signals tell articles); ``schedule`` keys
    (``interval``, ``cron``, ``timezone``, ``time_limit``) make a ``[schedule]`` table.
    """
    lines = [f'name = "{name}"', f'start_urls = ["{url}"]', "allow_private_networks = true"]
    if pattern:
        lines += ["[articles]", f"url_pattern = '{PATTERN}'"]
    lines += ["[politeness]", "delay = 0.0", f"concurrency = {concurrency}", "autothrottle = false"]
    if schedule:
        lines += ["[schedule]", *(f'{key} = "{value}"' for key, value in schedule.items())]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def arsip(*args, timeout: float = 240) -> subprocess.CompletedProcess:
    """``arsip ARGS`` in a subprocess (the Twisted reactor cannot restart within one process)."""
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_arsip(*args, output=subprocess.PIPE) -> subprocess.Popen:
    """``arsip ARGS`` started in a subprocess, its stdout and stderr going to ``output``."""
    return subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", *map(str, args)],
        cwd=ROOT,
        stdout=output,
        stderr=output,
        text=True,
    )


def reports(collection: Path) -> list[dict]:
    """Every crawl report of a collection, oldest (least recently written) first."""
    paths = sorted((collection / "crawls").glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]


def texts(collection: Path) -> dict[str, str]:
    """``{file name: content}`` of the collection's text files."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((collection / "text").glob("*.txt"))}


def warc_records(collection: Path) -> list[tuple[str, str, int | None]]:
    """``(record type, target URI, HTTP status)`` of every record in the collection's WARCs."""
    out = []
    for path in sorted((collection / "warcs").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                status = (
                    rec.http_headers.get_statuscode()
                    if rec.http_headers and rec.rec_type in ("response", "revisit")
                    else None
                )
                out.append(
                    (
                        rec.rec_type,
                        rec.rec_headers.get_header("WARC-Target-URI"),
                        int(status) if status else None,
                    )
                )
    return out


def article_paths(site) -> set[str]:
    return {a.path for a in site.corpus.articles}


def requested_paths(log_slice) -> list[str]:
    return [path for method, path, status in log_slice if method == "GET"]

"""Shared helpers of the crawl tests: seed files, `arsip crawl` in a subprocess, WARC read-back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

ROOT = Path(__file__).resolve().parent.parent
PATTERN = r"^/(?!category/|tag/|author/|page/|feed/|wp-)[a-z0-9-]+/$"


def write_seed(
    tmp_path: Path, site_url: str, name: str = "site", pattern: bool = True, extra: str = ""
) -> Path:
    """A seed for a demo site already running at ``site_url``, crawled at full speed."""
    lines = [f'name = "{name}"', f'start_urls = ["{site_url}"]', "allow_private_networks = true"]
    if pattern:
        lines += ["[articles]", f"url_pattern = '{PATTERN}'"]
    lines += ["[politeness]", "delay = 0.0", "concurrency = 16", "autothrottle = false", extra]
    path = tmp_path / f"{name}.toml"
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


def start_arsip(*args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
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

"""Shared helpers of the tests (and of bench/): seed files, `arsip crawl` in a
subprocess, WARC read-back, the articles.jsonl fields."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
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


def arsip_argv(*args, python: Sequence[str] = (sys.executable,)) -> list[str]:
    """The command line of ``arsip ARGS`` run by ``python`` (the interpreter, with options of its own
    such as a profiler's: ``(sys.executable, "-m", "cProfile", "-o", FILE)``)."""
    return [*python, "-m", "crawler.cli", *map(str, args)]


def wget_argv(level: str, *args) -> list[str]:
    """``wget`` mirroring recursively to ``level`` (a number or ``inf``), below the start URL only,
    quietly, keeping no files, ignoring robots.txt; ``args`` after (options, then the URL)."""
    return [
        "wget",
        "--recursive",
        f"--level={level}",
        "--no-parent",
        "--no-verbose",
        "--delete-after",
        "-e",
        "robots=off",
        "--no-host-directories",
        *map(str, args),
    ]


def rows_of(out: Path) -> list[dict]:
    """The lines of ``out/articles.jsonl``."""
    return [json.loads(line) for line in (out / "articles.jsonl").read_text("utf-8").splitlines()]


def one_error_line(done: subprocess.CompletedProcess, command: str) -> str:
    """The one line ``arsip COMMAND`` wrote to stderr, an ``arsip COMMAND: error: ...`` (no traceback)."""
    assert "Traceback" not in done.stderr, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"arsip {command}: error: "), done.stderr
    return lines[0]


def arsip(*args, timeout: float = 240) -> subprocess.CompletedProcess:
    """``arsip ARGS`` in a subprocess (the Twisted reactor cannot restart within one process)."""
    return subprocess.run(arsip_argv(*args), cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def arsip_ok(*args, timeout: float = 600) -> None:
    """``arsip ARGS`` in a subprocess, which must succeed (else the ends of its output are shown)."""
    result = arsip(*args, timeout=timeout)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]


def crawl_channel9(work: Path, articles: int) -> Path:
    """``arsip crawl`` of the bundled channel9 seed cut to ``articles`` articles: its data directory
    (``work/data``; the seed is written to ``work/channel9.toml``)."""
    seed = (ROOT / "seeds" / "channel9.toml").read_text(encoding="utf-8")
    assert "\narticles = 60\n" in seed
    (work / "channel9.toml").write_text(
        seed.replace("\narticles = 60\n", f"\narticles = {articles}\n"), encoding="utf-8"
    )
    arsip_ok("crawl", work / "channel9.toml", "--data", work / "data", "--progress", "off")
    return work / "data"


def start_arsip(*args, output=subprocess.PIPE) -> subprocess.Popen:
    """``arsip ARGS`` started in a subprocess, its stdout and stderr going to ``output``."""
    return subprocess.Popen(arsip_argv(*args), cwd=ROOT, stdout=output, stderr=output, text=True)


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

"""Export clean text from WARC files: re-extract every HTML capture, keep the latest per article.

The flow: scan the WARCs (damage is reported, the good records carry on), extract batches of
captures in worker processes, keep one capture per canonical URL, filter, then write the docs/FORMATS.md
files. Names come from the collection's catalog when there is one, else from the output directory's
memory (``.arsip-ordinals.json``), so a re-export never renames or duplicates a file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from archive.atomic import write_atomic
from archive.catalog import ARTICLE_FIELDS, text_filename
from archive.errors import ArsipError
from archive.extract import extract
from archive.extract.identity import article_key, matches_pattern
from archive.urls import url_hash16, url_pattern
from archive.warc.reader import read_at, scan

log = logging.getLogger(__name__)
HTML_MIMES = ("text/html", "application/xhtml+xml")
ORDINALS = ".arsip-ordinals.json"
BATCH = 16
FIELDS = list(ARTICLE_FIELDS)


@dataclass
class ExportOptions:
    """What to export and how; filters compare ISO dates (the published date, else the capture date)."""

    out: Path
    fmt: str = "text"
    since: str | None = None
    until: str | None = None
    category: str | None = None
    url_prefix: str | None = None
    jobs: int = 1
    hints: object = None
    article_pattern: str | None = None
    catalog: Path | None = None
    progress: bool = False
    wacz_name: str = "archive"


@dataclass
class ExportReport:
    """What an export did; ``changed`` counts texts that differ from the previous export."""

    captures: int = 0
    articles: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    outputs: list[Path] = field(default_factory=list)

    @property
    def pages_per_second(self) -> float:
        return self.captures / self.seconds if self.seconds else 0.0


def extract_batch(batch: list[tuple], hints, article_pattern: str | None = None) -> list[dict]:
    """Worker: read each (path, offset, date) capture and extract it; failures are reported, not raised.

    Without a seed's ``article_pattern`` (already applied when planning), the page's own signals
    decide what is an article, so home pages and archives are not exported as articles.
    """
    results: list[dict] = []
    for path, offset, date in batch:
        try:
            ex = read_at(path, offset, verify=True)
        except ArsipError as exc:
            results.append({"error": str(exc)})
            continue
        article = extract(ex.body, ex.url, hints=hints, headers=dict(ex.headers))
        if not article.ok:
            results.append({"skip": article.reason, "url": ex.url})
            continue
        if not (article_pattern or article.is_article):
            results.append({"skip": f"not an article ({article.page_kind} page)", "url": ex.url})
            continue
        meta = article.to_dict()
        meta.update(
            url=ex.url,
            canonical_url=article_key(ex.url, article.canonical_url),
            fetched_at=date,
            warc_file=os.path.basename(path),
            warc_offset=offset,
            text=article.render(),
        )
        results.append(meta)
    return results


def plan(
    paths: list[Path], opts: ExportOptions, report: ExportReport, pages: dict[str, list] | None = None
) -> tuple[list[tuple], dict[str, str]]:
    """HTML 200 captures to extract, and the latest revisit date of each payload digest.

    ``pages``, if given, gets every HTML page captured (200, a response or a revisit; requisites
    never), whatever the filters: ``[latest capture date, WARC path, offset of its latest
    response]``. The WACZ's home page comes from it.
    """
    todo: list[tuple] = []
    revisits: dict[str, str] = {}
    pattern = url_pattern(opts.article_pattern) if opts.article_pattern else None  # RE2: linear
    for path in paths:
        for info in scan(path, report.errors):
            is_page = info.status == 200 and info.mime in HTML_MIMES
            if pages is not None and is_page and info.rec_type in ("response", "revisit"):
                seen = pages.setdefault(info.url, ["", "", 0, ""])
                seen[0] = max(seen[0], info.date)
                if info.rec_type == "response" and info.date >= seen[3]:
                    seen[1:] = [str(path), info.offset, info.date]
            if info.rec_type == "revisit":
                revisits[info.digest] = max(revisits.get(info.digest, ""), info.date)
            elif info.rec_type == "response" and is_page:
                if opts.url_prefix and not _strip(info.url).startswith(_strip(opts.url_prefix)):
                    continue
                if pattern and not matches_pattern(pattern, info.url):
                    continue
                todo.append((str(path), info.offset, info.date, info.digest))
    return todo, revisits


def _strip(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url)


def extract_all(todo: list[tuple], opts: ExportOptions, report: ExportReport) -> list[dict]:
    """Run extraction over batches, in ``opts.jobs`` processes; a progress line on a terminal."""
    batches = [[t[:3] for t in todo[i : i + BATCH]] for i in range(0, len(todo), BATCH)]
    order = {t[:2]: (n, t[3]) for n, t in enumerate(todo)}
    found, done = [], 0
    if opts.jobs > 1 and len(batches) > 1:
        import multiprocessing

        pool = ProcessPoolExecutor(opts.jobs, mp_context=multiprocessing.get_context("spawn"))
        results = pool.map(
            extract_batch, batches, [opts.hints] * len(batches), [opts.article_pattern] * len(batches)
        )
    else:
        pool, results = None, (extract_batch(b, opts.hints, opts.article_pattern) for b in batches)
    try:
        for batch, result in zip(batches, results, strict=True):
            for (path, offset, _), item in zip(batch, result, strict=True):
                if "error" in item:
                    report.errors.append(item["error"])
                elif "text" in item:
                    seq, digest = order[(path, offset)]
                    found.append({**item, "digest": digest, "seq": seq})
            done += len(batch)
            _progress(opts, done, len(todo))
    finally:
        if pool:
            pool.shutdown()
    report.captures = len(todo)
    return found


def _progress(opts: ExportOptions, done: int, total: int) -> None:
    if opts.progress:
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\rexport [{'#' * filled}{'.' * (width - filled)}] {done}/{total} pages")
        sys.stderr.write("\n" if done >= total else "")
        sys.stderr.flush()


def latest_per_article(found: list[dict], revisits: dict[str, str]) -> dict[str, dict]:
    """One capture per canonical URL: the latest; a later revisit of its payload counts as a fetch."""
    best: dict[str, dict] = {}
    first: dict[str, tuple] = {}
    for item in found:
        key = item["canonical_url"]
        first[key] = min(first.get(key, (item["fetched_at"], item["seq"])), (item["fetched_at"], item["seq"]))
        item["fetched_at"] = max(item["fetched_at"], revisits.get(item["digest"], ""))
        if key not in best or item["fetched_at"] > best[key]["fetched_at"]:
            best[key] = item
    for key, item in best.items():
        item["first_fetched"] = first[key]
    return best


def keep(item: dict, opts: ExportOptions) -> bool:
    """The user's filters: dates (published, else capture), category, URL prefix."""
    when = (item.get("published") or item["fetched_at"])[:19]
    if opts.since and when < opts.since:
        return False
    if opts.until and when[: len(opts.until)] > opts.until:
        return False
    if opts.category and (item.get("category") or "").casefold() != opts.category.casefold():
        return False
    urls = (_strip(item["url"]), _strip(item["canonical_url"]))
    return not opts.url_prefix or any(u.startswith(_strip(opts.url_prefix)) for u in urls)


class Ordinals:
    """canonical URL -> text file name, assigned once: from the catalog, else remembered in the output.

    Only the ordinal (the ``NNN``) of a name remembered in the output folder (``.arsip-ordinals.json``,
    the previous ``articles.jsonl``) is taken; the name is always ``text_filename(ordinal,
    url_hash16(canonical URL))``, so a tampered file can never make export write elsewhere.
    """

    def __init__(self, out: Path, catalog: Path | None):
        self.path = out / ORDINALS
        remembered = _read_ordinals(self.path)
        remembered.update(_previous_export(out))
        self.ordinals = {
            url: n for url, n in ((u, _ordinal_of(f)) for u, f in remembered.items()) if n is not None
        }
        self.catalog = _catalog_files(catalog) if catalog else {}
        self.files: dict[str, str] = {}

    def file_for(self, canonical_url: str) -> str:
        if canonical_url in self.files:
            return self.files[canonical_url]
        if canonical_url in self.ordinals:
            name = text_filename(self.ordinals[canonical_url], url_hash16(canonical_url))
        elif canonical_url in self.catalog:
            name = self.catalog[canonical_url]
        else:
            used = [
                *self.ordinals.values(),
                *(
                    n
                    for n in map(_ordinal_of, [*self.files.values(), *self.catalog.values()])
                    if n is not None
                ),
            ]
            name = text_filename(max(used, default=-1) + 1, url_hash16(canonical_url))
            self.ordinals[canonical_url] = _ordinal_of(name) or 0
        self.files[canonical_url] = name
        return name

    def save(self) -> None:
        remembered = {url: text_filename(n, url_hash16(url)) for url, n in self.ordinals.items()}
        remembered.update(self.files)
        write_atomic(self.path, json.dumps(remembered, indent=0, sort_keys=True).encode("utf-8"))


ORDINAL_NAME = re.compile(r"(\d{1,9})_[0-9a-f]{16}\.txt")


def _ordinal_of(name) -> int | None:
    """The ``NNN`` of a text file name ``NNN_<hash16>.txt``; None for anything else."""
    found = ORDINAL_NAME.fullmatch(name) if isinstance(name, str) else None
    return int(found.group(1)) if found else None


class OutputFolderError(ArsipError):
    """A file of the output folder that export reads back (its naming memory) is unreadable."""

    exit_code = 1


def _read_ordinals(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        remembered = json.loads(path.read_text("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise OutputFolderError(
            f"{path}: not JSON ({exc}); fix or remove it (it keeps text file names stable)"
        ) from None
    if not isinstance(remembered, dict):
        raise OutputFolderError(
            f"{path}: not a JSON object of canonical URL -> file name; fix or remove it "
            "(it keeps text file names stable)"
        )
    return {url: name for url, name in remembered.items() if isinstance(name, str)}


def _previous_export(out: Path) -> dict[str, str]:
    path = out / "articles.jsonl"
    if not path.is_file():
        return {}
    found: dict[str, str] = {}
    for number, line in enumerate(path.read_text("utf-8", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            row = None
        if not isinstance(row, dict):
            raise OutputFolderError(
                f"{path}, line {number}: not a JSON object; fix or remove the file (export reads "
                "the file names of its last run from it)"
            )
        if isinstance(row.get("canonical_url"), str) and isinstance(row.get("file"), str):
            found[row["canonical_url"]] = row["file"]
    return found


def _catalog_files(path: Path) -> dict[str, str]:
    """Ordinals the crawl assigned (``archive/catalog.py``), read straight from its SQLite file."""
    import sqlite3

    if not path.is_file():
        return {}
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT canonical_url, ordinal FROM articles").fetchall()
    return {url: text_filename(ordinal, url_hash16(url)) for url, ordinal in rows}


def write_texts(items: list[dict], opts: ExportOptions, report: ExportReport) -> list[dict]:
    """Write each text file unless unchanged; returns the ``articles.jsonl`` rows in file order."""
    ordinals = Ordinals(opts.out, opts.catalog)
    for item in sorted(items, key=lambda i: i["first_fetched"]):
        item["file"] = ordinals.file_for(item["canonical_url"])
    rows = []
    for item in sorted(items, key=lambda i: i["file"]):
        data = item["text"].encode("utf-8")
        path = opts.out / item["file"]
        old = path.read_bytes() if path.is_file() else None
        if old == data:
            report.unchanged += 1
        else:
            report.changed += old is not None
            report.new += old is None
            write_atomic(path, data)
        item["sha1"] = hashlib.sha1(data).hexdigest()
        rows.append({k: item.get(k) for k in FIELDS})
    ordinals.save()
    write_atomic(
        opts.out / "articles.jsonl",
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8"),
    )
    report.outputs.append(opts.out / "articles.jsonl")
    return rows


def write_csv(rows: list[dict], out: Path) -> Path:
    """``articles.csv``: the JSONL fields (tags joined by ``; ``) and the text itself."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS + ["text"])
    writer.writeheader()
    for row in rows:
        text = (out / row["file"]).read_text("utf-8")
        writer.writerow({**row, "tags": "; ".join(row.get("tags") or []), "text": text})
    write_atomic(out / "articles.csv", buf.getvalue().encode("utf-8"))
    return out / "articles.csv"


def make_output_folder(out: Path) -> None:
    """Create ``out`` (and its parents) unless it is a folder already; one clear error otherwise."""
    if out.is_dir():
        return
    if out.exists():
        raise OutputFolderError(f"--out {out}: exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputFolderError(f"--out {out}: cannot create the folder: {exc.strerror or exc}") from None


def run_export(paths: list[Path], opts: ExportOptions) -> ExportReport:
    """Export the articles in ``paths`` (WARC files) into ``opts.out``; see the module docstring."""
    start, report = time.monotonic(), ExportReport()
    if opts.fmt == "wacz":
        from archive.export.wacz import archive_names

        archive_names(paths)  # two WARC files of one name: refused before anything is written
    make_output_folder(opts.out)
    html_pages: dict[str, list] = {}
    todo, revisits = plan(paths, opts, report, html_pages)
    found = extract_all(todo, opts, report)
    best = latest_per_article(found, revisits)
    items = [item for item in best.values() if keep(item, opts)]
    rows = write_texts(items, opts, report)
    report.articles = len(rows)
    if opts.fmt == "csv":
        report.outputs.append(write_csv(rows, opts.out))
    elif opts.fmt == "wacz":
        articles = {item["url"] for item in found} | {item["canonical_url"] for item in found}
        report.outputs.append(write_wacz_export(paths, rows, html_pages, articles, opts))
    report.seconds = time.monotonic() - start
    return report


def write_wacz_export(
    paths: list[Path], rows: list[dict], html_pages: dict[str, list], articles: set[str], opts: ExportOptions
) -> Path:
    """``<out>/<name>.wacz``: every WARC; as pages, the site's home page and the exported articles
    with their clean text (from the files just written)."""
    from archive.export.wacz import Page, main_page, start_urls, write_wacz

    pages = [
        Page(r["url"], r["fetched_at"], r.get("title") or "", (opts.out / r["file"]).read_text("utf-8"))
        for r in rows
    ]
    home = main_page(html_pages, start_urls(paths), articles)
    main = None
    if home:
        article = next((p for p in pages if p.url == home), None)
        date, path, offset = html_pages[home][:3]
        main = Page(home, date, article.title if article else _page_title(path, offset), seed=True)
        main.text = article.text if article else None
    return write_wacz(paths, pages, opts.out / f"{opts.wacz_name}.wacz", main=main)


def _page_title(path: str, offset: int) -> str:
    """The ``<title>`` of the HTML response at ``path``/``offset`` ("" if none or unreadable)."""
    if not path:
        return ""
    try:
        import lxml.html

        body = read_at(path, offset).body
        title = lxml.html.document_fromstring(body).findtext(".//title") if body.strip() else None
    except (ArsipError, ValueError, lxml.etree.ParserError):
        return ""
    return " ".join((title or "").split())

"""Corrupted WARC input (truncated, bad gzip, wrong digests): ``arsip check`` and ``arsip export``
report the damage and carry on with the good records, on the WARC of a real crawl."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from reliability_helpers import crawl
from warcio.archiveiterator import ArchiveIterator

from crawler.demosite import SiteConfig, start_site
from tests.crawl_helpers import arsip, write_seed

pytestmark = pytest.mark.slow  # the damaged WARC is a real crawl's

ARTICLES = 12


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """``(WARC path, its members as (offset, length, type, path), article paths)`` of one crawl."""
    base = tmp_path_factory.mktemp("corrupt")
    with start_site(SiteConfig(articles=ARTICLES, seed=9)) as site:
        done = crawl(write_seed(base, site.url), base / "data")
        paths = {a.path for a in site.corpus.articles}
        origin = site.url.rstrip("/")
    assert done.code == 0, done.stderr[-2000:]
    (warc,) = sorted((base / "data" / "site" / "warcs").glob("*.warc.gz"))
    members = []
    with open(warc, "rb") as fh:
        records = ArchiveIterator(fh)
        for rec in records:
            uri = rec.rec_headers.get_header("WARC-Target-URI") or ""
            members.append(
                (
                    records.get_record_offset(),
                    records.get_record_length(),
                    rec.rec_type,
                    uri.removeprefix(origin),
                )
            )
    return warc, members, paths


def article_members(crawled) -> list[tuple[int, int, str, str]]:
    _, members, paths = crawled
    return [m for m in members if m[2] == "response" and m[3] in paths]


def damaged(crawled, tmp_path: Path, kind: str) -> tuple[Path, str]:
    """A copy of the crawl's WARC damaged one way; with the article path the damage hits."""
    warc = crawled[0]
    data = bytearray(warc.read_bytes())
    offset, length, _, path = article_members(crawled)[ARTICLES // 2]
    if kind == "truncated":
        data = data[: offset + length // 2]
    elif kind == "bad-gzip":
        data[offset + length // 2 : offset + length // 2 + 16] = b"\xff" * 16
    else:  # wrong digest: same length, one payload byte changed, member recompressed
        raw = bytearray(gzip.decompress(bytes(data[offset : offset + length])))
        at = raw.rindex(b"</html>") if b"</html>" in raw else len(raw) - 10
        raw[at + 2] ^= 0x20
        data[offset : offset + length] = gzip.compress(bytes(raw))
    out = tmp_path / kind / warc.name
    out.parent.mkdir(parents=True)
    out.write_bytes(bytes(data))
    return out, path


def exported(out: Path) -> set[str]:
    rows = (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    return {json.loads(row)["url"] for row in rows if row.strip()}


@pytest.mark.parametrize("kind", ["truncated", "bad-gzip", "wrong-digest"])
def test_check_reports_the_damage_and_passes_the_good_file(crawled, tmp_path, kind):
    bad, _ = damaged(crawled, tmp_path, kind)
    good = tmp_path / "good" / crawled[0].name
    good.parent.mkdir()
    shutil.copy(crawled[0], good)
    result = arsip("check", "--no-index", good, bad)
    assert result.returncode == 1
    assert f"OK    {good}" in result.stdout
    fails = [line for line in result.stdout.splitlines() if line.startswith(f"FAIL  {bad}")]
    assert fails, result.stdout
    if kind == "wrong-digest":
        assert any("digest" in line.lower() for line in fails)
    assert "1 of 2 files passed" in result.stdout


@pytest.mark.parametrize("kind", ["truncated", "bad-gzip", "wrong-digest"])
def test_export_reports_the_damage_and_keeps_the_good_articles(crawled, tmp_path, kind):
    bad, hit = damaged(crawled, tmp_path, kind)
    out = tmp_path / "out"
    result = arsip("export", bad, "--out", out)
    assert "Traceback" not in result.stderr
    assert "warning" in result.stderr.lower(), result.stderr
    assert result.returncode == 1
    urls = {url.split("/", 3)[-1] for url in exported(out)}
    before = {m[3] for m in article_members(crawled)[: ARTICLES // 2]}
    assert {p.strip("/") for p in before} <= {u.strip("/") for u in urls}  # everything before the damage
    if kind != "truncated":  # and everything after it
        assert len(urls) >= ARTICLES - 1

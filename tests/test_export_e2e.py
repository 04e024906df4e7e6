"""End to end on the bundled site: two real crawls (gzip bodies, revisits) and a WARC written by wget,
each exported to text and WACZ and replayed through the replay server."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from crawl_helpers import arsip, rows_of, wget_argv, write_seed
from test_replay_archive import fetch, index_collection, serve

from archive.index.query import CdxjIndex
from archive.replay.server import make_app
from crawler.cli import main
from crawler.demosite import SiteConfig, start_site

pytestmark = pytest.mark.slow  # real crawls of the bundled site: two by arsip, one by wget

SEED = str(Path(__file__).resolve().parent.parent / "seeds" / "channel9.toml")
ARTICLE_PATH = re.compile(r"^/(?!category/|tag/|author/|page/|feed/|wp-)[a-z0-9-]+/$")


@pytest.fixture(scope="module")
def site():
    running = start_site(SiteConfig(articles=10, seed=9), port=0)
    yield running
    running.stop()


def _article_urls(coll_dir):
    from urllib.parse import urlsplit

    caps = CdxjIndex(coll_dir / "indexes").all()
    return sorted(
        {
            c.url
            for c in caps
            if c.status == "200" and c.mime == "text/html" and ARTICLE_PATH.match(urlsplit(c.url).path)
        }
    )


def test_crawled_collection_replays_and_exports(site, tmp_path):
    data = tmp_path / "data"
    seed = write_seed(tmp_path, site.url, name="channel9")
    for extra in ([], ["--full"]):  # the second, full crawl refetches every article: revisits
        proc = arsip("crawl", seed, "--data", data, "--progress", "off", *extra)
        assert proc.returncode == 0, proc.stderr[-3000:]
    coll = data / "channel9"
    revisits = [
        ln for ln in (coll / "indexes" / "index.cdxj").read_text().splitlines() if '"warc/revisit"' in ln
    ]
    assert revisits, "the second crawl should have written revisit records"
    urls = _article_urls(coll)
    assert len(urls) >= 5
    site_url = site.url
    with serve(make_app(tmp_path / "data")) as base:
        for url in urls:
            status, headers, body = fetch(f"{base}/channel9/2099/{url}")
            assert status == 200 and "Memento-Datetime" in headers, url
            assert 'href="/channel9/' in body.decode() and f'href="{site_url}' not in body.decode()
    out = tmp_path / "out"
    assert (
        main(
            [
                "export",
                "--data",
                str(tmp_path / "data"),
                "--collection",
                "channel9",
                "--out",
                str(out),
                "--format",
                "wacz",
                "--seed",
                SEED,
                "--jobs",
                "2",
            ]
        )
        == 0
    )
    rows = rows_of(out)
    assert {r["url"] for r in rows} >= set(urls) - {site.url + "/"}
    for row in rows:
        text = (out / row["file"]).read_text("utf-8")
        assert text.splitlines()[0] == row["title"] and "Tinggalkan Balasan" not in text
    assert (out / "channel9.wacz").stat().st_size > 0


@pytest.mark.skipif(not shutil.which("wget"), reason="wget not installed (make browser-deps)")
def test_wget_warc_exports_and_replays(site, tmp_path):
    coll = tmp_path / "data" / "wget"
    (coll / "warcs").mkdir(parents=True)
    (coll / "indexes").mkdir()
    subprocess.run(
        wget_argv(
            "1",
            "--directory-prefix",
            tmp_path / "mirror",
            f"--warc-file={coll / 'warcs' / 'site'}",
            site.url + "/",
        ),
        capture_output=True,
        timeout=300,
        check=False,
    )
    warc = coll / "warcs" / "site.warc.gz"
    assert warc.stat().st_size > 0
    out = tmp_path / "out"
    assert main(["export", str(warc), "--out", str(out), "--seed", SEED]) == 0
    rows = rows_of(out)
    assert len(rows) >= 5
    assert all(re.match(r"^\d{3}_[0-9a-f]{16}\.txt$", r["file"]) for r in rows)
    index_collection(coll)
    with serve(make_app(tmp_path / "data")) as base:
        for row in rows[:5]:
            status, _, body = fetch(f"{base}/wget/2099/{row['url']}")
            assert status == 200 and row["title"].split(" ")[0].encode() in body

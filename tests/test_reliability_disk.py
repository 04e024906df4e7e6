"""Disk full during a crawl: a tiny tmpfs (when this machine lets root mount one) or a file size
limit (RLIMIT_FSIZE) on the crawl process. The crawl must stop with a clear error and leave only
valid, closed WARC files."""

from __future__ import annotations

import subprocess

import pytest
from reliability_helpers import crawl, problems

from tests.crawl_helpers import arsip, write_seed

pytestmark = pytest.mark.slow  # real crawls until the disk is full

LIMIT = 300_000  # bytes: the bundled site's 60 articles need about 700 KB of WARC


@pytest.fixture(params=["rlimit", "tmpfs"])
def full_disk(request, tmp_path):
    """``(data dir, file size limit or None)`` where writing fails part-way through the crawl."""
    if request.param == "rlimit":
        yield tmp_path / "data", LIMIT
        return
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={LIMIT}", "tmpfs", str(mount)], capture_output=True
    )
    if made.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode(errors='replace').strip()}")
    try:
        yield mount / "data", None
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture
def site(site_factory):
    return site_factory(articles=60, seed=9)


def test_disk_full_leaves_only_valid_closed_warcs(site, full_disk, tmp_path):
    data, fsize = full_disk
    crawl(write_seed(tmp_path, site.url), data, fsize=fsize)
    coll = data / "site"
    closed = sorted((coll / "warcs").glob("*.warc.gz"))
    assert closed and not list((coll / "warcs").glob("*.open"))
    assert problems(coll) == {}
    checked = arsip("check", "--no-index", coll / "warcs")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_disk_full_stops_the_crawl_with_a_clear_error(site, full_disk, tmp_path):
    data, fsize = full_disk
    done = crawl(write_seed(tmp_path, site.url), data, fsize=fsize)
    output = done.stdout + done.stderr
    assert done.code != 0
    assert "Traceback" not in output
    # the cause in words: the OS's error, or for SQLite (which says only "disk I/O error") the limit
    assert any(
        cause in output
        for cause in ("No space left on device", "File too large", "database or disk is full", "ulimit -f")
    ), output[-2000:]
    # stopped at the first failed write instead of fetching (and failing) every remaining page
    assert len(site.requests_log) < len(site.corpus.articles)

"""`arsip demo`: serves the bundled site, crawls it with seeds/channel9.toml, says where things are;
a second run is incremental."""

from __future__ import annotations

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.crawl_helpers import arsip, reports

pytestmark = pytest.mark.slow  # `arsip demo` crawls the bundled site, twice


def test_demo_crawls_the_bundled_site_and_prints_where_things_are(tmp_path):
    data = tmp_path / "data"
    proc = arsip("demo", "--data", data, "--articles", "12", "--progress", "off")
    assert proc.returncode == 0, proc.stderr[-2000:]
    coll = data / "channel9"
    warcs = list((coll / "warcs").glob("*.warc.gz"))
    assert len(list((coll / "text").glob("*.txt"))) == 12 and warcs
    assert not list((coll / "warcs").glob("*.open"))
    for path in warcs:  # every record reads back
        with open(path, "rb") as fh:
            assert sum(1 for _ in ArchiveIterator(fh)) > 12
    assert "text files     12" in proc.stdout and str(coll / "warcs") in proc.stdout
    assert str(coll / "text") in proc.stdout and "demo finished" in proc.stdout
    assert len((coll / "articles.jsonl").read_text(encoding="utf-8").splitlines()) == 12

    again = arsip("demo", "--data", data, "--articles", "12", "--progress", "off")
    assert again.returncode == 0, again.stderr[-2000:]
    latest = reports(coll)[-1]
    if site_url(again.stdout) == site_url(proc.stdout):  # else the stable port was taken meanwhile
        assert latest["articles"]["new"] == 0 and latest["articles"]["skipped"] == 12, latest


def site_url(stdout: str) -> str:
    return next(line.split()[2] for line in stdout.splitlines() if line.startswith("demo site: "))

"""``arsip check`` on uncompressed ``.warc`` files (issue 14, item 16): a valid one passes, the same
rules apply as to ``.warc.gz`` files, and damage is reported with its offset, the check carrying on."""

from __future__ import annotations

from pathlib import Path

from test_check import HTML, exchange, pair, write_warc

from archive.warc.check import check_file
from archive.warc.records import RecordFactory
from tests.crawl_helpers import arsip


def write_plain(path: Path, records, warcinfo: bool = True) -> list[bytes]:
    """Write records uncompressed and return each record's bytes (for surgery)."""
    return write_warc(path, records, warcinfo, gzip=False)


def test_a_valid_uncompressed_warc_passes(tmp_path):
    factory = RecordFactory()
    path = tmp_path / "plain.warc"
    write_plain(path, [r for n in range(3) for r in pair(factory, exchange(n))])
    report = check_file(path)
    assert report.ok, report.problems
    assert report.records == 7
    done = arsip("check", "--no-index", path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "bad gzip" not in done.stdout and "1 of 1 files passed" in done.stdout


def test_uncompressed_warcs_get_the_same_rules(tmp_path):
    factory = RecordFactory()
    path = tmp_path / "rules.warc"
    response, _ = pair(
        factory, exchange(1, [(b"Content-Type", b"text/html"), (b"Content-Encoding", b"gzip")])
    )
    write_plain(path, [response], warcinfo=False)
    messages = [message for _, message in check_file(path).problems]
    assert any("first record is not warcinfo" in m for m in messages)
    assert any("does not decode as gzip" in m for m in messages)
    assert any("without a request record" in m for m in messages)


def test_damage_in_an_uncompressed_warc_is_reported_and_the_check_carries_on(tmp_path):
    factory = RecordFactory()
    path = tmp_path / "damaged.warc"
    parts = write_plain(path, [r for n in range(3) for r in pair(factory, exchange(n))])
    damaged = bytearray(b"".join(parts))
    start = len(parts[0]) + len(parts[1]) + len(parts[2])  # the second response
    damaged[start : start + 8] = b"GARBAGE!"
    path.write_bytes(bytes(damaged))
    report = check_file(path)
    assert not report.ok
    assert any(offset == start for offset, _ in report.problems), report.problems
    assert report.records >= 5  # the records after the damage are checked too
    assert len(HTML) > 1000

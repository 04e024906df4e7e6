"""``arsip check``: each broken-file kind is reported, the check carries on, the exit code says so."""

from __future__ import annotations

import gzip
from io import BytesIO
from pathlib import Path

import pytest
from warcio.warcwriter import WARCWriter

from archive.warc.check import check_file
from archive.warc.records import Exchange, RecordFactory
from archive.warc.session import ArchiveSession
from crawler.cli import main

HTML = b"<html><body>" + b"berita " * 300 + b"</body></html>"


def pair(factory: RecordFactory, ex: Exchange):
    response = factory.response(ex)
    return response, factory.request(ex, response.rec_headers.get_header("WARC-Record-ID"))


def write_warc(path: Path, records, warcinfo: bool = True, gzip: bool = True) -> list[bytes]:
    """Write records (one gzip member each, or uncompressed) and return each record's bytes, for surgery."""
    factory, members = RecordFactory(), []
    for record in ([factory.warcinfo(path.name, {"software": "t"})] if warcinfo else []) + list(records):
        out = BytesIO()
        WARCWriter(out, gzip=gzip, warc_version="1.1").write_record(record)
        members.append(out.getvalue())
    path.write_bytes(b"".join(members))
    return members


def exchange(n: int, headers=None, body: bytes = HTML) -> Exchange:
    return Exchange(
        url=f"http://example.com/{n}",
        status=200,
        body=body,
        response_headers=headers or [(b"Content-Type", b"text/html")],
    )


@pytest.fixture
def good(tmp_path) -> Path:
    factory = RecordFactory()
    path = tmp_path / "good.warc.gz"
    write_warc(path, [r for n in range(3) for r in pair(factory, exchange(n))])
    return path


def test_good_file_passes(good):
    report = check_file(good)
    assert report.ok and report.records == 7


def test_truncated_file_is_reported(good, tmp_path):
    data = good.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[:-40])
    problems = check_file(cut).problems
    assert any("truncated gzip" in message for _, message in problems)


def test_bad_gzip_in_the_middle_and_the_check_carries_on(tmp_path):
    factory = RecordFactory()
    path = tmp_path / "bad.warc.gz"
    members = write_warc(path, [r for n in range(3) for r in pair(factory, exchange(n))])
    start = sum(map(len, members[:2]))
    data = bytearray(path.read_bytes())
    data[start + 30 : start + 60] = b"\x00" * 30  # inside the second response's deflate stream
    path.write_bytes(bytes(data))
    report = check_file(path)
    assert any(offset == start for offset, _ in report.problems)
    assert report.records >= 5  # the records after the damage were still read


def test_wrong_digest_is_reported(tmp_path):
    factory = RecordFactory()
    response, request = pair(factory, exchange(1))
    response.rec_headers.replace_header("WARC-Payload-Digest", "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    path = tmp_path / "digest.warc.gz"
    write_warc(path, [response, request])
    assert any("digest" in message for _, message in check_file(path).problems)


@pytest.mark.parametrize(
    "headers, body, expected",
    [
        ([(b"Content-Encoding", b"gzip")], HTML, "does not decode as gzip"),
        (
            [(b"Content-Type", b"text/html")],
            gzip.compress(HTML),
            "gzip but the headers have no Content-Encoding",
        ),
        ([(b"Content-Encoding", b"gzip")], gzip.compress(HTML)[:-30], "truncated gzip"),
        ([(b"Content-Encoding", b"zstd")], HTML, "cannot decode"),
        ([(b"Transfer-Encoding", b"chunked")], HTML, "not chunked"),
    ],
)
def test_header_body_mismatch(tmp_path, headers, body, expected):
    factory = RecordFactory()
    response, request = pair(factory, exchange(1, headers=headers, body=body))
    # records.py would rename a Transfer-Encoding header; put it back the way a naive plugin writes it
    response.http_headers.headers = [
        (k.replace("X-Archive-Orig-", ""), v) for k, v in response.http_headers.headers
    ]
    path = tmp_path / "mismatch.warc.gz"
    write_warc(path, [response, request])
    messages = [message for _, message in check_file(path).problems]
    assert any(expected in message for message in messages), messages


def test_stale_content_length(tmp_path):
    factory = RecordFactory()
    response, request = pair(factory, exchange(1))
    response.http_headers.headers.append(("Content-Length", "12"))
    path = tmp_path / "length.warc.gz"
    write_warc(path, [response, request])
    assert any("Content-Length 12" in m for _, m in check_file(path).problems)


def test_missing_warcinfo_and_unpaired_response(tmp_path):
    factory = RecordFactory()
    path = tmp_path / "pairs.warc.gz"
    write_warc(path, [pair(factory, exchange(1))[0]], warcinfo=False)
    messages = " | ".join(m for _, m in check_file(path).problems)
    assert "first record is not warcinfo" in messages and "without a request" in messages


def test_cli_exit_codes_and_index_rule(tmp_path, capsys):
    coll = tmp_path / "data" / "c"
    session = ArchiveSession(coll, "p", {"seed": "c"})
    session.open()
    session.capture(exchange(1))
    session.close()
    assert main(["check", str(tmp_path / "data")]) == 0
    (coll / "indexes" / "index.cdxj").write_text("")
    assert main(["check", str(coll)]) == 1
    assert "not in the collection's CDXJ index" in capsys.readouterr().out
    assert main(["index", "--data", str(tmp_path / "data")]) == 0
    assert main(["check", "--data", str(tmp_path / "data")]) == 0
    assert main(["check", str(tmp_path / "nowhere")]) == 2

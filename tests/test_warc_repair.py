"""A writer killed with SIGKILL mid-write: the next run repairs the ``.open`` file, nothing whole is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.warc.check import check_file, collection_index
from archive.warc.records import Exchange
from archive.warc.repair import repair_open_file
from archive.warc.session import ArchiveSession
from archive.warc.writer import OPEN_SUFFIX, RotatingWarcWriter

ROOT = Path(__file__).resolve().parents[1]
CHILD = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, sys.argv[2])
    from archive.warc.records import Exchange
    from archive.warc.session import ArchiveSession
    session = ArchiveSession(sys.argv[1], "kill", {"seed": "kill"})
    session.open()
    n = 0
    while True:  # runs until killed
        body = os.urandom(400_000)  # incompressible, so each record takes a while to write
        capture = session.capture(Exchange(url=f"http://example.com/{n}", status=200, body=body,
                                           response_headers=[(b"Content-Type", b"application/x-test")]))
        print(capture["record_id"], flush=True)
        n += 1
""")


def ids_in(warcs: list[Path], kind: str) -> list[str]:
    ids = []
    for warc in warcs:
        with open(warc, "rb") as fh:
            ids += [
                r.rec_headers.get_header("WARC-Record-ID") for r in ArchiveIterator(fh) if r.rec_type == kind
            ]
    return ids


def test_sigkill_mid_write_then_run_again(tmp_path):
    coll = tmp_path / "coll"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(coll), str(ROOT)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    reported = [child.stdout.readline().strip() for _ in range(5)]
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    reported += [line.strip() for line in child.stdout if line.strip()]  # written before the kill
    assert list((coll / "warcs").glob("*" + OPEN_SUFFIX)), "the killed writer left its .open file"

    session = ArchiveSession(coll, "kill", {"seed": "kill"})  # the next run
    session.open()
    assert session.stats["repaired_files"] == 1
    after = session.capture(Exchange(url="http://example.com/after", status=200, body=b"after"))
    session.close()

    warcs = sorted((coll / "warcs").glob("*.warc.gz"))
    assert len(warcs) == 2 and not list((coll / "warcs").glob("*" + OPEN_SUFFIX))
    responses = ids_in(warcs, "response")
    assert len(responses) == len(set(responses))  # nothing duplicated
    assert set(reported) <= set(responses)  # nothing that was written whole is lost
    assert len(responses) <= len(reported) + 2 and after["record_id"] in responses
    for warc in warcs:
        report = check_file(warc, collection_index(warc, {}))
        assert report.ok, report.problems


def test_torn_tail_at_every_kind_of_cut(tmp_path):
    writer = RotatingWarcWriter(tmp_path, "t", {})
    for n in range(3):
        ex = Exchange(url=f"http://example.com/{n}", status=200, body=b"x" * 5000 + bytes([n]))
        response = writer.factory.response(ex)
        writer.write(response, writer.factory.request(ex, response.rec_headers.get_header("WARC-Record-ID")))
    name = writer.current_name
    writer._fh.flush()
    data = (tmp_path / (name + OPEN_SUFFIX)).read_bytes()
    writer._fh.close()  # simulate the kill: the file stays .open
    with open(tmp_path / (name + OPEN_SUFFIX), "rb") as fh:
        it = ArchiveIterator(fh)
        ends = [(it.get_record_offset(), r.rec_type) for r in it]
    # cut inside the last request record, right after the last response, and inside that response
    for cut, kept in ((len(data) - 10, 5), (ends[-1][0], 5), (ends[-2][0] + 20, 5), (10, 0)):
        open_path = tmp_path / f"cut{cut}.warc.gz{OPEN_SUFFIX}"
        open_path.write_bytes(data[:cut])
        result = repair_open_file(open_path)
        assert result.records == kept and not open_path.exists()
        if kept:
            assert check_file(result.path).ok

"""Interop with the real tools: warcio check, cdxj-indexer and pywb (wb-manager + wayback) replay.

pywb lives in its own venv (``.venv-pywb``, built by ``make test``); outside ``make test`` the pywb
tests are skipped, with the reason, when it is absent.
"""

from __future__ import annotations

import gzip
import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warc_helpers import RawSite, crawl, page

from archive.index.build import read_index
from archive.warc.records import Exchange
from archive.warc.session import ArchiveSession

ROOT = Path(__file__).resolve().parents[1]
PYWB_BIN = ROOT / ".venv-pywb" / "bin"
HAVE_PYWB = (PYWB_BIN / "wayback").exists()
# make test builds .venv-pywb and sets ARSIP_REQUIRE_PYWB, so there a missing pywb fails instead
needs_pywb = pytest.mark.skipif(
    not HAVE_PYWB and not os.environ.get("ARSIP_REQUIRE_PYWB"),
    reason="pywb is not installed in .venv-pywb (make test builds it)",
)


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    """A crawl of the raw site plus a revisit pair with distinct dates."""
    site = RawSite()
    base = tmp_path_factory.mktemp("interop")
    crawl(base / "crawl", [site.url + "/"], convert=True)
    session = ArchiveSession(base / "revisit", "rv", {"seed": "rv"})
    session.open()
    body = gzip.compress(page("revisited"), mtime=0)
    headers = [(b"Content-Type", b"text/html; charset=utf-8"), (b"Content-Encoding", b"gzip")]
    url = site.url + "/revisited"
    for month in (1, 6):
        session.capture(
            Exchange(
                url=url,
                status=200,
                body=body,
                response_headers=headers,
                date=datetime(2024, month, 1, tzinfo=UTC),
            )
        )
    session.close()
    yield base, site
    site.stop()


def test_every_warc_passes_warcio_check(archived):
    warcs = sorted(archived[0].glob("*/warcs/*.warc.gz"))
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from warcio.cli import main; sys.exit(main())",
            "check",
            "-v",
            *map(str, warcs),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "digest pass" in result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_pywb() -> None:
    """Skip without pywb, or fail where ARSIP_REQUIRE_PYWB asks for it (for module fixtures)."""
    if not HAVE_PYWB:
        if os.environ.get("ARSIP_REQUIRE_PYWB"):
            pytest.fail("pywb is missing but ARSIP_REQUIRE_PYWB is set")
        pytest.skip("pywb is not installed in .venv-pywb (make test builds it)")


def accepts_connections(port: int) -> None:
    socket.create_connection(("127.0.0.1", port), timeout=1).close()


@contextmanager
def pywb_serving(
    root: Path, collections: dict[str, list], ready: Callable[[int], object] = accepts_connections
) -> Iterator[int]:
    """pywb replaying each collection's WARC files (``wb-manager`` in ``root``, then ``wayback``): its
    port, once ``ready(port)`` raises no ``OSError`` (at the most 60 s)."""
    manager = str(PYWB_BIN / "wb-manager")
    for collection, warcs in collections.items():
        subprocess.run([manager, "init", collection], cwd=root, check=True, capture_output=True)
        subprocess.run(
            [manager, "add", collection, *map(str, warcs)], cwd=root, check=True, capture_output=True
        )
    port = free_port()
    proc = subprocess.Popen(
        [str(PYWB_BIN / "wayback"), "-p", str(port), "-b", "127.0.0.1", "-t", "2"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                ready(port)
                break
            except OSError:
                time.sleep(0.1)  # polling for the server's port, not waiting for a result
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def wayback(archived, tmp_path_factory):
    root = tmp_path_factory.mktemp("pywb")
    with pywb_serving(root, {"arsip": sorted(archived[0].glob("*/warcs/*.warc.gz"))}) as port:
        yield port
    shutil.rmtree(root, ignore_errors=True)


def fetch(port: int, path: str) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    headers = {k.lower(): v for k, v in response.getheaders()}
    conn.close()
    if headers.get("content-encoding") == "gzip":
        body = zlib.decompress(body, zlib.MAX_WBITS | 16)
    return response.status, headers, body


def timestamp_of(coll: Path, url: str) -> str:
    return next(e["timestamp"] for e in read_index(coll) if e["url"] == url)


@needs_pywb
@pytest.mark.parametrize("path", ["/gzip", "/chunked", "/cookies"])
def test_archived_page_replays_byte_for_byte(archived, wayback, path):
    base, site = archived
    url = site.url + path
    status, _, body = fetch(wayback, f"/arsip/{timestamp_of(base / 'crawl', url)}id_/{url}")
    assert status == 200
    assert body == page(path.strip("/"))


@needs_pywb
def test_revisit_replays_as_its_original_payload(archived, wayback):
    base, site = archived
    url = site.url + "/revisited"
    status, headers, body = fetch(wayback, f"/arsip/20240601000000id_/{url}")
    assert status == 200 and body == page("revisited")
    assert "01 Jun 2024" in headers.get("memento-datetime", "")  # served from the revisit


@needs_pywb
def test_redirect_replays_as_a_redirect(archived, wayback):
    base, site = archived
    url = site.url + "/redirect"
    status, headers, _ = fetch(wayback, f"/arsip/{timestamp_of(base / 'crawl', url)}id_/{url}")
    assert status in (301, 302)
    assert headers["location"].endswith("/gzip")

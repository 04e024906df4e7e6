"""WACZ export: the package's shape, ``wacz validate``, and a pywb import that replays every article.

``wacz validate`` (py-wacz) and pywb live in their own venvs (``.venv-wacz``, ``.venv-pywb``), made
by the Makefile, because their pins clash with ours; each check is skipped where its venv is absent.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import struct
import subprocess
import zipfile
from pathlib import Path

import pytest
from test_replay_archive import BASE, build_archive

from crawler.cli import main

ROOT = Path(__file__).resolve().parent.parent
WACZ_BIN, PYWB_BIN = ROOT / ".venv-wacz" / "bin", ROOT / ".venv-pywb" / "bin"
# Runs inside the pywb venv: replays each URL through pywb's own WSGI app, no network involved.
PYWB_REPLAY = """
import json, sys, io
from pywb.apps.frontendapp import FrontEndApp
app = FrontEndApp()
out = {}
for ts, url in json.loads(sys.argv[1]):
    env = {"REQUEST_METHOD": "GET", "PATH_INFO": f"/coll/{ts}id_/{url}", "QUERY_STRING": "", "SERVER_NAME": "localhost",
           "SERVER_PORT": "80", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
           "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "localhost"}
    status = []
    body = b"".join(app(env, lambda s, h, e=None: status.append(s)))
    out[url] = [status[0], body.decode("utf-8", "replace")]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def wacz(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wacz")
    build_archive(tmp / "data", "demo")
    assert (
        main(
            [
                "export",
                "--data",
                str(tmp / "data"),
                "--collection",
                "demo",
                "--out",
                str(tmp / "out"),
                "--format",
                "wacz",
            ]
        )
        == 0
    )
    return tmp / "out" / "demo.wacz"


def test_members_are_stored_and_hashed(wacz):
    with zipfile.ZipFile(wacz) as zf:
        infos = {i.filename: i for i in zf.infolist()}
        assert all(i.compress_type == zipfile.ZIP_STORED for i in infos.values())
        assert {
            "archive/news.warc.gz",
            "indexes/index.cdx.gz",
            "pages/pages.jsonl",
            "datapackage.json",
            "datapackage-digest.json",
        } <= set(infos)
        package = json.loads(zf.read("datapackage.json"))
        assert package["wacz_version"] == "1.1.1"
        for res in package["resources"]:
            assert res["hash"] == "sha256:" + hashlib.sha256(zf.read(res["path"])).hexdigest()
        digest = json.loads(zf.read("datapackage-digest.json"))
        assert digest["hash"] == "sha256:" + hashlib.sha256(zf.read("datapackage.json")).hexdigest()
        lines = gzip.decompress(zf.read("indexes/index.cdx.gz")).decode().splitlines()
        assert lines == sorted(lines) and all(
            json.loads(ln.split(" ", 2)[2])["filename"] == "news.warc.gz" for ln in lines
        )
        pages = [json.loads(ln) for ln in zf.read("pages/pages.jsonl").decode().splitlines()]
        assert pages[0]["format"] == "json-pages-1.0"
        assert [p["url"] for p in pages[1:]] == [BASE + "/", BASE + "/artikel-satu/", BASE + "/artikel-dua/"]


def test_home_page_is_the_main_page_and_articles_carry_their_text(wacz):
    """``mainPageUrl`` is the site's home page, never an article; ``pages.jsonl`` lists pages only
    (the requisites are in the index, not in the pages), articles with their clean text, as py-wacz
    and Browsertrix write it (``hasText`` in the header makes it ReplayWeb.page's text index)."""
    with zipfile.ZipFile(wacz) as zf:
        package = json.loads(zf.read("datapackage.json"))
        pages = [json.loads(ln) for ln in zf.read("pages/pages.jsonl").decode().splitlines()]
        index = gzip.decompress(zf.read("indexes/index.cdx.gz")).decode()
    assert package["mainPageUrl"] == BASE + "/"
    assert package["mainPageDate"] == "2024-03-01T10:00:00Z"
    assert pages[0]["hasText"] is True
    home, articles = pages[1], {p["url"]: p for p in pages[2:]}
    assert home == {**home, "url": BASE + "/", "title": "Beranda", "seed": True} and "text" not in home
    texts = {r["url"]: (wacz.parent / r["file"]).read_text("utf-8") for r in _rows(wacz.parent)}
    assert set(articles) == set(texts)
    for url, page in articles.items():
        assert page["text"] == texts[url] and page["title"] in page["text"]
    assert articles[BASE + "/artikel-dua/"]["ts"] == "2024-03-08T10:00:00Z"
    assert not any(p["url"].endswith((".css", ".png", ".js")) for p in pages[1:])
    assert "test,news)/style.css " in index and "test,news)/logo.png " in index


def _rows(out: Path) -> list[dict]:
    return [json.loads(ln) for ln in (out / "articles.jsonl").read_text("utf-8").splitlines()]


def local_header_problems(path: Path) -> list[str]:
    """Compare each member's local file header (parsed from the raw bytes) with its central entry.

    A reader that takes the data offset from the central directory (ReplayWeb.page: header offset
    + 30 + name + the *central* extra length when that is empty) must land on the member's data.
    """
    problems = []
    raw = path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            at = info.header_offset
            sig, _, flags, method, _, _, crc, csize, usize, nlen, xlen = struct.unpack(
                "<4sHHHHHLLLHH", raw[at : at + 30]
            )
            name = raw[at + 30 : at + 30 + nlen].decode()
            local_extra = raw[at + 30 + nlen : at + 30 + nlen + xlen]
            local_zip64 = _extra_ids(local_extra).get(1)
            central_zip64 = info.file_size > zipfile.ZIP64_LIMIT or info.compress_size > zipfile.ZIP64_LIMIT
            where = f"{name}: "
            if sig != b"PK\x03\x04" or name != info.filename or method != zipfile.ZIP_STORED:
                problems.append(where + "bad local header")
            if flags & 0x08:
                problems.append(where + "sizes in a data descriptor")
            if crc != info.CRC:
                problems.append(where + "CRC differs")
            if bool(local_zip64) != central_zip64:
                problems.append(
                    where + f"ZIP64 in local header: {bool(local_zip64)}, central: {central_zip64}"
                )
            if local_zip64:
                usize, csize = struct.unpack("<QQ", local_zip64[:16])
            if (csize, usize) != (info.compress_size, info.file_size):
                problems.append(
                    where + f"local sizes {(csize, usize)} != central {(info.compress_size, info.file_size)}"
                )
            if not info.extra and xlen:
                problems.append(where + f"{xlen}-byte local extra field, none in the central directory")
            start = at + 30 + nlen + (xlen if info.extra else 0)
            if raw[start : start + info.file_size] != zf.read(info):
                problems.append(where + "data is not where the central directory puts it")
    return problems


def _extra_ids(extra: bytes) -> dict[int, bytes]:
    fields, pos = {}, 0
    while pos + 4 <= len(extra):
        hid, size = struct.unpack("<HH", extra[pos : pos + 4])
        fields[hid] = extra[pos + 4 : pos + 4 + size]
        pos += 4 + size
    return fields


def test_local_headers_agree_with_the_central_directory(wacz):
    """No ZIP64 (nor any extra field) for small members: ReplayWeb.page found nothing before."""
    assert local_header_problems(wacz) == []
    with zipfile.ZipFile(wacz) as zf:
        assert all(not i.extra for i in zf.infolist())
        assert all(i.file_size <= zipfile.ZIP64_LIMIT for i in zf.infolist())


def test_large_members_get_zip64_in_both_headers(tmp_path, monkeypatch):
    """A member past the ZIP64 limit (lowered here to 4 KB, so as not to write gigabytes) gets its
    ZIP64 sizes in the local header and in the central directory; the smaller ones get none."""
    from archive.export.wacz import Page, write_wacz

    coll = build_archive(tmp_path / "data", "demo")
    warc = coll / "warcs" / "news.warc.gz"
    limit = 4096
    assert warc.stat().st_size > limit
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", limit)
    out = write_wacz([warc], [Page(BASE + "/", "2024-03-01T10:00:00Z", "Beranda")], tmp_path / "x.wacz")
    assert local_header_problems(out) == []
    with zipfile.ZipFile(out) as zf:
        big = zf.getinfo("archive/news.warc.gz")
        assert 1 in _extra_ids(big.extra) and big.file_size > limit
        assert not zf.getinfo("pages/pages.jsonl").file_size > limit
        assert zf.read(big) == warc.read_bytes()


def test_reexport_is_byte_identical(wacz, tmp_path):
    before = wacz.read_bytes()
    data = wacz.parent.parent / "data"
    main(
        ["export", "--data", str(data), "--collection", "demo", "--out", str(wacz.parent), "--format", "wacz"]
    )
    assert wacz.read_bytes() == before


def _needs(tool: Path, env: str) -> None:
    """Skip when a tool venv is absent, unless ``make test`` said it must be there (then fail)."""
    if not tool.exists():
        if os.environ.get(env):
            pytest.fail(f"{tool} is missing but {env} is set")
        pytest.skip(f"{tool} absent (see the Makefile)")


def test_wacz_validate_accepts_it(wacz):
    _needs(WACZ_BIN / "wacz", "ARSIP_REQUIRE_WACZ")
    result = subprocess.run(
        [str(WACZ_BIN / "wacz"), "validate", "-f", str(wacz)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in result.stdout + result.stderr


def test_pywb_imports_it_and_replays_every_article(wacz, tmp_path):
    _needs(PYWB_BIN / "wb-manager", "ARSIP_REQUIRE_PYWB")
    run = dict(cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert subprocess.run([str(PYWB_BIN / "wb-manager"), "init", "coll"], **run).returncode == 0
    added = subprocess.run([str(PYWB_BIN / "wb-manager"), "add", "--unpack-wacz", "coll", str(wacz)], **run)
    assert added.returncode == 0, added.stderr
    with zipfile.ZipFile(wacz) as zf:
        pages = [json.loads(ln) for ln in zf.read("pages/pages.jsonl").decode().splitlines()[1:]]
    wanted = [["".join(ch for ch in p["ts"] if ch.isdigit())[:14], p["url"]] for p in pages]
    result = subprocess.run([str(PYWB_BIN / "python"), "-c", PYWB_REPLAY, json.dumps(wanted)], **run)
    assert result.returncode == 0, result.stderr
    replayed = json.loads(result.stdout.strip().splitlines()[-1])
    for page in pages:
        status, body = replayed[page["url"]]
        assert status.startswith("200"), (page["url"], status)
        assert page["title"] in body

"""WACZ export: the package's shape, ``wacz validate``, and a pywb import that replays every article.

``wacz validate`` (py-wacz) and pywb live in their own venvs (``.venv-wacz``, ``.venv-pywb``), made
by the Makefile, because their pins clash with ours; each check is skipped where its venv is absent.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
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
        assert {p["url"] for p in pages[1:]} == {BASE + "/artikel-satu/", BASE + "/artikel-dua/"}


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

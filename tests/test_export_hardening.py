"""Export against a tampered output folder and careless arguments (issue 14: items 9, 10, 13, 16).

File names come from ordinals (the catalog's, else those remembered in the output folder), never
from a name an existing ``articles.jsonl`` or ``.arsip-ordinals.json`` holds; two WARC files of one
name are refused for a WACZ; a bad date, an output folder that cannot be one and unreadable memory
files are one error line, never a traceback.
"""

from __future__ import annotations

import json
import shutil
import zipfile

import pytest
from test_replay_archive import BASE, build_archive

from crawler.cli import main
from tests.crawl_helpers import arsip, one_error_line, rows_of


@pytest.fixture
def data(tmp_path):
    build_archive(tmp_path / "data", "demo")
    return tmp_path / "data"


def files_under(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("memory", ["articles.jsonl", ".arsip-ordinals.json"])
def test_file_names_in_the_output_folder_are_never_trusted(data, tmp_path, memory):
    out = tmp_path / "box" / "out"
    warc = data / "demo" / "warcs" / "news.warc.gz"
    assert main(["export", str(warc), "--out", str(out)]) == 0
    names = {r["canonical_url"]: r["file"] for r in rows_of(out)}
    before = files_under(tmp_path / "box")
    evil = ["../evil.txt", str(tmp_path / "abs-evil.txt"), "sub/../../evil2.txt"]
    if memory == "articles.jsonl":
        rows = rows_of(out)
        for row, name in zip(rows, evil, strict=False):
            row["file"] = name
        (out / memory).write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    else:
        (out / memory).write_text(json.dumps(dict(zip(names, evil, strict=False))), "utf-8")
    for name in names.values():
        (out / name).unlink()  # rewritten by the re-export, under the same names
    assert main(["export", str(warc), "--out", str(out)]) == 0
    assert not (tmp_path / "box" / "evil.txt").exists() and not (tmp_path / "abs-evil.txt").exists()
    assert not (tmp_path / "evil2.txt").exists()
    assert files_under(tmp_path / "box") == before
    assert {r["canonical_url"]: r["file"] for r in rows_of(out)} == names


def test_ordinals_remembered_in_the_folder_are_kept(data, tmp_path):
    out = tmp_path / "out"
    warc = data / "demo" / "warcs" / "news.warc.gz"
    (out).mkdir()
    # an earlier export named artikel-dua 007: the ordinal is kept, the hash is the URL's own
    (out / ".arsip-ordinals.json").write_text(
        json.dumps({BASE + "/artikel-dua/": "007_0000000000000000.txt"})
    )
    assert main(["export", str(warc), "--out", str(out)]) == 0
    files = {r["url"]: r["file"] for r in rows_of(out)}
    assert files[BASE + "/artikel-dua/"].startswith("007_")
    assert files[BASE + "/artikel-dua/"] != "007_0000000000000000.txt"
    assert files[BASE + "/artikel-satu/"].startswith("008_")


def test_wacz_refuses_two_warcs_of_one_name(data, tmp_path):
    warc = data / "demo" / "warcs" / "news.warc.gz"
    other = tmp_path / "elsewhere" / "news.warc.gz"
    other.parent.mkdir()
    build_archive(tmp_path / "data2", "demo")
    shutil.copy(tmp_path / "data2" / "demo" / "warcs" / "news.warc.gz", other)
    other.write_bytes(other.read_bytes())  # same name, another file
    out = tmp_path / "out"
    done = arsip("export", warc, other, "--out", out, "--format", "wacz")
    line = one_error_line(done, "export")
    assert done.returncode == 2
    assert "news.warc.gz" in line and str(warc) in line and str(other) in line
    assert not (out / "export.wacz").exists()
    # the same file named twice is one file
    assert main(["export", str(warc), str(warc.parent), "--out", str(out), "--format", "wacz"]) == 0
    with zipfile.ZipFile(out / "export.wacz") as zf:
        assert [n for n in zf.namelist() if n.startswith("archive/")] == ["archive/news.warc.gz"]


@pytest.mark.parametrize("option", ["--since", "--until"])
@pytest.mark.parametrize("value", ["notadate", "2024-13-01", "yesterday"])
def test_a_date_filter_that_is_no_date_is_refused(data, tmp_path, option, value):
    out = tmp_path / "out"
    done = arsip("export", "--data", data, "-c", "demo", "--out", out, option, value)
    line = one_error_line(done, "export")
    assert done.returncode == 2 and option in line and value in line
    assert not out.exists()


def test_a_good_date_filter_still_works(data, tmp_path):
    out = tmp_path / "out"
    assert (
        main(["export", "--data", str(data), "-c", "demo", "--out", str(out), "--since", "2024-03-01"]) == 0
    )
    assert len(rows_of(out)) == 2


def test_an_output_folder_that_cannot_be_one_is_an_error_line(data, tmp_path):
    existing = tmp_path / "a-file"
    existing.write_text("x")
    for out in ("/proc/x", existing, existing / "below"):
        done = arsip("export", "--data", data, "-c", "demo", "--out", out)
        line = one_error_line(done, "export")
        assert done.returncode == 1 and str(out) in line
    assert existing.read_text() == "x"


@pytest.mark.parametrize(
    "name, content",
    [
        ("articles.jsonl", "this is not json\n"),
        ("articles.jsonl", '["a list"]\n'),
        (".arsip-ordinals.json", '["a", "list"]'),
        (".arsip-ordinals.json", "{not json"),
    ],
)
def test_unreadable_memory_in_the_output_folder_is_an_error_line(data, tmp_path, name, content):
    out = tmp_path / "out"
    out.mkdir()
    (out / name).write_text(content)
    done = arsip("export", "--data", data, "-c", "demo", "--out", out)
    line = one_error_line(done, "export")
    assert done.returncode == 1 and name in line
    assert (out / name).read_text() == content  # left for the user to look at

"""Export: the docs/FORMATS.md files from a collection or loose WARC files, idempotent, filtered, damage-tolerant."""

from __future__ import annotations

import csv
import hashlib
import shutil

import pytest
from crawl_helpers import SPEC_FIELDS, rows_of
from test_replay_archive import BASE, build_archive

from crawler.cli import main


@pytest.fixture
def data(tmp_path):
    build_archive(tmp_path / "data", "demo")
    return tmp_path / "data"


def test_export_collection_writes_spec_files(data, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["export", "--data", str(data), "--collection", "demo", "--out", str(out)]) == 0
    rows = rows_of(out)
    assert [r["url"] for r in rows] == [BASE + "/artikel-satu/", BASE + "/artikel-dua/"]
    for n, row in enumerate(rows):
        digest = hashlib.sha256(row["canonical_url"].encode()).hexdigest()[:16]
        assert row["file"] == f"{n:03d}_{digest}.txt"
        text = (out / row["file"]).read_bytes()
        assert row["sha1"] == hashlib.sha1(text).hexdigest()
        assert set(row) >= SPEC_FIELDS
    satu, dua = rows
    assert satu["fetched_at"] == "2024-03-08T10:00:00Z"  # the revisit counts as the latest fetch
    assert "(versi kedua)" in (out / dua["file"]).read_text("utf-8")  # the latest capture wins
    assert (out / satu["file"]).read_text("utf-8").startswith("Artikel Satu Tentang Banjir\n")
    assert "2 new, 0 changed" in capsys.readouterr().out


def test_reexport_is_idempotent_and_rewrites_changed_text_in_place(data, tmp_path, capsys):
    out = tmp_path / "out"
    args = ["export", "--data", str(data), "--collection", "demo", "--out", str(out)]
    main(args)
    before = sorted(p.name for p in out.iterdir())
    first = rows_of(out)[0]["file"]
    (out / first).write_text("an older extractor's text\n")
    capsys.readouterr()
    main(args)
    assert "0 new, 1 changed, 1 unchanged" in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == before
    main(args)
    assert "0 new, 0 changed, 2 unchanged" in capsys.readouterr().out


def test_loose_warcs_get_ordinals_by_first_capture_and_keep_them(data, tmp_path):
    warc = data / "demo" / "warcs" / "news.warc.gz"
    out = tmp_path / "out"
    assert main(["export", str(warc), "--out", str(out), "--url-prefix", BASE + "/artikel-dua/"]) == 0
    assert [r["file"][:4] for r in rows_of(out)] == ["000_"]
    assert main(["export", str(warc), "--out", str(out)]) == 0
    files = {r["url"]: r["file"] for r in rows_of(out)}
    assert files[BASE + "/artikel-dua/"].startswith("000_") and files[BASE + "/artikel-satu/"].startswith(
        "001_"
    )


def test_filters(data, tmp_path):
    def export(*extra):
        out = tmp_path / f"out{len(list(tmp_path.iterdir()))}"
        main(["export", "--data", str(data), "--collection", "demo", "--out", str(out), *extra])
        return [r["url"] for r in rows_of(out)]

    assert len(export("--category", "nasional")) == 2
    assert export("--category", "Olahraga") == []
    assert export("--since", "2024-03-02") == []
    assert len(export("--since", "2024-02-01", "--until", "2024-03-01")) == 2
    assert export("--url-prefix", "news.test/artikel-s") == [BASE + "/artikel-satu/"]


def test_jobs_and_csv(data, tmp_path, monkeypatch):
    import archive.export.articles

    monkeypatch.setattr(
        archive.export.articles, "BATCH", 1
    )  # four batches, so two worker processes share them
    out1, out2 = tmp_path / "one", tmp_path / "two"
    main(["export", "--data", str(data), "--collection", "demo", "--out", str(out1)])
    main(
        [
            "export",
            "--data",
            str(data),
            "--collection",
            "demo",
            "--out",
            str(out2),
            "--jobs",
            "2",
            "--format",
            "csv",
        ]
    )
    assert (out1 / "articles.jsonl").read_text() == (out2 / "articles.jsonl").read_text()
    with open(out2 / "articles.csv", newline="", encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert [r["url"] for r in table] == [BASE + "/artikel-satu/", BASE + "/artikel-dua/"]
    assert table[0]["text"].startswith("Artikel Satu")


def test_damaged_warc_is_reported_and_good_records_exported(data, tmp_path, capsys):
    from archive.warc.reader import scan

    good = data / "demo" / "warcs" / "news.warc.gz"
    infos = list(scan(good, []))
    victim = next(i for i in infos if i.url == BASE + "/artikel-dua/" and i.rec_type == "response")
    raw = bytearray(good.read_bytes())
    raw[victim.offset + 40 : victim.offset + 80] = b"\xff" * 40
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(bytes(raw[: len(raw) - 25]))
    truncated = tmp_path / "trunc.warc.gz"
    shutil.copy(good, truncated)
    truncated.write_bytes(good.read_bytes()[: victim.offset + 100])
    out = tmp_path / "out"
    assert main(["export", str(bad), str(truncated), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "bad.warc.gz: damaged" in err and "trunc.warc.gz: damaged" in err
    assert BASE + "/artikel-satu/" in [r["url"] for r in rows_of(out)]


def test_nothing_to_export_is_a_clear_error(tmp_path, capsys):
    assert main(["export", "--data", str(tmp_path / "none"), "--out", str(tmp_path / "o")]) == 2
    assert "nothing to export" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["export", "--data", str(tmp_path / "empty"), "--out", str(tmp_path / "o")]) == 2
    assert "no collection in" in capsys.readouterr().err


def test_without_collection_the_only_one_is_exported_into_out(data, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["export", "--data", str(data), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert f"collection demo (the only one in {data}) -> {out}" in said
    assert [r["url"] for r in rows_of(out)] == [BASE + "/artikel-satu/", BASE + "/artikel-dua/"]
    assert not (out / "demo").exists()


def test_without_collection_each_collection_gets_its_own_folder(data, tmp_path, capsys):
    build_archive(data, "other")
    (data / "not-a-collection").mkdir()
    out = tmp_path / "out"
    assert main(["export", "--data", str(data), "--out", str(out), "--format", "wacz"]) == 0
    said = capsys.readouterr().out
    assert f"2 collections in {data} (demo, other), each into {out}/<collection>" in said
    for name in ("demo", "other"):
        assert [r["url"] for r in rows_of(out / name)] == [BASE + "/artikel-satu/", BASE + "/artikel-dua/"]
        assert (out / name / f"{name}.wacz").is_file()
        assert f"-> {out / name}" in said
    assert not (out / "articles.jsonl").exists() and not (out / "not-a-collection").exists()

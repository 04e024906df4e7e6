"""WACZ 1.1.1 packaging: WARCs, a SURT-sorted index, the list of pages and a hashed datapackage.

Members are stored uncompressed (the WARCs are already gzip, and readers seek inside the zip). The
index is written the way py-wacz writes it: ``indexes/index.cdx.gz`` as gzip blocks of CDXJ lines
(ZipNum) with ``indexes/index.idx`` pointing into them. Fixed member dates and a ``created`` taken
from the captures make a re-export of the same archive byte-identical.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

from archive.atomic import replacing

WACZ_VERSION = "1.1.1"
SOFTWARE = "arsip 0.1.0"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def build_index(warcs: list[Path]) -> tuple[bytes, bytes]:
    """(ZipNum ``index.cdx.gz``, its ``index.idx``) for the WARCs, filenames as stored in the WACZ."""
    from cdxj_indexer.main import CDXJIndexer

    data, idx = io.BytesIO(), io.StringIO()
    CDXJIndexer(
        output=idx,
        inputs=[str(p) for p in warcs],
        sort=True,
        compress=data,
        data_out_name="index.cdx.gz",
        lines=300,
        fields="referrer",
    ).process_all()
    return data.getvalue(), idx.getvalue().encode("utf-8")


def pages_jsonl(rows: list[dict]) -> bytes:
    """``pages/pages.jsonl``: the header line, then one page per exported article."""
    lines = [{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}]
    for row in rows:
        lines.append(
            {
                "id": hashlib.sha256((row["url"] + row["fetched_at"]).encode()).hexdigest()[:32],
                "url": row["url"],
                "ts": row["fetched_at"],
                "title": row.get("title") or row["url"],
            }
        )
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode("utf-8")


def _resource(path: str, data_or_file) -> dict:
    digest, size = hashlib.sha256(), 0
    if isinstance(data_or_file, bytes):
        digest.update(data_or_file)
        size = len(data_or_file)
    else:
        with open(data_or_file, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
    return {
        "name": os.path.basename(path),
        "path": path,
        "hash": "sha256:" + digest.hexdigest(),
        "bytes": size,
    }


def _member(zf: zipfile.ZipFile, name: str, data_or_file) -> None:
    info = zipfile.ZipInfo(name, ZIP_DATE)
    info.compress_type = zipfile.ZIP_STORED
    if isinstance(data_or_file, bytes):
        zf.writestr(info, data_or_file)
    else:
        with open(data_or_file, "rb") as src, zf.open(info, "w", force_zip64=True) as dst:
            for block in iter(lambda: src.read(1 << 20), b""):
                dst.write(block)


def write_wacz(warcs: list[Path], rows: list[dict], out: Path, title: str | None = None) -> Path:
    """Package ``warcs`` and the exported ``rows`` (articles.jsonl rows) as the WACZ ``out``."""
    names: dict[str, Path] = {}
    for path in warcs:
        names.setdefault(Path(path).name, Path(path))
    index, idx = build_index(list(names.values()))
    members: list[tuple[str, object]] = [(f"archive/{n}", p) for n, p in sorted(names.items())]
    members += [
        ("indexes/index.cdx.gz", index),
        ("indexes/index.idx", idx),
        ("pages/pages.jsonl", pages_jsonl(rows)),
    ]
    created = max((r["fetched_at"] for r in rows), default="1980-01-01T00:00:00Z")
    package = {
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        "software": SOFTWARE,
        "title": title or out.stem,
        "created": created,
        "modified": created,
        "resources": [_resource(name, data) for name, data in members],
    }
    if rows:
        package["mainPageUrl"], package["mainPageDate"] = rows[0]["url"], rows[0]["fetched_at"]
    package_bytes = json.dumps(package, indent=2).encode("utf-8")
    digest = {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest()}
    with replacing(out, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, data in members:
            _member(zf, name, data)
        _member(zf, "datapackage.json", package_bytes)
        _member(zf, "datapackage-digest.json", json.dumps(digest, indent=2).encode("utf-8"))
    return out

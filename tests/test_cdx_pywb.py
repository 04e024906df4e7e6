"""Differential test of the CDX server API: the same queries to ``arsip replay`` and to pywb 2.10
serving the same WARC files, the answers compared field by field.

Two collections, under the same names in both servers: ``channel9``, an ``arsip crawl`` of the
bundled site (12 articles, requisites, revisits), and ``demo``, ``build_archive``'s hand-built WARC
(two crawls a week apart, a revisit, a redirect). pywb indexes the WARCs itself (``wb-manager add``).

What is normalised before comparing, and why (README.md, "CDX API", lists the same):

- pywb adds its own bookkeeping to every row: ``source`` (its index file), ``source-coll`` and
  ``access`` (its access-control verdict). arsip has neither layer; those three fields are dropped
  from pywb's answers (from JSON rows, CDXJ lines and the values of ``output=text``).
- pywb's indexer also indexes the crawl's ``conversion`` records (the clean text, ``text/plain``),
  which arsip's index leaves out on purpose (replay of an article's latest capture must be the
  page, not its text). pywb is asked for the same records arsip indexes: every pywb query carries
  one more ``filter=`` excluding those records by offset. Filters apply before from/to, sorting and
  limits, so this is pywb's answer over arsip's records.
- Content types are compared without their charset parameter.
"""

from __future__ import annotations

import http.client
import json
import shutil
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from crawl_helpers import crawl_channel9
from test_pywb_interop import pywb_serving, require_pywb
from test_replay_archive import BASE, build_archive, serve
from warcio.archiveiterator import ArchiveIterator

from archive.index.build import read_index
from archive.replay.server import make_app

pytestmark = pytest.mark.slow

SITE = "http://channel9.arsip.test"
PYWB_ONLY = ("source", "source-coll", "access")
MIN_QUERIES = 30


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    require_pywb()
    work = tmp_path_factory.mktemp("cdx")
    data = crawl_channel9(work, 12)
    build_archive(data, "demo")
    return data


@pytest.fixture(scope="module")
def servers(data, tmp_path_factory):
    """(arsip's base URL, pywb's port), both serving ``channel9`` and ``demo``."""
    root = tmp_path_factory.mktemp("pywb")
    warcs = {coll: sorted((data / coll / "warcs").glob("*.warc.gz")) for coll in ("channel9", "demo")}

    def ready(port: int) -> None:
        get(f"http://127.0.0.1:{port}", "/demo/cdx?url=news.test/")

    try:
        with pywb_serving(root, warcs, ready) as port, serve(make_app(data)) as base:
            yield base, f"http://127.0.0.1:{port}"
    finally:
        shutil.rmtree(root, ignore_errors=True)


def get(base: str, path: str) -> tuple[int, str, str]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read().decode("utf-8")
    ctype = (response.getheader("Content-Type") or "").split(";")[0].strip()
    conn.close()
    return response.status, ctype, body


def conversion_spots(coll_dir: Path) -> list[tuple[str, int]]:
    spots = []
    for warc in sorted((coll_dir / "warcs").glob("*.warc.gz")):
        with open(warc, "rb") as fh:
            iterator = ArchiveIterator(fh)
            for record in iterator:
                if record.rec_type == "conversion":
                    spots.append((warc.name, iterator.get_record_offset()))
    return spots


def exclusion(spots: list[tuple[str, int]]) -> list[tuple[str, str]]:
    """The extra pywb filter leaving out the conversion records at ``spots``. A pywb filter splits
    at its first colon, so a whole-row regex cannot name the file: the records must lie in one WARC,
    and are matched by offset."""
    if not spots:
        return []
    assert len({name for name, _ in spots}) == 1, spots
    return [("filter", f"!~offset:({'|'.join(str(offset) for _, offset in spots)})$")]


def queries(data: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    """(collection, parameters) of every query compared."""
    rows = list(read_index(data / "channel9"))
    article = next(
        r for r in rows if r["mime"] == "text/html" and r["urlkey"].count("/") == 1 and "-" in r["urlkey"]
    )
    home = next(r for r in rows if r["url"] == SITE + "/")
    stamps = sorted({r["timestamp"] for r in rows})
    mid = stamps[len(stamps) // 2]
    digest = home["digest"].split(":", 1)[1]
    host = [("url", "channel9.arsip.test"), ("matchType", "host")]
    c9: list[list[tuple[str, str]]] = [
        [("url", SITE + "/")],
        [("url", SITE + "/"), ("output", "json")],
        [("url", SITE + "/category/"), ("matchType", "prefix"), ("output", "json")],
        [("url", SITE + "/category/*"), ("output", "json")],
        [("url", SITE + "/category"), ("matchType", "prefix"), ("output", "json")],
        [("url", SITE + "/wp-content/"), ("matchType", "prefix"), ("output", "json"), ("fl", "url,length")],
        host + [("output", "json")],
        [("url", "arsip.test"), ("matchType", "domain"), ("output", "json")],
        [("url", "*.arsip.test"), ("output", "json"), ("limit", "5")],
        host + [("output", "text")],
        host + [("output", "text"), ("fl", "urlkey,timestamp,mime,status")],
        host + [("output", "text"), ("fl", "url,mimetype,statuscode,digest")],
        host + [("output", "json"), ("filter", "mime:text/css")],
        host + [("output", "json"), ("filter", "=status:200"), ("filter", "~mime:image/.*")],
        host + [("output", "json"), ("fl", "url,mime"), ("filter", "!mimetype:text/html")],
        host + [("output", "json"), ("filter", r"~url:.*\.css$")],
        host + [("output", "text"), ("fl", "urlkey"), ("filter", "!~urlkey:.*category.*")],
        host + [("output", "json"), ("filter", f"=digest:{digest}")],
        host + [("output", "json"), ("filter", "d:" + digest[:8])],
        host + [("output", "json"), ("filter", "!=status:200")],
        host + [("output", "json"), ("filter", "~.*revisit")],
        host + [("output", "json"), ("limit", "3")],
        host + [("output", "json"), ("sort", "reverse"), ("limit", "4")],
        host + [("output", "json"), ("reverse", "1"), ("limit", "1")],
        [("url", article["url"]), ("closest", mid), ("sort", "closest"), ("output", "json")],
        host
        + [
            ("closest", mid),
            ("sort", "closest"),
            ("limit", "5"),
            ("output", "text"),
            ("fl", "urlkey,timestamp"),
        ],
        host + [("from", mid), ("output", "text"), ("fl", "timestamp,url")],
        host + [("to", mid), ("output", "text"), ("fl", "timestamp,url")],
        [("url", article["url"]), ("output", "link")],
        host + [("output", "link"), ("limit", "5")],
        host + [("fl", "url,digest")],
        host + [("output", "json"), ("resolveRevisits", "true")],
        host + [("output", "json"), ("collapseTime", "12")],
        [("url", SITE + "/robots.txt"), ("output", "json")],
        [("url", SITE + "/never-captured/"), ("output", "json")],
        host + [("output", "json"), ("limit", "0")],
        [("url", SITE + "/"), ("output", "bogus")],
        [("url", SITE + "/"), ("matchType", "bogus")],
        [("output", "json")],
    ]
    demo: list[list[tuple[str, str]]] = [
        [("url", BASE + "/artikel-satu/"), ("output", "json")],
        [("url", BASE + "/artikel"), ("matchType", "prefix"), ("output", "json")],
        [
            ("url", "news.test/"),
            ("matchType", "host"),
            ("from", "2024030501"),
            ("to", "2024"),
            ("output", "json"),
        ],
        [("url", "news.test/"), ("matchType", "host"), ("to", "20240301"), ("output", "json")],
        [("url", BASE + "/artikel-dua/"), ("closest", "20240305"), ("output", "json")],
        [
            ("url", BASE + "/artikel-dua/"),
            ("closest", "2024"),
            ("sort", "closest"),
            ("limit", "1"),
            ("output", "json"),
        ],
        [
            ("url", "news.test/"),
            ("matchType", "host"),
            ("sort", "reverse"),
            ("output", "text"),
            ("fl", "timestamp,url"),
        ],
        [("url", "news.test/"), ("matchType", "host"), ("resolveRevisits", "1"), ("output", "text")],
        [("url", BASE + "/artikel-dua/"), ("output", "link")],
        [("url", "news.test/"), ("matchType", "domain"), ("filter", "!~mime:text/.*"), ("output", "json")],
    ]
    return [("channel9", q) for q in c9] + [("demo", q) for q in demo]


def normalise(ctype: str, body: str, coll: str) -> list:
    """The answer as comparable rows: dicts (JSON, CDXJ), value lists (text), lines (link)."""
    rows: list = []
    for line in body.splitlines():
        if ctype == "text/x-ndjson":
            rows.append([(k, v) for k, v in json.loads(line).items() if k not in PYWB_ONLY])
        elif ctype == "text/x-cdxj":
            key, ts, rest = line.split(" ", 2)
            rows.append(
                [("urlkey", key), ("timestamp", ts)]
                + [(k, v) for k, v in json.loads(rest).items() if k not in PYWB_ONLY]
            )
        elif ctype == "text/plain":
            rows.append(
                [v for v in line.split(" ") if v not in (f"{coll}/indexes/index.cdxj", coll, "allow")]
            )
        else:
            rows.append(line)
    return rows


def field_differences(ours: list, theirs: list) -> list[str]:
    out = []
    if len(ours) != len(theirs):
        out.append(f"{len(ours)} rows, pywb {len(theirs)}")
    for n, (a, b) in enumerate(zip(ours, theirs, strict=False)):
        if a == b:
            continue
        if isinstance(a, list) and a and isinstance(a[0], tuple):
            da, db = dict(a), dict(b)
            for name in sorted(set(da) | set(db)):
                if da.get(name) != db.get(name):
                    out.append(f"row {n} {name}: {da.get(name)!r} vs pywb {db.get(name)!r}")
            if [k for k, _ in a] != [k for k, _ in b] and da == db:
                out.append(f"row {n}: field order {[k for k, _ in a]} vs pywb {[k for k, _ in b]}")
        else:
            out.append(f"row {n}: {a!r} vs pywb {b!r}")
    return out


def test_cdx_answers_match_pywb_field_by_field(data, servers):
    ours_base, pywb_base = servers
    excluded = {coll: exclusion(conversion_spots(data / coll)) for coll in ("channel9", "demo")}
    compared, rows_compared, differences = 0, 0, []
    for coll, params in queries(data):
        ours = get(ours_base, f"/{coll}/cdx?{urlencode(params)}")
        theirs = get(pywb_base, f"/{coll}/cdx?{urlencode(params + excluded[coll])}")
        compared += 1
        label = f"{coll} {urlencode(params)}"
        if ours[0] != theirs[0]:
            differences.append(f"{label}: status {ours[0]} vs pywb {theirs[0]}")
            continue
        if ours[0] != 200:
            continue  # both refuse it; their messages differ in form (pywb answers JSON)
        if ours[1] != theirs[1]:
            differences.append(f"{label}: content type {ours[1]} vs pywb {theirs[1]}")
        a, b = normalise(ours[1], ours[2], coll), normalise(theirs[1], theirs[2], coll)
        rows_compared += len(b)
        differences += [f"{label}: {d}" for d in field_differences(a, b)]
    print(
        f"\nCDX differential: {compared} queries, {rows_compared} pywb rows compared, {len(differences)} differences"
    )
    assert compared >= MIN_QUERIES
    assert not differences, "\n".join(differences[:60])
    assert rows_compared > 200  # the queries do return rows
    assert not differences, "\n".join(differences[:40])


def test_prefix_keeps_the_trailing_slash(data, servers):
    """pywb's rule: /category/ is a path prefix; /category-sitemap.xml is not under it."""
    ours_base, _ = servers
    _, _, body = get(ours_base, f"/channel9/cdx?url={SITE}/category/&matchType=prefix&output=json")
    urls = [json.loads(line)["url"] for line in body.splitlines()]
    assert urls and all(u.startswith(SITE + "/category/") for u in urls)
    _, _, body = get(ours_base, f"/channel9/cdx?url={SITE}/category&matchType=prefix&output=json")
    assert SITE + "/category-sitemap.xml" in body

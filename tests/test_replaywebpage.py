"""ReplayWeb.page, for real: an exported WACZ opened in the replaywebpage npm package in Chromium.

One ``arsip crawl`` of a 4-article bundled seed (requisites on: stylesheets, the CDN's web font and
images), ``arsip export --format wacz``, then a static server on 127.0.0.1 (aiohttp's file
responses answer HTTP Range requests, which ReplayWeb.page reads the WACZ with) serves:

- ``/index.html``: ``<replay-web-page source="channel9.wacz" url="<article>">``;
- ``/ui.js`` and ``/replay/sw.js`` from the package (``make test`` unpacks it into
  ``.npm-replaywebpage/package``; the embed registers ``sw.js`` with its default ``replaybase``,
  ``./replay/``, and that folder's index is answered by the service worker itself);
- the WACZ.

Headless Chromium (a service worker needs a secure context: http://127.0.0.1 is one; no DNS but
127.0.0.1) opens it. ReplayWeb.page renders the page in nested frames: the embed's iframe
(``/replay/?source=...``), whose app shadow DOM holds the replay iframe
``/replay/w/<coll>/<ts>mp_/<url>``. The test reads the whole tree over the DevTools protocol
(``DOM.getDocument`` with ``pierce``: frames and shadow roots) until the article's headline is in
the replayed document, then checks that the page's stylesheet, font and images came out of the WACZ
(200, through the service worker), that nothing was fetched from anywhere but the static server, and
that ReplayWeb.page's full-text search index holds the article's clean text.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from browser_helpers import Browser, DevTools, first_page, requested_urls
from crawl_helpers import arsip_ok, crawl_channel9, rows_of
from test_replay_archive import serve

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
RWP = ROOT / ".npm-replaywebpage" / "package"
ORIGIN = "http://channel9.arsip.test/"


def _needs_replaywebpage() -> None:
    """Skip without the npm files, unless ``make test`` said they must be there (then fail)."""
    if not ((RWP / "ui.js").is_file() and (RWP / "sw.js").is_file()):
        if os.environ.get("ARSIP_REQUIRE_BROWSER"):
            pytest.fail(f"{RWP} lacks ui.js/sw.js but ARSIP_REQUIRE_BROWSER is set (make test installs it)")
        pytest.skip("replaywebpage npm package not installed (see the Makefile)")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """``arsip crawl`` of a 4-article bundled seed, exported as a WACZ: (the WACZ, articles.jsonl rows)."""
    _needs_replaywebpage()
    work = tmp_path_factory.mktemp("rwp")
    crawl_channel9(work, 4)
    arsip_ok(
        "export",
        "--data",
        str(work / "data"),
        "--collection",
        "channel9",
        "--out",
        str(work / "out"),
        "--format",
        "wacz",
    )
    rows = rows_of(work / "out")
    return work / "out" / "channel9.wacz", rows


def static_site(folder: Path, wacz: Path, url: str) -> None:
    """ReplayWeb.page's files, the WACZ and a page embedding it at ``url``, in ``folder``."""
    (folder / "replay").mkdir(parents=True)
    shutil.copy(RWP / "ui.js", folder / "ui.js")
    shutil.copy(RWP / "sw.js", folder / "replay" / "sw.js")
    shutil.copy(wacz, folder / wacz.name)
    (folder / "index.html").write_text(
        '<!doctype html><html><head><meta charset="utf-8"><script src="ui.js"></script></head>'
        f'<body><replay-web-page source="{wacz.name}" url="{url}" style="height: 900px">'
        "</replay-web-page></body></html>",
        encoding="utf-8",
    )


def static_app(folder: Path):
    """Files of ``folder`` (``/`` is ``index.html``), with Range support (aiohttp's FileResponse)."""
    from aiohttp import web

    async def index(request):
        return web.FileResponse(folder / "index.html")

    app = web.Application()
    app.router.add_get("/", index)
    app.router.add_static("/", folder)
    return app


def _walk(node: dict, document: str, out: list[tuple[str, str, str]]) -> None:
    """(document URL, tag, text) of every element, through frames and shadow roots."""
    if node.get("nodeType") == 1:
        text = "".join(c.get("nodeValue", "") for c in node.get("children", []) if c.get("nodeType") == 3)
        out.append((document, node.get("localName", ""), " ".join(text.split())))
    if "contentDocument" in node:
        _walk(node["contentDocument"], node["contentDocument"].get("documentURL", ""), out)
    for child in node.get("shadowRoots", []) + node.get("children", []):
        _walk(child, document, out)


async def _replay(devtools_port: int, start: str, headline: str, article: str) -> dict:
    async with first_page(devtools_port, ("Page", "Network", "DOM", "Runtime")) as cdp:
        await cdp.send("Page.navigate", url=start)
        deadline, found = time.monotonic() + 90, []
        while time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            elements: list[tuple[str, str, str]] = []
            _walk((await cdp.send("DOM.getDocument", depth=-1, pierce=True))["root"], start, elements)
            found = [e for e in elements if e[1] == "h1" and e[2] == headline]
            if found:
                break
        titles = [e for e in elements if e[1] == "title"]
        await _settle(cdp)
        frames = _frames((await cdp.send("Page.getFrameTree"))["frameTree"])
        index = None
        if found:
            app = next(f for f in frames if "/replay/?source=" in f["url"])
            coll = found[0][0].split("/replay/w/", 1)[1].split("/", 1)[0]
            index = await _evaluate(cdp, app["id"], f"fetch('w/api/c/{coll}/textIndex').then(r => r.text())")
        return {
            "found": found,
            "titles": titles,
            "events": cdp.events,
            "frames": frames,
            "text_index": index,
        }


async def _settle(cdp: DevTools, quiet: float = 2.0, limit: float = 30.0) -> None:
    """Read events until none arrived for ``quiet`` seconds: the page's requisites have loaded."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            cdp.events.append(json.loads((await cdp.ws.receive(timeout=quiet)).data))
        except TimeoutError:
            return


def _frames(tree: dict) -> list[dict]:
    return [tree["frame"]] + [f for child in tree.get("childFrames", []) for f in _frames(child)]


async def _evaluate(cdp: DevTools, frame_id: str, expression: str):
    """``expression`` (a promise) evaluated in the frame's own page context."""
    context = next(
        e["params"]["context"]["id"]
        for e in reversed(cdp.events)
        if e.get("method") == "Runtime.executionContextCreated"
        and e["params"]["context"].get("auxData", {}).get("frameId") == frame_id
        and e["params"]["context"].get("auxData", {}).get("isDefault")
    )
    result = await cdp.send(
        "Runtime.evaluate", expression=expression, contextId=context, awaitPromise=True, returnByValue=True
    )
    return result.get("result", {}).get("value")


def test_replaywebpage_renders_an_exported_article(exported, tmp_path):
    wacz, rows = exported
    row = next(r for r in rows if r["title"])
    url, headline = row["url"], row["title"]
    static_site(tmp_path / "site", wacz, url)
    browser = Browser(tmp_path / "profile")
    try:
        with serve(static_app(tmp_path / "site")) as base:
            seen = asyncio.run(asyncio.wait_for(_replay(browser.port, base + "/", headline, url), 180))
    finally:
        browser.close()

    assert seen["found"], f"headline {headline!r} not rendered; titles seen: {seen['titles']}"
    document = seen["found"][0][0]
    assert document.startswith(base + "/replay/w/") and document.endswith("mp_/" + url), document
    assert not any(t[2] == "Archived Page Not Found" for t in seen["titles"]), seen["titles"]

    events = seen["events"]
    requested = requested_urls(events)
    outside = [u for u in requested if not u.startswith((base + "/", "data:", "blob:"))]
    assert not outside, outside
    failed = [e["params"] for e in events if e.get("method") == "Network.loadingFailed"]
    answers = [e["params"] for e in events if e.get("method") == "Network.responseReceived"]
    from_archive = [
        a for a in answers if "/replay/w/" in a["response"]["url"] and "/w/api/" not in a["response"]["url"]
    ]
    by_type: dict[str, list[tuple[int, str]]] = {}
    for answer in from_archive:
        by_type.setdefault(answer["type"], []).append(
            (answer["response"]["status"], answer["response"]["url"])
        )
    for kind in ("Document", "Stylesheet", "Font", "Image"):
        assert any(status == 200 for status, _ in by_type.get(kind, [])), (kind, by_type)
    # every requisite the page asked the archive for was in it (the site's script is not captured
    # when no page names it; the only 404s allowed are the icons browsers ask for on their own)
    missing = [
        (status, u)
        for kind, items in by_type.items()
        if kind in ("Stylesheet", "Font", "Image")
        for status, u in items
        if status != 200
    ]
    assert not missing, missing
    assert not [f for f in failed if f.get("type") in ("Stylesheet", "Font", "Image")], failed

    index = seen["text_index"]
    assert index, "ReplayWeb.page has no text index"
    entries = [json.loads(line) for line in index.splitlines() if line.strip()]
    texts = {e.get("url"): e.get("text", "") for e in entries}
    assert headline in texts.get(url, ""), sorted(texts)

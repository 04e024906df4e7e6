"""The search page in a real browser: headless Chromium types a query into replay's search form,
submits it with Enter, reads the ranked hits with their marked snippets, narrows by a category
facet with a real click, and pages; every request goes to the replay server, no page runs a script."""

from __future__ import annotations

import asyncio
import os
import subprocess

import pytest
from test_browser import CHROMIUM, DevTools, _devtools_port
from test_replay_archive import serve

from archive.replay.server import make_app
from archive.search.index import CaptureText, SearchIndex


def _index(data):
    (data / "site" / "warcs").mkdir(parents=True)
    with SearchIndex.for_data(data) as index:
        for n in range(25):
            category = "Nasional" if n % 5 else "Ekonomi"
            title = f"Banjir ke-{n} melanda kota {n}"
            text = f"{title}\n{category}\n\n{title}\n\nWarga mengungsi karena banjir besar.\n\nPemerintah kota {n} bersiap.\n"
            url = f"http://news.test/banjir-{n}/"
            index.add(
                CaptureText(
                    "site",
                    url,
                    url,
                    f"202403{n % 28 + 1:02d}000000",
                    text,
                    published=f"2024-03-{n % 28 + 1:02d}",
                )
            )


async def _count(cdp: DevTools, selector: str) -> int:
    root = (await cdp.send("DOM.getDocument"))["root"]["nodeId"]
    return len((await cdp.send("DOM.querySelectorAll", nodeId=root, selector=selector))["nodeIds"])


async def _text(cdp: DevTools, selector: str) -> str:
    root = (await cdp.send("DOM.getDocument"))["root"]["nodeId"]
    node = (await cdp.send("DOM.querySelector", nodeId=root, selector=selector))["nodeId"]
    return (await cdp.send("DOM.getOuterHTML", nodeId=node))["outerHTML"]


async def _click(cdp: DevTools, selector: str) -> None:
    root = (await cdp.send("DOM.getDocument"))["root"]["nodeId"]
    node = (await cdp.send("DOM.querySelector", nodeId=root, selector=selector))["nodeId"]
    await cdp.send("DOM.scrollIntoViewIfNeeded", nodeId=node)
    quad = (await cdp.send("DOM.getBoxModel", nodeId=node))["model"]["content"]
    x, y = (quad[0] + quad[4]) / 2, (quad[1] + quad[5]) / 2
    mark = len(cdp.events)
    for kind in ("mousePressed", "mouseReleased"):
        await cdp.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)
    await cdp.wait_for("Page.loadEventFired", mark)


async def _session(devtools_port: int, base: str) -> dict:
    import aiohttp

    seen: dict = {}
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{devtools_port}/json/list") as resp:
            target = next(t for t in await resp.json() if t["type"] == "page")
        async with session.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as ws:
            cdp = DevTools(ws)
            for domain in ("Page", "Network", "DOM"):
                await cdp.send(f"{domain}.enable")
            mark = len(cdp.events)
            await cdp.send("Page.navigate", url=f"{base}/site/search")
            await cdp.wait_for("Page.loadEventFired", mark)
            await _click(cdp, 'input[name="q"]') if False else None
            root = (await cdp.send("DOM.getDocument"))["root"]["nodeId"]
            box = (await cdp.send("DOM.querySelector", nodeId=root, selector='input[name="q"]'))["nodeId"]
            await cdp.send("DOM.focus", nodeId=box)
            await cdp.send("Input.insertText", text="banjir")
            mark = len(cdp.events)
            for kind in ("keyDown", "keyUp"):
                await cdp.send(
                    "Input.dispatchKeyEvent",
                    type=kind,
                    key="Enter",
                    code="Enter",
                    windowsVirtualKeyCode=13,
                    text="\r",
                )
            await cdp.wait_for("Page.loadEventFired", mark)
            seen["hits"] = await _count(cdp, "li.hit")
            seen["marks"] = await _count(cdp, "li.hit mark")
            seen["summary"] = await _text(cdp, "p.muted")
            await _click(cdp, 'li.facet-category a[href*="category=Ekonomi"]')
            seen["ekonomi_hits"] = await _count(cdp, "li.hit")
            seen["ekonomi_summary"] = await _text(cdp, "p.muted")
            mark = len(cdp.events)
            await cdp.send("Page.navigate", url=f"{base}/site/search?q=banjir")
            await cdp.wait_for("Page.loadEventFired", mark)
            await _click(cdp, 'a[href*="page=2"]')
            seen["page2_hits"] = await _count(cdp, "li.hit")
            seen["urls"] = [
                e["params"]["request"]["url"]
                for e in cdp.events
                if e.get("method") == "Network.requestWillBeSent"
            ]
    return seen


def test_search_page_in_chromium(tmp_path):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("ARSIP_REQUIRE_BROWSER"):
            pytest.fail("chromium is missing but ARSIP_REQUIRE_BROWSER is set (make browser-deps)")
        pytest.skip("chromium not installed (make browser-deps)")
    data = tmp_path / "data"
    _index(data)
    profile = tmp_path / "profile"
    with serve(make_app(data)) as base:
        proc = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-default-apps",
                f"--user-data-dir={profile}",
                "--remote-debugging-port=0",
                "--remote-allow-origins=*",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            port = _devtools_port(profile, proc)
            seen = asyncio.run(asyncio.wait_for(_session(port, base), 120))
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
    assert seen["hits"] == 20 and seen["marks"] >= 20  # 25 found, 20 a page, "banjir" marked
    assert "25 result(s)" in seen["summary"]
    assert seen["ekonomi_hits"] == 5 and "5 result(s)" in seen["ekonomi_summary"]
    assert seen["page2_hits"] == 5
    assert seen["urls"] and all(u.startswith(base + "/") for u in seen["urls"]), seen["urls"]

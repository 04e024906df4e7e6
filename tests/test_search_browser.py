"""The search page in a real browser: headless Chromium types a query into replay's search form,
submits it with Enter, reads the ranked hits with their marked snippets, narrows by a category
facet with a real click, and pages; every request goes to the replay server, no page runs a script."""

from __future__ import annotations

import asyncio

from browser_helpers import Browser, DevTools, click, first_page, navigate, query, requested_urls
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
    return (await cdp.send("DOM.getOuterHTML", nodeId=await query(cdp, selector)))["outerHTML"]


async def _session(devtools_port: int, base: str) -> dict:
    seen: dict = {}
    async with first_page(devtools_port) as cdp:
        await navigate(cdp, f"{base}/site/search")
        await cdp.send("DOM.focus", nodeId=await query(cdp, 'input[name="q"]'))
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
        await click(cdp, 'li.facet-category a[href*="category=Ekonomi"]')
        seen["ekonomi_hits"] = await _count(cdp, "li.hit")
        seen["ekonomi_summary"] = await _text(cdp, "p.muted")
        await navigate(cdp, f"{base}/site/search?q=banjir")
        await click(cdp, 'a[href*="page=2"]')
        seen["page2_hits"] = await _count(cdp, "li.hit")
        seen["urls"] = requested_urls(cdp.events)
    return seen


def test_search_page_in_chromium(tmp_path):
    browser = Browser(tmp_path / "profile")
    try:
        data = tmp_path / "data"
        _index(data)
        with serve(make_app(data)) as base:
            seen = asyncio.run(asyncio.wait_for(_session(browser.port, base), 120))
    finally:
        browser.close()
    assert seen["hits"] == 20 and seen["marks"] >= 20  # 25 found, 20 a page, "banjir" marked
    assert "25 result(s)" in seen["summary"]
    assert seen["ekonomi_hits"] == 5 and "5 result(s)" in seen["ekonomi_summary"]
    assert seen["page2_hits"] == 5
    assert seen["urls"] and all(u.startswith(base + "/") for u in seen["urls"]), seen["urls"]

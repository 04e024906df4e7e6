"""A real browser on the replay server: headless Chromium, driven over the DevTools protocol.

Chromium opens a replayed article, clicks the rewritten link to the other article (a real mouse
event: replayed documents run no script), and the test checks the rendered title and that every
request the browser made went to the replay server. DNS for anything but 127.0.0.1 is switched off.
"""

from __future__ import annotations

import asyncio

from browser_helpers import Browser, DevTools, click, first_page, navigate, query, requested_urls
from test_replay_archive import BASE, TITLES, build_archive, serve

from archive.replay.server import make_app


async def _title(cdp: DevTools) -> str:
    html = (await cdp.send("DOM.getOuterHTML", nodeId=await query(cdp, "title")))["outerHTML"]
    return html.split(">", 1)[1].rsplit("<", 1)[0]


async def _browse(devtools_port: int, start: str, link_selector: str) -> tuple[str, str, list[str]]:
    async with first_page(devtools_port) as cdp:
        await navigate(cdp, start)
        first = await _title(cdp)
        await click(cdp, link_selector)
        second = await _title(cdp)
        return first, second, requested_urls(cdp.events)


def test_browser_follows_rewritten_link_inside_the_archive(tmp_path):
    browser = Browser(tmp_path / "profile")
    try:
        build_archive(tmp_path / "data", "demo")
        with serve(make_app(tmp_path / "data")) as base:
            start = f"{base}/demo/20240301100000/{BASE}/artikel-satu/"
            link = 'a[href*="/artikel-dua/"]'
            first, second, urls = asyncio.run(asyncio.wait_for(_browse(browser.port, start, link), 120))
    finally:
        browser.close()
    assert first == f"{TITLES['/artikel-satu/']} - News Test"
    assert second == f"{TITLES['/artikel-dua/']} - News Test"
    assert urls and all(u.startswith(base + "/") for u in urls), urls
    assert any(u.endswith("/style.css") for u in urls) and any("/artikel-dua/" in u for u in urls)

"""A real browser on the replay server: headless Chromium, driven over the DevTools protocol.

Chromium opens a replayed article, clicks the rewritten link to the other article (a real mouse
event: replayed documents run no script), and the test checks the rendered title and that every
request the browser made went to the replay server. DNS for anything but 127.0.0.1 is switched off.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from test_replay_archive import BASE, TITLES, build_archive, serve

from archive.replay.server import make_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


class DevTools:
    """A minimal CDP client on aiohttp's websocket: commands, and every event kept in order."""

    def __init__(self, ws):
        self.ws, self.events, self._id = ws, [], 0

    async def send(self, method: str, **params) -> dict:
        self._id += 1
        await self.ws.send_json({"id": self._id, "method": method, "params": params})
        while True:
            msg = json.loads((await self.ws.receive(timeout=30)).data)
            if msg.get("id") == self._id:
                return msg.get("result", {})
            self.events.append(msg)

    async def wait_for(self, method: str, after: int = 0) -> dict:
        while True:
            for event in self.events[after:]:
                if event.get("method") == method:
                    return event
            msg = json.loads((await self.ws.receive(timeout=30)).data)
            self.events.append(msg)


async def _title(cdp: DevTools) -> str:
    root = (await cdp.send("DOM.getDocument"))["root"]["nodeId"]
    node = (await cdp.send("DOM.querySelector", nodeId=root, selector="title"))["nodeId"]
    html = (await cdp.send("DOM.getOuterHTML", nodeId=node))["outerHTML"]
    return html.split(">", 1)[1].rsplit("<", 1)[0]


async def _browse(devtools_port: int, start: str, link_selector: str) -> tuple[str, str, list[str]]:
    import aiohttp

    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{devtools_port}/json/list") as resp:
            target = next(t for t in await resp.json() if t["type"] == "page")
        async with session.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as ws:
            cdp = DevTools(ws)
            for domain in ("Page", "Network", "DOM"):
                await cdp.send(f"{domain}.enable")
            mark = len(cdp.events)
            await cdp.send("Page.navigate", url=start)
            await cdp.wait_for("Page.loadEventFired", mark)
            first = await _title(cdp)
            root = (await cdp.send("DOM.getDocument"))["root"]["nodeId"]
            node = (await cdp.send("DOM.querySelector", nodeId=root, selector=link_selector))["nodeId"]
            await cdp.send("DOM.scrollIntoViewIfNeeded", nodeId=node)
            quad = (await cdp.send("DOM.getBoxModel", nodeId=node))["model"]["content"]
            x, y = (quad[0] + quad[4]) / 2, (quad[1] + quad[5]) / 2
            mark = len(cdp.events)
            for kind in ("mousePressed", "mouseReleased"):
                await cdp.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)
            await cdp.wait_for("Page.loadEventFired", mark)
            second = await _title(cdp)
            urls = [
                e["params"]["request"]["url"]
                for e in cdp.events
                if e.get("method") == "Network.requestWillBeSent"
            ]
            return first, second, urls


def _devtools_port(profile: Path, proc: subprocess.Popen) -> int:
    deadline = time.monotonic() + 60
    port_file = profile / "DevToolsActivePort"
    while time.monotonic() < deadline and proc.poll() is None:
        if port_file.is_file() and port_file.read_text().strip():
            return int(port_file.read_text().split()[0])
        time.sleep(0.1)  # polling for the browser's port file, not waiting for a result
    raise AssertionError(f"chromium did not start (exit {proc.poll()})")


def test_browser_follows_rewritten_link_inside_the_archive(tmp_path):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("ARSIP_REQUIRE_BROWSER"):
            pytest.fail("chromium is missing but ARSIP_REQUIRE_BROWSER is set (make browser-deps)")
        pytest.skip("chromium not installed (make browser-deps)")
    build_archive(tmp_path / "data", "demo")
    profile = tmp_path / "profile"
    with serve(make_app(tmp_path / "data")) as base:
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
            start = f"{base}/demo/20240301100000/{BASE}/artikel-satu/"
            link = 'a[href*="/artikel-dua/"]'
            first, second, urls = asyncio.run(asyncio.wait_for(_browse(port, start, link), 120))
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
    assert first == f"{TITLES['/artikel-satu/']} - News Test"
    assert second == f"{TITLES['/artikel-dua/']} - News Test"
    assert urls and all(u.startswith(base + "/") for u in urls), urls
    assert any(u.endswith("/style.css") for u in urls) and any("/artikel-dua/" in u for u in urls)

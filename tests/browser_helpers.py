"""Headless Chromium for the browser tests: start-up, the DevTools port, a minimal CDP client and
the page actions several tests share (navigate, click, read the title, the requested URLs)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# a fresh profile, nothing fetched in the background, no DNS but 127.0.0.1
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-default-apps",
)
_NO_DNS = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


def needs_chromium() -> None:
    """Skip the test without Chromium, or fail it where ARSIP_REQUIRE_BROWSER asks for one."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("ARSIP_REQUIRE_BROWSER"):
            pytest.fail("chromium is missing but ARSIP_REQUIRE_BROWSER is set (make browser-deps)")
        pytest.skip("chromium not installed (make browser-deps)")


def chromium_argv(profile: Path, *extra: str) -> list[str]:
    """Chromium's command line: the common flags, the profile, ``extra`` (flags, then the URL)."""
    return [CHROMIUM, *_FLAGS, f"--user-data-dir={profile}", _NO_DNS, *extra]


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


def devtools_port(profile: Path, proc: subprocess.Popen) -> int:
    deadline = time.monotonic() + 60
    port_file = profile / "DevToolsActivePort"
    while time.monotonic() < deadline and proc.poll() is None:
        if port_file.is_file() and port_file.read_text().strip():
            return int(port_file.read_text().split()[0])
        time.sleep(0.1)  # polling for the browser's port file, not waiting for a result
    raise AssertionError(f"chromium did not start (exit {proc.poll()})")


class Browser:
    """Headless Chromium with DevTools on a free port; a fresh profile; no DNS but 127.0.0.1.
    Skips (or fails, see ``needs_chromium``) without Chromium; ``flags`` are added to the common ones."""

    def __init__(self, profile: Path, *flags: str):
        needs_chromium()
        self.proc = subprocess.Popen(
            chromium_argv(
                profile, *flags, "--remote-debugging-port=0", "--remote-allow-origins=*", "about:blank"
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.port = devtools_port(profile, self.proc)

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(30)


@contextlib.asynccontextmanager
async def first_page(devtools_port: int, domains: tuple[str, ...] = ("Page", "Network", "DOM")):
    """A DevTools client on the browser's first page, with ``domains`` enabled."""
    import aiohttp

    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{devtools_port}/json/list") as resp:
            target = next(t for t in await resp.json() if t["type"] == "page")
        async with session.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as ws:
            cdp = DevTools(ws)
            for domain in domains:
                await cdp.send(f"{domain}.enable")
            yield cdp


async def navigate(cdp: DevTools, url: str) -> None:
    """Open ``url`` and wait for its load event."""
    mark = len(cdp.events)
    await cdp.send("Page.navigate", url=url)
    await cdp.wait_for("Page.loadEventFired", mark)


async def query(cdp: DevTools, selector: str) -> int:
    """The node id of the first element ``selector`` matches."""
    root = (await cdp.send("DOM.getDocument"))["root"]["nodeId"]
    return (await cdp.send("DOM.querySelector", nodeId=root, selector=selector))["nodeId"]


async def click(cdp: DevTools, selector: str) -> None:
    """A real mouse click in the middle of the element, then the load of the page it opens."""
    node = await query(cdp, selector)
    await cdp.send("DOM.scrollIntoViewIfNeeded", nodeId=node)
    quad = (await cdp.send("DOM.getBoxModel", nodeId=node))["model"]["content"]
    x, y = (quad[0] + quad[4]) / 2, (quad[1] + quad[5]) / 2
    mark = len(cdp.events)
    for kind in ("mousePressed", "mouseReleased"):
        await cdp.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)
    await cdp.wait_for("Page.loadEventFired", mark)


def requested_urls(events: list[dict]) -> list[str]:
    """The URL of every request the browser made, in order."""
    return [e["params"]["request"]["url"] for e in events if e.get("method") == "Network.requestWillBeSent"]

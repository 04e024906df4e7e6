"""Extraction in worker processes: the same article as in-process, and a worker that dies costs at
most the page it held, never the crawl (the pool is rebuilt)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.crawl_helpers import ROOT, arsip, start_arsip, write_seed

SCRIPT = """
import os, signal, sys
from twisted.internet import defer, task
from archive.extract import extract
from crawler.pipelines.extract_pool import ExtractionPool

@defer.inlineCallbacks
def main(reactor):
    html = open(sys.argv[1], "rb").read()
    expected = extract(html, "http://x/a/").render()
    pool = ExtractionPool(1)
    pool.start()
    first = yield pool.extract(html, "http://x/a/", None, {})
    for process in list(pool._executor._processes.values()):
        os.kill(process.pid, signal.SIGKILL)  # as a parser crash or the OOM killer would
    try:
        yield pool.extract(html, "http://x/a/", None, {})
        print("second: ok")
    except Exception as exc:
        print("second:", type(exc).__name__)
    third = yield pool.extract(html, "http://x/a/", None, {})
    pool.close()
    print("same:", first.render() == expected, third.render() == expected)

task.react(main)
"""


def test_worker_result_equals_in_process_and_a_dead_worker_is_replaced():
    page = ROOT / "tests" / "data" / "extraction" / "block-id-sekolah-rakyat.html"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(page)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = dict(line.split(": ", 1) for line in done.stdout.splitlines())
    assert lines["same"] == "True True"
    assert lines["second"] in ("ok", "BrokenProcessPool")  # the page in flight may be lost, no more


@pytest.mark.slow
def test_workers_do_not_outlive_a_crawl_killed_outright(site_factory, tmp_path):
    site = site_factory(articles=300, seed=9)
    seed = write_seed(tmp_path, site.url)
    # no pipes: a worker that outlived the crawl would hold them open
    proc = start_arsip(
        "crawl", seed, "--data", tmp_path / "data", "--progress", "off", output=subprocess.DEVNULL
    )
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    deadline = time.monotonic() + 60
    while not children.read_text().split() and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = children.read_text().split()
    assert workers, "the crawl started no extraction worker"
    os.kill(proc.pid, signal.SIGKILL)  # the crawl alone, not its process group
    proc.wait()

    def alive(pid):
        status = Path(f"/proc/{pid}/status")
        return status.exists() and "zombie" not in status.read_text()

    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)]


@pytest.mark.slow
def test_texts_are_the_same_from_worker_processes_and_from_a_thread(site_factory, tmp_path):
    site = site_factory(articles=12, seed=9)
    seed = write_seed(tmp_path, site.url)
    texts = []
    for processes in ("2", "0"):
        data = tmp_path / f"data-{processes}"
        done = arsip(
            "crawl", seed, "--data", data, "--progress", "off", "--extract-processes", processes, timeout=120
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        # ordinals follow the order pages finished, which differs from run to run: key on the URL hash
        texts.append(
            {p.name.split("_", 1)[1]: p.read_bytes() for p in (data / "site" / "text").glob("*.txt")}
        )
    assert len(texts[0]) == 12 and texts[0] == texts[1]

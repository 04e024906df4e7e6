"""Hardening, end to end (issue "Hardening", item 16): a crawl fetches robots.txt once, and leaves no
child process behind when it returns. The fast checks are in tests/test_hardening.py."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest

from tests.crawl_helpers import ROOT, arsip, reports
from tests.test_crawl_requisites import Host, page

pytestmark = pytest.mark.slow


@pytest.fixture
def site():
    log: list = []
    host = Host("127.0.0.1", log)
    yield host, log
    host.stop()


def seed(tmp_path, site: Host, obey_robots: bool = True):
    path = tmp_path / "site.toml"
    path.write_text(
        f'name = "site"\nstart_urls = ["{site.url}/"]\nallow_private_networks = true\n'
        "[articles]\nurl_pattern = '^/(one|two)/$'\n"
        f"[politeness]\ndelay = 0.0\nautothrottle = false\nobey_robots = {str(obey_robots).lower()}\n",
        encoding="utf-8",
    )
    return path


def build(site: Host, robots: bool = True) -> None:
    if robots:
        site.add(
            "/robots.txt", f"User-agent: *\nDisallow: /private/\nSitemap: {site.url}/map.xml\n", "text/plain"
        )
    site.add(
        "/map.xml",
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{site.url}/two/</loc></url></urlset>",
        "application/xml",
    )
    site.add("/", page("Beranda", body='<a href="/one/">one</a>'))
    site.add("/one/", page("Satu"))
    site.add("/two/", page("Dua"))


@pytest.mark.parametrize("obey", [True, False])
def test_robots_txt_is_fetched_once_and_its_sitemaps_read(site, tmp_path, obey):
    host, log = site
    build(host)
    result = arsip("crawl", seed(tmp_path, host, obey), "--data", tmp_path / "data", "--no-requisites")
    assert result.returncode == 0, result.stderr
    paths = Counter(path for _, path in log)
    assert paths["/robots.txt"] == 1, paths  # was 2: Scrapy's robots check, then discovery's own
    assert paths["/map.xml"] == 1 and paths["/two/"] == 1  # the sitemap it names is still read
    report = reports(tmp_path / "data" / "site")[-1]
    assert report["pages"] == 5, report["pages_by_status"]  # robots.txt, map.xml, home, two articles


def test_without_robots_txt_the_sitemap_xml_is_tried(site, tmp_path):
    host, log = site
    build(host, robots=False)
    result = arsip("crawl", seed(tmp_path, host), "--data", tmp_path / "data", "--no-requisites")
    assert result.returncode == 0, result.stderr
    paths = Counter(path for _, path in log)
    assert paths["/robots.txt"] == 1 and paths["/sitemap.xml"] == 1, paths


# Run as a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so that whatever the crawl leaves alive
# when it exits is re-parented to this script rather than to init: it lists what it then reaps.
SUBREAPER = """
import ctypes, json, os, subprocess, sys, time
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)
status = subprocess.call(sys.argv[1:], stdout=sys.stderr)
left = []
for task in os.listdir(f"/proc/{os.getpid()}/task"):
    with open(f"/proc/{os.getpid()}/task/{task}/children") as children:
        for pid in children.read().split():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as cmd:
                    left.append(pid + ": " + cmd.read().replace(b"\\0", b" ").decode(errors="replace"))
            except OSError:
                left.append(pid)
reaped, deadline = 0, time.monotonic() + 5
while time.monotonic() < deadline:
    try:
        pid, _ = os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        break
    if pid:
        reaped += 1
    else:
        time.sleep(0.02)
print(json.dumps({"status": status, "left": left, "reaped": reaped}))
"""


def test_no_child_process_outlives_the_crawl(tmp_path):
    seed_file = tmp_path / "demo.toml"
    seed_file.write_text(
        'name = "demo"\nstart_urls = ["/"]\nallow_private_networks = true\n[bundled_site]\narticles = 6\n'
        "[politeness]\ndelay = 0.0\nconcurrency = 8\nautothrottle = false\n",
        encoding="utf-8",
    )
    crawl = [sys.executable, "-m", "crawler.cli", "crawl", str(seed_file), "--data", str(tmp_path / "data")]
    result = subprocess.run(
        [sys.executable, "-c", SUBREAPER, *crawl, "--extract-processes", "2", "--progress", "off"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["status"] == 0, result.stderr[-2000:]
    # extraction workers, multiprocessing's resource tracker: none alive once the crawl has exited
    assert outcome["left"] == [] and outcome["reaped"] == 0, outcome
    assert reports(tmp_path / "data" / "demo")[-1]["outcome"] == "finished"

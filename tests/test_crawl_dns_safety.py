"""The private-network guard is the resolver every connection goes through (issue "Hardening").

- DNS rebinding: a name whose answers alternate public / loopback never gets a connection to
  loopback, because the address connected to is the address checked (no second lookup);
- a lookup that fails refuses the host (fail closed), and is not cached;
- literal IP hosts are checked without DNS; 17 spellings of loopback are refused;
- IPv6 forms that carry a private IPv4 address (6to4, Teredo, NAT64) and site-local fec0::/10 are
  refused; IPv6 sites can be crawled (``http://[::1]:PORT/`` with ``--allow-private-networks``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from scrapy import Request
from scrapy.exceptions import CannotResolveHostError
from scrapy.utils.test import get_crawler
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.error import DNSLookupError
from twisted.python.failure import Failure

from crawler.middlewares import safety
from crawler.middlewares.safety import (
    GuardedResolver,
    PrivateAddressRefused,
    Refusal,
    RefusedConnectionMiddleware,
    UnresolvableHostRefused,
    refused_reason,
    screen,
    system_lookup,
)
from crawler.seed import adhoc_seed
from crawler.settings import CrawlOptions, build_settings
from tests.crawl_helpers import ROOT, arsip, reports, warc_records

PUBLIC = "93.184.216.34"
REBIND_HOST = "rebind.arsip.test"


# -- the decision -------------------------------------------------------------------------------

LOOPBACK_SPELLINGS = [
    "127.0.0.1",
    "127.1",
    "127.0.1",
    "2130706433",
    "0x7f000001",
    "0x7f.0.0.1",
    "0177.0.0.1",
    "017700000001",
    "127.000.000.001",
    "127.255.255.254",
    "localhost",
    "LOCALHOST",
    "::1",
    "0:0:0:0:0:0:0:1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "0.0.0.0",
]


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS)
def test_loopback_spellings_are_refused_by_the_resolver(host):
    with pytest.raises(Refusal) as refused:
        GuardedResolver(None, guard=True, cache_size=0).check(host)
    assert refused.value.private
    assert "loopback" in str(refused.value) or "unspecified" in str(refused.value)


def test_seventeen_spellings():
    assert len(set(LOOPBACK_SPELLINGS)) == 17


def teredo(server: str, client: str) -> str:
    """A Teredo address (RFC 4380): 2001:0:SERVER:flags:port:~CLIENT."""
    s = int.from_bytes(socket.inet_aton(server), "big")
    c = int.from_bytes(socket.inet_aton(client), "big") ^ 0xFFFFFFFF
    return f"2001:0:{s >> 16:x}:{s & 0xFFFF:x}:8000:63bf:{c >> 16:x}:{c & 0xFFFF:x}"


IPV6_PRIVATE_FORMS = [
    ("2002:7f00:1::1", "loopback (6to4 of 127.0.0.1)"),
    ("2002:a9fe:a9fe::1", "link-local (6to4 of 169.254.169.254)"),
    ("2002:a00:1::1", "private (6to4 of 10.0.0.1)"),
    ("2002:ac10:1::1", "private (6to4 of 172.16.0.1)"),
    ("2002:ac1f:ffff::1", "private (6to4 of 172.31.255.255)"),
    ("2002:c0a8:101::1", "private (6to4 of 192.168.1.1)"),
    (teredo("65.54.227.120", "127.0.0.1"), "loopback (Teredo of 127.0.0.1)"),
    (teredo("65.54.227.120", "192.168.1.1"), "private (Teredo of 192.168.1.1)"),
    (teredo("10.0.0.1", "93.184.216.34"), "private (Teredo of 10.0.0.1)"),
    ("64:ff9b::7f00:1", "loopback (NAT64 of 127.0.0.1)"),
    ("64:ff9b::a9fe:a9fe", "link-local (NAT64 of 169.254.169.254)"),
    ("64:ff9b::a00:1", "private (NAT64 of 10.0.0.1)"),
    ("64:ff9b::c0a8:1", "private (NAT64 of 192.168.0.1)"),
    ("fec0::1", "site-local"),
    ("feff:ffff::1", "site-local"),
]


@pytest.mark.parametrize("address, reason", IPV6_PRIVATE_FORMS)
def test_ipv6_forms_of_private_addresses_are_refused(address, reason):
    assert refused_reason(address) == reason


@pytest.mark.parametrize("address", ["2002:5db8:d822::1", "64:ff9b::5db8:d822", "2606:4700::1111", PUBLIC])
def test_public_addresses_and_their_ipv6_forms_pass(address):
    # a NAT64 address of a public IPv4 address is how an IPv6-only network reaches that site
    assert refused_reason(address) is None


def test_one_private_answer_refuses_the_host():
    assert screen("mixed.example", [PUBLIC, "2606:4700::1111"]) == [PUBLIC, "2606:4700::1111"]
    with pytest.raises(Refusal, match="mixed.example resolves to private address 10.0.0.1"):
        screen("mixed.example", [PUBLIC, "10.0.0.1"])
    with pytest.raises(Refusal, match="cannot resolve host"):
        screen("empty.example", [])


# -- the resolver, driven synchronously ----------------------------------------------------------


class InlinePool:
    def callInThreadWithCallback(self, on_result, f, *args, **kwargs):
        try:
            result = f(*args, **kwargs)
        except Exception:  # noqa: BLE001 - handed over, as Twisted's thread pool does
            on_result(False, Failure())
        else:
            on_result(True, result)


class InlineReactor:
    """Enough of a reactor for deferToThreadPool: the 'thread' runs at once."""

    def getThreadPool(self):
        return InlinePool()

    def callFromThread(self, f, *args, **kwargs):
        f(*args, **kwargs)


class Receiver:
    def __init__(self):
        self.addresses: list = []
        self.began = self.complete = False

    def resolutionBegan(self, resolution):
        self.began = True

    def addressResolved(self, address):
        self.addresses.append(address)

    def resolutionComplete(self):
        self.complete = True


class AlternatingResolver(GuardedResolver):
    """A name whose answers alternate public, loopback, public, ... (a DNS rebinding attack): its
    lookup is injected at the class level, as a crawl's ``TWISTED_DNS_RESOLVER`` can name it."""

    answers: ClassVar[tuple[str, ...]] = (PUBLIC, "127.0.0.1")
    given: ClassVar[list[str]] = []
    lock = threading.Lock()

    @staticmethod
    def lookup(host: str) -> list[str]:
        if host != REBIND_HOST:
            return system_lookup(host)
        cls = AlternatingResolver
        with cls.lock:
            answer = cls.answers[len(cls.given) % len(cls.answers)]
            cls.given.append(answer)
        log = os.environ.get("ARSIP_TEST_DNS_LOG")
        if log:
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(answer + "\n")
        return [answer]


def resolve_with(resolver: GuardedResolver, host: str, port: int = 80) -> Receiver:
    receiver = Receiver()
    resolver.resolveHostName(receiver, host, port)
    assert receiver.began and receiver.complete
    return receiver


@pytest.fixture
def alternating():
    AlternatingResolver.given = []
    yield AlternatingResolver
    AlternatingResolver.given = []


def test_rebinding_name_connects_only_to_the_address_checked(alternating):
    resolver = alternating(InlineReactor(), guard=True, cache_size=0)  # no cache: every lookup anew
    first = resolve_with(resolver, REBIND_HOST, 8080)
    assert [(a.host, a.port) for a in first.addresses] == [(PUBLIC, 8080)]
    second = resolve_with(resolver, REBIND_HOST, 8080)
    assert second.addresses == []  # loopback this time: nothing to connect to
    assert "loopback address 127.0.0.1" in str(resolver.refusals[REBIND_HOST])
    assert alternating.given == [PUBLIC, "127.0.0.1"]


def test_a_checked_answer_is_kept_for_the_crawl(alternating):
    resolver = alternating(InlineReactor(), guard=True, cache_size=100)
    for _ in range(3):
        assert [a.host for a in resolve_with(resolver, REBIND_HOST).addresses] == [PUBLIC]
    assert alternating.given == [PUBLIC]  # one lookup: no second answer to rebind to


def test_a_private_answer_is_refused_and_remembered(alternating):
    alternating.given = [PUBLIC]  # the next answer is loopback
    resolver = alternating(InlineReactor(), guard=True, cache_size=100)
    assert resolve_with(resolver, REBIND_HOST).addresses == []
    assert resolve_with(resolver, REBIND_HOST).addresses == []
    assert alternating.given == [PUBLIC, "127.0.0.1"]


def test_a_failed_lookup_refuses_and_is_not_cached():
    calls = []

    class Failing(GuardedResolver):
        @staticmethod
        def lookup(host):
            calls.append(host)
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    resolver = Failing(InlineReactor(), guard=True, cache_size=100)
    assert resolve_with(resolver, "gone.example").addresses == []
    assert resolve_with(resolver, "gone.example").addresses == []
    refusal = resolver.refusals["gone.example"]
    assert str(refusal).startswith("cannot resolve host gone.example") and not refusal.private
    assert calls == ["gone.example", "gone.example"]
    errors = []
    resolver.getHostByName("gone.example").addErrback(errors.append)
    assert errors[0].check(DNSLookupError) and "refused: cannot resolve host" in str(errors[0].value)


def test_literal_hosts_are_checked_without_dns_and_ipv6_is_resolved():
    class NoDns(GuardedResolver):
        @staticmethod
        def lookup(host):
            assert host in ("127.0.0.1", "::1", "2606:4700::1111", PUBLIC), host
            return system_lookup(host)

    guarded = NoDns(InlineReactor(), guard=True, cache_size=0)
    assert resolve_with(guarded, "127.0.0.1").addresses == []
    assert resolve_with(guarded, "::1").addresses == []
    (v6,) = resolve_with(guarded, "2606:4700::1111", 443).addresses
    assert isinstance(v6, IPv6Address) and (v6.host, v6.port) == ("2606:4700::1111", 443)
    allowed = NoDns(InlineReactor(), guard=False, cache_size=0)
    (loop6,) = resolve_with(allowed, "::1", 8000).addresses
    assert isinstance(loop6, IPv6Address) and loop6.host == "::1"
    (loop4,) = resolve_with(allowed, "127.0.0.1", 8000).addresses
    assert isinstance(loop4, IPv4Address)


def test_a_configured_proxy_on_loopback_is_connected_to_but_not_crawled(monkeypatch):
    monkeypatch.setenv("http_proxy", "http://proxy.internal:3128")

    class Corp(GuardedResolver):
        @staticmethod
        def lookup(host):
            return ["10.0.0.8"] if host == "proxy.internal" else system_lookup(host)

    crawler = get_crawler(settings_dict={"ARSIP_ALLOW_PRIVATE_NETWORKS": False})
    resolver = Corp.from_crawler(crawler, InlineReactor())
    assert resolver.guard and resolver.proxy_hosts == {"proxy.internal"}
    (address,) = resolve_with(resolver, "proxy.internal", 3128).addresses  # the connection to the proxy
    assert address.host == "10.0.0.8"
    errors = []
    resolver.addresses("proxy.internal").addErrback(errors.append)  # a URL naming the proxy's host
    assert errors and "private address 10.0.0.8" in str(errors[0].value)


def test_a_refused_connection_is_reported_as_the_refusal(monkeypatch):
    resolver = GuardedResolver(InlineReactor(), guard=True, cache_size=0)
    resolver.refusals[REBIND_HOST] = Refusal(
        f"{REBIND_HOST} resolves to loopback address 127.0.0.1", private=True
    )
    monkeypatch.setattr(safety, "crawl_resolver", lambda: resolver)
    crawler = get_crawler(settings_dict={"ARSIP_ALLOW_PRIVATE_NETWORKS": False})
    mw = RefusedConnectionMiddleware.from_crawler(crawler)
    url = f"http://{REBIND_HOST}:8080/"
    with pytest.raises(
        PrivateAddressRefused, match=r"refused http://rebind\.arsip\.test:8080/: .* loopback .*--allow"
    ):
        mw.process_exception(
            Request(url), CannotResolveHostError(f"no results for hostname lookup: {REBIND_HOST}")
        )
    with pytest.raises(UnresolvableHostRefused, match="refused http://other.example/: cannot resolve host"):
        mw.process_exception(Request("http://other.example/"), CannotResolveHostError("no results"))
    assert mw.process_exception(Request(url), ConnectionRefusedError()) is None


def test_the_crawl_uses_the_guarded_resolver():
    settings = build_settings(
        adhoc_seed("https://news.example/"), CrawlOptions(warc=False), Path("/x"), "id", None
    )
    assert settings["TWISTED_DNS_RESOLVER"] == "crawler.middlewares.safety.GuardedResolver"


# -- real crawls ----------------------------------------------------------------------------------


class Recorder(BaseHTTPRequestHandler):
    """A loopback site of one page, recording every request it gets."""

    seen: ClassVar[list[str]] = []

    def do_GET(self):
        type(self).seen.append(self.path)
        body = b"<html><head><title>Halo</title></head><body><p>internal</p></body></html>"
        self.send_response(200 if self.path == "/" else 404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


CRAWL_WITH_RESOLVER = """
import sys
from pathlib import Path
from crawler import runner
from crawler.seed import adhoc_seed
from crawler.settings import CrawlOptions

built = runner.build_settings

def with_test_resolver(*args, **kwargs):
    settings = built(*args, **kwargs)
    settings["TWISTED_DNS_RESOLVER"] = "tests.test_crawl_dns_safety.AlternatingResolver"
    settings["DNSCACHE_ENABLED"] = False  # the worst case: every connection looks the name up again
    # a connection to the public answer fails at once (EINVAL) and sends nothing off the machine
    settings["DOWNLOAD_BIND_ADDRESS"] = ("127.0.0.1", 0)
    if sys.argv[3] == "resolver-only":  # no early check: the connection's lookup is the only one
        settings["DOWNLOADER_MIDDLEWARES"]["crawler.middlewares.safety.PrivateAddressMiddleware"] = None
    return settings

runner.build_settings = with_test_resolver
opts = CrawlOptions(data_dir=Path(sys.argv[2]), delay=0.0, progress="off", extract_processes=0,
                    allow_private_networks=sys.argv[3] == "allow")
sys.exit(runner.run_crawl(adhoc_seed(sys.argv[1]), opts).exit_code)
"""


def the_report(data: Path) -> dict:
    """The last report of the one collection under ``data`` (ad-hoc names carry the port)."""
    (collection,) = [p for p in data.iterdir() if p.is_dir()]
    return reports(collection)[-1]


def crawl_rebinding(tmp_path: Path, port: int, mode: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    log = tmp_path / f"dns-{mode}.log"
    proc = subprocess.run(
        [sys.executable, "-c", CRAWL_WITH_RESOLVER, f"http://{REBIND_HOST}:{port}/", tmp_path / mode, mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "ARSIP_TEST_DNS_LOG": str(log)},
    )
    return proc, log.read_text().split() if log.exists() else []


@pytest.mark.slow
def test_dns_rebinding_never_reaches_loopback(tmp_path):
    Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_port
        proc, answers = crawl_rebinding(tmp_path, port, "guard")
        only, only_answers = crawl_rebinding(tmp_path, port, "resolver-only")
        reached_guarded = list(Recorder.seen)
        # the control: the same crawl with the guard off does reach the loopback server
        control, _ = crawl_rebinding(tmp_path, port, "allow")
        reached_unguarded = list(Recorder.seen)
    finally:
        server.shutdown()
    for run, given, mode in ((proc, answers, "guard"), (only, only_answers, "resolver-only")):
        assert "127.0.0.1" in given and PUBLIC in given, (mode, given, run.stderr[-2000:])
        assert run.returncode == 1, run.stderr[-2000:]
        report = the_report(tmp_path / mode)
        assert report["pages"] == 0
        assert any(
            e["url"] == f"http://{REBIND_HOST}:{port}/"
            and f"{REBIND_HOST} resolves to loopback address 127.0.0.1" in e["error"]
            and "allow-private-networks" in e["error"]
            for e in report["errors"]
        ), (mode, report["errors"])
        # a refusal is final: never retried
        assert not [r for r in report["retried"] if "127.0.0.1" in r["error"] or "refused" in r["error"]]
    assert reached_guarded == [], proc.stderr[-2000:]
    assert "/" in reached_unguarded, control.stderr[-2000:]


@pytest.mark.slow
def test_ipv6_forms_are_refused_by_a_crawl(tmp_path):
    urls = [f"http://[{address}]:8080/" for address, _ in IPV6_PRIVATE_FORMS]
    seed = tmp_path / "v6.toml"
    listed = ", ".join(f'"{u}"' for u in urls)
    seed.write_text(f'name = "v6"\nstart_urls = [{listed}]\n[politeness]\ndelay = 0.0\n', encoding="utf-8")
    proc = arsip("crawl", seed, "--data", tmp_path / "data", "--progress", "off")
    assert proc.returncode == 1, proc.stderr[-2000:]
    report = reports(tmp_path / "data" / "v6")[-1]
    refused = {e["url"]: e["error"] for e in report["errors"]}
    for (_, reason), url in zip(IPV6_PRIVATE_FORMS, urls, strict=True):
        assert reason in refused.get(url, ""), (url, refused.get(url))
        assert refused[url].startswith(f"refused {url}:")
    assert report["retried"] == [] and report["pages"] == 0


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


class V6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


@pytest.mark.slow
@pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback on this machine")
def test_an_ipv6_only_site_is_crawled(tmp_path):
    Recorder.seen = []
    server = V6Server(("::1", 0), Recorder)  # bound to ::1 only: IPv4 cannot reach it
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://[::1]:{server.server_port}/"
    try:
        refused = arsip("crawl", url, "--data", tmp_path / "refused", "--delay", "0", "--progress", "off")
        assert Recorder.seen == []
        proc = arsip(
            "crawl",
            url,
            "--data",
            tmp_path / "data",
            "--allow-private-networks",
            "--delay",
            "0",
            "--progress",
            "off",
        )
    finally:
        server.shutdown()
    assert refused.returncode == 1
    assert any("loopback address ::1" in e["error"] for e in the_report(tmp_path / "refused")["errors"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "/" in Recorder.seen
    (collection,) = [p for p in (tmp_path / "data").iterdir() if p.is_dir()]  # search.sqlite beside it
    report = reports(collection)[-1]
    assert report["outcome"] == "finished" and report["errors"] == [], report
    assert ("response", url, 200) in warc_records(collection)

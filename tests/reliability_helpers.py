"""Shared by the reliability tests: ``arsip crawl`` in a measured, optionally limited subprocess,
and WARC validity as ``arsip check`` judges it."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from archive.warc.check import check_file
from tests.crawl_helpers import arsip_argv

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Finished:
    """How a crawl subprocess ended, with its own peak memory."""

    code: int
    stdout: str
    stderr: str
    maxrss_mb: float
    seconds: float


def _limits(fsize: int | None):
    def apply():
        os.setsid()  # its own group, so a kill reaches nothing else
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return apply


def start_crawl(seed: Path, data: Path, *extra, fsize: int | None = None) -> subprocess.Popen:
    """``arsip crawl SEED --data DATA`` in a subprocess (its output in temporary files);
    ``fsize`` caps the size of any one file it writes (RLIMIT_FSIZE: writes past it fail with EFBIG)."""
    args = arsip_argv("crawl", seed, "--data", data, "--progress", "off", *extra)
    data.parent.mkdir(parents=True, exist_ok=True)
    # the harness's capture of the output lives off the disk under test (a full tmpfs would cut it)
    out, err = (tempfile.TemporaryFile("w+") for _ in ("stdout", "stderr"))  # noqa: SIM115 - closed by finish()
    proc = subprocess.Popen(args, cwd=ROOT, stdout=out, stderr=err, text=True, preexec_fn=_limits(fsize))
    proc.outputs = (out, err)
    return proc


def finish(proc: subprocess.Popen, timeout: float = 120) -> Finished:
    """Reap ``proc`` with ``os.wait4`` (its own peak RSS), killing its group past ``timeout``."""
    start = time.monotonic()
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - start > timeout:
            os.killpg(proc.pid, signal.SIGKILL)
            os.wait4(proc.pid, 0)
            proc.returncode = -9
            raise AssertionError(
                f"crawl still running after {timeout:.0f}s: {_read(proc.outputs[1])[-2000:]}"
            )
        time.sleep(0.02)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Finished(
        proc.returncode,
        _read(proc.outputs[0]),
        _read(proc.outputs[1]),
        usage.ru_maxrss / 1024,
        time.monotonic() - start,
    )


def kill(proc: subprocess.Popen) -> int:
    """SIGKILL the crawl (and anything it started) and reap it; its exit code."""
    os.killpg(proc.pid, signal.SIGKILL)
    _, status, _ = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    for handle in proc.outputs:
        handle.close()
    return proc.returncode


def _read(handle) -> str:
    handle.flush()
    handle.seek(0)
    text = handle.read()
    handle.close()
    return text


def crawl(seed: Path, data: Path, *extra, fsize: int | None = None, timeout: float = 120) -> Finished:
    return finish(start_crawl(seed, data, *extra, fsize=fsize), timeout)


def problems(collection: Path, pattern: str = "*.warc.gz") -> dict[str, list]:
    """``{file name: [(offset, message)]}`` for every WARC file of ``collection`` that fails the check."""
    out = {}
    for path in sorted((collection / "warcs").glob(pattern)):
        report = check_file(path)
        if not report.ok:
            out[path.name] = report.problems
    return out


def jsonl_urls(collection: Path) -> list[str]:
    path = collection / "articles.jsonl"
    if not path.exists():
        return []
    return [json.loads(line)["url"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

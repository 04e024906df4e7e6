"""Careless arguments and unwritable places are one ``arsip <command>: error: ...`` line with a
non-zero exit status, never a traceback (issue 14, item 13; export's cases are in
tests/test_export_hardening.py)."""

from __future__ import annotations

import pytest

from tests.crawl_helpers import arsip, one_error_line


@pytest.mark.parametrize("port", ["70000", "-1", "65536"])
def test_replay_port_out_of_range(tmp_path, port):
    done = arsip("replay", "--data", tmp_path, "--port", port, timeout=60)
    line = one_error_line(done, "replay")
    assert done.returncode == 2 and port in line and "0-65535" in line


@pytest.mark.parametrize("port", ["70000", "-1"])
def test_site_serve_port_out_of_range(port):
    done = arsip("site", "serve", "--port", port, timeout=60)
    line = one_error_line(done, "site")
    assert done.returncode == 2 and port in line and "0-65535" in line


@pytest.mark.parametrize("data", ["/proc/x", "/proc/x/y"])
def test_crawl_into_a_data_directory_that_cannot_be_made(tmp_path, data):
    done = arsip("crawl", "http://127.0.0.1:1/", "--data", data, "--allow-private-networks", timeout=60)
    line = one_error_line(done, "crawl")
    assert done.returncode == 1 and "/proc/x" in line


def test_crawl_into_a_data_directory_that_is_a_file(tmp_path):
    data = tmp_path / "file"
    data.write_text("x")
    done = arsip("crawl", "http://127.0.0.1:1/", "--data", data, "--allow-private-networks", timeout=60)
    line = one_error_line(done, "crawl")
    assert done.returncode == 1 and str(data) in line
    assert data.read_text() == "x"

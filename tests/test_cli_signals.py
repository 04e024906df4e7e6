"""SIGTERM before a command installs its own handling: a clear line and a status to judge by."""

from __future__ import annotations

import subprocess
import sys

import pytest

# The command's run() is where Scrapy is imported and its handlers installed; a real SIGTERM
# raised there stands for one that arrives while the crawl is still starting.
SCRIPT = """
import signal, sys
from crawler import cli
import crawler.commands.{module} as command
command.run = lambda args: signal.raise_signal(signal.SIGTERM)
sys.exit(cli.main({argv!r}))
"""


@pytest.mark.parametrize(
    "module, argv, status",
    [
        ("crawl", ["crawl", "http://127.0.0.1:9/"], 3),  # interrupted: run it again to resume
        ("index", ["index", "--data", "/nonexistent"], 143),
    ],
)
def test_sigterm_while_starting_exits_with_a_status_and_one_line(module, argv, status):
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(module=module, argv=argv)], capture_output=True, text=True
    )
    assert done.returncode == status
    assert done.stderr.strip() == f"arsip {argv[0]}: stopped by SIGTERM"

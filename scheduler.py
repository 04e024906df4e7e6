"""The scheduler service: ``python scheduler.py [-v] [--data DIR] [--seeds DIR] [--stop-timeout S]``.

The same as ``arsip schedule``; the service itself lives in :mod:`crawler.service` so that stored
jobs refer to an importable module, never to ``__main__``.
"""

import sys

from crawler.cli import main

if __name__ == "__main__":
    args = sys.argv[1:]
    verbose = [arg for arg in args if arg in ("-v", "--verbose")]  # a top-level option of `arsip`
    sys.exit(main([*verbose, "schedule", *[arg for arg in args if arg not in verbose]]))

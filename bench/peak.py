"""``python -m bench.peak OUT.json CMD...``: run CMD and write its own CPU time and peak memory.

A process's peak RSS (``ru_maxrss``) starts at the resident size of the process that forked it:
Linux keeps the high-water mark of the address space a child was forked with, even across exec.
A benchmark driver holding a rendered 20,000-article site in memory therefore made every crawl it
started look that large. This launcher is small, so the command forked from it is measured alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys


def main(argv: list[str]) -> int:
    out, cmd = argv[0], argv[1:]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    with open(out, "w", encoding="utf-8") as fh:
        json.dump({"code": code, "cpu": usage.ru_utime + usage.ru_stime, "maxrss_kb": usage.ru_maxrss}, fh)
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Replay rewriter on adversarial markup: seconds for 125 kB and 1 MB of each pathological pattern.

A linear rewriter takes about 8 times as long for 8 times the input; the quadratic one it
replaced took 64 times as long (24 s for 160 kB of ``<!--``). The tests only bound 1 MB by a
timeout; this prints the figures:

    python -m bench.rewrite
"""

from __future__ import annotations

import time

from archive.replay.rewrite import UrlRewriter

PATTERNS = [
    "<!--",
    "<script>",
    "<style>",
    '<a href="',
    "<base ",
    "<img srcset=",
    "<style>url(",
    '<p style="url(',
]
SMALL, LARGE = 125_000, 1_000_000


def seconds(text: str, repeat: int = 3) -> float:
    """Best of ``repeat`` rewrites of ``text`` (the least disturbed by other load)."""
    rewriter = UrlRewriter("/c/", "20240301000000", "http://example.com/a/")
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        rewriter.rewrite_html(text, "<div>banner</div>")
        best = min(best, time.perf_counter() - start)
    return best


def rows() -> list[str]:
    """A Markdown table: pattern, seconds at 125 kB and 1 MB, and their ratio (8 = linear)."""
    lines = ["| pattern | 125 kB s | 1 MB s | ratio (8 = linear) |", "|---|---|---|---|"]
    for unit in PATTERNS:
        small = seconds(unit * (SMALL // len(unit)))
        large = seconds(unit * (LARGE // len(unit)))
        lines.append(f"| `{unit}` | {small:.4f} | {large:.4f} | {large / small:.1f} |")
    return lines


if __name__ == "__main__":
    print("\n".join(rows()))

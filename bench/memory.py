"""Peak memory of a crawl (``ru_maxrss`` of the ``arsip crawl`` process) as the site grows.

The crawl keeps per-URL state (the scheduled set, the catalog, the dedup index), so its memory
may grow with the site; the target is that 20,000 articles need at most 1.5x what 2,000 need.
The figures come from the measured crawls of :mod:`bench.run` (``bench.crawl.measured``, which
starts each crawl from the small :mod:`bench.peak` launcher: measured straight from the driver, a
crawl's peak would include the driver's own memory).
"""

from __future__ import annotations

TARGET_RATIO = 1.5


def verdict(small: float, large: float) -> str:
    """How the larger crawl's peak compares with the smaller one's, against the 1.5x target."""
    ratio = large / small if small else float("inf")
    return f"{ratio:.2f}x ({'met' if ratio <= TARGET_RATIO else 'missed'}: target <= {TARGET_RATIO}x)"


def memory_table(memory: dict[int, float]) -> list[str]:
    """Markdown rows: peak RSS of the arsip crawl by site size."""
    lines = ["| articles | peak RSS MB (arsip crawl) |", "|---|---|"]
    lines += [f"| {size:,} | {rss:.0f} |" for size, rss in sorted(memory.items())]
    return lines

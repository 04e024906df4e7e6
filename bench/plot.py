"""The throughput plot: crawl pages/s against site size (articles), one line per crawler."""

from __future__ import annotations

from pathlib import Path


def plot_throughput(points: dict[str, list[tuple[int, float]]], out: Path, title: str) -> Path | None:
    """Write a PNG of ``{tool: [(articles, pages/s), ...]}`` to ``out``; None without matplotlib."""
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")  # headless: no display on a CI machine
    from matplotlib import pyplot

    fig, ax = pyplot.subplots(figsize=(7, 4.2), dpi=110)
    for tool, series in points.items():
        series = sorted(series)
        ax.plot([s for s, _ in series], [r for _, r in series], marker="o", label=tool)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("site size (articles)")
    ax.set_ylabel("crawl throughput (pages/s, median)")
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out)
    pyplot.close(fig)
    return out

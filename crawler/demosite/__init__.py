"""The bundled Channel9-style demo site (SPEC §8): deterministic corpus, WordPress chrome, faults.

from crawler.demosite import SiteConfig, Faults, start_site, build_corpus
with start_site(SiteConfig(articles=60, seed=9), port=0) as site:
    site.url, site.corpus, site.requests_log
"""

from .config import Faults, SiteConfig
from .corpus import Article, Corpus
from .generate import build_corpus


def start_site(config: SiteConfig | None = None, port: int = 0, host: str = "127.0.0.1"):
    """Serve the demo site in a background thread; returns a running site (a context manager)."""
    from .server import RunningSite

    return RunningSite(config or SiteConfig(), host=host, port=port).start()


__all__ = ["Article", "Corpus", "Faults", "SiteConfig", "build_corpus", "start_site"]

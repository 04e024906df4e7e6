"""The bundled Channel9-style demo site (docs/ARCHITECTURE.md): deterministic corpus, WordPress chrome, faults.

from crawler.demosite import SiteConfig, Faults, start_site, build_corpus
with start_site(SiteConfig(articles=60, seed=9), port=0) as site:
    site.url, site.corpus, site.requests_log
with start_site(SiteConfig(), port=0, origin="http://channel9.arsip.test/") as site:
    site.origin  # its pages' URLs; fetch them with site.url as the HTTP proxy
cdn_base(site.origin)  # "http://cdn.channel9.arsip.test": the theme's fonts, images and photos
"""

from .assets import cdn_base
from .config import Faults, SiteConfig
from .corpus import Article, Corpus
from .generate import build_corpus


def start_site(
    config: SiteConfig | None = None, port: int = 0, host: str = "127.0.0.1", origin: str | None = None
):
    """Serve the demo site in a background thread; returns a running site (a context manager).

    ``origin`` (such as ``http://channel9.arsip.test/``) is the site's public URL, which its pages
    link to whatever port it listens on: clients reach it through the site as an HTTP proxy. By
    default it is the listening address, ``site.url``.
    """
    from .server import RunningSite

    return RunningSite(config or SiteConfig(), host=host, port=port, origin=origin).start()


__all__ = ["Article", "Corpus", "Faults", "SiteConfig", "build_corpus", "cdn_base", "start_site"]

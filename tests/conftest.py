"""Shared fixtures: the bundled Channel9-style demo site on loopback (crawler.demosite), and the
scheduler service in a subprocess. Shared helpers are in crawl_helpers.py (seed files, ``arsip``)."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings

from crawler.demosite import SiteConfig, start_site

# The fuzz tests (tests/test_fuzz_*.py, marker ``fuzz``): "ci" is the bounded, reproducible run
# `make test` makes (the whole fuzz run well under 3 minutes on a loaded 2-core machine); "dev" is
# `make fuzz`'s bigger, random one. Neither writes an example database.
_FUZZ_COMMON = dict(
    deadline=timedelta(seconds=2),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile("ci", max_examples=200, derandomize=True, **_FUZZ_COMMON)
settings.register_profile("dev", max_examples=2000, **_FUZZ_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def demo_site():
    """The demo site (60 articles, seed 9, no faults) for the whole session. Do not reconfigure it:
    use ``site_factory`` for a site you mean to change."""
    site = start_site(SiteConfig(articles=60, seed=9), port=0)
    yield site
    site.stop()


@pytest.fixture
def site_factory():
    """Start fresh demo sites: ``site_factory(SiteConfig(...))`` or ``site_factory(articles=20, ...)``;
    every site started is stopped when the test ends."""
    started = []

    def start(config: SiteConfig | None = None, **fields):
        site = start_site(config or SiteConfig(**fields), port=0)
        started.append(site)
        return site

    yield start
    for site in started:
        site.stop()


@pytest.fixture
def service(tmp_path):
    """Start ``python scheduler.py`` on ``tmp_path/data`` and ``tmp_path/seeds``: ``service(**kwargs)``
    (kwargs of ``test_scheduler_support.ServiceProcess``); every one started is killed at the end."""
    from test_scheduler_support import ServiceProcess

    started: list[ServiceProcess] = []

    def start(**kwargs) -> ServiceProcess:
        svc = ServiceProcess(tmp_path, **kwargs)
        started.append(svc)  # before start(): one that never reports running is killed too
        return svc.start()

    yield start
    for svc in started:
        svc.kill()

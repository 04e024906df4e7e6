"""What the demo site serves: the corpus (size, seed, mutations) and the faults switched on."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

FAULT_KEYS = {"503": "error_503", "500": "error_500", "slow": "slow", "drop": "drop"}


@dataclass(frozen=True)
class Faults:
    """Switchable faults; the random ones are off until a fraction is set above zero.

    Each fraction is the share of requests hit, decided by a hash of (``seed``, path, how many
    times that path was requested before), so a run is reproducible and a retry may succeed.
    ``/robots.txt`` is spared unless ``include_robots`` is set. The ``/fault/...`` routes work
    whatever is set here.
    """

    error_503: float = 0.0
    error_500: float = 0.0
    slow: float = 0.0
    slow_seconds: float = 2.0
    drop: float = 0.0
    retry_after: int = 1
    huge_mb: float = 5.0
    include_robots: bool = False
    seed: int = 0

    @property
    def active(self) -> bool:
        """True when any random fault can fire."""
        return any((self.error_503, self.error_500, self.slow, self.drop))

    @classmethod
    def parse(cls, text: str) -> Faults:
        """Parse ``503=0.1,500=0.02,slow=0.05:2.0,drop=0.02`` (the ``arsip site serve`` syntax)."""
        values: dict = {}
        for item in filter(None, (part.strip() for part in text.split(","))):
            key, sep, value = item.partition("=")
            if not sep or key not in FAULT_KEYS:
                raise ValueError(f"unknown fault {item!r}; use {', '.join(FAULT_KEYS)} as KEY=FRACTION")
            fraction, _, seconds = value.partition(":")
            values[FAULT_KEYS[key]] = _fraction(fraction, key)
            if seconds:
                if key != "slow":
                    raise ValueError(f"only slow takes a delay (slow=FRACTION:SECONDS), got {item!r}")
                values["slow_seconds"] = float(seconds)
        return cls(**values)


def _fraction(text: str, key: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"fault {key}: fraction must be between 0 and 1, got {text}")
    return value


@dataclass(frozen=True)
class SiteConfig:
    """The demo site's content, deterministic from ``seed``.

    ``articles`` is the size of the base corpus (the seed articles included); ``added`` publishes
    that many newer articles on top; ``changed`` rewrites the body and modification date of that
    many existing generated articles (never the seed articles). Both are absolute: ``added=20``
    then ``added=25`` means five more, and the first twenty stay exactly as they were.
    """

    articles: int = 60
    seed: int = 9
    added: int = 0
    changed: int = 0
    faults: Faults = field(default_factory=Faults)

    def __post_init__(self):
        if self.articles < 3:
            raise ValueError("the demo site needs at least 3 articles (the seed articles are among them)")
        if self.added < 0 or self.changed < 0:
            raise ValueError("added and changed must be zero or more")
        if self.changed > self.articles - 3:
            raise ValueError(
                f"changed={self.changed} is more than the {self.articles - 3} generated articles"
            )

    def content_key(self) -> tuple:
        """What the pages depend on (faults excluded): equal keys render equal bytes."""
        return (self.articles, self.seed, self.added, self.changed)

    def with_changes(self, **changes) -> SiteConfig:
        """A copy with some fields replaced (``added``, ``changed``, ``faults``...)."""
        return replace(self, **changes)

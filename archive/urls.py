"""URL identity: one canonical form per article, and the hash its text file is named by.

The canonical form is what the catalog keys on and what ``hash16`` is computed from
(docs/FORMATS.md), so two spellings of one article (tracking parameters, ``?amp``, a missing
trailing slash, a fragment) must map to the same string. Crawl scope and link verdicts are the
crawler's business: ``crawler/links.py``.
"""

from __future__ import annotations

import functools
import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "amp",
        "output",
        "ref_src",
        "wt.mc_id",
        "cmpid",
        "ncid",
        "spm",
    }
)
TRACKING_PREFIXES = ("utm_", "hsa_", "pk_", "mtm_")
# The crawl asks about the same few thousand theme links on every page: a bounded cache keeps
# this, its hottest pure function, cheap with memory flat on any site size.
_CACHE = 4096


@functools.lru_cache(maxsize=_CACHE)
def canonicalize(url: str) -> str:
    """The canonical form of ``url``: no fragment, no tracking or AMP parameters, sorted query,
    lower-case host without default port, and a trailing slash on extension-less paths (the
    WordPress permalink convention, so ``/slug`` and ``/slug/`` are one article)."""
    parts = urlsplit(canonicalize_url(url.strip(), keep_fragments=False))
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port and not ((parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    path = re.sub(r"/amp/?$", "/", path)
    last = path.rsplit("/", 1)[-1]
    if last and "." not in last:
        path += "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k)]
    return urlunsplit((parts.scheme, host, path, urlencode(query), ""))


def _tracking(key: str) -> bool:
    key = key.lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def url_hash16(canonical_url: str) -> str:
    """First 16 hex digits of the SHA-256 of a canonical URL (the ``<hash16>`` of text files)."""
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:16]


class BadPattern(ValueError):
    """A seed's ``url_pattern`` that RE2 cannot compile."""


@functools.lru_cache(maxsize=64)
def url_pattern(pattern: str):
    """A seed's ``url_pattern`` compiled with RE2 (``google-re2``), whose matching time is linear in
    the length of the path: no pattern and no link can make it backtrack for minutes
    (``^/(a+)+/$`` is as fast as any). RE2 has no lookarounds and no backreferences; a pattern
    using them raises :class:`BadPattern` (docs/SEEDS.md). The object has ``search()`` like
    Python's."""
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print its own copy of the error on stderr
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else "invalid"
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise BadPattern(
            f"invalid regular expression for RE2 ({reason}); lookarounds such as (?!...) and "
            "backreferences are not supported"
        ) from None

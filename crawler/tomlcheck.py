"""Typed, key-by-key validation of TOML tables, shared by seed files: every error names the file,
the key and what is wrong with it."""

from __future__ import annotations

import math
import re
from pathlib import Path
from urllib.parse import urlsplit

from archive.errors import ArsipError

DURATION_RE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*")
DURATION_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_DURATION = 366 * 86400.0  # a year: longer intervals overflow the scheduler's date arithmetic
MAX_DELAY = 60.0  # politeness.delay, --delay: seconds between requests (a longer one never ends a crawl)
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


class SeedError(ArsipError):
    """A seed file is malformed: names the file, the key and the reason."""

    def __init__(self, path: str | Path, key: str, reason: str):
        self.path, self.key, self.reason = str(path), key, reason
        super().__init__(f"{path}: {key}: {reason}")


def parse_duration(value, path, key) -> float:
    """Accept seconds as a number or a string such as ``90s``, ``15m``, ``6h``, ``1d``."""
    if isinstance(value, bool):
        raise SeedError(path, key, "expected a duration such as 30, '15m' or '6h', got a boolean")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and (match := DURATION_RE.fullmatch(value)):
        seconds = float(match.group(1)) * DURATION_UNITS[match.group(2)]
    else:
        raise SeedError(path, key, f"expected a duration such as 30, '15m' or '6h', got {value!r}")
    if not math.isfinite(seconds):
        raise SeedError(path, key, f"must be a finite duration, got {value!r}")
    if seconds <= 0:
        raise SeedError(path, key, "must be greater than zero")
    if seconds > MAX_DURATION:
        raise SeedError(path, key, f"must be at most 366 days ('366d'), got {value!r}")
    return seconds


SIZE_RE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmg]?b?)\s*", re.IGNORECASE)
SIZE_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3}


def parse_size(value, path, key) -> int:
    """Accept bytes as an integer or a string such as ``500MB``, ``64 KB``, ``2GB`` (units of 1024)."""
    if isinstance(value, bool):
        raise SeedError(path, key, "expected a size such as 1048576 or '500MB', got a boolean")
    if isinstance(value, int):
        size = value
    elif isinstance(value, str) and (match := SIZE_RE.fullmatch(value)):
        number = float(match.group(1)) * SIZE_UNITS[match.group(2).lower()]
        if not math.isfinite(number):
            raise SeedError(path, key, f"must be a finite size, got {value!r}")
        size = int(number)
    else:
        raise SeedError(path, key, f"expected a size such as 1048576 or '500MB', got {value!r}")
    if size < 0:
        raise SeedError(path, key, f"must be zero or more, got {value!r}")
    return size


class Table:
    """Typed access to one TOML table that remembers which keys were read."""

    def __init__(self, data: dict, path, prefix: str = ""):
        if not isinstance(data, dict):
            raise SeedError(path, prefix.rstrip(".") or "<file>", "expected a table")
        self.data, self.path, self.prefix = data, path, prefix
        self.seen: set[str] = set()

    def get(self, key, kind, default=None, required=False):
        self.seen.add(key)
        full = self.prefix + key
        if key not in self.data:
            if required:
                raise SeedError(self.path, full, "is required")
            return default
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise SeedError(
                self.path, full, f"expected {kind_name(kind)}, got {type(value).__name__} {value!r}"
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise SeedError(self.path, full, f"must be a finite number, got {value!r}")
        return value

    def strings(self, key, required=False) -> tuple[str, ...]:
        values = self.get(key, list, [], required)
        for item in values:
            if not isinstance(item, str) or not item.strip():
                raise SeedError(
                    self.path, self.prefix + key, f"expected a list of non-empty strings, got {item!r}"
                )
        return tuple(values)

    def table(self, key) -> Table:
        return Table(self.get(key, dict, {}), self.path, f"{self.prefix}{key}.")

    def finish(self):
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            raise SeedError(self.path, self.prefix + unknown[0], "unknown key")


def kind_name(kind) -> str:
    return {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "true or false",
        list: "a list",
        dict: "a table",
    }.get(kind, "a number or a duration string")


def check_text(text: str | None, path, key) -> str | None:
    """A string without control characters (CR/LF would split an HTTP header in two)."""
    if text is not None and CONTROL_RE.search(text):
        raise SeedError(path, key, f"control characters are not allowed, got {text!r}")
    return text


def check_url(url: str, path, key) -> str:
    check_text(url, path, key)  # urlsplit drops tabs and newlines silently
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SeedError(path, key, f"not an http(s) URL: {url!r}")
    return url


def positive(value, path, key, allow_zero=True, maximum=None):
    if value is not None and (value < 0 or (value == 0 and not allow_zero)):
        raise SeedError(
            path, key, f"must be {'zero or more' if allow_zero else 'greater than zero'}, got {value}"
        )
    if value is not None and maximum is not None and value > maximum:
        raise SeedError(path, key, f"must be {maximum:g} or less, got {value}")
    return value

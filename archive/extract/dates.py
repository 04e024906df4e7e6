"""Dates as pages give them (ISO 8601, RFC 822, "13 September 2023 10:15 WIB") to ISO 8601.

The time zone is kept exactly when the page states one (an offset, ``Z`` or an Indonesian zone
name); a date without one stays naive rather than getting an invented zone.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

MONTHS = {
    "jan": 1,
    "januari": 1,
    "january": 1,
    "feb": 2,
    "februari": 2,
    "february": 2,
    "mar": 3,
    "maret": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "mei": 5,
    "may": 5,
    "jun": 6,
    "juni": 6,
    "june": 6,
    "jul": 7,
    "juli": 7,
    "july": 7,
    "agu": 8,
    "agt": 8,
    "agustus": 8,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "okt": 10,
    "oktober": 10,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "nopember": 11,
    "november": 11,
    "des": 12,
    "desember": 12,
    "dec": 12,
    "december": 12,
}
ZONES = {"wib": 7, "wita": 8, "wit": 9, "utc": 0, "gmt": 0, "z": 0}
ISO_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$", re.I)
TEXT_DATE = re.compile(
    r"(\d{1,2})\s+([a-z]+)\.?,?\s+(\d{4})(?:[,\s]+(?:pukul\s+|at\s+)?(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?"
    r"(?:\s*([ap]\.?m\.?))?(?:\s*(wib|wita|wit|utc|gmt|z|[+-]\d{2}:?\d{2}))?",
    re.I,
)
TEXT_DATE_US = re.compile(r"([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})", re.I)


def to_iso(value: str | None) -> str | None:
    """An ISO 8601 string for a date the page gives, or None when it cannot be read."""
    if not value:
        return None
    value = value.strip()
    if ISO_LIKE.match(value):
        try:
            return _iso(datetime.fromisoformat(value.replace("z", "Z")))
        except ValueError:
            pass
    for parse in (_rfc822, _text_date, _us_date):
        try:
            parsed = parse(value)
        except (ValueError, TypeError, OverflowError, IndexError):
            parsed = None
        if parsed is not None:
            return _iso(parsed)
    return None


def _iso(dt: datetime) -> str:
    if dt.hour == dt.minute == dt.second == dt.microsecond == 0 and dt.tzinfo is None:
        return dt.date().isoformat()
    return dt.isoformat()


def _rfc822(value: str) -> datetime | None:
    if not re.match(r"^(\w{3},\s*)?\d{1,2}\s+\w{3}\s+\d{4}\s+\d{2}:\d{2}", value):
        return None
    return parsedate_to_datetime(value)


def _zone(name: str | None):
    if not name:
        return None
    name = name.lower()
    if name in ZONES:
        return timezone(timedelta(hours=ZONES[name]))
    sign = -1 if name.startswith("-") else 1
    digits = name[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))


def _text_date(value: str) -> datetime | None:
    match = TEXT_DATE.search(value)
    if not match or match.group(2).lower() not in MONTHS:
        return None
    day, month, year, hour, minute, second, ampm, zone = match.groups()
    hour = int(hour or 0)
    if ampm and ampm[0].lower() == "p" and hour < 12:
        hour += 12
    elif ampm and hour == 12:
        hour = 0
    return datetime(
        int(year),
        MONTHS[month.lower()],
        int(day),
        hour,
        int(minute or 0),
        int(second or 0),
        tzinfo=_zone(zone),
    )


def _us_date(value: str) -> datetime | None:
    match = TEXT_DATE_US.search(value)
    if not match or match.group(1).lower() not in MONTHS:
        return None
    return datetime(int(match.group(3)), MONTHS[match.group(1).lower()], int(match.group(2)))

"""Every date arsip reads or writes: page and feed dates, HTTP dates, 14-digit WARC/CDX timestamps.

Dates in text go through dateutil, taught Indonesian month names, ``pukul`` and the WIB/WITA/WIT
zones. Timestamps and HTTP dates are written with warcio's helpers, so they read exactly as the
ones warcio and pywb write.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from dateutil import parser as dateparser
from warcio import timeutils

HOUR = 3600


class IndonesianParserInfo(dateparser.parserinfo):
    """dateutil's English vocabulary plus the Indonesian month names, ``pukul`` and zone names.

    Weekday names need no entry: the day of the month is always required, so they are skipped.
    """

    JUMP = [*dateparser.parserinfo.JUMP, "pukul"]
    MONTHS = [
        (*english, *indonesian)
        for english, indonesian in zip(
            dateparser.parserinfo.MONTHS,
            (
                ("Januari",),
                ("Februari",),
                ("Maret",),
                (),
                ("Mei",),
                ("Juni",),
                ("Juli",),
                ("Agu", "Agt", "Agustus"),
                (),
                ("Okt", "Oktober"),
                ("Nopember",),
                ("Des", "Desember"),
            ),
            strict=True,
        )
    ]
    # The RFC 822 names are those email.utils knows, so a feed's "EST" keeps meaning what it did.
    TZOFFSET = {
        "WIB": 7 * HOUR,
        "WITA": 8 * HOUR,
        "WIT": 9 * HOUR,
        "UT": 0,
        "EST": -5 * HOUR,
        "EDT": -4 * HOUR,
        "CST": -6 * HOUR,
        "CDT": -5 * HOUR,
        "MST": -7 * HOUR,
        "MDT": -6 * HOUR,
        "PST": -8 * HOUR,
        "PDT": -7 * HOUR,
    }


INFO = IndonesianParserInfo(dayfirst=True)  # Indonesian pages write 4/3/2024 for 4 March
# Two defaults that differ in every date field: a field the text leaves out shows as a difference.
DEFAULTS = (datetime(1, 1, 1), datetime(2, 2, 2))
# Indonesian pages write times as 19.05; dateutil would read that as a decimal number.
DOT_TIME = re.compile(r"(?<![\d.:])(\d{1,2})\.(\d{2})(?:\.(\d{2}))?(?![\d.])")
# dateutil takes "A.M." apart and reads the "M" as a zone name, which hides a zone named after it.
DOTTED_AMPM = re.compile(r"\b([ap])\.m\b\.?", re.I)
# dateutil only takes a word in capitals for a zone name.
ZONE_WORD = re.compile(r"\b(?:wib|wita|wit|utc|gmt)\b", re.I)
YEAR_FIRST = re.compile(r"\D*\d{4}")
LATEST = "99991231235959"  # what a request that names no date asks for: the newest capture


def _normalise(text: str) -> str:
    text = DOT_TIME.sub(lambda m: ":".join(g for g in m.groups() if g), text)
    text = DOTTED_AMPM.sub(r"\1m", text)
    return ZONE_WORD.sub(lambda m: m.group().upper(), text)


def _offset(name: str | None, offset: int | None) -> int | None:
    """dateutil's tzinfos: only the offsets the text states or INFO knows, never the host's zone."""
    return offset


def parse_date(value: str | None) -> datetime | None:
    """A date as a page, sitemap or feed writes it; None unless the text gives day, month and year.

    Aware only when the text states a zone (an offset, ``Z`` or a zone name). Text around the
    date ("Diterbitkan Kamis, 2 Mei 2024 pukul 11.30 WIB") is skipped.
    """
    text = value.strip() if value else ""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)  # the common case, read exactly and without guessing
    except ValueError:
        pass
    text = _normalise(text)
    # dayfirst also turns a leading year's 2024-03-06 into 3 June, so it is not asked for there.
    dayfirst = not YEAR_FIRST.match(text)
    try:
        first, second = (
            dateparser.parse(text, INFO, default=d, dayfirst=dayfirst, fuzzy=True, tzinfos=_offset)
            for d in DEFAULTS
        )
        first.utcoffset()  # dateutil accepts offsets of a day or more, which datetime then refuses
    except (ValueError, OverflowError):
        return None
    return first if first == second else None


def to_iso(value: str | None) -> str | None:
    """ISO 8601 for a page's date: a date without a time stays a plain date, no zone is invented."""
    when = parse_date(value)
    if when is None:
        return None
    if when.tzinfo is None and when.time() == datetime.min.time():
        return when.date().isoformat()
    return when.isoformat()


def iso_utc(value: str | None) -> str | None:
    """A sitemap or feed date as ``YYYY-mm-ddTHH:MM:SSZ`` (a date without a zone is taken as UTC)."""
    when = parse_date(value)
    if when is None:
        return None
    return timeutils.datetime_to_iso_date(_utc(when).replace(tzinfo=None))


def parse_iso(text: str) -> datetime | None:
    """A strict ISO 8601 date or date-time, as typed on a command line; UTC unless it states a zone."""
    try:
        when = dateparser.isoparse(text)
    except (ValueError, OverflowError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def warc_date_to_ts(value: str | None) -> str | None:
    """A WARC-Date as a 14-digit timestamp (warcio's reading, as cdxj-indexer's); None when it is
    no date a timestamp can hold (``not-a-date``, year 0000, month 13)."""
    if not value:
        return None
    try:
        ts = timeutils.iso_date_to_timestamp(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return ts if len(ts) == 14 and ts.isdigit() else None


def parse_http_date(value: str | None) -> datetime | None:
    """An HTTP date (IMF-fixdate, RFC 850 or asctime) as an aware UTC datetime; None when malformed.

    email.utils rather than warcio's http_date_to_datetime, which drops a stated offset.
    """
    if not value:
        return None
    try:
        return _utc(parsedate_to_datetime(value))
    except (TypeError, ValueError, OverflowError):
        return None


def http_date_to_ts(value: str | None) -> str | None:
    """An HTTP date (Accept-Datetime) as a 14-digit timestamp; None when malformed."""
    when = parse_http_date(value)
    return None if when is None else timeutils.datetime_to_timestamp(when)


def ts_to_http_date(ts: str) -> str:
    """A (possibly partial) 14-digit timestamp as an HTTP date (Memento-Datetime)."""
    return timeutils.datetime_to_http_date(ts_to_datetime(ts))


def pad_timestamp(ts: str) -> str:
    """Complete a partial timestamp (``2024``, ``202403``...) to 14 digits, earliest instant.

    warcio and pywb pad a partial timestamp to its latest instant instead; arsip's queries
    (``closest=2024``, ``since=2024``) mean the start of the period.
    """
    digits = "".join(ch for ch in ts if ch.isdigit())[:14]
    padded = timeutils.pad_timestamp(digits, "19700101000000" if len(digits) < 4 else "0" * 14)
    month, day = padded[4:6], padded[6:8]
    return padded[:4] + (month if month != "00" else "01") + (day if day != "00" else "01") + padded[8:]


def ts_to_datetime(ts: str) -> datetime:
    """A (possibly partial) timestamp as an aware UTC datetime, clamping impossible fields.

    Not warcio's timestamp_to_datetime: it pads to the latest instant and clamps years to
    1900-2999, which would move the ``99991231235959`` "latest" sentinel.
    """
    ts = pad_timestamp(ts)
    parts = [int(ts[0:4]), int(ts[4:6]), int(ts[6:8]), int(ts[8:10]), int(ts[10:12]), int(ts[12:14])]
    limits = [(1, 9999), (1, 12), (1, 28), (0, 23), (0, 59), (0, 59)]
    try:
        return _utc_datetime(parts)
    except ValueError:
        return _utc_datetime([min(max(v, lo), hi) for v, (lo, hi) in zip(parts, limits, strict=True)])


def _utc_datetime(parts: list[int]) -> datetime:
    year, month, day, hour, minute, second = parts
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)

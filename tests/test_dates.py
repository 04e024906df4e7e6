"""archive.dates: page and feed dates, HTTP dates and 14-digit timestamps, one table per function."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from archive.dates import (
    LATEST,
    http_date_to_ts,
    iso_utc,
    pad_timestamp,
    parse_date,
    parse_http_date,
    parse_iso,
    to_iso,
    ts_to_datetime,
    ts_to_http_date,
)

WIB = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2023-09-14T10:21:00+07:00", "2023-09-14T10:21:00+07:00"),
        ("2023-09-14T03:21:00Z", "2023-09-14T03:21:00+00:00"),
        ("2023-09-14T03:21:00z", "2023-09-14T03:21:00+00:00"),
        ("2023-09-14T10:21:00.123456Z", "2023-09-14T10:21:00.123456+00:00"),
        ("2023-09-14 10:21:00", "2023-09-14T10:21:00"),
        ("2023-09-14", "2023-09-14"),
        ("2024-03-06", "2024-03-06"),  # a leading year is never read day-first
        ("  2024-03-06T10:00:00+07:00 \n", "2024-03-06T10:00:00+07:00"),
        ("2023-09-14T00:00:00Z", "2023-09-14T00:00:00+00:00"),  # a stated zone keeps the time
        ("2024-W18-3", "2024-05-01"),
        ("Thu, 14 Sep 2023 10:21:00 +0700", "2023-09-14T10:21:00+07:00"),
        ("Thu, 14 Sep 2023 10:21:00 GMT", "2023-09-14T10:21:00+00:00"),
        ("Thu, 14 Sep 2023 10:21:00 EST", "2023-09-14T10:21:00-05:00"),
        ("13 September 2023 10:15 WIB", "2023-09-13T10:15:00+07:00"),
        ("13 September 2023 10:15 wib", "2023-09-13T10:15:00+07:00"),
        ("13 September 2023, 10:15 WITA", "2023-09-13T10:15:00+08:00"),
        ("13 September 2023 10:15 WIT", "2023-09-13T10:15:00+09:00"),
        ("13 September 2023 10:15", "2023-09-13T10:15:00"),
        ("Senin, 4 Maret 2024 pukul 09.30 WIB", "2024-03-04T09:30:00+07:00"),
        ("Kamis, 14 September 2023 10:21 WIB", "2023-09-14T10:21:00+07:00"),
        ("14 Agustus 2023 pukul 19.05 WITA", "2023-08-14T19:05:00+08:00"),
        ("5 maret 2024 10.15.30 wib", "2024-03-05T10:15:30+07:00"),
        ("Diterbitkan 2 Mei 2024", "2024-05-02"),
        ("17 Agt 2023", "2023-08-17"),
        ("5 Nopember 2023", "2023-11-05"),
        ("25 Des 2023 23:59 WIB", "2023-12-25T23:59:00+07:00"),
        ("1 Okt 2023 | 07:45 WIB", "2023-10-01T07:45:00+07:00"),
        ("March 5, 2024", "2024-03-05"),
        ("Mar. 5, 2024 10:15 AM", "2024-03-05T10:15:00"),
        ("5 March 2024 10:15 pm", "2024-03-05T22:15:00"),
        ("5 March 2024 12:30 pm", "2024-03-05T12:30:00"),
        ("5 March 2024 12:30 am", "2024-03-05T00:30:00"),
        ("5 March 2024 1:05 P.M. WIB", "2024-03-05T13:05:00+07:00"),
        ("04/03/2024", "2024-03-04"),  # day first, as Indonesian pages write it
        ("Rabu, 6/3/2024 10:00 WIB", "2024-03-06T10:00:00+07:00"),
        ("2024/03/04", "2024-03-04"),
        ("kemarin sore", None),
        ("2 jam yang lalu", None),
        ("10:15", None),  # no date at all
        ("Maret 2024", None),  # no day
        ("4 Maret", None),  # no year
        ("31 Februari 2024", None),
        ("2023-13-45T99:00", None),
        ("2023-09-14T10:21:00+25:00", None),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_to_iso(value, expected):
    assert to_iso(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-05-01T10:00:00+07:00", "2024-05-01T03:00:00Z"),
        ("2024-05-01T03:00:00Z", "2024-05-01T03:00:00Z"),
        ("2024-05-01T03:00:00.999Z", "2024-05-01T03:00:00Z"),
        ("2024-05-01", "2024-05-01T00:00:00Z"),  # no zone stated: UTC
        ("2024-05-01T10:00:00+07", "2024-05-01T03:00:00Z"),
        ("20240501T100000Z", "2024-05-01T10:00:00Z"),
        ("Wed, 01 May 2024 10:00:00 +0700", "2024-05-01T03:00:00Z"),
        ("Wed, 01 May 2024 10:00:00 -0000", "2024-05-01T10:00:00Z"),
        ("Rabu, 1 Mei 2024 10:00 WIB", "2024-05-01T03:00:00Z"),
        ("1 Mei 2024 pukul 10.00 WIT", "2024-05-01T01:00:00Z"),
        ("not a date", None),
        ("2024", None),
        ("", None),
        (None, None),
    ],
)
def test_iso_utc(value, expected):
    assert iso_utc(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Kamis, 2 Mei 2024 11:30 WIB", datetime(2024, 5, 2, 11, 30, tzinfo=WIB)),
        ("2 Mei 2024", datetime(2024, 5, 2)),
        ("Minggu, 03 Maret 2024 06:00 UTC", datetime(2024, 3, 3, 6, tzinfo=UTC)),
        ("Update: 3 Mei 2024, Terbit: 2 Mei 2024", None),  # two dates: neither is trusted
    ],
)
def test_parse_date(value, expected):
    parsed = parse_date(value)
    assert parsed == expected
    if parsed is not None:
        assert parsed.utcoffset() == expected.utcoffset()  # aware exactly when expected is


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
        ("2024-05-01T10:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01T10:00:00+07:00", datetime(2024, 5, 1, 10, tzinfo=WIB)),
        ("2024-05-01T10:00:00Z", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("20240501", datetime(2024, 5, 1, tzinfo=UTC)),
        ("2024-05", datetime(2024, 5, 1, tzinfo=UTC)),
        ("2024-13-01", None),
        ("2024-02-30", None),
        ("1 Mei 2024", None),  # not ISO: a typed date is read strictly
        ("yesterday", None),
        ("", None),
    ],
)
def test_parse_iso(text, expected):
    parsed = parse_iso(text)
    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo is not None and parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Wed, 21 Oct 2015 07:28:00 GMT", datetime(2015, 10, 21, 7, 28, tzinfo=UTC)),
        ("Wed, 21 Oct 2015 07:28:00 +0200", datetime(2015, 10, 21, 5, 28, tzinfo=UTC)),
        ("Wed, 21 Oct 2015 07:28:00 -0000", datetime(2015, 10, 21, 7, 28, tzinfo=UTC)),
        ("Wed, 21 Oct 2015 07:28:00", datetime(2015, 10, 21, 7, 28, tzinfo=UTC)),  # GMT, not host time
        ("Sunday, 06-Nov-94 08:49:37 GMT", datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)),
        ("Sun Nov  6 08:49:37 1994", datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)),
        ("Wed, 31 Feb 2015 07:28:00 GMT", None),
        ("2015-10-21", None),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_http_date(value, expected):
    parsed = parse_http_date(value)
    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo == UTC


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Sat, 02 Mar 2024 00:00:00 GMT", "20240302000000"),
        ("Sat, 02 Mar 2024 07:00:00 +0700", "20240302000000"),
        ("Sat, 02 Mar 2024", None),
        ("garbage", None),
    ],
)
def test_http_date_to_ts(value, expected):
    assert http_date_to_ts(value) == expected


@pytest.mark.parametrize(
    "ts, expected",
    [
        ("20240302101112", "Sat, 02 Mar 2024 10:11:12 GMT"),
        ("2024", "Mon, 01 Jan 2024 00:00:00 GMT"),
        ("20240230", "Wed, 28 Feb 2024 00:00:00 GMT"),
        (LATEST, "Fri, 31 Dec 9999 23:59:59 GMT"),
    ],
)
def test_ts_to_http_date(ts, expected):
    assert ts_to_http_date(ts) == expected


@pytest.mark.parametrize(
    "ts, expected",
    [
        ("2024", "20240101000000"),
        ("202403", "20240301000000"),
        ("20240315", "20240315000000"),
        ("2024031510", "20240315100000"),
        ("20240315103045", "20240315103045"),
        ("2024031510304599", "20240315103045"),  # beyond 14 digits: dropped
        ("2024-03-15 10:30", "20240315103000"),  # separators: dropped
        ("20241", "20241001000000"),
        ("20240000", "20240101000000"),
        ("20", "20700101000000"),
        ("", "19700101000000"),
    ],
)
def test_pad_timestamp(ts, expected):
    assert pad_timestamp(ts) == expected


@pytest.mark.parametrize(
    "ts, expected",
    [
        ("20240315103045", datetime(2024, 3, 15, 10, 30, 45, tzinfo=UTC)),
        ("2024", datetime(2024, 1, 1, tzinfo=UTC)),
        (LATEST, datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)),
        ("20240230", datetime(2024, 2, 28, tzinfo=UTC)),  # impossible fields are clamped
        ("20241301", datetime(2024, 12, 1, tzinfo=UTC)),
        ("20241231246161", datetime(2024, 12, 28, 23, 59, 59, tzinfo=UTC)),
        ("00000000000000", datetime(1, 1, 1, tzinfo=UTC)),
    ],
)
def test_ts_to_datetime(ts, expected):
    assert ts_to_datetime(ts) == expected

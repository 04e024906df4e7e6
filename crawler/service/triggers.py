"""A seed's ``[schedule]`` as an APScheduler 3 trigger, a readable description and a misfire grace.

Crontab numbers days of the week from Sunday = 0 (7 too), APScheduler 3's ``CronTrigger`` from
Monday = 0, and ``CronTrigger.from_crontab`` keeps that mismatch for compatibility. Numeric day
fields are therefore rewritten as day names, which both read the same way.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawler.seed import Schedule

DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
DOW_TERM_RE = re.compile(r"^(\*|\d+)(?:-(\d+))?(?:/(\d+))?$")


def make_trigger(schedule: Schedule):
    """The trigger of a seed with a schedule (interval or crontab, in its time zone)."""
    if schedule.cron:
        minute, hour, day, month, dow = schedule.cron.split()
        return CronTrigger(
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=crontab_days(dow),
            timezone=schedule.timezone,
        )
    return IntervalTrigger(seconds=schedule.interval, timezone=schedule.timezone)


def describe(schedule: Schedule) -> str:
    """How ``arsip jobs`` shows a schedule; also how the syncer notices a changed one."""
    if schedule.cron:
        return f"cron '{schedule.cron}' {schedule.timezone}"
    # only scheduled seeds are described (the syncer skips the others): no cron means an interval
    assert schedule.interval is not None, "a seed without a schedule has no description"
    return f"every {_duration(schedule.interval)} {schedule.timezone}"


def misfire_grace(trigger) -> int:
    """About half the time between two runs: a late run still happens, a stale one is dropped."""
    if isinstance(trigger, IntervalTrigger):
        period = trigger.interval.total_seconds()
    else:
        now = datetime.now(trigger.timezone)
        first = trigger.get_next_fire_time(None, now)
        second = trigger.get_next_fire_time(first, first + timedelta(seconds=1))
        period = (second - first).total_seconds() if first and second else 3600
    return max(1, int(period / 2))


def crontab_days(field: str) -> str:
    """Rewrite a crontab day-of-week field (Sunday = 0 or 7) as day names for APScheduler."""
    if field == "*":
        return field
    days: list[int] = []
    for term in field.lower().split(","):
        match = DOW_TERM_RE.match(term)
        if not match:
            return field  # names ("mon-fri") already mean the same in both
        first, last, step = match.groups()
        start, stop = (0, 6) if first == "*" else (int(first), int(last or first))
        if first != "*" and last is None and step:
            stop = 6
        days += [day % 7 for day in range(start, stop + 1, int(step or 1))]
    return ",".join(DAY_NAMES[day] for day in sorted(set(days)))


def _duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"

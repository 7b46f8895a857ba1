"""When written inputs are accepted: until the `until` minute of the deadline day, on the event's clock.

Pure: the deadline is made an instant by agenda/wall_time.py (a DST switch on the deadline day moves the
instant, never the wall time the organizers wrote), and every comparison is in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.agenda.wall_time import agenda_time

_THE_LAST_MINUTE = timedelta(minutes=1)


def closes_at(deadline: date, until: time, zone: ZoneInfo) -> datetime:
    """The first instant after the deadline: "until 23:59" accepts everything sent during 23:59."""
    return agenda_time(deadline, until, zone).astimezone(UTC) + _THE_LAST_MINUTE


def is_open(now: datetime, closing: datetime) -> bool:
    return now.astimezone(UTC) < closing.astimezone(UTC)


def reminder_times(deadline: date, until: time, zone: ZoneInfo, before: Iterable[timedelta]) -> list[datetime]:
    """When each reminder is due, in the event's zone, earliest first (the deadline's own wall time)."""
    last = agenda_time(deadline, until, zone).astimezone(UTC)
    return sorted((last - lead).astimezone(zone) for lead in before)

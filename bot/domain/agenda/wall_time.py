"""An agenda time (a time of day on a date, on the event's clock) as a real instant: the one place that
knows what daylight saving time does to a wall clock.

On a spring-forward day some times never happen (a gap); on a fall-back day some happen twice (a fold).
Validation rejects agenda times in either; `agenda_time` still converts them deterministically (the
earlier offset, as zoneinfo's fold=0 does, carried through UTC so the result exists on that clock).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo


class WallTime(StrEnum):
    OK = "ok"
    MISSING = "missing"  # skipped by a DST switch
    AMBIGUOUS = "ambiguous"  # happens twice


def wall_time_status(day: date, at: time, zone: ZoneInfo) -> WallTime:
    """Whether `at` on `day` happens exactly once on `zone`'s clock."""
    first = datetime.combine(day, at, tzinfo=zone)
    second = first.replace(fold=1)
    if first.utcoffset() != second.utcoffset():
        # zoneinfo answers both folds for a skipped time too; a round trip through UTC tells them apart.
        back = first.astimezone(UTC).astimezone(zone)
        return WallTime.MISSING if back.replace(tzinfo=None) != first.replace(tzinfo=None) else WallTime.AMBIGUOUS
    return WallTime.OK


def agenda_time(day: date, at: time, zone: ZoneInfo) -> datetime:
    """`at` on `day` in `zone` as an aware datetime that really exists on that clock."""
    wall = datetime.combine(day, at, tzinfo=zone)
    return wall.astimezone(UTC).astimezone(zone)

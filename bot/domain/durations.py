"""How people write a duration, in the schedule file and in chat: ``3m``, ``30s``, ``1h30m``, a bare number
of minutes."""

from __future__ import annotations

import re
from datetime import timedelta

# 3m, 30s, 1h30m; the units also as words (10 min, 10 minutes, 1 hour 30 minutes, 45 sec, 45 seconds).
_HOURS = r"h(?:(?:ou)?rs?)?"
_MINUTES = r"m(?:in(?:ute)?s?)?"
_SECONDS = r"s(?:ec(?:ond)?s?)?"
_DURATION = re.compile(rf"^\s*(?:(\d+)\s*{_HOURS})?\s*(?:(\d+)\s*{_MINUTES})?\s*(?:(\d+)\s*{_SECONDS})?\s*$",
                       re.IGNORECASE)
# The same syntax for JSON Schema, which has no non-capturing groups (and no flags: both cases spelled out).
DURATION_PATTERN = (r"^\s*(\d+\s*[hH](([oO][uU])?[rR][sS]?)?)?\s*(\d+\s*[mM]([iI][nN]([uU][tT][eE])?[sS]?)?)?"
                    r"\s*(\d+\s*[sS]([eE][cC]([oO][nN][dD])?[sS]?)?)?\s*$")
LONGEST = timedelta(hours=24)  # anything longer is a typo (and would overflow the calendar: 99999999999m)


def parse_duration(value: object) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool):
        raise ValueError("a duration is written like 3m, 30s or 1h30m")
    duration: timedelta | None = None
    try:
        if isinstance(value, int | float):
            duration = timedelta(minutes=value)
        elif isinstance(value, str) and (match := _DURATION.match(value)) and any(match.groups()):
            hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
            duration = timedelta(hours=hours, minutes=minutes, seconds=seconds)
    except OverflowError:
        duration = LONGEST * 2
    if duration is None:
        raise ValueError(f"{value!r} is not a duration; write it like 3m, 30s or 1h30m")
    if duration > LONGEST or duration < timedelta(0):
        raise ValueError(f"{value!r} is not a duration between 0 and 24h; write it like 3m, 30s or 1h30m")
    return duration


def format_duration(value: timedelta) -> str:
    """The inverse of `parse_duration` (``1h30m``, ``45s``, ``0s``)."""
    total = int(value.total_seconds())
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else "", f"{seconds}s" if seconds else ""]
    return "".join(parts) or "0s"

"""How people write a duration, in the schedule file and in chat: ``3m``, ``30s``, ``1h30m``, a bare number
of minutes."""

from __future__ import annotations

import re
from datetime import timedelta

_DURATION = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?\s*$")
# The same syntax for JSON Schema, which has no non-capturing groups.
DURATION_PATTERN = r"^\s*(\d+\s*h)?\s*(\d+\s*m(in)?)?\s*(\d+\s*s)?\s*$"


def parse_duration(value: object) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool):
        raise ValueError("a duration is written like 3m, 30s or 1h30m")
    if isinstance(value, int | float):
        return timedelta(minutes=value)
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match and any(match.groups()):
            hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
            return timedelta(hours=hours, minutes=minutes, seconds=seconds)
    raise ValueError(f"{value!r} is not a duration; write it like 3m, 30s or 1h30m")


def format_duration(value: timedelta) -> str:
    """The inverse of `parse_duration` (``1h30m``, ``45s``, ``0s``)."""
    total = int(value.total_seconds())
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else "", f"{seconds}s" if seconds else ""]
    return "".join(parts) or "0s"

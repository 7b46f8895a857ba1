"""Times as Zoom writes them: ISO 8601 ("2022-03-07T09:00:00Z"); one without an offset is UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def zoom_time(value: object) -> datetime | None:
    """The aware time Zoom sent, or None when it sent none (or something else)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

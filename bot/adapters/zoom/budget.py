"""Zoom's daily limit on meeting/webinar writes, counted on our side so we stop before Zoom refuses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from bot.adapters.zoom.errors import ZoomBudgetExceeded

# Zoom allows 100 meeting/webinar create or update requests per user per day.
DAILY_WRITE_BUDGET = 100


@dataclass
class DailyBudget:
    """Counts meeting create/update requests per Zoom user per UTC day."""

    limit: int = DAILY_WRITE_BUDGET
    _used: dict[tuple[str, date], int] = field(default_factory=dict)

    def used(self, user_id: str, now: datetime) -> int:
        return self._used.get((user_id, now.astimezone(UTC).date()), 0)

    def remaining(self, user_id: str, now: datetime) -> int:
        return max(0, self.limit - self.used(user_id, now))

    def check(self, user_id: str, now: datetime, operation: str) -> None:
        if self.remaining(user_id, now) <= 0:
            raise ZoomBudgetExceeded(
                operation, None, None,
                f"the daily budget of {self.limit} meeting creations/updates for user {user_id!r} is used up",
            )

    def preload(self, user_id: str, now: datetime, used: int) -> None:
        """Start from a count kept elsewhere (the store), so separate runs share one day's budget."""
        key = (user_id, now.astimezone(UTC).date())
        self._used[key] = max(self._used.get(key, 0), used)

    def spend(self, user_id: str, now: datetime) -> None:
        key = (user_id, now.astimezone(UTC).date())
        self._used[key] = self._used.get(key, 0) + 1

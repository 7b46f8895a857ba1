"""The agenda clock: the floor and the cues live on agenda time; only the scheduler sees wall time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.app.clock import Clock
from bot.domain.agenda.timemap import TimeMap


@dataclass(frozen=True)
class AgendaClock:
    """Agenda time now, from a wall clock and the run's time map (shift and speed)."""

    wall: Clock
    timemap: TimeMap

    def now(self) -> datetime:
        return self.timemap.to_agenda(self.wall.now())

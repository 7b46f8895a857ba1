"""Agenda time -> wall time, by a shift and a speed.

All arithmetic is done in UTC: Python subtracts two datetimes that share a zoneinfo by wall clock, which
is wrong across a DST switch.

A live event runs at speed 1 with no shift. `serve --start-now` shifts the agenda so its first item starts
now; `--speed X` compresses it X times (a rehearsal on real chat). Durations scale with the same speed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class TimeMap:
    agenda_origin: datetime
    wall_origin: datetime
    speed: float = 1.0

    def __post_init__(self) -> None:
        if self.agenda_origin.tzinfo is None or self.wall_origin.tzinfo is None:
            raise ValueError("TimeMap needs aware datetimes")
        if not self.speed > 0:
            raise ValueError("speed must be positive")
        object.__setattr__(self, "agenda_origin", self.agenda_origin.astimezone(UTC))
        object.__setattr__(self, "wall_origin", self.wall_origin.astimezone(UTC))

    @classmethod
    def identity(cls, origin: datetime) -> TimeMap:
        return cls(origin, origin, 1.0)

    def to_json(self) -> dict[str, object]:
        return {"agenda_origin": self.agenda_origin.isoformat(), "wall_origin": self.wall_origin.isoformat(),
                "speed": self.speed}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> TimeMap:
        return cls(datetime.fromisoformat(str(data["agenda_origin"])), datetime.fromisoformat(str(data["wall_origin"])),
                   float(str(data["speed"])))

    def to_wall(self, agenda_time: datetime) -> datetime:
        return self.wall_origin + (agenda_time.astimezone(UTC) - self.agenda_origin) / self.speed

    def to_agenda(self, wall_time: datetime) -> datetime:
        return self.agenda_origin + (wall_time.astimezone(UTC) - self.wall_origin) * self.speed

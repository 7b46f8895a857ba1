"""The speaker's countdown, pure: which deadlines are still ahead, so the conductor can schedule a job
at each and call `floor.tick(state, now, policy)` when it fires (tick emits each event once, so a
duplicate or late job is harmless).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.floor.policy import FloorPolicy
from bot.domain.floor.state import FloorState


class DeadlineKind(StrEnum):
    WARNING = "warning"
    EXPIRY = "expiry"


@dataclass(frozen=True)
class Deadline:
    at: datetime
    kind: DeadlineKind
    discussion: str
    request_id: str

    @property
    def job_id(self) -> str:
        """Stable per deadline: an extension moves `at`, so the old job id no longer matches."""
        return f"floor:{self.discussion}:{self.request_id}:{self.kind}:{self.at.isoformat()}"


def deadlines(state: FloorState, policy: FloorPolicy) -> list[Deadline]:
    """The current speaker's deadlines not yet reached by `tick`, earliest first."""
    current = state.speaking
    if current is None:
        return []
    out: list[Deadline] = []
    rid = current.request.id
    if not current.warned and policy.warn_before > timedelta(0):
        warn_at = max(current.ends_at - policy.warn_before, current.started_at)
        out.append(Deadline(warn_at, DeadlineKind.WARNING, state.discussion, rid))
    if not current.expired:
        out.append(Deadline(current.ends_at, DeadlineKind.EXPIRY, state.discussion, rid))
    return out


def remaining(state: FloorState, now: datetime) -> timedelta | None:
    """Time left to the current speaker (negative once over time); None when nobody speaks."""
    if state.speaking is None:
        return None
    return state.speaking.ends_at - now

"""What operations on a list report: the domain events (past tense), a refusal, and the `Outcome`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.floor.state import FloorState, Intervention, Request


@dataclass(frozen=True)
class FloorEvent:
    """Something that happened to a list, at `at`."""

    at: datetime

    @property
    def name(self) -> str:
        return type(self).__name__


@dataclass(frozen=True)
class FloorRequested(FloorEvent):
    request: Request


@dataclass(frozen=True)
class RequestWithdrawn(FloorEvent):
    request: Request


@dataclass(frozen=True)
class FloorGiven(FloorEvent):
    request: Request
    ends_at: datetime
    override: bool = False


@dataclass(frozen=True)
class SpeakerWarned(FloorEvent):
    request: Request
    ends_at: datetime


@dataclass(frozen=True)
class SpeakerTimeExpired(FloorEvent):
    request: Request


@dataclass(frozen=True)
class TimerExtended(FloorEvent):
    request: Request
    by: timedelta
    ends_at: datetime


@dataclass(frozen=True)
class TimerStopped(FloorEvent):
    """An intervention ended (stop, next, give, or the end of the discussion)."""

    intervention: Intervention


@dataclass(frozen=True)
class ListClosed(FloorEvent):
    pass


@dataclass(frozen=True)
class ListReopened(FloorEvent):
    pass


@dataclass(frozen=True)
class RequestSkipped(FloorEvent):
    request: Request
    behind: Request


@dataclass(frozen=True)
class RequestRemoved(FloorEvent):
    request: Request


@dataclass(frozen=True)
class RequestMoved(FloorEvent):
    request: Request
    position: int


@dataclass(frozen=True)
class RequestPassedOver(FloorEvent):
    """Passed over because the person is not in the meeting (present_only); still listed."""

    request: Request


@dataclass(frozen=True)
class RequestCarried(FloorEvent):
    request: Request
    to: str


@dataclass(frozen=True)
class RequestRegrouped(FloorEvent):
    """The person behind a listed request (or the speaker) now belongs to another stakeholder group."""

    request: Request  # as it now is
    previous_group: str


@dataclass(frozen=True)
class RequestUnserved(FloorEvent):
    request: Request


@dataclass(frozen=True)
class Refusal:
    """A rule forbids the operation; `reason_key` is a message key in prompts/<lang>/floor.yaml."""

    reason_key: str


@dataclass(frozen=True)
class Outcome:
    """The result of one operation. When refused or a no-op, `state` is the unchanged input."""

    state: FloorState
    events: tuple[FloorEvent, ...] = ()
    refusal: Refusal | None = None
    noop_reason: str | None = None

    @property
    def noop(self) -> bool:
        return self.noop_reason is not None

    @property
    def refused(self) -> bool:
        return self.refusal is not None

    @property
    def changed(self) -> bool:
        return not self.noop and not self.refused

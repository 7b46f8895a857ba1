"""The list of speakers as data: who asked, who speaks, who spoke. Immutable; the operations that change
it are in rules.py, and the store's JSON codec is in bot/adapters/store/floor_codec.py."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class RequestKind(StrEnum):
    """Request types in fixed priority order (the first is served first)."""

    POINT_OF_ORDER = "point-of-order"
    CLARIFYING = "clarifying"
    REPLY = "reply"
    NEW = "new"

    @property
    def priority(self) -> int:
        """0 is served first."""
        return PRIORITY[self]


PRIORITY: dict[RequestKind, int] = {kind: i for i, kind in enumerate(RequestKind)}


class Surface(StrEnum):
    SLACK = "slack"
    ZOOM = "zoom"
    WEB = "web"
    SIMULATED = "simulated"


@dataclass(frozen=True)
class Participant:
    """Someone who may take the floor. `person` is the canonical key (identities merged upstream)."""

    person: str
    name: str
    group: str
    language: str = "en"


@dataclass(frozen=True)
class Request:
    """A request for the floor. `pinned_after` is set when the chair placed it by hand (move/skip):
    it then goes right behind those requests (while pending), `pinned_seq` ordering such placements."""

    id: str
    participant: Participant
    kind: RequestKind
    note: str | None
    source: Surface
    at: datetime
    over_budget: bool = False
    pinned_after: frozenset[str] | None = None
    pinned_seq: int = 0
    skips: int = 0

    @property
    def person(self) -> str:
        return self.participant.person


@dataclass(frozen=True)
class Intervention:
    """One speaker's turn, as recorded for the report."""

    person: str
    name: str
    group: str
    language: str
    kind: RequestKind
    source: Surface
    start: datetime
    end: datetime
    duration: timedelta
    request_id: str


@dataclass(frozen=True)
class Speaking:
    """The current floor. `ends_at` = start + speaking time + `extensions` (total added)."""

    request: Request
    started_at: datetime
    ends_at: datetime
    warned: bool = False
    expired: bool = False
    extensions: timedelta = timedelta(0)


@dataclass(frozen=True)
class FloorState:
    """Everything about one discussion's list. Immutable: operations return a new one.

    `pending` is in arrival order (the speaking order is computed by `queue`); `spoken` counts turns
    per person in this discussion; `used_by_group` is the speaking time used per stakeholder group;
    `version` grows by one on every change (the store uses it for optimistic concurrency)."""

    discussion: str
    is_open: bool = True
    pending: tuple[Request, ...] = ()
    speaking: Speaking | None = None
    spoken: Mapping[str, int] = field(default_factory=dict)
    used_by_group: Mapping[str, timedelta] = field(default_factory=dict)
    interventions: tuple[Intervention, ...] = ()
    version: int = 0
    seq: int = 0

    def pending_of(self, person: str) -> list[Request]:
        return [r for r in self.pending if r.person == person]

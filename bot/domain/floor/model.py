"""The list of speakers of one open discussion: a pure core (no I/O, time always passed in).

Every operation takes the current `FloorState` (plus `now` and the `FloorPolicy`) and returns an
`Outcome`: the new state, the domain events that happened (past tense), and either a `Refusal`
(a rule forbids it) or a `noop_reason` (nothing to do, e.g. requesting twice). The store persists
`FloorState.to_json()` snapshots and serialises operations on one list; this module never does I/O.

Ordering (see floor_policies.py) is computed, not stored: kinds in fixed priority first, then the
policy (fifo, balanced, first-time-first), over-budget requests after the others of their kind, and
chair moves pinned on top of that.

Decisions worth knowing:
- One pending request per person *and kind*: `q+` twice is a no-op that says so, but someone already
  listed for a new contribution can still raise a point of order or a clarifying question.
- `skip` passes the next speaker over once: their request moves right behind the following one
  (kept, not lost; the chair `remove`s it to drop it). Skipping the only request is a no-op.
- `move` pins a request right behind the requests that were ahead of it at that moment, so it keeps
  rising as they are served; points of order still go first.
- The list being closed stops new requests, except points of order; those already listed are served.
- Time over the speaking time is only announced (`SpeakerTimeExpired`); the chair ends the intervention.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.config.model import Floor, OrderPolicy
from bot.domain.floor import order as floor_policies
from bot.domain.floor.order import Position, Reason

__all__ = [
    "FloorEvent",
    "FloorGiven",
    "FloorPolicy",
    "FloorRequested",
    "FloorState",
    "Intervention",
    "ListClosed",
    "ListReopened",
    "Outcome",
    "Participant",
    "Position",
    "Reason",
    "Refusal",
    "Request",
    "RequestCarried",
    "RequestKind",
    "RequestMoved",
    "RequestPassedOver",
    "RequestRemoved",
    "RequestSkipped",
    "RequestUnserved",
    "RequestWithdrawn",
    "SpeakerTimeExpired",
    "SpeakerWarned",
    "Source",
    "Speaking",
    "TimerExtended",
    "TimerStopped",
    "carry",
    "close",
    "extend",
    "give",
    "move",
    "next_speaker",
    "position",
    "queue",
    "remove",
    "reopen",
    "request",
    "skip",
    "stop",
    "tick",
    "withdraw",
]


class RequestKind(StrEnum):
    """Request types in fixed priority order (the first is served first)."""

    POINT_OF_ORDER = "point-of-order"
    CLARIFYING = "clarifying"
    REPLY = "reply"
    NEW = "new"

    @property
    def priority(self) -> int:
        """0 is served first."""
        return _KIND_ORDER.index(self)


_KIND_ORDER: tuple[RequestKind, ...] = tuple(RequestKind)


class Source(StrEnum):
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
    source: Source
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
    source: Source
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
class FloorPolicy:
    """The rules of one list, built from the schedule file's `floor:` section."""

    speaking_time: timedelta = timedelta(minutes=3)
    warn_before: timedelta = timedelta(seconds=30)
    order: OrderPolicy = OrderPolicy.BALANCED
    group_budgets: Mapping[str, timedelta] = field(default_factory=dict)
    present_only: bool = False
    carry_over: bool = False

    @classmethod
    def from_schedule(cls, floor: Floor) -> FloorPolicy:
        return cls(
            speaking_time=floor.speaking_time,
            warn_before=floor.warn_before,
            order=floor.order,
            group_budgets=dict(floor.group_budgets),
            present_only=floor.present_only,
            carry_over=floor.carry_over,
        )


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

    def to_json(self) -> dict[str, Any]:
        return {
            "discussion": self.discussion,
            "is_open": self.is_open,
            "pending": [_request_json(r) for r in self.pending],
            "speaking": _speaking_json(self.speaking) if self.speaking else None,
            "spoken": dict(self.spoken),
            "used_by_group": {g: _td(d) for g, d in self.used_by_group.items()},
            "interventions": [_intervention_json(i) for i in self.interventions],
            "version": self.version,
            "seq": self.seq,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FloorState:
        speaking = data.get("speaking")
        return cls(
            discussion=str(data["discussion"]),
            is_open=bool(data["is_open"]),
            pending=tuple(_request_from(r) for r in data["pending"]),
            speaking=_speaking_from(speaking) if speaking else None,
            spoken={str(k): int(v) for k, v in data["spoken"].items()},
            used_by_group={str(g): _from_td(v) for g, v in data["used_by_group"].items()},
            interventions=tuple(_intervention_from(i) for i in data["interventions"]),
            version=int(data["version"]),
            seq=int(data["seq"]),
        )


# ---------------------------------------------------------------- events


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


# ---------------------------------------------------------------- ordering & position


def queue(state: FloorState, policy: FloorPolicy) -> list[Request]:
    """The pending requests in speaking order (absent people included: see `next_speaker`)."""
    return floor_policies.ordered(state, policy)


def position(
    state: FloorState,
    person: str,
    now: datetime,
    policy: FloorPolicy,
    present: frozenset[str] | None = None,
) -> Position:
    """Where `person` stands, the estimated wait, and why."""
    return floor_policies.position(state, person, now, policy, present)


# ---------------------------------------------------------------- operations


def request(
    state: FloorState,
    participant: Participant,
    kind: RequestKind,
    now: datetime,
    policy: FloorPolicy,
    *,
    note: str | None = None,
    source: Source = Source.WEB,
    request_id: str | None = None,
) -> Outcome:
    """Add a request. Twice the same kind is a no-op; while closed only points of order are taken."""
    if any(r.kind is kind for r in state.pending_of(participant.person)):
        return Outcome(state, noop_reason="floor.noop.already_listed")
    if not state.is_open and kind is not RequestKind.POINT_OF_ORDER:
        return Outcome(state, refusal=Refusal("floor.refusal.list_closed"))
    seq = state.seq + 1
    new = Request(
        id=request_id or f"{state.discussion}:{seq}",
        participant=participant,
        kind=kind,
        note=(note.strip() or None) if note else None,
        source=source,
        at=now,
        over_budget=_over_budget(participant.group, state.used_by_group, policy),
    )
    return Outcome(_bump(state, pending=(*state.pending, new), seq=seq), (FloorRequested(now, new),))


def withdraw(
    state: FloorState,
    person: str,
    now: datetime,
    policy: FloorPolicy,
    *,
    kind: RequestKind | None = None,
) -> Outcome:
    """The person takes back their request(s) (all kinds unless `kind` is given)."""
    gone = [r for r in state.pending_of(person) if kind is None or r.kind is kind]
    if not gone:
        return Outcome(state, noop_reason="floor.noop.not_listed")
    return Outcome(
        _drop(state, gone),
        tuple(RequestWithdrawn(now, r) for r in gone),
    )


def remove(state: FloorState, person: str, now: datetime, policy: FloorPolicy) -> Outcome:
    """The chair takes someone off the list (all their pending requests)."""
    gone = state.pending_of(person)
    if not gone:
        return Outcome(state, noop_reason="floor.noop.not_listed")
    return Outcome(_drop(state, gone), tuple(RequestRemoved(now, r) for r in gone))


def next_speaker(
    state: FloorState,
    now: datetime,
    policy: FloorPolicy,
    *,
    present: frozenset[str] | None = None,
) -> Outcome:
    """Give the floor to the first in order (passing over absent people under present_only);
    ends the current intervention if any."""
    order = queue(state, policy)
    if not order:
        return Outcome(state, noop_reason="floor.noop.list_empty")
    passed: list[FloorEvent] = []
    chosen: Request | None = None
    for r in order:
        if _absent(r, policy, present):
            passed.append(RequestPassedOver(now, r))
            continue
        chosen = r
        break
    if chosen is None:
        return Outcome(state, tuple(passed), noop_reason="floor.noop.nobody_present")
    _, state, stopped = _end_current(state, now, policy)
    return _start(state, chosen, now, policy, (*stopped, *passed), override=False)


def give(
    state: FloorState,
    participant: Participant,
    now: datetime,
    policy: FloorPolicy,
    *,
    kind: RequestKind = RequestKind.NEW,
    source: Source = Source.WEB,
    request_id: str | None = None,
) -> Outcome:
    """The chair gives the floor to a named person (an override): their pending request if they have
    one (the first in order), else a new one. Ends the current intervention if any."""
    if state.speaking is not None and state.speaking.request.person == participant.person:
        # A second click on "give" must not restart the speaker's clock.
        return Outcome(state, noop_reason="floor.noop.already_speaking")
    mine = [r for r in queue(state, policy) if r.person == participant.person]
    _, state, stopped = _end_current(state, now, policy)
    created: list[FloorEvent] = []
    if mine:
        chosen = mine[0]
    else:
        seq = state.seq + 1
        chosen = Request(
            id=request_id or f"{state.discussion}:{seq}",
            participant=participant,
            kind=kind,
            note=None,
            source=source,
            at=now,
            over_budget=_over_budget(participant.group, state.used_by_group, policy),
        )
        state = replace(state, pending=(*state.pending, chosen), seq=seq)
        created.append(FloorRequested(now, chosen))
    return _start(state, chosen, now, policy, (*stopped, *created), override=True)


def skip(
    state: FloorState,
    now: datetime,
    policy: FloorPolicy,
    *,
    present: frozenset[str] | None = None,
) -> Outcome:
    """Pass over the next speaker once: their request goes right behind the following one."""
    order = [r for r in queue(state, policy) if not _absent(r, policy, present)]
    if not order:
        return Outcome(state, noop_reason="floor.noop.list_empty")
    if len(order) < 2:
        return Outcome(state, noop_reason="floor.noop.nobody_else")
    head, following = order[0], order[1]
    seq = state.seq + 1
    moved = replace(head, pinned_after=frozenset({following.id}), pinned_seq=seq, skips=head.skips + 1)
    state = _replace_request(_unpin_everywhere(state, head.id), moved)
    return Outcome(_bump(state, seq=seq), (RequestSkipped(now, moved, following),))


def move(
    state: FloorState,
    request_id: str,
    to_position: int,
    now: datetime,
    policy: FloorPolicy,
) -> Outcome:
    """The chair places a request at a 1-based position of the current order (clamped to the list)."""
    order = queue(state, policy)
    current = next((r for r in order if r.id == request_id), None)
    if current is None:
        return Outcome(state, noop_reason="floor.noop.no_such_request")
    if to_position < 1:
        return Outcome(state, refusal=Refusal("floor.refusal.bad_position"))
    others = [r for r in order if r.id != request_id]
    place = min(to_position, len(others) + 1)
    if order.index(current) + 1 == place:
        return Outcome(state, noop_reason="floor.noop.already_there")
    seq = state.seq + 1
    ahead = frozenset(r.id for r in others[: place - 1])
    moved = replace(current, pinned_after=ahead, pinned_seq=seq)
    state = _replace_request(_unpin_everywhere(state, request_id), moved)
    return Outcome(_bump(state, seq=seq), (RequestMoved(now, moved, place),))


def close(state: FloorState, now: datetime, policy: FloorPolicy) -> Outcome:
    """Close the list: no new requests except points of order; those listed are still served."""
    if not state.is_open:
        return Outcome(state, noop_reason="floor.noop.already_closed")
    return Outcome(_bump(state, is_open=False), (ListClosed(now),))


def reopen(state: FloorState, now: datetime, policy: FloorPolicy) -> Outcome:
    if state.is_open:
        return Outcome(state, noop_reason="floor.noop.already_open")
    return Outcome(_bump(state, is_open=True), (ListReopened(now),))


def tick(state: FloorState, now: datetime, policy: FloorPolicy) -> Outcome:
    """Emit the warning (at ends_at - warn_before) and the expiry (at ends_at), each exactly once."""
    current = state.speaking
    if current is None:
        return Outcome(state, noop_reason="floor.noop.nobody_speaking")
    events: list[FloorEvent] = []
    warned, expired = current.warned, current.expired
    if not expired and now >= current.ends_at:
        # A late tick goes straight to the expiry: a warning after time is up says nothing useful.
        expired = warned = True
        events.append(SpeakerTimeExpired(now, current.request))
    elif not warned and policy.warn_before > timedelta(0) and now >= current.ends_at - policy.warn_before:
        warned = True
        events.append(SpeakerWarned(now, current.request, current.ends_at))
    if not events:
        return Outcome(state, noop_reason="floor.noop.nothing_due")
    return Outcome(_bump(state, speaking=replace(current, warned=warned, expired=expired)), tuple(events))


def extend(state: FloorState, by: timedelta, now: datetime, policy: FloorPolicy) -> Outcome:
    """Give the current speaker more time; the warning and expiry re-arm if they are now ahead."""
    current = state.speaking
    if current is None:
        return Outcome(state, noop_reason="floor.noop.nobody_speaking")
    if by <= timedelta(0):
        return Outcome(state, refusal=Refusal("floor.refusal.bad_extension"))
    ends_at = current.ends_at + by
    longer = replace(
        current,
        ends_at=ends_at,
        extensions=current.extensions + by,
        expired=current.expired and ends_at <= now,
        warned=current.warned and ends_at - policy.warn_before <= now,
    )
    return Outcome(_bump(state, speaking=longer), (TimerExtended(now, current.request, by, ends_at),))


def stop(state: FloorState, now: datetime, policy: FloorPolicy) -> Outcome:
    """End the current intervention and record it."""
    ended, state_after, events = _end_current(state, now, policy)
    if ended is None:
        return Outcome(state, noop_reason="floor.noop.nobody_speaking")
    return Outcome(_bump(state_after), events)


def carry(state: FloorState, next_discussion: str, now: datetime, policy: FloorPolicy) -> Outcome:
    """Start the next discussion's list. Unserved requests move to it under carry_over (keeping their
    time of request and order), else they are dropped and reported. The outcome's state is the NEW list; the
    old one should have been `stop`ped first (a speaker still on the floor is not carried)."""
    fresh = FloorState(discussion=next_discussion)
    events: list[FloorEvent] = []
    order = queue(state, policy)
    if policy.carry_over:
        # Chair placements are kept (their ids travel too) so the order carries over unchanged.
        kept = tuple(replace(r, over_budget=_over_budget(r.participant.group, {}, policy)) for r in order)
        fresh = replace(fresh, pending=kept, version=1 if kept else 0, seq=state.seq)
        events = [RequestCarried(now, r, next_discussion) for r in kept]
    else:
        events = [RequestUnserved(now, r) for r in order]
    return Outcome(fresh, tuple(events))


# ---------------------------------------------------------------- helpers


def _bump(state: FloorState, **changes: Any) -> FloorState:
    return replace(state, version=state.version + 1, **changes)


def _absent(r: Request, policy: FloorPolicy, present: frozenset[str] | None) -> bool:
    return policy.present_only and present is not None and r.person not in present


def _over_budget(group: str, used: Mapping[str, timedelta], policy: FloorPolicy) -> bool:
    budget = policy.group_budgets.get(group)
    return budget is not None and used.get(group, timedelta(0)) >= budget


def _drop(state: FloorState, gone: Iterable[Request]) -> FloorState:
    ids = {r.id for r in gone}
    kept = tuple(r for r in state.pending if r.id not in ids)
    # Requests pinned behind a departed one now follow what was ahead of it: simply forget the id.
    kept = tuple(
        replace(r, pinned_after=r.pinned_after - ids) if r.pinned_after and r.pinned_after & ids else r
        for r in kept
    )
    return _bump(state, pending=kept)


def _unpin_everywhere(state: FloorState, request_id: str) -> FloorState:
    """Nobody waits behind a request the chair is moving: that would make placements circular."""
    return replace(
        state,
        pending=tuple(
            replace(r, pinned_after=r.pinned_after - {request_id})
            if r.pinned_after and request_id in r.pinned_after
            else r
            for r in state.pending
        ),
    )


def _replace_request(state: FloorState, new: Request) -> FloorState:
    return replace(state, pending=tuple(new if r.id == new.id else r for r in state.pending))


def _end_current(
    state: FloorState, now: datetime, policy: FloorPolicy
) -> tuple[Intervention | None, FloorState, tuple[FloorEvent, ...]]:
    current = state.speaking
    if current is None:
        return None, state, ()
    r = current.request
    end = max(now, current.started_at)
    done = Intervention(
        person=r.person,
        name=r.participant.name,
        group=r.participant.group,
        language=r.participant.language,
        kind=r.kind,
        source=r.source,
        start=current.started_at,
        end=end,
        duration=end - current.started_at,
        request_id=r.id,
    )
    used = dict(state.used_by_group)
    used[done.group] = used.get(done.group, timedelta(0)) + done.duration
    pending = tuple(
        replace(p, over_budget=_over_budget(p.participant.group, used, policy)) for p in state.pending
    )
    after = replace(
        state,
        speaking=None,
        used_by_group=used,
        interventions=(*state.interventions, done),
        pending=pending,
    )
    return done, after, (TimerStopped(now, done),)


def _start(
    state: FloorState,
    chosen: Request,
    now: datetime,
    policy: FloorPolicy,
    earlier: tuple[FloorEvent, ...],
    *,
    override: bool,
) -> Outcome:
    ends_at = now + policy.speaking_time
    taken = replace(chosen, pinned_after=None)
    spoken = dict(state.spoken)
    spoken[chosen.person] = spoken.get(chosen.person, 0) + 1
    state = _drop(state, [chosen])
    state = replace(state, speaking=Speaking(taken, now, ends_at), spoken=spoken)
    return Outcome(state, (*earlier, FloorGiven(now, taken, ends_at, override)))


# ---------------------------------------------------------------- JSON


def _td(d: timedelta) -> int:
    # Whole microseconds: exact, unlike float seconds.
    return d // timedelta(microseconds=1)


def _from_td(v: Any) -> timedelta:
    return timedelta(microseconds=int(v))


def _dt(d: datetime) -> str:
    return d.isoformat()


def _from_dt(v: Any) -> datetime:
    parsed = datetime.fromisoformat(str(v))
    if parsed.tzinfo is None:
        raise ValueError(f"naive datetime in floor state: {v!r}")
    return parsed


def _participant_json(p: Participant) -> dict[str, Any]:
    return {"person": p.person, "name": p.name, "group": p.group, "language": p.language}


def _request_json(r: Request) -> dict[str, Any]:
    return {
        "id": r.id,
        "participant": _participant_json(r.participant),
        "kind": r.kind.value,
        "note": r.note,
        "source": r.source.value,
        "at": _dt(r.at),
        "over_budget": r.over_budget,
        "pinned_after": sorted(r.pinned_after) if r.pinned_after is not None else None,
        "pinned_seq": r.pinned_seq,
        "skips": r.skips,
    }


def _request_from(d: Mapping[str, Any]) -> Request:
    p = d["participant"]
    pinned = d.get("pinned_after")
    return Request(
        id=str(d["id"]),
        participant=Participant(str(p["person"]), str(p["name"]), str(p["group"]), str(p["language"])),
        kind=RequestKind(d["kind"]),
        note=d.get("note"),
        source=Source(d["source"]),
        at=_from_dt(d["at"]),
        over_budget=bool(d.get("over_budget", False)),
        pinned_after=frozenset(pinned) if pinned is not None else None,
        pinned_seq=int(d.get("pinned_seq", 0)),
        skips=int(d.get("skips", 0)),
    )


def _speaking_json(s: Speaking) -> dict[str, Any]:
    return {
        "request": _request_json(s.request),
        "started_at": _dt(s.started_at),
        "ends_at": _dt(s.ends_at),
        "warned": s.warned,
        "expired": s.expired,
        "extensions": _td(s.extensions),
    }


def _speaking_from(d: Mapping[str, Any]) -> Speaking:
    return Speaking(
        request=_request_from(d["request"]),
        started_at=_from_dt(d["started_at"]),
        ends_at=_from_dt(d["ends_at"]),
        warned=bool(d["warned"]),
        expired=bool(d["expired"]),
        extensions=_from_td(d["extensions"]),
    )


def _intervention_json(i: Intervention) -> dict[str, Any]:
    return {
        "person": i.person,
        "name": i.name,
        "group": i.group,
        "language": i.language,
        "kind": i.kind.value,
        "source": i.source.value,
        "start": _dt(i.start),
        "end": _dt(i.end),
        "duration": _td(i.duration),
        "request_id": i.request_id,
    }


def _intervention_from(d: Mapping[str, Any]) -> Intervention:
    return Intervention(
        person=str(d["person"]),
        name=str(d["name"]),
        group=str(d["group"]),
        language=str(d["language"]),
        kind=RequestKind(d["kind"]),
        source=Source(d["source"]),
        start=_from_dt(d["start"]),
        end=_from_dt(d["end"]),
        duration=_from_td(d["duration"]),
        request_id=str(d["request_id"]),
    )

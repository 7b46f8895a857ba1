"""The list of speakers of one open discussion: a pure core (no I/O, time always passed in).

Every operation takes the current `FloorState` (plus `now` and the `FloorPolicy`) and returns an
`Outcome`: the new state, the domain events that happened (past tense), and either a `Refusal`
(a rule forbids it) or a `noop_reason` (nothing to do, e.g. requesting twice). The store snapshots
the state and serialises operations on one list; this module never does I/O.

Ordering (see order.py) is computed, not stored: kinds in fixed priority first, then the
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

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from bot.domain.floor import order as floor_policies
from bot.domain.floor.events import (
    FloorEvent,
    FloorGiven,
    FloorRequested,
    ListClosed,
    ListReopened,
    Outcome,
    Refusal,
    RequestCarried,
    RequestMoved,
    RequestPassedOver,
    RequestRemoved,
    RequestSkipped,
    RequestWithdrawn,
    SpeakerTimeExpired,
    SpeakerWarned,
    TimerExtended,
    TimerStopped,
)
from bot.domain.floor.order import Position
from bot.domain.floor.policy import FloorPolicy
from bot.domain.floor.state import FloorState, Intervention, Participant, Request, RequestKind, Speaking, Surface

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
    source: Surface = Surface.WEB,
    request_id: str | None = None,
    made_at: datetime | None = None,
) -> Outcome:
    """Add a request, made at `made_at` (the platform's time; `now` if not given): the order goes by it.
    Twice the same kind is a no-op; while closed only points of order are taken."""
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
        at=min(made_at, now) if made_at else now,  # a request is never made after it is taken
        over_budget=policy.over_budget(participant.group, state.used_by_group),
    )
    return Outcome(bump(state, pending=(*state.pending, new), seq=seq), (FloorRequested(now, new),))


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
    source: Surface = Surface.WEB,
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
            over_budget=policy.over_budget(participant.group, state.used_by_group),
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
    return Outcome(bump(state, seq=seq), (RequestSkipped(now, moved, following),))


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
    return Outcome(bump(state, seq=seq), (RequestMoved(now, moved, place),))


def close(state: FloorState, now: datetime, policy: FloorPolicy) -> Outcome:
    """Close the list: no new requests except points of order; those listed are still served."""
    if not state.is_open:
        return Outcome(state, noop_reason="floor.noop.already_closed")
    return Outcome(bump(state, is_open=False), (ListClosed(now),))


def reopen(state: FloorState, now: datetime, policy: FloorPolicy) -> Outcome:
    if state.is_open:
        return Outcome(state, noop_reason="floor.noop.already_open")
    return Outcome(bump(state, is_open=True), (ListReopened(now),))


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
    return Outcome(bump(state, speaking=replace(current, warned=warned, expired=expired)), tuple(events))


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
    return Outcome(bump(state, speaking=longer), (TimerExtended(now, current.request, by, ends_at),))


def stop(state: FloorState, now: datetime, policy: FloorPolicy) -> Outcome:
    """End the current intervention and record it."""
    ended, state_after, events = _end_current(state, now, policy)
    if ended is None:
        return Outcome(state, noop_reason="floor.noop.nobody_speaking")
    return Outcome(bump(state_after), events)


def carry(state: FloorState, source: FloorState, now: datetime, policy: FloorPolicy) -> Outcome:
    """The next discussion's list (`state`) takes what the closing one (`source`) did not serve, under
    carry_over: each request keeps its time of request, note and id, and the chairs' placements travel with
    it, so the order carries over unchanged; a speaker still on the floor is not carried (stop them first).
    A request the list already holds is not taken twice: a close retried after a crash carries nothing more.
    Without carry_over nothing moves (the closing list reports its requests unserved)."""
    if not policy.carry_over:
        return Outcome(state, noop_reason="floor.noop.list_empty")
    held = {r.id for r in state.pending}
    incoming = tuple(
        replace(r, over_budget=policy.over_budget(r.participant.group, state.used_by_group))
        for r in queue(source, policy) if r.id not in held
    )
    if not incoming:
        return Outcome(state, noop_reason="floor.noop.list_empty")
    # The placements' sequence numbers come from the source list: keep counting above both.
    moved = bump(state, pending=(*state.pending, *incoming), seq=max(state.seq, source.seq))
    return Outcome(moved, tuple(RequestCarried(now, r, state.discussion) for r in incoming))


# ---------------------------------------------------------------- helpers


def bump(state: FloorState, **changes: Any) -> FloorState:
    """The next version of a list (every change is one)."""
    return replace(state, version=state.version + 1, **changes)


def _absent(r: Request, policy: FloorPolicy, present: frozenset[str] | None) -> bool:
    return policy.present_only and present is not None and r.person not in present


def _drop(state: FloorState, gone: Iterable[Request]) -> FloorState:
    ids = {r.id for r in gone}
    kept = tuple(r for r in state.pending if r.id not in ids)
    # Requests pinned behind a departed one now follow what was ahead of it: simply forget the id.
    kept = tuple(
        replace(r, pinned_after=r.pinned_after - ids) if r.pinned_after and r.pinned_after & ids else r
        for r in kept
    )
    return bump(state, pending=kept)


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
    # Only the requests whose side of the budget changes are rebuilt: a long list is mostly shared.
    pending = tuple(
        p if (over := policy.over_budget(p.participant.group, used)) is p.over_budget
        else replace(p, over_budget=over)
        for p in state.pending
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

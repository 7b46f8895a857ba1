"""Order policies of the list of speakers, and the explanation of a person's place.

The order is always derived from the state, never stored, so "why am I 4th?" has an answer:
1. request kinds in fixed priority (point of order, clarifying question, direct reply, new contribution);
2. within a kind, requests from groups within their speaking-time budget before those over it;
3. within that, the policy: ``fifo`` (time of request), ``first-time-first`` (people who have not yet
   spoken in this discussion, then time), ``balanced`` (round robin across stakeholder groups: the group
   heard least recently goes next, then time within the group);
4. chair placements (move/skip) pinned on top: a pinned request goes right behind the requests it was
   placed behind, while they are pending; points of order still lead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.domain.floor.policy import FloorPolicy, OrderPolicy
from bot.domain.floor.state import FloorState, Request

# Recency of a group: (0, 0) never heard, (1, timestamp) heard at that time, (2, n) placed n-th in the
# order being built (a virtual turn, so round robin continues down the list).
_Recency = tuple[int, float]


@dataclass(frozen=True)
class Reason:
    """One line of explanation: a message key under ``floor.why`` and its raw values
    (group ids and kinds are localized by explain.py)."""

    key: str
    values: Mapping[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True)
class Position:
    """A person's place. `place` is 1-based, None when not listed; `speaking` when they have the floor.
    `wait` sums the current speaker's remaining time and a speaking time per present person ahead."""

    person: str
    place: int | None
    wait: timedelta
    reasons: tuple[Reason, ...] = ()
    request: Request | None = None
    speaking: bool = False
    absent: bool = False


def ordered(state: FloorState, policy: FloorPolicy) -> list[Request]:
    """All pending requests in speaking order."""
    unpinned = [r for r in state.pending if r.pinned_after is None]
    result = _policy_order(unpinned, state, policy)
    return _apply_pins(result, [r for r in state.pending if r.pinned_after is not None])


def _policy_order(requests: list[Request], state: FloorState, policy: FloorPolicy) -> list[Request]:
    recency = _group_recency(state)
    spoken = {p for p, n in state.spoken.items() if n > 0}
    if state.speaking is not None:
        spoken.add(state.speaking.request.person)
    out: list[Request] = []
    for priority in sorted({r.kind.priority for r in requests}):
        of_kind = [r for r in requests if r.kind.priority == priority]
        for over in (False, True):
            batch = [r for r in of_kind if r.over_budget is over]
            out.extend(_order_batch(batch, policy.order, recency, spoken, len(out)))
    return out


def _order_batch(
    batch: list[Request],
    order: OrderPolicy,
    recency: dict[str, _Recency],
    spoken: set[str],
    placed: int,
) -> list[Request]:
    remaining = sorted(batch, key=_by_time)
    out: list[Request] = []
    while remaining:
        if order is OrderPolicy.BALANCED:
            chosen = min(remaining, key=lambda r: (recency.get(r.participant.group, (0, 0.0)), *_by_time(r)))
        elif order is OrderPolicy.FIRST_TIME_FIRST:
            chosen = min(remaining, key=lambda r: (r.person in spoken, *_by_time(r)))
        else:
            chosen = remaining[0]
        remaining.remove(chosen)
        out.append(chosen)
        # Later choices in this build see this one as having spoken.
        recency[chosen.participant.group] = (2, float(placed + len(out)))
        spoken.add(chosen.person)
    return out


def _by_time(r: Request) -> tuple[datetime, str]:
    return (r.at, r.id)


def _group_recency(state: FloorState) -> dict[str, _Recency]:
    recency: dict[str, _Recency] = {}
    for done in state.interventions:
        recency[done.group] = max(recency.get(done.group, (0, 0.0)), (1, done.start.timestamp()))
    if state.speaking is not None:
        group = state.speaking.request.participant.group
        recency[group] = max(recency.get(group, (0, 0.0)), (1, state.speaking.started_at.timestamp()))
    return recency


def _apply_pins(result: list[Request], pinned: list[Request]) -> list[Request]:
    waiting = sorted(pinned, key=lambda r: r.pinned_seq)
    while waiting:
        ids_in = {r.id for r in result}
        pending_ids = ids_in | {r.id for r in waiting}
        # Place one whose (still pending) predecessors are all placed; on a cycle take the earliest pin.
        ready = next(
            (r for r in waiting if all(p in ids_in for p in (r.pinned_after or frozenset()) & pending_ids)),
            waiting[0],
        )
        waiting.remove(ready)
        after = [i for i, r in enumerate(result) if r.id in (ready.pinned_after or frozenset())]
        index = max(after) + 1 if after else 0
        if ready.kind.priority > 0:
            leading_points = next((i for i, r in enumerate(result) if r.kind.priority > 0), len(result))
            index = max(index, leading_points)
        result.insert(index, ready)
    return result


def position(
    state: FloorState,
    person: str,
    now: datetime,
    policy: FloorPolicy,
    present: frozenset[str] | None = None,
) -> Position:
    """Where `person` stands and why (reasons in the order they apply)."""
    remaining = timedelta(0)
    speaking = state.speaking is not None and state.speaking.request.person == person
    if state.speaking is not None:
        remaining = max(timedelta(0), state.speaking.ends_at - now)
    order = ordered(state, policy)
    index = next((i for i, r in enumerate(order) if r.person == person), None)
    if index is None:
        if speaking and state.speaking is not None:
            return Position(person, None, timedelta(0), (Reason("floor.why.speaking"),), state.speaking.request,
                            speaking=True)
        return Position(person, None, timedelta(0))
    mine = order[index]
    ahead = order[:index]

    def is_absent(r: Request) -> bool:
        return policy.present_only and present is not None and r.person not in present

    present_ahead = [r for r in ahead if not is_absent(r)]
    wait = remaining + policy.speaking_time * len(present_ahead)
    reasons = _reasons(state, policy, mine, ahead, is_absent(mine), len(ahead) - len(present_ahead))
    if speaking:
        # Someone with the floor may also be listed again (e.g. for a point of order).
        reasons.insert(0, Reason("floor.why.speaking"))
    return Position(person, index + 1, wait, tuple(reasons), mine, speaking=speaking, absent=is_absent(mine))


def _reasons(
    state: FloorState,
    policy: FloorPolicy,
    mine: Request,
    ahead: list[Request],
    absent: bool,
    absent_ahead: int,
) -> list[Reason]:
    reasons: list[Reason] = []
    higher = sum(1 for r in ahead if r.kind.priority < mine.kind.priority)
    if mine.kind.priority == 0:
        reasons.append(Reason("floor.why.point_of_order"))
    elif higher:
        reasons.append(Reason("floor.why.priority_ahead", {"count": higher}))
    if mine.kind.priority in (1, 2):
        reasons.append(Reason("floor.why.kind_first", {"kind": mine.kind.value}))
    if mine.pinned_after is not None:
        reasons.append(Reason("floor.why.chair_placed"))
    group = mine.participant.group
    if mine.over_budget:
        reasons.append(Reason("floor.why.over_budget", {"group": group}))
    elif group in policy.group_budgets:
        used = state.used_by_group.get(group, timedelta(0))
        left = max(timedelta(0), policy.group_budgets[group] - used)
        reasons.append(Reason("floor.why.budget_left", {"group": group, "count": _minutes(left)}))
    if policy.order is OrderPolicy.BALANCED:
        heard = any(i.group == group for i in state.interventions) or (
            state.speaking is not None and state.speaking.request.participant.group == group
        )
        same_batch = [r for r in ahead if r.kind is mine.kind and r.over_budget is mine.over_budget]
        if any(r.participant.group == group for r in same_batch):
            key = "floor.why.balanced_group_ahead"
        else:
            key = "floor.why.balanced_heard" if heard else "floor.why.balanced_not_heard"
        reasons.append(Reason(key, {"group": group}))
    elif policy.order is OrderPolicy.FIRST_TIME_FIRST:
        count = state.spoken.get(mine.person, 0)
        if count:
            reasons.append(Reason("floor.why.spoken_before", {"count": count}))
        else:
            reasons.append(Reason("floor.why.first_time"))
    else:
        reasons.append(Reason("floor.why.fifo"))
    if absent_ahead:
        reasons.append(Reason("floor.why.absent_ahead", {"count": absent_ahead}))
    if absent:
        reasons.append(Reason("floor.why.absent"))
    return reasons


def _minutes(d: timedelta) -> int:
    return int(d.total_seconds() // 60)

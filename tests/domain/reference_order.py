"""The order of the list and the positions, written the straightforward way (quadratic and worse): the
reference the fast implementation in bot/domain/floor/order.py is checked against on random lists.

It is the order as it was first written: pick the next speaker by scanning what remains, recompute the
whole order for each person's position."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.floor.order import Position, Reason, _Ahead, _reasons
from bot.domain.floor.policy import FloorPolicy, OrderPolicy
from bot.domain.floor.state import FloorState, Request

_Recency = tuple[int, float]


def ordered(state: FloorState, policy: FloorPolicy) -> list[Request]:
    arrival = {r.id: i for i, r in enumerate(state.pending)}

    def by_time(r: Request) -> tuple[datetime, int]:
        return (r.at, arrival[r.id])

    unpinned = [r for r in state.pending if r.pinned_after is None]
    recency = _recency(state)
    spoken = {p for p, n in state.spoken.items() if n > 0}
    if state.speaking is not None:
        spoken.add(state.speaking.request.person)
    out: list[Request] = []
    for priority in sorted({r.kind.priority for r in unpinned}):
        for over in (False, True):
            remaining = sorted((r for r in unpinned if r.kind.priority == priority and r.over_budget is over),
                               key=by_time)
            while remaining:
                if policy.order is OrderPolicy.BALANCED:
                    chosen = min(remaining, key=lambda r: (recency.get(r.participant.group, (0, 0.0)), *by_time(r)))
                elif policy.order is OrderPolicy.FIRST_TIME_FIRST:
                    chosen = min(remaining, key=lambda r: (r.person in spoken, *by_time(r)))
                else:
                    chosen = remaining[0]
                remaining.remove(chosen)
                out.append(chosen)
                recency[chosen.participant.group] = (2, float(len(out)))
                spoken.add(chosen.person)
    waiting = sorted((r for r in state.pending if r.pinned_after is not None), key=lambda r: r.pinned_seq)
    while waiting:
        ids_in = {r.id for r in out}
        pending_ids = ids_in | {r.id for r in waiting}
        ready = next(
            (r for r in waiting if all(p in ids_in for p in (r.pinned_after or frozenset()) & pending_ids)),
            waiting[0],
        )
        waiting.remove(ready)
        after = [i for i, r in enumerate(out) if r.id in (ready.pinned_after or frozenset())]
        index = max(after) + 1 if after else 0
        if ready.kind.priority > 0:
            index = max(index, next((i for i, r in enumerate(out) if r.kind.priority > 0), len(out)))
        out.insert(index, ready)
    return out


def _recency(state: FloorState) -> dict[str, _Recency]:
    recency: dict[str, _Recency] = {}
    for done in state.interventions:
        recency[done.group] = max(recency.get(done.group, (0, 0.0)), (1, done.start.timestamp()))
    if state.speaking is not None:
        group = state.speaking.request.participant.group
        recency[group] = max(recency.get(group, (0, 0.0)), (1, state.speaking.started_at.timestamp()))
    return recency


def position(state: FloorState, person: str, now: datetime, policy: FloorPolicy,
             present: frozenset[str] | None = None) -> Position:
    speaking = state.speaking is not None and state.speaking.request.person == person
    remaining = max(timedelta(0), state.speaking.ends_at - now) if state.speaking is not None else timedelta(0)
    order = ordered(state, policy)
    index = next((i for i, r in enumerate(order) if r.person == person), None)
    if index is None:
        if speaking and state.speaking is not None:
            return Position(person, None, timedelta(0), (Reason("floor.why.speaking"),), state.speaking.request,
                            speaking=True)
        return Position(person, None, timedelta(0))
    mine, ahead = order[index], order[:index]

    def is_absent(r: Request) -> bool:
        return policy.present_only and present is not None and r.person not in present

    absent_ahead = sum(1 for r in ahead if is_absent(r))
    counted = _Ahead(
        count=index,
        higher=sum(1 for r in ahead if r.kind.priority < mine.kind.priority),
        group_in_batch=any(r.kind is mine.kind and r.over_budget is mine.over_budget
                           and r.participant.group == mine.participant.group for r in ahead),
        absent=absent_ahead,
    )
    heard = {i.group for i in state.interventions}
    if state.speaking is not None:
        heard.add(state.speaking.request.participant.group)
    reasons = _reasons(state, policy, mine, counted, is_absent(mine), heard)
    if speaking:
        reasons.insert(0, Reason("floor.why.speaking"))
    wait = remaining + policy.speaking_time * (index - absent_ahead)
    return Position(person, index + 1, wait, tuple(reasons), mine, speaking=speaking, absent=is_absent(mine))

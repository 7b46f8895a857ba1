"""Order policies of the list of speakers, and the explanation of a person's place.

The order is always derived from the state, never stored, so "why am I 4th?" has an answer:
1. request kinds in fixed priority (point of order, clarifying question, direct reply, new contribution);
2. within a kind, requests from groups within their speaking-time budget before those over it;
3. within that, the policy: ``fifo`` (time of request), ``first-time-first`` (people who have not yet
   spoken in this discussion, then time), ``balanced`` (round robin across stakeholder groups: the group
   heard least recently goes next, then time within the group);
4. chair placements (move/skip) pinned on top: a pinned request goes right behind the requests it was
   placed behind, while they are pending; points of order still lead.

"Time of request" is the time the request was made (the platform's timestamp), ties broken by arrival.
Cost: one order per list version (memoised on the immutable state): one sort, then per batch a stable
partition (first-time-first) or a heap of per-group queues (balanced), O(n log n); the positions, reasons and
waits of everyone come from one walk down it (`positions`). tests/domain/reference_order.py is the
straightforward version it is checked against.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.domain.floor.policy import FloorPolicy, OrderPolicy
from bot.domain.floor.state import PRIORITY, FloorState, Request, RequestKind

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
    """All pending requests in speaking order (computed once per list version and policy)."""
    return list(_order_of(state, policy))


# One order per list version: states are immutable, so the order of the same state object never changes.
# A reply, its notices, the board and the console all ask for it; a few entries cover one operation's states.
_MEMO: dict[int, tuple[FloorState, FloorPolicy, tuple[Request, ...]]] = {}
_MEMO_SIZE = 8


def _order_of(state: FloorState, policy: FloorPolicy) -> tuple[Request, ...]:
    hit = _MEMO.get(id(state))
    if hit is not None and hit[0] is state and hit[1] == policy:
        return hit[2]
    unpinned = [r for r in state.pending if r.pinned_after is None]
    pinned = [r for r in state.pending if r.pinned_after is not None]
    order = _apply_pins(_policy_order(state, unpinned, policy), pinned)
    if len(_MEMO) >= _MEMO_SIZE:
        del _MEMO[next(iter(_MEMO))]
    _MEMO[id(state)] = (state, policy, tuple(order))  # the entry holds the state, so its id is not reused
    return _MEMO[id(state)][2]


# A request in a batch and its rank in time (the time it was made, then arrival: `pending` is in arrival order).
_Ranked = tuple[int, Request]


def _policy_order(state: FloorState, requests: list[Request], policy: FloorPolicy) -> list[Request]:
    """Kinds in priority, within-budget before over-budget, then the policy inside each such batch:
    one sort per batch, then a stable partition (first-time-first) or a heap of per-group queues (balanced)."""
    arrival = {r.id: i for i, r in enumerate(state.pending)}
    batches: dict[tuple[int, bool], list[tuple[datetime, int, Request]]] = {}
    for r in requests:
        batches.setdefault((PRIORITY[r.kind], r.over_budget), []).append((r.at, arrival[r.id], r))
    recency = _group_recency(state)
    spoken = {p for p, n in state.spoken.items() if n > 0}
    if state.speaking is not None:
        spoken.add(state.speaking.request.person)
    out: list[Request] = []
    for key in sorted(batches):
        # (time, arrival) is unique: the sort never compares requests.
        batch = [(rank, r) for rank, (_, _, r) in enumerate(sorted(batches[key]))]
        if policy.order is OrderPolicy.BALANCED:
            out.extend(_round_robin(batch, recency, len(out)))
        elif policy.order is OrderPolicy.FIRST_TIME_FIRST:
            # One request per person and kind, so a batch's people are distinct: who has spoken is fixed
            # for the batch, and a stable sort on it keeps time order within each half.
            out.extend(r for _, r in sorted(batch, key=lambda t: t[1].person in spoken))
        else:
            out.extend(r for _, r in batch)
        spoken.update(r.person for _, r in batch)
    return out


def _round_robin(batch: list[_Ranked], recency: dict[str, _Recency], placed: int) -> list[Request]:
    """The group heard least recently goes next, then time within the group; a group just placed goes
    behind every other (its virtual turn is the latest), so a heap of groups keyed by recency suffices."""
    queues: dict[str, deque[_Ranked]] = {}
    for t in batch:
        queues.setdefault(t[1].participant.group, deque()).append(t)
    heap = [(*recency.get(g, (0, 0.0)), q[0][0], g) for g, q in queues.items()]
    heapq.heapify(heap)
    out: list[Request] = []
    while heap:
        group = heapq.heappop(heap)[3]
        q = queues[group]
        out.append(q.popleft()[1])
        # Later choices in this build see this group as having spoken.
        turn = placed + len(out)
        recency[group] = (2, float(turn))
        if q:
            heapq.heappush(heap, (2, float(turn), q[0][0], group))
    return out


def _group_recency(state: FloorState) -> dict[str, _Recency]:
    recency: dict[str, _Recency] = {}
    for done in state.interventions:
        recency[done.group] = max(recency.get(done.group, (0, 0.0)), (1, done.start.timestamp()))
    if state.speaking is not None:
        group = state.speaking.request.participant.group
        recency[group] = max(recency.get(group, (0, 0.0)), (1, state.speaking.started_at.timestamp()))
    return recency


def _apply_pins(result: list[Request], pinned: list[Request]) -> list[Request]:
    """Chair placements, in the order they were made (pins are few: O(pins x n))."""
    waiting = sorted(pinned, key=lambda r: r.pinned_seq)
    placed = {r.id for r in result}
    pending_ids = placed | {r.id for r in waiting}
    while waiting:
        # Place one whose (still pending) predecessors are all placed; on a cycle take the earliest pin.
        ready = next(
            (r for r in waiting if all(p in placed for p in (r.pinned_after or frozenset()) & pending_ids)),
            waiting[0],
        )
        waiting.remove(ready)
        behind = ready.pinned_after or frozenset()
        after = [i for i, r in enumerate(result) if r.id in behind]
        index = max(after) + 1 if after else 0
        if ready.kind.priority > 0:
            leading_points = next((i for i, r in enumerate(result) if r.kind.priority > 0), len(result))
            index = max(index, leading_points)
        result.insert(index, ready)
        placed.add(ready.id)
    return result


@dataclass(frozen=True, slots=True)
class _Ahead:
    """What is ahead of a request in the order, counted on one walk down it."""

    count: int
    higher: int  # of a kind served before this one's
    group_in_batch: bool  # a request of the same group, kind and budget side
    absent: int


def _walk(order: tuple[Request, ...], policy: FloorPolicy,
          present: frozenset[str] | None) -> Iterator[tuple[Request, tuple[int, int, bool, int]]]:
    """Each request with what is ahead of it (count, higher kinds, same group in its batch, absent), in one
    pass: running counts, not a rescan per row."""
    by_priority = [0] * len(PRIORITY)
    batches: set[tuple[RequestKind, bool, str]] = set()
    absent = 0
    counting = policy.present_only and present is not None
    for i, r in enumerate(order):
        priority = PRIORITY[r.kind]
        batch = (r.kind, r.over_budget, r.participant.group)
        yield r, (i, sum(by_priority[:priority]), batch in batches, absent)
        by_priority[priority] += 1
        batches.add(batch)
        if counting and r.person not in (present or ()):
            absent += 1


def _is_absent(r: Request, policy: FloorPolicy, present: frozenset[str] | None) -> bool:
    return policy.present_only and present is not None and r.person not in present


def position(
    state: FloorState,
    person: str,
    now: datetime,
    policy: FloorPolicy,
    present: frozenset[str] | None = None,
) -> Position:
    """Where `person` stands and why (reasons in the order they apply)."""
    for r, counts in _walk(_order_of(state, policy), policy, present):
        if r.person == person:
            return _Place(state, now, policy, present).of(r, _Ahead(*counts))
    if state.speaking is not None and state.speaking.request.person == person:
        return Position(person, None, timedelta(0), (Reason("floor.why.speaking"),), state.speaking.request,
                        speaking=True)
    return Position(person, None, timedelta(0))


def positions(
    state: FloorState,
    now: datetime,
    policy: FloorPolicy,
    present: frozenset[str] | None = None,
    *,
    reasons: bool = True,
) -> dict[str, Position]:
    """Everyone's `position` (of their first listed request), in one pass down the order; without
    `reasons` (a list's rows need only places and waits) the walk is several times cheaper."""
    out: dict[str, Position] = {}
    place = _Place(state, now, policy, present, with_reasons=reasons)
    for r, counts in _walk(_order_of(state, policy), policy, present):
        if r.person not in out:
            out[r.person] = place.of(r, _Ahead(*counts))
    return out


class _Place:
    """What every position of one list at one instant shares, worked out once."""

    def __init__(self, state: FloorState, now: datetime, policy: FloorPolicy, present: frozenset[str] | None,
                 *, with_reasons: bool = True) -> None:
        self.state, self.policy, self.present, self.with_reasons = state, policy, present, with_reasons
        self.speaker = state.speaking.request.person if state.speaking is not None else None
        self.remaining = max(timedelta(0), state.speaking.ends_at - now) if state.speaking else timedelta(0)
        self.heard = _group_recency(state).keys()  # the groups heard in this discussion (or speaking now)

    def of(self, mine: Request, ahead: _Ahead) -> Position:
        absent = _is_absent(mine, self.policy, self.present)
        wait = self.remaining + self.policy.speaking_time * (ahead.count - ahead.absent)
        speaking = mine.person == self.speaker
        reasons: list[Reason] = []
        if self.with_reasons:
            reasons = _reasons(self.state, self.policy, mine, ahead, absent, self.heard)
            if speaking:
                # Someone with the floor may also be listed again (e.g. for a point of order).
                reasons.insert(0, Reason("floor.why.speaking"))
        return Position(mine.person, ahead.count + 1, wait, tuple(reasons), mine, speaking=speaking,
                        absent=absent)


def _reasons(
    state: FloorState,
    policy: FloorPolicy,
    mine: Request,
    ahead: _Ahead,
    absent: bool,
    heard_groups: Set[str],
) -> list[Reason]:
    reasons: list[Reason] = []
    higher = ahead.higher
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
        heard = group in heard_groups
        if ahead.group_in_batch:
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
    if ahead.absent:
        reasons.append(Reason("floor.why.absent_ahead", {"count": ahead.absent}))
    if absent:
        reasons.append(Reason("floor.why.absent"))
    return reasons


def _minutes(d: timedelta) -> int:
    return int(d.total_seconds() // 60)

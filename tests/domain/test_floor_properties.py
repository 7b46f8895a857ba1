"""Hypothesis: any sequence of operations keeps the list's invariants."""

from __future__ import annotations

import json
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.store.floor_codec import state_from_json, state_to_json
from bot.domain.floor import explain, timer
from bot.domain.floor import rules as f
from bot.domain.floor.events import Outcome, SpeakerTimeExpired, SpeakerWarned, TimerExtended
from bot.domain.floor.policy import FloorPolicy, OrderPolicy
from bot.domain.floor.state import FloorState, RequestKind
from bot.i18n import catalog as i18n
from bot.i18n.messages import render
from tests.domain.helpers import T0, person

PEOPLE = [person(k, g) for k, g in [("ana", "states"), ("ben", "states"), ("cho", "civil-society"),
                                    ("dev", "business"), ("eve", "academia"), ("fay", "un")]]
KINDS = list(RequestKind)

op = st.one_of(
    st.tuples(st.just("request"), st.sampled_from(PEOPLE), st.sampled_from(KINDS)),
    st.tuples(st.just("withdraw"), st.sampled_from(PEOPLE)),
    st.tuples(st.just("remove"), st.sampled_from(PEOPLE)),
    st.tuples(st.just("next")),
    st.tuples(st.just("give"), st.sampled_from(PEOPLE)),
    st.tuples(st.just("skip")),
    st.tuples(st.just("move"), st.integers(0, 8), st.integers(0, 8)),
    st.tuples(st.just("close")),
    st.tuples(st.just("reopen")),
    st.tuples(st.just("tick")),
    st.tuples(st.just("extend"), st.integers(-1, 3)),
    st.tuples(st.just("stop")),
)
policies = st.builds(
    FloorPolicy,
    speaking_time=st.sampled_from([timedelta(minutes=1), timedelta(minutes=3)]),
    warn_before=st.sampled_from([timedelta(0), timedelta(seconds=30), timedelta(minutes=5)]),
    order=st.sampled_from(list(OrderPolicy)),
    group_budgets=st.sampled_from([{}, {"states": timedelta(minutes=2), "civil-society": timedelta(0)}]),
    present_only=st.booleans(),
    carry_over=st.booleans(),
)


def apply(s: FloorState, step: tuple[object, ...], now: object, pol: FloorPolicy,
          present: frozenset[str]) -> Outcome:
    name = step[0]
    assert isinstance(now, type(T0))
    if name == "request":
        return f.request(s, step[1], step[2], now, pol)  # type: ignore[arg-type]
    if name == "withdraw":
        return f.withdraw(s, step[1].person, now, pol)  # type: ignore[attr-defined]
    if name == "remove":
        return f.remove(s, step[1].person, now, pol)  # type: ignore[attr-defined]
    if name == "next":
        return f.next_speaker(s, now, pol, present=present)
    if name == "give":
        return f.give(s, step[1], now, pol)  # type: ignore[arg-type]
    if name == "skip":
        return f.skip(s, now, pol, present=present)
    if name == "move":
        ids = [r.id for r in f.queue(s, pol)]
        target = ids[step[1] % len(ids)] if ids else "none"  # type: ignore[operator]
        return f.move(s, target, step[2], now, pol)  # type: ignore[arg-type]
    if name == "close":
        return f.close(s, now, pol)
    if name == "reopen":
        return f.reopen(s, now, pol)
    if name == "tick":
        return f.tick(s, now, pol)
    if name == "extend":
        return f.extend(s, timedelta(minutes=step[1]), now, pol)  # type: ignore[arg-type]
    return f.stop(s, now, pol)


@settings(max_examples=300, deadline=None)
@given(
    steps=st.lists(st.tuples(op, st.integers(0, 120)), min_size=5, max_size=40),
    pol=policies,
    present=st.frozensets(st.sampled_from([p.person for p in PEOPLE])),
)
def test_any_sequence_keeps_the_invariants(
    steps: list[tuple[tuple[object, ...], int]], pol: FloorPolicy, present: frozenset[str]
) -> None:
    s = FloorState("d")
    now = T0
    seen_ids: set[str] = set()
    warned: set[str] = set()
    expired: set[str] = set()
    for step, gap in steps:
        now += timedelta(seconds=gap)
        out = apply(s, step, now, pol, present)
        if not out.changed:
            assert out.state is s or out.events  # unchanged, except a report of who was passed over
            assert out.state.version == s.version
        else:
            assert out.state.version == s.version + 1
        for e in out.events:
            if isinstance(e, SpeakerWarned):
                assert e.request.id not in warned
                warned.add(e.request.id)
            if isinstance(e, SpeakerTimeExpired):
                assert e.request.id not in expired
                expired.add(e.request.id)
            if isinstance(e, TimerExtended):
                warned.discard(e.request.id)
                expired.discard(e.request.id)
        # Whatever happened can be told to everyone concerned, in every language.
        messages = [explain.reply(out, p.person, now, pol, present) for p in PEOPLE]
        messages += [n.message for n in explain.notices(out, now, pol, present)]
        for message in messages:
            for lang in i18n.LANGUAGES:
                assert render(message, lang).strip()
        s = out.state
        order = f.queue(s, pol)
        # The order is a permutation of the pending requests.
        assert sorted(r.id for r in order) == sorted(r.id for r in s.pending)
        # Points of order lead, unless the chair moved or skipped that point of order itself.
        for i, r in enumerate(order):
            if r.kind is RequestKind.POINT_OF_ORDER and r.pinned_after is None:
                assert all(x.kind is RequestKind.POINT_OF_ORDER for x in order[:i])
        # One pending request per person and kind; ids never reused.
        keys = [(r.person, r.kind) for r in s.pending]
        assert len(keys) == len(set(keys))
        for r in s.pending:
            seen_ids.add(r.id)
        assert all(i.duration >= timedelta(0) for i in s.interventions)
        # A speaker's request is no longer pending.
        if s.speaking is not None:
            assert s.speaking.request.id not in {r.id for r in s.pending}
            assert s.speaking.ends_at >= s.speaking.started_at
        # Every position answer agrees with the order.
        for place, r in enumerate(order, start=1):
            first = next(i for i, x in enumerate(order, start=1) if x.person == r.person)
            assert f.position(s, r.person, now, pol, present).place == first
            assert place >= first
        # Deadlines still ahead are exactly those tick has not yet emitted.
        for d in timer.deadlines(s, pol):
            assert d.request_id == (s.speaking.request.id if s.speaking else None)
        # Snapshots round-trip.
        assert state_from_json(json.loads(json.dumps(state_to_json(s)))) == s
    assert len(seen_ids) == len({i for i in seen_ids})

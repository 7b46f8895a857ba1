"""Hypothesis: the fast order (one sort, a heap of groups, one pass for the positions) equals the
straightforward reference on random lists: any kinds, budgets, pins (cycles too), ties in time,
interventions and a current speaker, for every policy."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.floor import order
from bot.domain.floor.policy import FloorPolicy, OrderPolicy
from bot.domain.floor.state import FloorState, Intervention, Request, RequestKind, Speaking, Surface
from tests.domain import reference_order as reference
from tests.domain.helpers import T0, person

GROUPS = ["states", "civil-society", "business", "academia", "un"]
PEOPLE = [person(f"p{i}", GROUPS[i % len(GROUPS)]) for i in range(14)]


@st.composite
def lists(draw: st.DrawFn) -> FloorState:
    wanted = draw(st.lists(st.tuples(st.sampled_from(PEOPLE), st.sampled_from(list(RequestKind))),
                           max_size=30, unique=True))
    requests = []
    for n, (who, kind) in enumerate(wanted):
        # Few distinct times: ties in time are common, and arrival breaks them.
        at = T0 + timedelta(seconds=draw(st.integers(0, 6)))
        requests.append(Request(f"d:{n + 1}", who, kind, None, Surface.SLACK, at, over_budget=draw(st.booleans())))
    ids = [r.id for r in requests]
    for i, r in enumerate(requests):
        if ids and draw(st.integers(0, 4)) == 0:
            behind = draw(st.frozensets(st.sampled_from(ids), max_size=4)) - {r.id}
            requests[i] = replace(r, pinned_after=behind, pinned_seq=draw(st.integers(0, 5)))
    interventions = tuple(
        Intervention(who.person, who.name, who.group, "en", RequestKind.NEW, Surface.WEB,
                     T0 - timedelta(minutes=m), T0 - timedelta(minutes=m - 1), timedelta(minutes=1), f"old:{k}")
        for k, (who, m) in enumerate(draw(st.lists(st.tuples(st.sampled_from(PEOPLE), st.integers(1, 5)),
                                                    max_size=6)))
    )
    speaking = None
    if draw(st.booleans()):
        who = draw(st.sampled_from(PEOPLE))
        start = T0 - timedelta(seconds=draw(st.integers(0, 400)))
        speaking = Speaking(Request("now:1", who, RequestKind.NEW, None, Surface.WEB, start), start,
                            start + timedelta(minutes=3))
    spoken = {i.person: 1 for i in interventions}
    budgets = {"states": timedelta(minutes=2)} if draw(st.booleans()) else {}
    used = {"states": timedelta(minutes=draw(st.integers(0, 4)))} if budgets else {}
    return FloorState("d", pending=tuple(requests), speaking=speaking, spoken=spoken, used_by_group=used,
                      interventions=interventions, version=draw(st.integers(0, 50)))


@settings(max_examples=400, deadline=None)
@given(state=lists(), kind=st.sampled_from(list(OrderPolicy)), present_only=st.booleans(),
       present=st.frozensets(st.sampled_from([p.person for p in PEOPLE])), later=st.integers(0, 300))
def test_the_fast_order_and_positions_equal_the_reference(
    state: FloorState, kind: OrderPolicy, present_only: bool, present: frozenset[str], later: int
) -> None:
    pol = FloorPolicy(order=kind, present_only=present_only,
                      group_budgets={"states": timedelta(minutes=2)} if state.used_by_group else {})
    now = T0 + timedelta(seconds=later)
    assert [r.id for r in order.ordered(state, pol)] == [r.id for r in reference.ordered(state, pol)]
    everyone = order.positions(state, now, pol, present)
    for who in PEOPLE:
        expected = reference.position(state, who.person, now, pol, present)
        assert order.position(state, who.person, now, pol, present) == expected
        if expected.place is not None:
            assert everyone[who.person] == expected
        else:
            assert who.person not in everyone


def test_the_same_list_version_is_ordered_once() -> None:
    """The order is derived once per state: asking again returns an equal list built from the memo."""
    pol = FloorPolicy(order=OrderPolicy.BALANCED)
    state = FloorState("d", pending=tuple(
        Request(f"d:{n}", PEOPLE[n], RequestKind.NEW, None, Surface.WEB, T0 + timedelta(seconds=n))
        for n in range(10)))
    first = order.ordered(state, pol)
    first.reverse()  # a caller's copy: changing it changes nothing for the next caller
    assert order.ordered(state, pol) == list(reversed(first))
    assert order._order_of(state, pol) is order._order_of(state, pol)

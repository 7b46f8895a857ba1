"""The stored snapshot drops old interventions; the order of the list and its explanations must not change."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.store.floor_codec import state_to_json
from bot.adapters.store.floor_lists import compact, dump_snapshot, load_snapshot
from bot.domain.floor import rules as core
from bot.domain.floor.policy import FloorPolicy, OrderPolicy
from bot.domain.floor.state import FloorState, Participant, RequestKind

T0 = datetime(2022, 3, 7, 10, 0, tzinfo=UTC)
GROUPS = ("states", "business", "civil-society", "un")
PEOPLE = [Participant(f"p{i}", f"P{i}", GROUPS[i % 4], "en") for i in range(12)]

_request = st.tuples(st.just("request"), st.integers(0, 11), st.sampled_from(list(RequestKind)))
_next = st.tuples(st.just("next"), st.just(0), st.just(RequestKind.NEW))
step = st.one_of(
    _request,
    _next,
    _request,
    _next,
    st.tuples(st.just("stop"), st.just(0), st.just(RequestKind.NEW)),
    st.tuples(st.just("give"), st.integers(0, 11), st.just(RequestKind.NEW)),
    st.tuples(st.just("skip"), st.just(0), st.just(RequestKind.NEW)),
    st.tuples(st.just("withdraw"), st.integers(0, 11), st.just(RequestKind.NEW)),
)


def run(steps: list[tuple[str, int, RequestKind]], policy: FloorPolicy) -> FloorState:
    state = FloorState(discussion="d")
    for n, (verb, who, kind) in enumerate(steps):
        now = T0 + timedelta(seconds=37 * n)
        if verb == "request":
            outcome = core.request(state, PEOPLE[who], kind, now, policy)
        elif verb == "next":
            outcome = core.next_speaker(state, now, policy)
        elif verb == "stop":
            outcome = core.stop(state, now, policy)
        elif verb == "give":
            outcome = core.give(state, PEOPLE[who], now, policy)
        elif verb == "skip":
            outcome = core.skip(state, now, policy)
        else:
            outcome = core.withdraw(state, PEOPLE[who].person, now, policy)
        state = outcome.state
    return state


@settings(max_examples=200, deadline=None)
@given(st.lists(step, min_size=5, max_size=80), st.sampled_from(list(OrderPolicy)))
def test_compacted_snapshot_orders_and_explains_the_list_the_same(
    steps: list[tuple[str, int, RequestKind]], order: OrderPolicy
) -> None:
    policy = FloorPolicy(order=order, group_budgets={"business": timedelta(minutes=4)})
    state = run(steps, policy)
    text = dump_snapshot(state)
    # The text reuses each request's encoding: it says exactly what the plain encoder says, twice over.
    assert json.loads(text) == state_to_json(compact(state))
    assert dump_snapshot(state) == text
    stored = load_snapshot(text)
    assert len(stored.interventions) <= len(GROUPS)
    assert compact(stored) == stored
    now = T0 + timedelta(hours=3)
    assert [r.id for r in core.queue(stored, policy)] == [r.id for r in core.queue(state, policy)]
    for person in PEOPLE:
        assert core.position(stored, person.person, now, policy) == core.position(state, person.person, now, policy)
    # And what happens next is the same too.
    assert core.next_speaker(stored, now, policy).events == core.next_speaker(state, now, policy).events


def test_a_group_heard_twice_counts_from_its_latest_turn() -> None:
    # states spoke at 10:00 and 10:20, business at 10:10: balanced order gives business's request last.
    policy = FloorPolicy(order=OrderPolicy.BALANCED)
    state = FloorState(discussion="d")
    for n, who in enumerate((PEOPLE[0], PEOPLE[1], PEOPLE[4])):  # states, business, states
        state = core.give(state, who, T0 + timedelta(minutes=10 * n), policy).state
        state = core.stop(state, T0 + timedelta(minutes=10 * n + 3), policy).state
    state = core.request(state, PEOPLE[8], RequestKind.NEW, T0 + timedelta(minutes=30), policy).state  # states
    state = core.request(state, PEOPLE[5], RequestKind.NEW, T0 + timedelta(minutes=31), policy).state  # business
    stored = load_snapshot(dump_snapshot(state))
    assert [i.person for i in stored.interventions] == ["p1", "p4"]
    assert (
        [r.person for r in core.queue(stored, policy)] == ["p5", "p8"] == [r.person for r in core.queue(state, policy)]
    )

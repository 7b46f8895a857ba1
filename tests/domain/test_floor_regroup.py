"""The regroup rule: someone says their group late; their listed request (and their current turn) take it, the
balanced order and the budgets re-evaluate with it, what was already spoken stays where it was counted."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.domain.floor import rules
from bot.domain.floor.events import RequestRegrouped
from bot.domain.floor.policy import FloorPolicy
from bot.domain.floor.regroup import regroup
from bot.domain.floor.state import FloorState, Participant, RequestKind

T0 = datetime(2022, 3, 7, 10, 0, tzinfo=UTC)
BALANCED = FloorPolicy()
A = Participant("a", "Amina", "states")
B = Participant("b", "Bruno", "states")
E = Participant("e", "Eve", "not-stated")


def listed(*people: Participant, policy: FloorPolicy = BALANCED) -> FloorState:
    state = FloorState("d")
    for i, who in enumerate(people):
        state = rules.request(state, who, RequestKind.NEW, T0 + timedelta(seconds=i), policy).state
    return state


def order(state: FloorState, policy: FloorPolicy = BALANCED) -> list[str]:
    return [r.person for r in rules.queue(state, policy)]


def test_the_listed_request_takes_the_new_group_and_the_balanced_order_follows() -> None:
    state = listed(A, B, E)
    assert order(state) == ["a", "e", "b"]  # "not stated" is a group of its own, not heard yet
    outcome = regroup(state, replace(E, group="states"), T0, BALANCED)
    (event,) = outcome.events
    assert isinstance(event, RequestRegrouped) and event.previous_group == "not-stated"
    assert event.request.participant.group == "states"
    assert order(outcome.state) == ["a", "b", "e"]
    assert outcome.state.version == state.version + 1
    untouched = {r.person: r for r in state.pending}
    assert [r is untouched[r.person] for r in outcome.state.pending] == [True, True, False]


def test_every_kind_listed_is_regrouped_and_nothing_else_is() -> None:
    state = rules.request(listed(A, E), E, RequestKind.POINT_OF_ORDER, T0, BALANCED).state
    outcome = regroup(state, replace(E, group="business"), T0, BALANCED)
    assert {(r.person, r.kind.value, r.participant.group) for r in outcome.state.pending} == {
        ("a", "new", "states"), ("e", "new", "business"), ("e", "point-of-order", "business")}


def test_a_group_over_its_budget_sends_the_regrouped_request_behind() -> None:
    policy = FloorPolicy(group_budgets={"states": timedelta(minutes=3)})
    state = listed(A, B, E, policy=policy)
    state = rules.next_speaker(state, T0, policy).state  # Amina speaks 4 minutes: States is over its budget
    state = rules.stop(state, T0 + timedelta(minutes=4), policy).state
    assert order(state, policy) == ["e", "b"]
    moved = regroup(state, replace(E, group="states"), T0, policy).state
    assert [(r.person, r.over_budget) for r in rules.queue(moved, policy)] == [("b", True), ("e", True)]


def test_the_speaker_regrouped_is_recorded_under_the_new_group_and_the_past_stays() -> None:
    state = rules.next_speaker(listed(E, A), T0, BALANCED).state
    assert state.speaking is not None and state.speaking.request.person == "e"
    state = regroup(state, replace(E, group="academia"), T0, BALANCED).state
    assert state.speaking is not None and state.speaking.request.participant.group == "academia"
    ended = rules.stop(state, T0 + timedelta(minutes=2), BALANCED).state
    assert [(i.person, i.group) for i in ended.interventions] == [("e", "academia")]
    assert ended.used_by_group == {"academia": timedelta(minutes=2)}
    again = regroup(ended, replace(E, group="business"), T0, BALANCED)
    assert again.noop_reason == "floor.noop.not_listed", "a turn already spoken is not recounted"
    assert again.state is ended


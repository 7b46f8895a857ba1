"""The store's JSON form of a list of speakers: exact round trips, and no naive datetimes."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.adapters.store.floor_codec import state_from_json, state_to_json
from bot.domain.floor import rules as f
from bot.domain.floor.policy import OrderPolicy
from bot.domain.floor.state import FloorState
from tests.domain.helpers import ask, at, person, policy

A, B, C, D = person("ana"), person("ben"), person("cho", "civil-society"), person("dev", "business")


def fresh() -> FloorState:
    return FloorState(discussion="session-1")


def test_state_json_round_trips_exactly() -> None:
    pol = policy(OrderPolicy.BALANCED, group_budgets={"states": timedelta(minutes=1)})
    s = fresh()
    for i, who in enumerate([A, B, C, D]):
        s = ask(s, who, at(i, 0.5), pol)
    s = f.next_speaker(s, at(5), pol).state
    s = f.stop(s, at(6, 1.25), pol).state
    s = f.next_speaker(s, at(7), pol).state
    s = f.extend(s, timedelta(seconds=45), at(8), pol).state
    s = f.skip(s, at(8), pol).state
    s = f.close(s, at(9), pol).state
    data = json.loads(json.dumps(state_to_json(s)))
    assert state_from_json(data) == s
    assert state_to_json(state_from_json(data)) == state_to_json(s)


def test_from_json_rejects_naive_datetimes() -> None:
    data = state_to_json(ask(fresh(), A, at(0), policy()))
    data["pending"][0]["at"] = "2022-03-07T09:00:00"
    with pytest.raises(ValueError, match="naive"):
        state_from_json(data)



"""Plain builders for the floor tests: participants, a start time, a policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.floor import rules as f
from bot.domain.floor.policy import FloorPolicy, OrderPolicy
from bot.domain.floor.state import FloorState, Participant, RequestKind

T0 = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)


def at(minutes: float = 0, seconds: float = 0) -> datetime:
    return T0 + timedelta(minutes=minutes, seconds=seconds)


def person(key: str, group: str = "states", language: str = "en") -> Participant:
    return Participant(person=key, name=key.title(), group=group, language=language)


def policy(order: OrderPolicy = OrderPolicy.FIFO, **changes: object) -> FloorPolicy:
    return FloorPolicy(order=order, **changes)  # type: ignore[arg-type]


def ask(
    state: FloorState,
    who: Participant,
    when: datetime,
    pol: FloorPolicy,
    kind: RequestKind = RequestKind.NEW,
) -> FloorState:
    outcome = f.request(state, who, kind, when, pol)
    assert outcome.changed, outcome
    return outcome.state


def order(state: FloorState, pol: FloorPolicy) -> list[str]:
    return [r.person for r in f.queue(state, pol)]

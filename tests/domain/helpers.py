"""Plain builders for the floor tests: participants, a start time, a policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.config.model import OrderPolicy
from bot.domain.floor import model as f

T0 = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)


def at(minutes: float = 0, seconds: float = 0) -> datetime:
    return T0 + timedelta(minutes=minutes, seconds=seconds)


def person(key: str, group: str = "states", language: str = "en") -> f.Participant:
    return f.Participant(person=key, name=key.title(), group=group, language=language)


def policy(order: OrderPolicy = OrderPolicy.FIFO, **changes: object) -> f.FloorPolicy:
    return f.FloorPolicy(order=order, **changes)  # type: ignore[arg-type]


def ask(
    state: f.FloorState,
    who: f.Participant,
    when: datetime,
    pol: f.FloorPolicy,
    kind: f.RequestKind = f.RequestKind.NEW,
) -> f.FloorState:
    outcome = f.request(state, who, kind, when, pol)
    assert outcome.changed, outcome
    return outcome.state


def order(state: f.FloorState, pol: f.FloorPolicy) -> list[str]:
    return [r.person for r in f.queue(state, pol)]

from __future__ import annotations

from datetime import timedelta

from bot.app.clock import SimulatedClock
from bot.domain.floor import rules as f
from bot.domain.floor import timer
from bot.domain.floor.policy import FloorPolicy
from bot.domain.floor.state import FloorState
from tests.domain.helpers import T0, ask, at, person, policy


def speaking_state(pol: FloorPolicy) -> FloorState:
    return f.next_speaker(ask(FloorState("s1"), person("ana"), at(0), pol), at(1), pol).state


def test_deadlines_follow_the_speaker_and_drop_once_fired() -> None:
    pol = policy()
    assert timer.deadlines(FloorState("s1"), pol) == []
    s = speaking_state(pol)
    warn, expiry = timer.deadlines(s, pol)
    assert (warn.kind, warn.at) == (timer.DeadlineKind.WARNING, at(3, 30))
    assert (expiry.kind, expiry.at) == (timer.DeadlineKind.EXPIRY, at(4))
    s = f.tick(s, warn.at, pol).state
    assert timer.deadlines(s, pol) == [expiry]
    s = f.tick(s, expiry.at, pol).state
    assert timer.deadlines(s, pol) == []


def test_a_scheduler_driven_by_the_deadlines_emits_each_event_once() -> None:
    """What the conductor does: sleep (simulated) to the next deadline, tick, repeat."""
    pol = policy(speaking_time=timedelta(minutes=2), warn_before=timedelta(seconds=20))
    clock = SimulatedClock(T0)
    s = f.next_speaker(ask(FloorState("s1"), person("ana"), clock.now(), pol), clock.now(), pol).state
    s = f.extend(s, timedelta(minutes=1), clock.advance(timedelta(seconds=30)), pol).state
    names: list[tuple[str, object]] = []
    while upcoming := timer.deadlines(s, pol):
        d = upcoming[0]
        clock.set(d.at)
        out = f.tick(s, clock.now(), pol)
        names += [(e.name, e.at - T0) for e in out.events]
        s = out.state
    assert names == [("SpeakerWarned", timedelta(minutes=2, seconds=40)),
                     ("SpeakerTimeExpired", timedelta(minutes=3))]


def test_job_ids_change_when_the_deadline_moves() -> None:
    pol = policy()
    s = speaking_state(pol)
    before = {d.job_id for d in timer.deadlines(s, pol)}
    s = f.extend(s, timedelta(minutes=1), at(2), pol).state
    after = {d.job_id for d in timer.deadlines(s, pol)}
    assert before.isdisjoint(after) and len(after) == 2


def test_warning_never_before_the_start_and_none_when_zero() -> None:
    s = speaking_state(policy(warn_before=timedelta(minutes=10)))
    warn = timer.deadlines(s, policy(warn_before=timedelta(minutes=10)))[0]
    assert warn.at == at(1)
    assert [d.kind for d in timer.deadlines(s, policy(warn_before=timedelta(0)))] == [timer.DeadlineKind.EXPIRY]


def test_remaining() -> None:
    pol = policy()
    s = speaking_state(pol)
    assert timer.remaining(s, at(2)) == timedelta(minutes=2)
    assert timer.remaining(s, at(5)) == timedelta(minutes=-1)
    assert timer.remaining(FloorState("x"), at(2)) is None

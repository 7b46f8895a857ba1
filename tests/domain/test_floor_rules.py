"""Every rule of the list of speakers, on plain objects and plain datetimes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app.clock import SimulatedClock
from bot.config.model import Floor
from bot.domain.floor import rules as f
from bot.domain.floor.events import (
    FloorGiven,
    FloorRequested,
    ListClosed,
    ListReopened,
    Refusal,
    RequestCarried,
    RequestMoved,
    RequestPassedOver,
    RequestRemoved,
    RequestSkipped,
    RequestWithdrawn,
    SpeakerTimeExpired,
    SpeakerWarned,
    TimerExtended,
    TimerStopped,
)
from bot.domain.floor.policy import FloorPolicy, OrderPolicy
from bot.domain.floor.state import FloorState, RequestKind, Speaking, Surface
from tests.domain.helpers import T0, ask, at, order, person, policy

K = RequestKind
A, B, C, D = person("ana"), person("ben"), person("cho", "civil-society"), person("dev", "business")


def fresh() -> FloorState:
    return FloorState(discussion="session-1")


# ------------------------------------------------------------------ requests


def test_request_is_listed_with_its_details_and_an_id() -> None:
    out = f.request(fresh(), A, K.NEW, at(1), policy(), note="remedy", source=Surface.SLACK)
    (event,) = out.events
    assert isinstance(event, FloorRequested)
    assert event.request == out.state.pending[0]
    r = out.state.pending[0]
    assert (r.id, r.person, r.kind, r.note, r.source, r.at) == ("session-1:1", "ana", K.NEW, "remedy",
                                                                 Surface.SLACK, at(1))
    assert out.state.version == 1


def test_requesting_twice_is_a_noop_that_says_so() -> None:
    s = ask(fresh(), A, at(1), policy())
    again = f.request(s, A, K.NEW, at(2), policy())
    assert again.noop and again.noop_reason == "floor.noop.already_listed"
    assert again.state is s and again.events == ()


def test_a_listed_person_can_still_raise_a_point_of_order() -> None:
    s = ask(fresh(), A, at(1), policy())
    s = ask(s, A, at(2), policy(), K.POINT_OF_ORDER)
    assert [r.kind for r in f.queue(s, policy())] == [K.POINT_OF_ORDER, K.NEW]


def test_closed_list_refuses_new_requests_but_takes_points_of_order() -> None:
    s = f.close(fresh(), at(0), policy()).state
    refused = f.request(s, A, K.NEW, at(1), policy())
    assert refused.refused and refused.refusal == Refusal("floor.refusal.list_closed")
    assert refused.state is s
    assert f.request(s, A, K.CLARIFYING, at(1), policy()).refused
    accepted = f.request(s, A, K.POINT_OF_ORDER, at(1), policy())
    assert accepted.changed and order(accepted.state, policy()) == ["ana"]


def test_close_and_reopen_are_idempotent_and_reported() -> None:
    s = fresh()
    closed = f.close(s, at(1), policy())
    assert isinstance(closed.events[0], ListClosed) and not closed.state.is_open
    assert f.close(closed.state, at(2), policy()).noop_reason == "floor.noop.already_closed"
    reopened = f.reopen(closed.state, at(3), policy())
    assert isinstance(reopened.events[0], ListReopened) and reopened.state.is_open
    assert f.reopen(reopened.state, at(4), policy()).noop_reason == "floor.noop.already_open"
    assert f.request(reopened.state, A, K.NEW, at(5), policy()).changed


def test_closing_keeps_those_already_listed() -> None:
    s = ask(fresh(), A, at(1), policy())
    s = f.close(s, at(2), policy()).state
    assert f.next_speaker(s, at(3), policy()).state.speaking.request.person == "ana"  # type: ignore[union-attr]


def test_withdraw_takes_back_all_or_one_kind() -> None:
    s = ask(ask(fresh(), A, at(1), policy()), A, at(2), policy(), K.REPLY)
    one = f.withdraw(s, "ana", at(3), policy(), kind=K.REPLY)
    assert [r.kind for r in one.state.pending] == [K.NEW]
    both = f.withdraw(s, "ana", at(3), policy())
    assert both.state.pending == () and all(isinstance(e, RequestWithdrawn) for e in both.events)
    assert len(both.events) == 2
    assert f.withdraw(both.state, "ana", at(4), policy()).noop_reason == "floor.noop.not_listed"


def test_remove_is_the_chairs_withdraw() -> None:
    s = ask(ask(fresh(), A, at(1), policy()), B, at(2), policy())
    out = f.remove(s, "ana", at(3), policy())
    assert order(out.state, policy()) == ["ben"] and isinstance(out.events[0], RequestRemoved)
    assert f.remove(out.state, "ana", at(4), policy()).noop_reason == "floor.noop.not_listed"


def test_note_is_trimmed_and_blank_note_dropped() -> None:
    assert f.request(fresh(), A, K.NEW, at(), policy(), note="  x ").state.pending[0].note == "x"
    assert f.request(fresh(), A, K.NEW, at(), policy(), note="   ").state.pending[0].note is None


# ------------------------------------------------------------------ ordering


def test_kinds_go_in_fixed_priority_whatever_the_arrival() -> None:
    s = fresh()
    for i, (who, kind) in enumerate([(A, K.NEW), (B, K.REPLY), (C, K.CLARIFYING), (D, K.POINT_OF_ORDER)]):
        s = ask(s, who, at(i), policy(), kind)
    assert order(s, policy()) == ["dev", "cho", "ben", "ana"]
    assert K.POINT_OF_ORDER.priority < K.CLARIFYING.priority < K.REPLY.priority < K.NEW.priority


def test_fifo_is_by_time_of_request() -> None:
    s = fresh()
    for i, who in enumerate([C, A, D, B]):
        s = ask(s, who, at(i), policy())
    assert order(s, policy()) == ["cho", "ana", "dev", "ben"]


def test_first_time_first_puts_who_has_not_spoken_first() -> None:
    pol = policy(OrderPolicy.FIRST_TIME_FIRST)
    s = ask(fresh(), A, at(0), pol)
    s = f.next_speaker(s, at(1), pol).state
    s = f.stop(s, at(2), pol).state
    s = ask(s, A, at(3), pol)  # ana has spoken once already
    s = ask(s, B, at(4), pol)
    s = ask(s, C, at(5), pol)
    assert order(s, pol) == ["ben", "cho", "ana"]
    assert s.spoken == {"ana": 1}


def test_balanced_takes_groups_in_turn_least_recently_heard_first() -> None:
    pol = policy(OrderPolicy.BALANCED)
    s = fresh()
    a2, a3 = person("amy"), person("abe")
    for i, who in enumerate([A, a2, a3, C, D]):
        s = ask(s, who, at(i), pol)
    # Nobody heard yet: groups by their earliest request, then round robin.
    assert order(s, pol) == ["ana", "cho", "dev", "amy", "abe"]
    s = f.next_speaker(s, at(10), pol).state  # ana (states) speaks: states now heard most recently
    assert order(s, pol) == ["cho", "dev", "amy", "abe"]
    s = f.give(s, D, at(11), pol).state  # the chair calls business out of turn
    assert order(s, pol) == ["cho", "amy", "abe"]
    late = person("cleo", "civil-society")
    s = f.stop(ask(s, late, at(12), pol), at(13), pol).state
    assert order(s, pol) == ["cho", "amy", "cleo", "abe"]


def test_over_budget_requests_are_kept_but_go_after_their_kind() -> None:
    pol = policy(group_budgets={"states": timedelta(minutes=3)})
    s = ask(fresh(), A, at(0), pol)
    s = f.next_speaker(s, at(1), pol).state
    s = ask(s, B, at(2), pol)  # states, still within budget while ana speaks
    assert not s.pending[0].over_budget
    s = f.stop(s, at(4), pol).state  # ana used 3 minutes: the states budget is spent
    assert s.used_by_group == {"states": timedelta(minutes=3)}
    assert s.pending[0].over_budget
    s = ask(s, C, at(5), pol)
    s = ask(s, A, at(6), pol, K.REPLY)
    assert s.pending[-1].over_budget
    assert order(s, pol) == ["ana", "cho", "ben"]  # kind first, then within budget before over


def test_present_only_passes_over_absent_people_but_keeps_them() -> None:
    pol = policy(present_only=True)
    s = ask(ask(ask(fresh(), A, at(0), pol), B, at(1), pol), C, at(2), pol)
    out = f.next_speaker(s, at(3), pol, present=frozenset({"cho"}))
    assert [type(e) for e in out.events] == [RequestPassedOver, RequestPassedOver, FloorGiven]
    assert out.state.speaking is not None and out.state.speaking.request.person == "cho"
    assert order(out.state, pol) == ["ana", "ben"]
    nobody = f.next_speaker(out.state, at(4), pol, present=frozenset())
    assert nobody.noop_reason == "floor.noop.nobody_present" and nobody.state is out.state
    # Presence unknown (None), or the policy off: nobody is passed over.
    assert f.next_speaker(s, at(3), pol).state.speaking.request.person == "ana"  # type: ignore[union-attr]
    off = f.next_speaker(s, at(3), policy(), present=frozenset({"cho"}))
    assert off.state.speaking.request.person == "ana"  # type: ignore[union-attr]


# ------------------------------------------------------------------ giving the floor


def test_next_gives_the_floor_and_ends_the_previous_intervention() -> None:
    pol = policy()
    s = ask(ask(fresh(), A, at(0), pol), B, at(1), pol)
    first = f.next_speaker(s, at(2), pol)
    given = first.events[-1]
    assert isinstance(given, FloorGiven) and not given.override
    assert given.ends_at == at(5)
    assert first.state.speaking == Speaking(given.request, at(2), at(5))
    second = f.next_speaker(first.state, at(4, 30), pol)
    stopped, given2 = second.events
    assert isinstance(stopped, TimerStopped) and isinstance(given2, FloorGiven)
    done = stopped.intervention
    assert (done.person, done.start, done.end, done.duration) == ("ana", at(2), at(4, 30), timedelta(seconds=150))
    assert second.state.interventions == (done,)
    assert second.state.spoken == {"ana": 1, "ben": 1}
    assert f.next_speaker(f.stop(second.state, at(6), pol).state, at(7), pol).noop_reason == (
        "floor.noop.list_empty"
    )


def test_give_takes_the_persons_pending_request_as_an_override() -> None:
    pol = policy()
    s = ask(ask(fresh(), A, at(0), pol), B, at(1), pol, K.REPLY)
    out = f.give(s, B, at(2), pol)
    (given,) = out.events
    assert isinstance(given, FloorGiven) and given.override and given.request.kind is K.REPLY
    assert order(out.state, pol) == ["ana"]


def test_give_to_someone_not_listed_creates_a_request() -> None:
    pol = policy()
    s = ask(fresh(), A, at(0), pol)
    s = f.next_speaker(s, at(1), pol).state
    out = f.give(s, C, at(2), pol, source=Surface.ZOOM)
    kinds = [type(e) for e in out.events]
    assert kinds == [TimerStopped, FloorRequested, FloorGiven]
    assert out.state.speaking is not None and out.state.speaking.request.source is Surface.ZOOM
    assert out.state.pending == ()
    assert [i.person for i in out.state.interventions] == ["ana"]


def test_giving_the_floor_to_the_current_speaker_changes_nothing() -> None:
    pol = policy()
    s = f.next_speaker(ask(fresh(), A, at(0), pol), at(1), pol).state
    again = f.give(s, A, at(2), pol)
    assert again.noop_reason == "floor.noop.already_speaking" and again.state is s


def test_skip_moves_the_next_speaker_behind_the_following_one() -> None:
    pol = policy()
    s = fresh()
    for i, who in enumerate([A, B, C]):
        s = ask(s, who, at(i), pol)
    out = f.skip(s, at(5), pol)
    (event,) = out.events
    assert isinstance(event, RequestSkipped) and event.behind.person == "ben"
    assert order(out.state, pol) == ["ben", "ana", "cho"]
    assert out.state.pending[0].skips == 1
    # Kept, not lost: once ben has spoken ana is next again.
    s2 = f.next_speaker(out.state, at(6), pol).state
    assert order(s2, pol) == ["ana", "cho"]
    alone = f.withdraw(ask(fresh(), A, at(0), pol), "nobody", at(1), pol)
    assert f.skip(alone.state, at(1), pol).noop_reason == "floor.noop.nobody_else"
    assert f.skip(fresh(), at(1), pol).noop_reason == "floor.noop.list_empty"


def test_skipped_request_follows_the_one_it_was_put_behind_if_that_one_leaves() -> None:
    pol = policy()
    s = ask(ask(ask(fresh(), A, at(0), pol), B, at(1), pol), C, at(2), pol)
    s = f.skip(s, at(3), pol).state
    s = f.withdraw(s, "ben", at(4), pol).state
    assert order(s, pol) == ["ana", "cho"]


def test_move_places_a_request_and_it_keeps_rising() -> None:
    pol = policy()
    s = fresh()
    for i, who in enumerate([A, B, C, D]):
        s = ask(s, who, at(i), pol)
    dev = s.pending[3]
    moved = f.move(s, dev.id, 2, at(5), pol)
    (event,) = moved.events
    assert isinstance(event, RequestMoved) and event.position == 2
    assert order(moved.state, pol) == ["ana", "dev", "ben", "cho"]
    s = f.next_speaker(moved.state, at(6), pol).state
    assert order(s, pol) == ["dev", "ben", "cho"]
    # A later request goes behind; a point of order still goes first.
    late = person("eli")
    s = ask(ask(s, late, at(7), pol), B, at(8), pol, K.POINT_OF_ORDER)
    assert order(s, pol) == ["ben", "dev", "ben", "cho", "eli"]


def test_move_edge_cases() -> None:
    pol = policy()
    s = ask(ask(fresh(), A, at(0), pol), B, at(1), pol)
    ben = s.pending[1].id
    assert f.move(s, ben, 0, at(2), pol).refusal == Refusal("floor.refusal.bad_position")
    assert f.move(s, "nope", 1, at(2), pol).noop_reason == "floor.noop.no_such_request"
    assert f.move(s, ben, 9, at(2), pol).noop_reason == "floor.noop.already_there"  # clamped to the end
    ana_last = f.move(s, s.pending[0].id, 9, at(2), pol)
    assert order(ana_last.state, pol) == ["ben", "ana"]
    # Moving back and forth never loops.
    back = f.move(ana_last.state, ben, 2, at(3), pol)
    assert order(back.state, pol) == ["ana", "ben"]


# ------------------------------------------------------------------ timer


def test_tick_warns_then_expires_exactly_once_each() -> None:
    pol = policy()  # 3 minutes, warning 30 s before
    clock = SimulatedClock(T0)
    s = f.next_speaker(ask(fresh(), A, clock.now(), pol), clock.now(), pol).state
    assert f.tick(s, clock.advance(timedelta(minutes=2)), pol).noop_reason == "floor.noop.nothing_due"
    warned = f.tick(s, clock.advance(timedelta(seconds=30)), pol)
    assert [type(e) for e in warned.events] == [SpeakerWarned]
    assert f.tick(warned.state, clock.advance(timedelta(seconds=10)), pol).noop
    expired = f.tick(warned.state, clock.advance(timedelta(seconds=20)), pol)
    assert [type(e) for e in expired.events] == [SpeakerTimeExpired]
    assert expired.state.speaking is not None and expired.state.speaking.expired
    assert f.tick(expired.state, clock.advance(timedelta(minutes=5)), pol).noop
    # Expiry does not end the intervention: the chair does.
    assert expired.state.speaking.request.person == "ana"


def test_a_late_tick_goes_straight_to_the_expiry() -> None:
    pol = policy()
    s = f.next_speaker(ask(fresh(), A, at(0), pol), at(0), pol).state
    late = f.tick(s, at(10), pol)
    assert [type(e) for e in late.events] == [SpeakerTimeExpired]
    assert f.tick(late.state, at(11), pol).noop


def test_extend_rearms_the_warning_and_expiry() -> None:
    pol = policy()
    s = f.next_speaker(ask(fresh(), A, at(0), pol), at(0), pol).state
    s = f.tick(s, at(3), pol).state
    out = f.extend(s, timedelta(minutes=2), at(3, 5), pol)
    (event,) = out.events
    assert isinstance(event, TimerExtended) and event.ends_at == at(5)
    sp = out.state.speaking
    assert sp is not None and not sp.warned and not sp.expired and sp.extensions == timedelta(minutes=2)
    assert [type(e) for e in f.tick(out.state, at(4, 30), pol).events] == [SpeakerWarned]
    assert f.extend(s, timedelta(0), at(3), pol).refusal == Refusal("floor.refusal.bad_extension")
    assert f.extend(fresh(), timedelta(minutes=1), at(3), pol).noop_reason == "floor.noop.nobody_speaking"


def test_stop_records_the_intervention_and_time_used() -> None:
    pol = policy()
    s = f.next_speaker(ask(fresh(), C, at(0), pol, K.CLARIFYING), at(1), pol).state
    out = f.stop(s, at(3, 15), pol)
    (event,) = out.events
    assert isinstance(event, TimerStopped)
    i = event.intervention
    assert (i.group, i.kind, i.duration, i.request_id) == ("civil-society", K.CLARIFYING,
                                                          timedelta(minutes=2, seconds=15), "session-1:1")
    assert out.state.speaking is None and out.state.used_by_group == {"civil-society": i.duration}
    assert f.stop(out.state, at(4), pol).noop_reason == "floor.noop.nobody_speaking"


# ------------------------------------------------------------------ carry, versions, JSON


@pytest.mark.parametrize("carry_over", [True, False])
def test_carry_to_the_next_discussion(carry_over: bool) -> None:
    pol = policy(carry_over=carry_over)
    s = ask(ask(ask(fresh(), A, at(0), pol), B, at(1), pol), C, at(2), pol, K.REPLY)
    s = f.skip(s, at(3), pol).state
    expected = order(s, pol)
    out = f.carry(FloorState("session-2"), s, at(60), pol)
    assert out.state.discussion == "session-2"
    if carry_over:
        assert [type(e) for e in out.events] == [RequestCarried] * 3
        assert order(out.state, pol) == expected  # the chair's skip travels with the requests
        assert out.state.pending[0].at < at(60)  # time of request kept
        # Carrying again (a close retried after a crash) takes nothing twice.
        again = f.carry(out.state, s, at(61), pol)
        assert again.noop and again.state.pending == out.state.pending
    else:
        assert out.noop and out.state.pending == ()
    # New requests in the new discussion do not collide with carried ids.
    nxt = f.request(out.state, D, K.NEW, at(61), pol).state
    assert len({r.id for r in nxt.pending}) == len(nxt.pending)


def test_version_grows_on_change_only() -> None:
    pol = policy()
    s = ask(fresh(), A, at(0), pol)
    assert s.version == 1
    assert f.request(s, A, K.NEW, at(1), pol).state.version == 1
    s = f.next_speaker(s, at(2), pol).state
    assert s.version == 2
    s = f.tick(s, at(4, 40), pol).state
    assert s.version == 3


def test_policy_from_schedule() -> None:
    floor = Floor.model_validate(
        {"speaking_time": "2m", "warn_before": "15s", "order": "first-time-first",
         "group_budgets": {"states": "10m"}, "present_only": True, "carry_over": True}
    )
    pol = FloorPolicy.from_schedule(floor)
    assert pol == FloorPolicy(timedelta(minutes=2), timedelta(seconds=15), OrderPolicy.FIRST_TIME_FIRST,
                                {"states": timedelta(minutes=10)}, True, True)

"""The chairs' live changes folded into the run of show: every remaining cue re-timed, the past untouched."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config.loader import load_schedule
from bot.domain.agenda.adjustments import Adjustment, AdjustmentKind, apply, planned, retime
from bot.domain.agenda.state import Phase, state_at
from bot.domain.agenda.timeline import plan
from tests.conftest import ROOT

ZONE = ZoneInfo("Europe/Zurich")
_schedule = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml").schedule
assert _schedule is not None
CUES = plan(_schedule)
PLAN = {c.id: c for c in CUES}


def at(day: int, hhmm: str) -> datetime:
    return datetime.fromisoformat(f"2022-03-0{day}T{hhmm}").replace(tzinfo=ZONE)


def times(adjustments: list[Adjustment]) -> dict[str, datetime]:
    return {c.id: c.at for c in retime(CUES, adjustments).cues}


def test_a_delay_moves_every_cue_still_ahead_today_and_nothing_past_or_tomorrow() -> None:
    now = at(7, "10:30")
    moved = times([Adjustment(AdjustmentKind.DELAY, now, 10)])
    for cue in CUES:
        if now < cue.at and cue.at.date() == now.date():
            assert moved[cue.id] == cue.at + timedelta(minutes=10), cue.id
        else:
            assert moved[cue.id] == cue.at, cue.id
    floor = next(c for c in retime(CUES, [Adjustment(AdjustmentKind.DELAY, now, 10)]).cues if c.id == "session-1/floor")
    assert floor.data["until"] == at(7, "12:10").isoformat(), "the times a cue quotes move with it"
    assert retime(CUES, [Adjustment(AdjustmentKind.DELAY, now, 10)]).offset_at(now) == timedelta(minutes=10)


def test_pulled_forward_nothing_moves_into_the_past() -> None:
    now = at(7, "10:48")  # the floor opens at 10:50: pulled forward 5 minutes it is due now, not 3 minutes ago
    moved = times([Adjustment(AdjustmentKind.DELAY, now, -5)])
    assert moved["session-1/floor"] == now
    assert moved["session-1/question/2"] == PLAN["session-1/question/2"].at - timedelta(minutes=5)
    assert all(moved[c.id] >= c.at - timedelta(minutes=5) for c in CUES)


def test_extend_discussion_moves_its_last_call_close_and_the_rest_of_the_day() -> None:
    now = at(7, "11:10")
    retimed = retime(CUES, [Adjustment(AdjustmentKind.EXTEND_DISCUSSION, now, 10)])
    moved = {c.id: c.at for c in retimed.cues}
    assert moved["session-1/question/3"] == PLAN["session-1/question/3"].at, "the questions keep their times"
    assert moved["session-1/last-call"] == at(7, "12:00")
    assert moved["session-1/close"] == at(7, "12:10")
    assert moved["session-2/open"] == at(7, "15:10")
    assert moved["day/2022-03-08/reminder"] == PLAN["day/2022-03-08/reminder"].at
    assert state_at(retimed.cues, at(7, "12:05")).discussion == "session-1", "still open after the planned close"


def test_next_panellist_starts_the_next_turn_now_and_gives_the_discussion_the_time() -> None:
    now = at(7, "10:17")  # panel turn 1 of 5 began at 10:15; its warning was due at 10:21
    retimed = retime(CUES, [Adjustment(AdjustmentKind.NEXT_PANELLIST, now)])
    moved = {c.id: c.at for c in retimed.cues}
    assert retimed.skipped == {"session-1/panel/1/warning"}
    assert moved["session-1/panel/2"] == now
    assert moved["session-1/floor"] == at(7, "10:45")
    assert moved["session-1/last-call"] == at(7, "11:50") and moved["session-1/close"] == at(7, "12:00")
    state = state_at(retimed.cues, now)
    assert (state.phase, state.turn) == (Phase.PANEL, 2)
    turn = next(c for c in retimed.cues if c.id == "session-1/panel/2")
    assert turn.data["ends"] == at(7, "10:24").isoformat()


def test_start_discussion_skips_the_rest_of_the_panel_and_opens_the_list_now() -> None:
    now = at(7, "10:30")
    retimed = retime(CUES, [Adjustment(AdjustmentKind.START_DISCUSSION, now)])
    moved = {c.id: c.at for c in retimed.cues}
    assert retimed.skipped == {"session-1/panel/3/warning", "session-1/panel/4", "session-1/panel/4/warning",
                               "session-1/panel/5", "session-1/panel/5/warning"}
    assert moved["session-1/floor"] == now and moved["session-1/question/1"] == now
    assert moved["session-1/close"] == at(7, "12:00")
    assert state_at(retimed.cues, now).discussion == "session-1"


@pytest.mark.parametrize(("adjustment", "reason"), [
    (Adjustment(AdjustmentKind.NEXT_PANELLIST, at(7, "11:00")), "plan.refused.no_panel"),
    (Adjustment(AdjustmentKind.START_DISCUSSION, at(7, "12:30")), "plan.refused.no_panel"),
    (Adjustment(AdjustmentKind.EXTEND_DISCUSSION, at(7, "10:30"), 5), "plan.refused.no_discussion"),
    (Adjustment(AdjustmentKind.EXTEND_DISCUSSION, at(7, "11:00"), -5), "plan.refused.minutes"),
    (Adjustment(AdjustmentKind.DELAY, at(7, "11:00"), 0), "plan.refused.minutes"),
    (Adjustment(AdjustmentKind.DELAY, at(7, "11:00"), 600), "plan.refused.minutes"),
    (Adjustment(AdjustmentKind.DELAY, at(9, "11:00"), 5), "plan.refused.nothing_ahead"),
])
def test_a_change_that_does_not_apply_now_says_why(adjustment: Adjustment, reason: str) -> None:
    assert apply(planned(CUES), adjustment) == reason


@given(st.lists(st.tuples(st.sampled_from(list(AdjustmentKind)), st.integers(0, 7 * 60), st.integers(-30, 30)),
                max_size=6))
def test_only_cues_ahead_move_and_the_order_of_an_item_never_changes(
    changes: list[tuple[AdjustmentKind, int, int]],
) -> None:
    start = at(7, "10:00")
    adjustments = sorted((Adjustment(kind, start + timedelta(minutes=m), n) for kind, m, n in changes),
                         key=lambda a: a.at)
    current = planned(CUES)
    for adjustment in adjustments:
        before = {c.id: c.at for c in current.cues}
        moved = apply(current, adjustment)
        if isinstance(moved, str):
            continue
        for cue in moved.cues:
            if before[cue.id] <= adjustment.at:
                assert cue.at == before[cue.id], "the past stays where it happened"
            else:
                assert cue.at >= adjustment.at, "nothing moves into the past"
        current = moved
    for item in {c.item for c in CUES}:
        mine = [c for c in current.cues if c.item == item]
        planned_order = [c.id for c in CUES if c.item == item and c.id not in current.skipped]
        assert [c.id for c in sorted(mine, key=lambda c: (c.at, planned_order.index(c.id)))] == planned_order
    assert retime(CUES, adjustments) == current

from datetime import UTC, datetime, timedelta

from bot.domain.agenda.recovery import Fate, LedgerState, decide
from bot.domain.agenda.timemap import TimeMap

T0 = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)


def test_each_cue_gets_one_fate() -> None:
    minutes = [0, 9, 10, 20, 0]
    cues = [(name, T0 + timedelta(minutes=m)) for name, m in zip("abcde", minutes, strict=True)]
    ledger = {"e": LedgerState.POSTED}
    now = T0 + timedelta(minutes=10)
    fates = {d.cue_id: d.fate for d in decide(cues, ledger, now, grace=timedelta(minutes=2))}
    assert fates == {
        "a": Fate.REPORT_MISSED,
        "b": Fate.POST_LATE,
        "c": Fate.POST_LATE,
        "d": Fate.SCHEDULE,
        "e": Fate.DONE,
    }


def test_claimed_but_unposted_cue_is_retried_not_lost() -> None:
    cues = [("a", T0)]
    [decision] = decide(cues, {"a": LedgerState.CLAIMED}, T0 + timedelta(seconds=30), timedelta(minutes=1))
    assert decision.fate is Fate.POST_LATE
    assert decision.lateness == timedelta(seconds=30)


def test_missed_and_late_are_final() -> None:
    cues = [("a", T0), ("b", T0)]
    ledger = {"a": LedgerState.MISSED, "b": LedgerState.LATE}
    assert {d.fate for d in decide(cues, ledger, T0 + timedelta(hours=1), timedelta(0))} == {Fate.DONE}


def test_timemap_shift_and_speed_roundtrip() -> None:
    wall0 = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)
    tm = TimeMap(agenda_origin=T0, wall_origin=wall0, speed=60)
    assert tm.to_wall(T0 + timedelta(hours=1)) == wall0 + timedelta(minutes=1)
    assert tm.to_agenda(wall0 + timedelta(minutes=1)) == T0 + timedelta(hours=1)
    assert tm.to_wall(T0 + timedelta(minutes=3)) - tm.to_wall(T0) == timedelta(seconds=3)


def test_timemap_is_exact_across_the_dst_switch() -> None:
    from zoneinfo import ZoneInfo

    zurich = ZoneInfo("Europe/Zurich")
    before = datetime(2022, 3, 27, 1, 30, tzinfo=zurich)  # CET, +01:00
    after = datetime(2022, 3, 27, 3, 30, tzinfo=zurich)  # CEST, +02:00: one real hour later
    tm = TimeMap(agenda_origin=before, wall_origin=before, speed=1)
    assert tm.to_wall(after) - tm.to_wall(before) == timedelta(hours=1)
    fast = TimeMap(agenda_origin=before, wall_origin=T0, speed=60)
    assert fast.to_wall(after) == T0 + timedelta(minutes=1)


def test_a_cue_past_grace_that_attendees_still_need_is_posted_late_the_rest_only_reported() -> None:
    cues = [("floor", T0), ("q1", T0), ("warning", T0)]
    now = T0 + timedelta(minutes=30)
    fates = {d.cue_id: d.fate for d in decide(cues, {}, now, timedelta(minutes=2), needed={"floor", "q1"})}
    assert fates == {"floor": Fate.POST_LATE, "q1": Fate.POST_LATE, "warning": Fate.REPORT_MISSED}
    done = decide(cues, {"floor": LedgerState.MISSED}, now, timedelta(minutes=2), needed={"floor"})
    assert done[0].fate is Fate.DONE, "reported once, never posted after"


def test_still_needed_is_the_running_discussions_instructions_and_its_current_question_only() -> None:
    from bot.config.loader import load_schedule
    from bot.domain.agenda.recovery import still_needed
    from bot.domain.agenda.timeline import plan
    from tests.conftest import ROOT

    loaded = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml")
    assert loaded.schedule is not None
    cues = plan(loaded.schedule)
    by_id = {cue.id: cue for cue in cues}
    floor_open = by_id["session-1/floor"].at
    assert still_needed(cues, floor_open - timedelta(minutes=1)) == frozenset(), "the panel: nothing"
    assert still_needed(cues, floor_open + timedelta(minutes=10)) == {"session-1/floor", "session-1/question/1"}
    q2 = by_id["session-1/question/2"].at
    assert still_needed(cues, q2 + timedelta(minutes=3)) == {"session-1/floor", "session-1/question/2"}
    closes = next(cue.at for cue in cues if cue.id.startswith("session-1/") and cue.kind.value == "session-close")
    assert still_needed(cues, closes + timedelta(minutes=1)) == frozenset(), "after the session: nothing"

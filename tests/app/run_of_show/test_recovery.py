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

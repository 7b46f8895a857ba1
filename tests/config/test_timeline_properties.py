"""Properties of plan() on generated agendas, DST switch days and odd zones included."""

from __future__ import annotations

from datetime import UTC, date
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config.model import Schedule
from bot.domain.agenda.timeline import CueKind, plan
from bot.domain.agenda.wall_time import agenda_time

ZONES = ["Europe/Zurich", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC", "Pacific/Chatham"]
DATES = [
    date(2022, 3, 27),
    date(2022, 10, 30),
    date(2022, 3, 13),
    date(2022, 11, 6),
    date(2022, 4, 3),
    date(2022, 3, 7),
]


@st.composite
def agendas(draw: st.DrawFn) -> Schedule:
    days = sorted(set(draw(st.lists(st.sampled_from(DATES), min_size=1, max_size=3))))
    out_days = []
    for n, day in enumerate(days):
        starts = sorted(set(draw(st.lists(st.integers(0, 22), min_size=1, max_size=4))))
        items = []
        for k, hour in enumerate(starts):
            next_hour = starts[k + 1] if k + 1 < len(starts) else 24
            end_minutes = draw(st.integers(hour * 60 + 15, min(next_hour * 60, 23 * 60 + 59)))
            item: dict[str, object] = {
                "id": f"i{n}-{k}",
                "kind": draw(st.sampled_from(["session", "break", "opening", "closing"])),
                "start": f"{hour:02d}:00",
                "end": f"{end_minutes // 60:02d}:{end_minutes % 60:02d}",
                "chair": "chair",
            }
            if item["kind"] == "session":
                item["panel"] = {
                    "speakers": ["chair"] * draw(st.integers(0, 3)),
                    "minutes_each": draw(st.sampled_from([None, "5m", "7m"])),
                }
                item["discussion"] = {
                    "questions": ["q"] * draw(st.integers(0, 5)),
                    "every": draw(st.sampled_from([None, "10m", "25m"])),
                }
            items.append(item)
        out_days.append({"date": day.isoformat(), "items": items})
    return Schedule.model_validate(
        {
            "event": {"id": "p", "title": "P", "timezone": draw(st.sampled_from(ZONES)), "languages": ["en"]},
            "people": {"chair": {"name": "Chair", "group": "un"}},
            "days": out_days,
        }
    )


@settings(max_examples=150, deadline=None)
@given(agendas())
def test_plan_properties(schedule: Schedule) -> None:
    zone = ZoneInfo(schedule.event.timezone)
    cues = plan(schedule)
    assert len({c.id for c in cues}) == len(cues)
    instants = [c.at.astimezone(UTC) for c in cues]
    assert instants == sorted(instants)
    assert all(c.at.tzinfo == zone for c in cues)
    assert sum(c.kind is CueKind.EVENT_CLOSE for c in cues) >= 1
    for day, item in schedule.items():
        if item.kind.value != "session":
            continue
        opened = next(c for c in cues if c.id == f"{item.id}/open")
        closed = next(c for c in cues if c.id == f"{item.id}/close")
        real = agenda_time(day.date, item.end, zone).astimezone(UTC) - agenda_time(day.date, item.start, zone)
        assert closed.at.astimezone(UTC) - opened.at.astimezone(UTC) == real
        inside = [
            c
            for c in cues
            if c.item == item.id
            and c.kind
            not in (
                CueKind.SESSION_REMINDER,
                CueKind.SESSION_OPEN,
                CueKind.SESSION_CLOSE,
                CueKind.DAY_REMINDER,
                CueKind.DAY_END,
                CueKind.EVENT_CLOSE,
            )
        ]
        start, end = opened.at.astimezone(UTC), closed.at.astimezone(UTC)
        assert all(start <= c.at.astimezone(UTC) < end for c in inside), [(c.id, c.at) for c in inside]

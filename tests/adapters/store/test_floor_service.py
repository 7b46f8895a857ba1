from __future__ import annotations

import asyncio
import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.audit import SqlAuditLog
from bot.adapters.store.engine import create_engine
from bot.adapters.store.floor_lists import FloorLists
from bot.app.floor import (
    SYSTEM_ACTOR,
    FloorService,
    allow_everyone,
    close_op,
    extend_op,
    give_op,
    next_op,
    remove_op,
    request_op,
    schedule_authorizer,
    stop_op,
    tick_op,
    withdraw_op,
)
from bot.config.model import Schedule
from bot.domain.floor.events import FloorGiven
from bot.domain.floor.state import FloorState, Participant, RequestKind

T0 = datetime(2022, 3, 7, 10, 30, tzinfo=UTC)
D = "session-1"

SCHEDULE = Schedule.model_validate(
    {
        "event": {"id": "t", "title": "T", "timezone": "Europe/Zurich", "languages": ["en", "fr", "es"]},
        "people": {
            "lene": {"name": "Lene Wendland", "group": "un", "slack": "U0LENE"},
            "ana": {"name": "Ana Attendee", "group": "civil-society", "slack": "U0ANA"},
        },
        "days": [
            {
                "date": "2022-03-07",
                "items": [{"id": D, "kind": "session", "start": "10:00", "end": "12:00", "chair": "lene"}],
            }
        ],
    }
)
CHAIR = "U0LENE"


def person(i: int) -> Participant:
    groups = ["states", "business", "civil-society", "un"]
    return Participant(f"p{i:02d}", f"Person {i}", groups[i % len(groups)], ["en", "fr", "es"][i % 3])


def _all_people(state: FloorState, spoken: list[str]) -> list[str]:
    people = [r.person for r in state.pending] + spoken
    if state.speaking is not None:
        people.append(state.speaking.request.person)
    return people


async def test_requests_and_next_are_persisted_with_report_rows(engine: AsyncEngine) -> None:
    service = FloorService(FloorLists(engine), authorize=schedule_authorizer(SCHEDULE))
    lists = FloorLists(engine)
    a, b = person(1), person(2)
    assert (await service.execute(D, request_op(a), "U0ANA", T0)).changed
    assert (await service.execute(D, request_op(b, note="on remedy"), "U0B", T0 + timedelta(seconds=1))).changed
    again = await service.execute(D, request_op(a), "U0ANA", T0 + timedelta(seconds=2))
    assert again.noop_reason == "floor.noop.already_listed"
    first = await service.execute(D, next_op(), CHAIR, T0 + timedelta(minutes=1))
    assert [e.name for e in first.events] == ["FloorGiven"]
    second = await service.execute(D, next_op(), CHAIR, T0 + timedelta(minutes=4))
    assert [e.name for e in second.events] == ["TimerStopped", "FloorGiven"]

    stored = await service.state(D)
    assert stored.speaking is not None and stored.speaking.request.person == second.state.speaking.request.person  # type: ignore[union-attr]
    assert stored.pending == ()
    statuses = {r["participant_id"]: r["status"] for r in await lists.requests(D)}
    assert statuses == {
        first.state.speaking.request.person: "spoken",  # type: ignore[union-attr]
        second.state.speaking.request.person: "speaking",  # type: ignore[union-attr]
    }
    done = await lists.interventions(D)
    assert len(done) == 1
    assert done[0]["started_at"] == T0 + timedelta(minutes=1)
    assert done[0]["ended_at"] == T0 + timedelta(minutes=4)
    assert done[0]["details"]["duration_us"] == 180_000_000
    notes = {r["participant_id"]: r["details"]["note"] for r in await lists.requests(D)}
    assert notes[b.person] == "on remedy"


async def test_a_non_chairs_next_changes_nothing_and_is_audited(engine: AsyncEngine) -> None:
    service = FloorService(FloorLists(engine), authorize=schedule_authorizer(SCHEDULE))
    await service.execute(D, request_op(person(1)), "U0P1", T0)
    before = await service.state(D)
    refused = await service.execute(D, next_op(), "U0ANA", T0 + timedelta(seconds=5))
    assert refused.refused
    assert refused.refusal is not None and refused.refusal.reason_key == "floor.authz.not_chair"
    assert await service.state(D) == before
    # Nobody known at all (a display name is not an identity):
    assert (await service.execute(D, close_op(), "Lene Wendland", T0 + timedelta(seconds=6))).refused
    assert await service.state(D) == before

    entries = await SqlAuditLog(engine).entries(target=D)
    assert [(e.actor, e.verb, e.allowed, e.reason) for e in entries] == [
        ("U0P1", "request", True, "floor.authz.anyone"),
        ("U0ANA", "next", False, "floor.authz.not_chair"),
        ("Lene Wendland", "close", False, "floor.authz.unknown_person"),
    ]
    assert entries[1].at == T0 + timedelta(seconds=5)
    assert entries[1].details["result"] == "refused"
    # The chair may.
    assert (await service.execute(D, next_op(), CHAIR, T0 + timedelta(seconds=7))).changed


async def test_only_the_bot_runs_the_timer(engine: AsyncEngine) -> None:
    service = FloorService(FloorLists(engine), authorize=schedule_authorizer(SCHEDULE))
    await service.execute(D, give_op(person(1)), CHAIR, T0)
    assert (await service.execute(D, tick_op(), "U0ANA", T0 + timedelta(minutes=5))).refused
    idle = await service.execute(D, tick_op(), SYSTEM_ACTOR, T0 + timedelta(minutes=1))
    assert idle.noop_reason == "floor.noop.nothing_due"
    expired = await service.execute(D, tick_op(), SYSTEM_ACTOR, T0 + timedelta(minutes=5))
    assert [e.name for e in expired.events] == ["SpeakerTimeExpired"]
    # The refused attempt and the tick that changed something are audited; the idle tick is not.
    audited = [(e.actor, e.verb, e.details["result"]) for e in await SqlAuditLog(engine).entries(target=D)]
    assert audited[1:] == [("U0ANA", "tick", "refused"), (SYSTEM_ACTOR, "tick", "changed")]
    assert (await service.execute(D, extend_op(timedelta(minutes=1)), CHAIR, T0 + timedelta(minutes=5))).changed
    assert (await service.execute(D, stop_op(), CHAIR, T0 + timedelta(minutes=6))).changed
    assert len(await FloorLists(engine).interventions(D)) == 1


async def test_withdraw_and_remove_are_reflected_in_report_rows(engine: AsyncEngine) -> None:
    service = FloorService(FloorLists(engine), authorize=schedule_authorizer(SCHEDULE))
    await service.execute(D, request_op(person(1)), "U1", T0)
    await service.execute(D, request_op(person(2), RequestKind.POINT_OF_ORDER), "U2", T0)
    await service.execute(D, withdraw_op("p01"), "U1", T0 + timedelta(seconds=1))
    await service.execute(D, remove_op("p02"), CHAIR, T0 + timedelta(seconds=2))
    statuses = {r["participant_id"]: r["status"] for r in await FloorLists(engine).requests(D)}
    assert statuses == {"p01": "withdrawn", "p02": "removed"}


async def _hammer(services: list[FloorService], requests: int, nexts: int) -> list[object]:
    """All at once, in a shuffled order, each at its own `now`."""
    jobs = [("request", i) for i in range(requests)] + [("next", i) for i in range(nexts)]
    random.Random(7).shuffle(jobs)

    async def run(n: int, job: tuple[str, int]) -> object:
        service = services[n % len(services)]
        now = T0 + timedelta(milliseconds=n)
        if job[0] == "request":
            return await service.execute(D, request_op(person(job[1])), f"U{job[1]}", now)
        return await service.execute(D, next_op(), CHAIR, now)

    return list(await asyncio.gather(*(run(n, job) for n, job in enumerate(jobs))))


async def _check_nothing_lost_or_doubled(engine: AsyncEngine, requests: int, nexts: int) -> None:
    service = FloorService(FloorLists(engine), authorize=allow_everyone)
    state = await service.state(D)
    lists = FloorLists(engine)
    spoken = [row["participant_id"] for row in await lists.interventions(D)]
    people = _all_people(state, spoken)
    assert sorted(people) == [person(i).person for i in range(requests)]  # none lost, none twice
    rows = await lists.requests(D)
    assert len(rows) == requests
    assert len({row["request_id"] for row in rows}) == requests
    entries = await SqlAuditLog(engine).entries(target=D)
    assert len(entries) == requests + nexts
    given = sum(1 for e in entries if "FloorGiven" in e.details["events"])
    changes = sum(1 for e in entries if e.details["result"] == "changed")
    assert given == len(spoken) + (state.speaking is not None)
    assert changes == max(e.details["version"] for e in entries)  # one row version per committed change
    expected = Counter(
        {"waiting": len(state.pending), "spoken": len(spoken), "speaking": int(state.speaking is not None)}
    )
    assert Counter(row["status"] for row in rows) == +expected


async def test_fifty_requests_and_ten_nexts_at_once_lose_and_double_nothing(engine: AsyncEngine) -> None:
    outcomes = await _hammer([FloorService(FloorLists(engine), authorize=schedule_authorizer(SCHEDULE))], 50, 10)
    assert all(not o.refused for o in outcomes)  # type: ignore[attr-defined]
    await _check_nothing_lost_or_doubled(engine, 50, 10)


async def test_same_across_several_engines_as_several_processes_would(db_url: str, engine: AsyncEngine) -> None:
    engines = [engine, *(create_engine(db_url) for _ in range(3))]
    try:
        services = [FloorService(FloorLists(e), authorize=schedule_authorizer(SCHEDULE)) for e in engines]
        outcomes = await _hammer(services, 50, 10)
    finally:
        for e in engines[1:]:
            await e.dispose()
    assert sum(1 for o in outcomes if any(isinstance(ev, FloorGiven) for ev in o.events)) >= 1  # type: ignore[attr-defined]
    await _check_nothing_lost_or_doubled(engine, 50, 10)


async def test_a_process_never_acts_on_a_list_another_process_changed(db_url: str, engine: AsyncEngine) -> None:
    # Each service remembers the lists it last wrote; the other one's writes must make that memory stale.
    other_engine = create_engine(db_url)
    try:
        a = FloorService(FloorLists(engine), authorize=allow_everyone)
        b = FloorService(FloorLists(other_engine), authorize=allow_everyone)
        await a.execute(D, request_op(person(1)), "U1", T0)
        await b.execute(D, request_op(person(2)), "U2", T0 + timedelta(seconds=1))
        # a's remembered list lacks p02; a change through a must still keep p02.
        await a.execute(D, request_op(person(3)), "U3", T0 + timedelta(seconds=2))
        assert [r.person for r in (await b.state(D)).pending] == ["p01", "p02", "p03"]
        # b withdraws p01; for a, p01 is still listed, so "request again" would wrongly be a no-op.
        await b.execute(D, withdraw_op("p01"), "U1", T0 + timedelta(seconds=3))
        again = await a.execute(D, request_op(person(1)), "U1", T0 + timedelta(seconds=4))
        assert again.changed, again.noop_reason
        # And a "next" through b sees a's latest request.
        await b.execute(D, give_op(person(9)), CHAIR, T0 + timedelta(seconds=5))
        await a.execute(D, stop_op(), CHAIR, T0 + timedelta(seconds=6))
        state = await b.state(D)
        assert state.speaking is None
        assert [r.person for r in state.pending] == ["p02", "p03", "p01"]
        assert len(await FloorLists(engine).interventions(D)) == 1
    finally:
        await other_engine.dispose()


def test_the_authorizer_is_never_implicit(engine: AsyncEngine) -> None:
    # A forgotten argument must not hand every chair verb to everyone.
    with pytest.raises(TypeError):
        FloorService(FloorLists(engine))  # type: ignore[call-arg]

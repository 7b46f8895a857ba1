"""A group chosen late, through the floor service on a real store (SQLite and PostgreSQL): the listed request
takes the new group in the snapshot, so a fresh process (a new service on the same database, nothing cached)
reads it back and orders by it; the report row of the request follows, and the audit log has the change."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.audit import SqlAuditLog
from bot.adapters.store.floor_lists import FloorLists
from bot.app.floor import FloorService, allow_everyone, regroup_op, request_op
from bot.domain.floor.policy import FloorPolicy
from bot.domain.floor.rules import queue
from bot.domain.floor.state import Participant

T0 = datetime(2022, 3, 7, 10, 30, tzinfo=UTC)
D = "session-1"
STATES_1 = Participant("amina", "Amina", "states", "en")
STATES_2 = Participant("bruno", "Bruno", "states", "fr")
EVE = Participant("eve", "Eve", "not-stated", "en")


async def test_a_regrouped_request_survives_a_restart_and_orders_by_its_new_group(engine: AsyncEngine) -> None:
    service = FloorService(FloorLists(engine), authorize=allow_everyone)
    for i, who in enumerate([STATES_1, STATES_2, EVE]):
        await service.execute(D, request_op(who), f"U{i}", T0 + timedelta(seconds=i))
    # Balanced: a group not heard yet ("not stated" counts as one) goes before the second States request.
    assert [r.person for r in queue(await service.state(D), FloorPolicy())] == ["amina", "eve", "bruno"]

    outcome = await service.execute(D, regroup_op(replace(EVE, group="states")), "U2", T0 + timedelta(minutes=1))
    assert outcome.changed and [e.name for e in outcome.events] == ["RequestRegrouped"]

    restarted = FloorService(FloorLists(engine), authorize=allow_everyone)  # a new process: nothing cached
    state = await restarted.state(D)
    assert {r.person: r.participant.group for r in state.pending} == {"amina": "states", "bruno": "states",
                                                                      "eve": "states"}
    assert [r.person for r in queue(state, FloorPolicy())] == ["amina", "bruno", "eve"]
    rows = {r["participant_id"]: r["details"]["group"] for r in await FloorLists(engine).requests(D)}
    assert rows == {"amina": "states", "bruno": "states", "eve": "states"}, "the report counts it there too"
    audited = [(e.verb, e.details["result"], e.details["group"]) for e in await SqlAuditLog(engine).entries(target=D)
               if e.verb == "group"]
    assert audited == [("group", "changed", "states")]


async def test_regrouping_someone_not_listed_changes_nothing(engine: AsyncEngine) -> None:
    service = FloorService(FloorLists(engine), authorize=allow_everyone)
    await service.execute(D, request_op(STATES_1), "U0", T0)
    before = await service.state(D)
    outcome = await service.execute(D, regroup_op(replace(EVE, group="business")), "U2", T0)
    assert outcome.noop_reason == "floor.noop.not_listed"
    again = await service.execute(D, regroup_op(STATES_1), "U0", T0)  # the same group: nothing to change
    assert again.noop_reason == "floor.noop.not_listed"
    assert (await FloorService(FloorLists(engine), authorize=allow_everyone).state(D)).version == before.version

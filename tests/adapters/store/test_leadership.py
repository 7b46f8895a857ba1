"""One leader per event on a shared store: the lease, its renewal, and standing down (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.lease import LeaderLease
from bot.adapters.store.ledger import SqlCueLedger
from bot.app.clock import SimulatedClock
from bot.app.leader import Leadership
from bot.app.run_of_show import CueRunner
from bot.i18n.texts import CatalogTexts
from bot.rehearsal.recording import RecordingChat

T0 = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)


class Cue:
    id = "session-1/open"
    at = T0
    kind = "session-open"
    item = "session-1"
    data: dict[str, object] = {}


async def test_a_frozen_leader_is_replaced_and_posts_nothing_when_it_wakes(engine: AsyncEngine) -> None:
    clock = SimulatedClock(T0)
    lease = LeaderLease(engine)
    a = Leadership(lease, "event:x", "instance-a", clock)
    b = Leadership(lease, "event:x", "instance-b", clock)
    assert await a.try_lead() and not await b.try_lead()
    assert await a.check()

    clock.advance(timedelta(seconds=16))  # A is frozen (SIGSTOP): no renewal for longer than the lease
    assert await b.try_lead(), "another instance takes over once the lease has expired"

    chat = RecordingChat()
    ledger = SqlCueLedger(engine)
    woken = CueRunner(chat, ledger, lambda cue, lang: "text", ["en"], "instance-a", clock, CatalogTexts(),
                      is_leader=a.check)
    assert await woken.fire(Cue()) is False, "the old leader checks before posting, and stands down"
    assert chat.transcript == [] and not a.leading
    leader = CueRunner(chat, ledger, lambda cue, lang: "text", ["en"], "instance-b", clock, CatalogTexts(),
                       is_leader=b.check)
    assert await leader.fire(Cue()) is True
    assert len(chat.transcript) == 1


async def test_renewal_keeps_the_lease_and_release_hands_it_over(engine: AsyncEngine) -> None:
    clock = SimulatedClock(T0)
    lease = LeaderLease(engine)
    a = Leadership(lease, "event:x", "instance-a", clock)
    b = Leadership(lease, "event:x", "instance-b", clock)
    assert await a.try_lead()
    for _ in range(5):
        clock.advance(timedelta(seconds=5))
        assert await lease.renew("event:x", "instance-a", clock.now(), a.ttl)
        assert not await b.try_lead()
    await a.release()
    assert await b.try_lead() and await b.check()

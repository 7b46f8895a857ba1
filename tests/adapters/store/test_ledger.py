from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.engine import create_engine
from bot.adapters.store.ledger import STALE_CLAIM_AFTER, CueLedger, CueState
from bot.domain.agenda.recovery import LedgerState

T0 = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)


async def test_exactly_one_claimant_wins_among_many(db_url: str, engine: AsyncEngine) -> None:
    engines = [engine, *(create_engine(db_url) for _ in range(3))]
    try:
        wins = await asyncio.gather(
            *(CueLedger(engines[i % 4]).claim("s1:open", f"instance-{i}", T0) for i in range(20))
        )
    finally:
        for e in engines[1:]:
            await e.dispose()
    assert wins.count(True) == 1
    record = await CueLedger(engine).get("s1:open")
    assert record is not None
    assert record.state is CueState.CLAIMED
    assert record.claimed_by == f"instance-{wins.index(True)}"


async def test_claim_then_post_then_nobody_can_claim_again(engine: AsyncEngine) -> None:
    ledger = CueLedger(engine)
    assert await ledger.claim("q1", "a", T0)
    assert not await ledger.mark_posted("q1", "b", T0)  # not b's claim
    assert await ledger.mark_posted("q1", "a", T0 + timedelta(seconds=2))
    assert not await ledger.mark_posted("q1", "a", T0 + timedelta(seconds=3))  # settled once
    assert not await ledger.claim("q1", "a", T0 + timedelta(hours=1))
    assert not await ledger.claim_stale("q1", "b", T0 + timedelta(hours=1), timedelta(seconds=1))
    record = await ledger.get("q1")
    assert record is not None
    assert (record.state, record.posted_at) == (CueState.POSTED, T0 + timedelta(seconds=2))


async def test_late_and_missed_are_recorded(engine: AsyncEngine) -> None:
    ledger = CueLedger(engine)
    assert await ledger.claim("late", "a", T0)
    assert await ledger.mark_posted("late", "a", T0 + timedelta(minutes=3), late=True)
    assert await ledger.mark_missed("never", "a", T0)
    states = {r.cue_id: r.state for r in await ledger.all()}
    assert states == {"late": CueState.LATE, "never": CueState.MISSED}
    assert (await ledger.get("never")).posted_at is None  # type: ignore[union-attr]


async def test_a_dead_claimants_cue_is_taken_over_once(engine: AsyncEngine) -> None:
    ledger = CueLedger(engine)
    assert await ledger.claim_cue("c", "died", T0)
    soon = T0 + STALE_CLAIM_AFTER / 2
    assert not await ledger.claim_cue("c", "new", soon)  # may still be posting
    later = T0 + STALE_CLAIM_AFTER * 2
    takers = await asyncio.gather(*(ledger.claim_cue("c", f"new-{i}", later) for i in range(5)))
    assert takers.count(True) == 1


async def test_conductor_view(engine: AsyncEngine) -> None:
    ledger = CueLedger(engine)
    await ledger.claim_cue("a", "x", T0)
    await ledger.claim_cue("b", "x", T0)
    await ledger.claim_cue("c", "x", T0)
    await ledger.mark_cue("a", LedgerState.POSTED, T0)
    await ledger.mark_cue("b", LedgerState.MISSED, T0)
    assert await ledger.cue_states() == {
        "a": LedgerState.POSTED,
        "b": LedgerState.MISSED,
        "c": LedgerState.CLAIMED,
    }
    # A settled cue stays settled.
    await ledger.mark_cue("a", LedgerState.MISSED, T0)
    assert (await ledger.cue_states())["a"] is LedgerState.POSTED

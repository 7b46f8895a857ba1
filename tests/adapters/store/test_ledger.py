from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.engine import create_engine
from bot.adapters.store.ledger import STALE_CLAIM_AFTER, SqlCueLedger
from bot.domain.agenda.recovery import LedgerState
from tests.adapters.store.ledger_rows import LedgerRow, ledger_rows

T0 = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)


async def test_exactly_one_claimant_wins_among_many(db_url: str, engine: AsyncEngine) -> None:
    engines = [engine, *(create_engine(db_url) for _ in range(3))]
    try:
        wins = await asyncio.gather(
            *(SqlCueLedger(engines[i % 4]).claim_cue("s1:open", f"instance-{i}", T0) for i in range(20))
        )
    finally:
        for e in engines[1:]:
            await e.dispose()
    assert wins.count(True) == 1
    assert await ledger_rows(engine) == {
        "s1:open": LedgerRow(LedgerState.CLAIMED, f"instance-{wins.index(True)}", None)
    }


async def test_claim_then_post_then_nobody_can_claim_again(engine: AsyncEngine) -> None:
    ledger = SqlCueLedger(engine)
    assert await ledger.claim_cue("q1", "a", T0)
    await ledger.mark_cue("q1", LedgerState.POSTED, T0 + timedelta(seconds=2))
    await ledger.mark_cue("q1", LedgerState.POSTED, T0 + timedelta(seconds=3))  # settled once
    assert not await ledger.claim_cue("q1", "a", T0 + timedelta(seconds=4))
    # Long past the stale-claim delay: a posted cue is never taken over.
    assert not await ledger.claim_cue("q1", "b", T0 + timedelta(hours=1))
    assert await ledger_rows(engine) == {"q1": LedgerRow(LedgerState.POSTED, "a", T0 + timedelta(seconds=2))}


async def test_late_and_missed_are_recorded(engine: AsyncEngine) -> None:
    ledger = SqlCueLedger(engine)
    assert await ledger.claim_cue("late", "a", T0)
    await ledger.mark_cue("late", LedgerState.LATE, T0 + timedelta(minutes=3))
    assert await ledger.claim_cue("never", "a", T0)
    await ledger.mark_cue("never", LedgerState.MISSED, T0 + timedelta(minutes=3))
    assert await ledger.cue_states() == {"late": LedgerState.LATE, "never": LedgerState.MISSED}
    assert await ledger_rows(engine) == {
        "late": LedgerRow(LedgerState.LATE, "a", T0 + timedelta(minutes=3)),
        "never": LedgerRow(LedgerState.MISSED, "a", None),  # never posted
    }


async def test_an_unclaimed_cue_cannot_be_settled(engine: AsyncEngine) -> None:
    ledger = SqlCueLedger(engine)
    await ledger.mark_cue("q1", LedgerState.POSTED, T0)
    assert await ledger.cue_states() == {}
    assert await ledger.claim_cue("q1", "a", T0)


async def test_a_dead_claimants_cue_is_taken_over_once(engine: AsyncEngine) -> None:
    ledger = SqlCueLedger(engine)
    assert await ledger.claim_cue("c", "died", T0)
    soon = T0 + STALE_CLAIM_AFTER / 2
    assert not await ledger.claim_cue("c", "new", soon)  # may still be posting
    later = T0 + STALE_CLAIM_AFTER * 2
    takers = await asyncio.gather(*(ledger.claim_cue("c", f"new-{i}", later) for i in range(5)))
    assert takers.count(True) == 1
    assert await ledger_rows(engine) == {"c": LedgerRow(LedgerState.CLAIMED, f"new-{takers.index(True)}", None)}


async def test_conductor_view(engine: AsyncEngine) -> None:
    ledger = SqlCueLedger(engine)
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


async def test_many_cues_claimed_and_marked_at_once(engine: AsyncEngine) -> None:
    ledger = SqlCueLedger(engine)
    assert await ledger.claim_cue("posted", "a", T0)
    await ledger.mark_cue("posted", LedgerState.POSTED, T0)
    assert await ledger.claim_cue("fresh-claim", "a", T0 + timedelta(minutes=5))
    assert await ledger.claim_cue("stale-claim", "a", T0)
    now = T0 + timedelta(minutes=5, seconds=30)
    won = await ledger.claim_cues(["posted", "fresh-claim", "stale-claim", "new", "new"], "b", now)
    assert won == {"stale-claim", "new"}, "first claims and stale take-overs only, as one at a time would"
    await ledger.mark_cues(sorted(won), LedgerState.MISSED, now)
    assert await ledger.cue_states() == {"posted": LedgerState.POSTED, "fresh-claim": LedgerState.CLAIMED,
                                         "stale-claim": LedgerState.MISSED, "new": LedgerState.MISSED}
    assert await ledger.claim_cues([], "b", now) == set()


async def test_a_missed_cue_is_reclaimed_once_for_a_chairs_repost(db_url: str, engine: AsyncEngine) -> None:
    ledger = SqlCueLedger(engine)
    assert await ledger.claim_cue("gone", "a", T0)
    await ledger.mark_cue("gone", LedgerState.MISSED, T0)
    assert await ledger.claim_cue("posted", "a", T0)
    await ledger.mark_cue("posted", LedgerState.POSTED, T0)
    engines = [engine, *(create_engine(db_url) for _ in range(3))]
    try:
        wins = await asyncio.gather(
            *(SqlCueLedger(engines[i % 4]).reclaim_missed("gone", f"chair-{i}", T0 + timedelta(hours=1))
              for i in range(8))
        )
    finally:
        for e in engines[1:]:
            await e.dispose()
    assert wins.count(True) == 1
    assert not await ledger.reclaim_missed("posted", "b", T0) and not await ledger.reclaim_missed("ahead", "b", T0)
    await ledger.mark_cue("gone", LedgerState.LATE, T0 + timedelta(hours=1))
    assert await ledger_rows(engine) == {
        "gone": LedgerRow(LedgerState.LATE, f"chair-{wins.index(True)}", T0 + timedelta(hours=1)),
        "posted": LedgerRow(LedgerState.POSTED, "a", T0),
    }

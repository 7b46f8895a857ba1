"""The bot forgets what no platform will deliver again: handled inbound events older than two hours are purged
while the bot runs (never one not handled yet)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.adapters.store.engine import reading
from bot.adapters.store.tables import inbound_events
from bot.app.housekeeping import housekeep
from bot.config.loader import load_schedule
from bot.config.settings import Settings
from bot.wiring import build
from tests.conftest import ROOT


async def test_the_running_bot_purges_old_handled_events_and_keeps_unhandled_ones(tmp_path: Path) -> None:
    schedule = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml").schedule
    assert schedule is not None
    bot = await build(schedule, Settings(_env_file=None), database_url=f"sqlite:///{tmp_path / 's.sqlite'}",  # type: ignore[call-arg]
                      start_now=True)
    long_ago = bot.runtime.clock.now() - timedelta(hours=3)
    await bot.store.seen.record("slack", "old-handled", {}, long_ago)
    await bot.store.seen.done("slack", "old-handled", long_ago)
    await bot.store.seen.record("slack", "old-unhandled", {}, long_ago)

    async def rows() -> int:
        async with reading(bot.db) as connection:
            return int(await connection.scalar(select(func.count()).select_from(inbound_events)) or 0)

    await bot.start()
    try:
        assert any(task.get_name() == "housekeeping" for task in bot.background), "started with the bot"
        await housekeep(bot.store.seen, bot.store.journal, bot.runtime.clock)
        assert await rows() == 1
        assert [event_id for event_id, _ in await bot.store.seen.unfinished("slack")] == ["old-unhandled"]
    finally:
        await bot.stop()

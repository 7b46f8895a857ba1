"""Provisioned Zoom links reach the cues: the session reminder says where to register or join."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.adapters.zoom.meeting_links import with_meeting_links
from bot.adapters.zoom.provision import NS_ITEM
from bot.config.loader import load_schedule
from bot.domain.agenda.timeline import CueKind, plan
from bot.i18n.cues import render_cue
from bot.testing.memory import MemoryKeyValues
from tests.conftest import ROOT


async def test_session_reminders_carry_the_stored_registration_link() -> None:
    schedule = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml").schedule
    assert schedule is not None
    store = MemoryKeyValues()
    now = datetime(2022, 3, 1, tzinfo=UTC)
    await store.set(NS_ITEM, "ungp-tech-2022/session-3", {
        "meeting": "ungp-tech-2022/session-3", "id": "81234567890",
        "join_url": "https://zoom.example/j/81234567890", "registration_url": "https://zoom.example/meeting/register/s3",
    }, now)
    linked = await with_meeting_links(schedule, store)
    reminders = {c.item: c for c in plan(linked) if c.kind is CueKind.SESSION_REMINDER}
    texts = {lang: render_cue(reminders["session-3"], linked, lang) for lang in ("en", "fr", "es")}
    assert "https://zoom.example/meeting/register/s3" in texts["en"] and "Interpretation" in texts["en"]
    assert "Interprétation" in texts["fr"] and "Interpretación" in texts["es"]
    assert "zoom.example" not in render_cue(reminders["session-1"], linked, "en"), "no link stored for session 1"
    assert await with_meeting_links(schedule, MemoryKeyValues()) is schedule

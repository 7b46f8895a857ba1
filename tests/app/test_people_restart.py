"""Who is who survives a restart: a web guest's reply address, the language they were last seen in and the
one they asked for are in the store, so the next process answers them where and as before."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app.people import People
from bot.app.ports.chat import InboundEvent, InboundKind
from bot.config.loader import load_schedule
from bot.testing.memory import MemoryKeyValues
from tests.conftest import ROOT

T0 = datetime(2022, 3, 7, 10, 0, tzinfo=UTC)


async def test_a_web_guest_is_reachable_and_keeps_their_languages_after_a_restart() -> None:
    schedule = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml").schedule
    assert schedule is not None
    kv = MemoryKeyValues()
    before = People(schedule, kv)
    guest = InboundEvent("web", "e1", InboundKind.MESSAGE, "web:guest-7", T0, "bonjour", display_name="Camille",
                         language="fr")
    who = await before.sighting(guest, T0)
    await before.set_language(who.person, "es", T0)
    assert before.reach(who.person) == "web:guest-7"

    after = People(schedule, kv)  # the next process, same store
    assert after.reach(who.person) is None, "nothing known before restore"
    await after.restore()
    assert after.reach(who.person) == "web:guest-7"
    assert after.language(who.person) == "es" and after.reply_language(who.person) == "es"
    fresh = People(schedule, kv)
    await fresh.restore()
    assert fresh._languages[who.person] == "fr", "the language last seen, apart from the one chosen"


async def test_a_group_said_in_chat_is_kept_for_the_next_requests_and_after_a_restart() -> None:
    schedule = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml").schedule
    assert schedule is not None
    kv = MemoryKeyValues()
    before = People(schedule, kv)
    hand = InboundEvent("slack", "e1", InboundKind.MESSAGE, "UJULES", T0, "main", display_name="Jules")
    who = await before.sighting(hand, T0)
    assert who.group == "not-stated"  # nothing said yet: never a silent default
    await before.set_group(who.person, "civil-society", T0)
    assert before.participant(who.person).group == "civil-society"  # type: ignore[union-attr]
    assert (await before.sighting(hand, T0)).group == "civil-society"
    after = People(schedule, kv)  # the next process, same store
    await after.restore()
    assert (await after.sighting(hand, T0)).group == "civil-society"

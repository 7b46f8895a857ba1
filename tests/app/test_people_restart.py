"""Who is who survives a restart: a web guest's reply address, the language they were last seen in and the
one they asked for are in the store, so the next process answers them where and as before."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app.people import NAMESPACE, People
from bot.app.ports.chat import InboundEvent, InboundKind
from bot.config.model import Schedule
from bot.testing.memory import MemoryKeyValues

T0 = datetime(2022, 3, 7, 10, 0, tzinfo=UTC)


async def test_a_web_guest_is_reachable_and_keeps_their_languages_after_a_restart(schedule: Schedule) -> None:
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


async def test_a_group_said_in_chat_is_kept_for_the_next_requests_and_after_a_restart(schedule: Schedule) -> None:
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


async def test_someone_with_no_group_is_asked_once_even_across_a_restart(schedule: Schedule) -> None:
    kv = MemoryKeyValues()
    people = People(schedule, kv)
    hand = InboundEvent("slack", "e1", InboundKind.MESSAGE, "UEVE", T0, "hand", display_name="Eve")
    eve = await people.sighting(hand, T0)
    assert "group" not in (await kv.get(NAMESPACE, eve.person)), "never said: nothing stored as her group"
    assert await people.ask_group_once(eve.person, T0) is True
    assert await people.ask_group_once(eve.person, T0) is False
    again = People(schedule, kv)  # the next process, same store
    await again.restore()
    assert await again.ask_group_once(eve.person, T0) is False, "asked once, remembered in her record"
    assert await again.group_of(eve.person) == "not-stated"


async def test_nobody_who_gave_a_group_or_is_in_the_programme_is_asked(schedule: Schedule) -> None:
    kv = MemoryKeyValues()
    people = People(schedule, kv)
    said = InboundEvent("web", "w1", InboundKind.MESSAGE, "web:guest:kim", T0, "hand", display_name="Kim",
                        extra={"group": "not-stated"})  # the console's "I prefer not to say" is an answer
    kim = await people.sighting(said, T0)
    assert kim.group == "not-stated" and await people.ask_group_once(kim.person, T0) is False
    listed = next(iter(schedule.people))
    assert await people.ask_group_once(listed, T0) is False
    later = People(schedule, kv)
    await later.set_group("zoe", "academia", T0)
    assert await later.ask_group_once("zoe", T0) is False
    assert await People(schedule, kv).group_of("zoe") == "academia", "read from the store before any sighting"

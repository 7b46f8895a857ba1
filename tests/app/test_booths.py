"""The booths' next-speaker notices and the interpreters' signals on the real store (SQLite): a restart tells
nothing twice and keeps the recent signals and their repeat rule; the signal grammar in three languages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.app.booth_signals import Sent
from bot.app.clock import SimulatedClock
from bot.app.ports.chat import InboundEvent, InboundKind
from bot.app.timers import SimulatedTimers
from bot.config.model import Schedule
from bot.domain.grammar import Command, Verb, parse_floor
from bot.rehearsal.recording import RecordingChat
from bot.wiring import Store, build_runtime, open_store
from tests.app.conftest import ZONE, edge_command


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = await open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    try:
        yield store
    finally:
        await store.close()


def event(user: str, text: str, n: int, clock: SimulatedClock, *, lang: str,
          kind: InboundKind = InboundKind.MESSAGE) -> InboundEvent:
    return InboundEvent("web", f"e{n}", kind, user, clock.now(), text, display_name=user.split(":")[-1].title(),
                        language=lang, extra={"group": "civil-society"}, command=edge_command(kind, text))


def booths(chat: RecordingChat) -> list[str]:
    return [e.text for e in chat.transcript if e.audience == "interpreters" and e.lang == "en"]


async def test_the_next_floor_speaker_is_told_once_and_not_again_after_a_restart(schedule: Schedule,
                                                                                 store: Store) -> None:
    clock = SimulatedClock(datetime(2022, 3, 7, 10, 50, tzinfo=ZONE))
    chat = RecordingChat()
    first = build_runtime(schedule, chat, store, clock, SimulatedTimers(), translator=None, publish_board=False)
    await first.discussions.open("session-1", clock.now())
    await first.handle(event("web:guest:amina", "main", 1, clock, lang="fr"))
    await first.handle(event("web:guest:jose", "mano", 2, clock, lang="es"))  # behind Amina: nothing new
    assert booths(chat) == ["Next: Amina (Civil society), floor language: French (from the floor)"]
    await first.handle(event("web:lene-wendland", "next", 3, clock, lang="en", kind=InboundKind.COMMAND))
    assert booths(chat)[1:] == ["Next: Jose (Civil society), floor language: Spanish (from the floor)\n"
                                "⚠️ Language change: next speaker in Spanish"]
    view = await first.booths.view()
    assert view.current is not None and view.current.name == "Amina" and view.current.ends_at is not None
    assert view.next is not None and view.next.language == "es" and view.language_change

    again = RecordingChat()
    second = build_runtime(schedule, again, store, clock, SimulatedTimers(), translator=None, publish_board=False)
    await second.restore()
    await second.settle()
    assert booths(again) == [], "a restart tells the booths nothing they were told"
    await second.handle(event("web:guest:jose", "q-", 4, clock, lang="es"))  # Jose withdraws: nobody next
    await second.handle(event("web:guest:jose", "mano", 5, clock, lang="es"))  # and asks again: told again
    assert len(booths(again)) == 1 and booths(again)[0].startswith("Next: Jose (Civil society)")


async def test_signals_survive_a_restart_with_their_repeat_rule(schedule: Schedule, store: Store) -> None:
    clock = SimulatedClock(datetime(2022, 3, 7, 10, 50, tzinfo=ZONE))
    chat = RecordingChat()
    first = build_runtime(schedule, chat, store, clock, SimulatedTimers(), translator=None, publish_board=False)
    assert await first.signals.send("ines@booth.example", "Inès", "slower", booth="fr") is Sent.SENT
    assert await first.signals.send("ines@booth.example", "Inès", "unknown") is Sent.INVALID
    assert [e.text for e in chat.transcript if e.audience == "chairs" and e.lang == "fr"] == [
        "🎧 Interprètes (Inès, cabine FR)\u00a0: Plus lentement, s'il vous plaît"]

    second = build_runtime(schedule, RecordingChat(), store, clock, SimulatedTimers(), translator=None,
                           publish_board=False)
    (kept,) = await second.signals.recent()
    assert (kept.name, kept.kind, kept.booth, kept.at) == ("Inès", "slower", "fr", clock.now())
    clock.advance(timedelta(seconds=19))
    assert await second.signals.send("ines@booth.example", "Inès", "slower") is Sent.REPEATED
    assert await second.signals.send("other@booth.example", "Ana", "slower") is Sent.SENT  # per sender
    clock.advance(timedelta(seconds=2))
    assert await second.signals.send("ines@booth.example", "Inès", "slower") is Sent.SENT
    assert [s.name for s in await second.signals.recent()] == ["Inès", "Ana", "Inès"]


async def test_a_signal_from_chat_is_refused_to_an_attendee(schedule: Schedule, store: Store) -> None:
    clock = SimulatedClock(datetime(2022, 3, 7, 10, 50, tzinfo=ZONE))
    chat = RecordingChat()
    runtime = build_runtime(schedule, chat, store, clock, SimulatedTimers(), translator=None, publish_board=False)
    await runtime.handle(event("web:guest:kim", "/floor signal slower", 1, clock, lang="en"))
    assert chat.texts(op="private") == ["Only the interpreters (in their channel), the chairs and the organizers "
                                        "may send signals to the chair."]
    assert await runtime.signals.recent() == []
    await runtime.handle(event("web:lene-wendland", "/floor signal the panel's microphone is off", 2, clock,
                               lang="en"))
    (signal,) = await runtime.signals.recent()
    assert (signal.kind, signal.text) == ("text", "the panel's microphone is off")


@pytest.mark.parametrize(("args", "expected"), [
    ("signal slower", Command(Verb.SIGNAL, signal="slower")),
    ("signal slower, please", Command(Verb.SIGNAL, signal="slower")),
    ("signaler plus lentement", Command(Verb.SIGNAL, signal="slower")),
    ("señal más despacio", Command(Verb.SIGNAL, signal="slower")),
    ("signal no sound", Command(Verb.SIGNAL, signal="sound")),
    ("signal pas de son", Command(Verb.SIGNAL, signal="sound")),
    ("señal sin sonido", Command(Verb.SIGNAL, signal="sound")),
    ("signal relay", Command(Verb.SIGNAL, signal="relay")),
    ("signal relais nécessaire", Command(Verb.SIGNAL, signal="relay")),
    ("señal relé", Command(Verb.SIGNAL, signal="relay")),
    ("signal Mic of the speaker is off", Command(Verb.SIGNAL, signal="text", text="Mic of the speaker is off")),
])
def test_signal_words(args: str, expected: Command) -> None:
    assert parse_floor(args) == expected


def test_a_signal_needs_something_to_say() -> None:
    assert parse_floor("signal") is None


async def test_the_chairs_changes_to_the_plan_change_who_is_next(schedule: Schedule, store: Store) -> None:
    clock = SimulatedClock(datetime(2022, 3, 7, 10, 23, tzinfo=ZONE))  # session 1, panel turn 2 of 5
    chat = RecordingChat()
    runtime = build_runtime(schedule, chat, store, clock, SimulatedTimers(), translator=None, publish_board=False)
    view = await runtime.booths.view()
    assert view.current is not None and (view.current.turn, view.current.index) == ("panel", 2)
    assert view.next is not None and (view.next.name, view.next.index, view.next.of) == ("Josianne Galea Baron", 3, 5)
    assert view.current.ends_at == datetime(2022, 3, 7, 10, 29, tzinfo=ZONE)

    await runtime.handle(event("web:lene-wendland", "next-panellist", 1, clock, lang="en", kind=InboundKind.COMMAND))
    view = await runtime.booths.view()
    assert view.current is not None and view.current.index == 3, "turn 3 starts now"
    assert view.next is not None and view.next.index == 4
    assert booths(chat)[-1].startswith("Next: Gayatri Khandhadai"), "the booths learn of turn 4 at once"

    await runtime.handle(event("web:lene-wendland", "start-discussion", 2, clock, lang="en",
                               kind=InboundKind.COMMAND))
    assert runtime.current == "session-1"
    view = await runtime.booths.view()
    assert view.next is None, "the remaining panel turns were skipped and nobody asked for the floor yet"
    await runtime.handle(event("web:guest:amina", "main", 3, clock, lang="fr"))
    assert booths(chat)[-1].startswith("Next: Amina (Civil society), floor language: French (from the floor)")


async def test_help_tells_those_who_may_signal_how(schedule: Schedule, store: Store) -> None:
    clock = SimulatedClock(datetime(2022, 3, 7, 10, 50, tzinfo=ZONE))
    chat = RecordingChat()
    runtime = build_runtime(schedule, chat, store, clock, SimulatedTimers(), translator=None, publish_board=False)
    await runtime.handle(event("web:guest:kim", "/floor help", 1, clock, lang="fr"))
    assert not any("/floor signal" in text for text in chat.texts(op="private"))
    await runtime.handle(event("web:lene-wendland", "/floor help", 2, clock, lang="en"))
    assert chat.texts(op="private")[-1].startswith("Interpreters: /floor signal slower")

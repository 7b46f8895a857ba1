"""The engine on the real store (SQLite): inbound events in three languages, chair verbs, edits, deletions."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.recording import RecordingChat
from bot.adapters.store.audit import AuditLog
from bot.app.clock import SimulatedClock
from bot.app.engine import Engine
from bot.app.ports.chat import InboundEvent, InboundKind, MessageRef
from bot.app.ports.translation import Lang, Source, Status, Translation
from bot.app.timers import SimulatedTimers
from bot.app.translation.service import ChatTranslator
from bot.config.loader import load_schedule
from bot.i18n import catalog as i18n
from bot.wiring import build_engine, open_store
from tests.conftest import ROOT

ZONE = ZoneInfo("Europe/Zurich")


@dataclass
class Rig:
    engine: Engine
    chat: RecordingChat
    clock: SimulatedClock
    timers: SimulatedTimers
    audit: AuditLog
    n: int = 0

    async def say(self, user: str, text: str, *, kind: InboundKind = InboundKind.MESSAGE, lang: str | None = None,
                  name: str = "", ref: MessageRef | None = None, event_id: str | None = None) -> None:
        self.n += 1
        await self.engine.handle(InboundEvent(
            "web", event_id or f"e{self.n}", kind, user, self.clock.now(), text, display_name=name or user,
            language=lang, ref=ref, extra={"group": "civil-society"},
        ))

    def private(self, user: str) -> list[str]:
        return self.chat.texts(op="private", user_id=user)


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    result = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml")
    assert result.schedule is not None
    schedule = result.schedule
    store = await open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    clock = SimulatedClock(datetime(2022, 3, 7, 10, 50, tzinfo=ZONE))
    chat = RecordingChat()
    timers = SimulatedTimers()
    engine = build_engine(schedule, chat, store, clock, timers, translator=None, publish_board=False)
    engine.current = "session-1"
    try:
        yield Rig(engine, chat, clock, timers, store.audit)
    finally:
        await store.close()


async def test_requests_in_three_languages_and_a_redelivery(rig: Rig) -> None:
    await rig.say("web:guest:amina", "Je demande la parole", lang="fr", name="Amina")
    await rig.say("web:guest:jose", "¡Pido la palabra!", lang="es", name="José")
    await rig.say("web:guest:jose", "¡Pido la palabra!", lang="es", name="José", event_id="e2")  # redelivered
    await rig.say("web:guest:ann", "raise hand", lang="en", name="Ann")
    state = await rig.engine.floor.state("session-1")
    assert [r.participant.name for r in state.pending] == ["Amina", "José", "Ann"]
    assert rig.private("web:guest:amina")[0].startswith("Vous êtes inscrit(e) sur la liste des orateurs, en 1re")
    assert len(rig.private("web:guest:jose")) == 1, "a redelivered event has one effect"
    await rig.say("web:guest:jose", "mi turno", lang="es")
    assert rig.private("web:guest:jose")[-1].startswith("Su turno")


async def test_a_non_chair_next_changes_nothing_and_is_audited(rig: Rig) -> None:
    await rig.say("web:guest:amina", "main", lang="fr", name="Amina")
    await rig.say("web:guest:mallory", "next", kind=InboundKind.COMMAND, lang="en", name="Lene Wendland")
    state = await rig.engine.floor.state("session-1")
    assert state.speaking is None and len(state.pending) == 1
    [refusal] = rig.private("web:guest:mallory")
    assert refusal == i18n.render("floor.authz.unknown_person", "en")
    entries = await rig.audit.entries("session-1")
    assert any(e.actor == "web:guest:mallory" and e.verb == "next" and not e.allowed for e in entries)


async def test_the_chair_gives_the_floor_and_the_timer_warns(rig: Rig) -> None:
    await rig.say("web:guest:amina", "main", lang="fr", name="Amina")
    await rig.say("web:lene-wendland", "next", kind=InboundKind.COMMAND)
    state = await rig.engine.floor.state("session-1")
    assert state.speaking is not None and state.speaking.request.participant.name == "Amina"
    announced = rig.chat.texts(op="announce", lang="es")
    assert announced[-1] == "🎙️ Se concede la palabra a Amina (Sociedad civil), que intervendrá en francés."
    warn_at = rig.timers.next_at()
    assert warn_at == state.speaking.ends_at - timedelta(seconds=30)
    rig.clock.set(warn_at)
    for job in rig.timers.pop_due(rig.clock.now()):
        await job()
    assert rig.private("web:guest:amina")[-1] == i18n.render("floor.notice.warning", "fr", time="30 secondes")


async def test_give_to_a_named_guest_and_help(rig: Rig) -> None:
    await rig.say("web:guest:amina", "bonjour à tous", lang="fr", name="Amina")
    await rig.say("web:lene-wendland", "give @web:guest:amina", kind=InboundKind.COMMAND)
    state = await rig.engine.floor.state("session-1")
    assert state.speaking is not None and state.speaking.request.person == "web:guest:amina"
    await rig.say("web:lene-wendland", "help", kind=InboundKind.COMMAND)
    assert rig.private("web:lene-wendland")[-2:] == [
        i18n.render("floor.help.attendee", "en"), i18n.render("floor.help.chair", "en")
    ]


async def test_edits_and_deletions_follow_the_copies(rig: Rig) -> None:
    original = MessageRef("web", "participants:fr", "m1")
    await rig.say("web:guest:amina", "Bonjour à toutes et à tous", lang="fr", name="Amina", ref=original)
    copies = [e for e in rig.chat.transcript if e.op == "post"]
    assert {e.lang for e in copies} == {"en", "es"} and all(e.author == "Amina" for e in copies)
    await rig.say("web:guest:amina", "Bonjour à toutes et à tous !", kind=InboundKind.EDIT, lang="fr", ref=original)
    edits = [e for e in rig.chat.transcript if e.op == "edit"]
    assert {e.ref for e in edits} == {e.ref for e in copies}, "the copies are edited, not the original"
    await rig.say("web:guest:amina", "", kind=InboundKind.DELETE, lang="fr", ref=original)
    deleted = [e.ref for e in rig.chat.transcript if e.op == "delete"]
    assert set(deleted) == {e.ref for e in copies}


class GatedTranslator:
    """A translation backend (the port's protocol) that holds any text containing "slow" until released."""

    name = "gated"
    glossary_id = None

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.quick_done = asyncio.Event()
        self.done: list[str] = []

    def describe(self) -> str:
        return "gated test backend"

    async def start(self) -> None:
        return None

    async def usage(self) -> None:
        return None

    async def translate(self, texts: Sequence[Source], target: Lang) -> list[Translation]:
        if any("slow" in t.text for t in texts):
            await self.gate.wait()
        self.done += [t.text for t in texts]
        if any("quick" in t.text for t in texts):
            self.quick_done.set()
        return [Translation(f"<{target}> {t.text}", Status.TRANSLATED, target, t.lang) for t in texts]

    async def aclose(self) -> None:
        return None


async def test_a_fast_translation_never_overtakes_an_earlier_message(rig: Rig) -> None:
    backend = GatedTranslator()
    rig.engine.translator = ChatTranslator(backend, window=0, burst_interval=0)
    first = asyncio.create_task(rig.say("web:guest:amina", "a slow first message", lang="en", name="Amina"))
    second = asyncio.create_task(rig.say("web:guest:ann", "a quick second one", lang="en", name="Ann"))
    await asyncio.wait_for(backend.quick_done.wait(), timeout=5)  # translated while the first still waits
    assert [e.text for e in rig.chat.transcript if e.op == "post"] == []
    backend.gate.set()
    await asyncio.gather(first, second)
    for lang in ("fr", "es"):
        posts = [e.text for e in rig.chat.transcript if e.op == "post" and e.lang == lang]
        assert [p.split("\n")[0] for p in posts] == [f"<{lang}> a slow first message", f"<{lang}> a quick second one"]


async def test_a_button_press_carries_its_command_in_its_value(rig: Rig) -> None:
    await rig.say("web:guest:amina", "main", lang="fr", name="Amina")
    rig.n += 1
    await rig.engine.handle(InboundEvent("slack", "act-1", InboundKind.ACTION, "web:lene-wendland",
                                         rig.clock.now(), "floor:next next", extra={"value": "next"}))
    state = await rig.engine.floor.state("session-1")
    assert state.speaking is not None and state.speaking.request.participant.name == "Amina"


async def test_chairs_channel_and_direct_messages_are_never_mirrored(rig: Rig) -> None:
    for audience in ("chairs", "direct"):
        rig.n += 1
        await rig.engine.handle(InboundEvent("web", f"p{rig.n}", InboundKind.MESSAGE, "web:lene-wendland",
                                             rig.clock.now(), "Between us: let's close the list at 11:50",
                                             extra={"audience": audience}))
    assert [e for e in rig.chat.transcript if e.op == "post"] == []
    await rig.say("web:guest:amina", "Bonjour", lang="fr", name="Amina")
    assert {e.lang for e in rig.chat.transcript if e.op == "post"} == {"en", "es"}


async def test_replies_follow_the_channel_then_an_explicit_choice(rig: Rig) -> None:
    async def slack(text: str, channel_lang: str | None, kind: InboundKind = InboundKind.MESSAGE) -> None:
        rig.n += 1
        await rig.engine.handle(InboundEvent("slack", f"s{rig.n}", kind, "U0MARIE", rig.clock.now(), text,
                                             display_name="Marie", language="en", channel_language=channel_lang))

    await slack("main", "fr")  # Slack locale English, but she writes in the French channel
    assert rig.private("U0MARIE")[-1].startswith("Vous êtes inscrit(e)")
    await slack("lang es", None, InboundKind.COMMAND)
    await slack("ma place", "fr")
    assert rig.private("U0MARIE")[-1].startswith("Su turno"), "an explicit choice wins"

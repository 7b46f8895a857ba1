"""The relay: copies into the other languages, in arrival order, following edits and deletions."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from bot.app.ports.chat import InboundEvent, InboundKind, MessageRef
from bot.app.ports.translation import Lang, SourceText, Status, Translation
from bot.app.translation.service import ChatTranslator
from tests.app.conftest import Rig


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

    async def translate(self, texts: Sequence[SourceText], target: Lang) -> list[Translation]:
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
    rig.runtime.translator = ChatTranslator(backend, window=0)
    first = asyncio.create_task(rig.say("web:guest:amina", "a slow first message", lang="en", name="Amina"))
    # French, so that its English copy has a request of its own (a target's batches leave one at a time)
    second = asyncio.create_task(rig.say("web:guest:ann", "un second quick", lang="fr", name="Ann"))
    await asyncio.wait_for(backend.quick_done.wait(), timeout=5)  # translated while the first still waits
    assert [e.text for e in rig.chat.transcript if e.op == "post"] == []
    backend.gate.set()
    await asyncio.gather(first, second)
    posts = [e.text.split("\n")[0] for e in rig.chat.transcript if e.op == "post" and e.lang == "es"]
    assert posts == ["<es> a slow first message", "<es> un second quick"]


async def test_chairs_channel_and_direct_messages_are_never_mirrored(rig: Rig) -> None:
    for audience in ("chairs", "direct"):
        rig.n += 1
        await rig.runtime.handle(InboundEvent("web", f"p{rig.n}", InboundKind.MESSAGE, "web:lene-wendland",
                                              rig.clock.now(), "Between us: let's close the list at 11:50",
                                              extra={"audience": audience}))
    assert [e for e in rig.chat.transcript if e.op == "post"] == []
    await rig.say("web:guest:amina", "Bonjour", lang="fr", name="Amina")
    assert {e.lang for e in rig.chat.transcript if e.op == "post"} == {"en", "es"}

"""LocalChat: the ChatPort of the browser — history per audience, private notices, fan-out, bounds."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.adapters.web.local_chat import LocalChat, StreamEvent
from bot.app.clock import SimulatedClock
from bot.app.ports.chat import AudienceKind, Author, Button, MessageRef, Post
from bot.i18n.catalog import render

T0 = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)


def make_chat(**kwargs: int) -> tuple[LocalChat, SimulatedClock]:
    clock = SimulatedClock(T0)
    return LocalChat(clock, **kwargs), clock


async def test_announce_reaches_each_language_audience_and_nobody_else() -> None:
    chat, _ = make_chat()
    texts = {"en": "The floor is open.", "fr": "La liste est ouverte.", "es": "La lista está abierta."}
    refs = await chat.announce(texts, key="cue:session-1/floor-open")
    assert [r.channel for r in refs] == ["participants:en", "participants:fr", "participants:es"]
    assert all(r.surface == "web" for r in refs)
    assert [m.text for m in chat.history("web:a", "fr")] == ["La liste est ouverte."]
    assert [m.text for m in chat.history("web:a", "es")] == ["La lista está abierta."]
    await chat.announce({"en": "Chairs: 5 minutes left."}, audience=AudienceKind.CHAIRS)
    assert [m.text for m in chat.history("web:a", "en")] == ["The floor is open."]
    assert [m.text for m in chat.history("web:chair", "en", chair=True)] == ["The floor is open.",
                                                                             "Chairs: 5 minutes left."]


async def test_private_notices_are_seen_only_by_their_recipient() -> None:
    chat, _ = make_chat()
    await chat.reply_private("web:ana", "You are next.")
    assert [m.text for m in chat.history("web:ana", "es")] == ["You are next."]
    assert chat.history("web:marc", "es") == []
    assert chat.to_json(chat.history("web:ana", "es")[0])["private"] is True


async def test_subscribers_get_new_messages_of_their_channels_in_order() -> None:
    chat, clock = make_chat()
    with chat.subscribe("web:ana", "es") as ana, chat.subscribe("web:marc", "fr") as marc:
        await chat.announce({"en": "one", "fr": "un", "es": "uno"})
        clock.advance(timedelta(seconds=5))
        await chat.reply_private("web:ana", "privado")
        chat.changed()
        got_ana = [await anext(ana) for _ in range(3)]
        got_marc = [await anext(marc) for _ in range(2)]
    assert [(e.type, e.data.get("text")) for e in got_ana] == [("message", "uno"), ("message", "privado"),
                                                                ("state", None)]
    assert [(e.type, e.data.get("text")) for e in got_marc] == [("message", "un"), ("state", None)]
    assert got_ana[1].data["at"] == (T0 + timedelta(seconds=5)).isoformat()
    assert chat.subscriber_count == 0


async def test_history_is_bounded_per_channel_and_evicted_messages_are_forgotten() -> None:
    chat, _ = make_chat(history=3)
    refs = [await chat.post("en", Post(f"m{i}")) for i in range(5)]
    await chat.reply_private("web:ana", "kept")
    assert [m.text for m in chat.history("web:ana", "en")] == ["m2", "m3", "m4", "kept"]
    assert chat.message(refs[0].id) is None
    await chat.edit(refs[0], Post("too late"))  # scrolled out: nothing to change, and no error
    assert chat.message(refs[0].id) is None


async def test_edit_delete_and_react_update_the_message_for_its_readers() -> None:
    chat, _ = make_chat()
    ref = await chat.post("en", Post("Draft", actions=[Button("floor.request", "Raise hand")]))
    with chat.subscribe("web:a", "en") as sub:
        await chat.edit(ref, Post("Final"))
        await chat.react(ref, "raised_hand")
        await chat.react(ref, "raised_hand")  # once is enough
        await chat.delete(ref)
        updates = [await anext(sub) for _ in range(3)]
    assert [e.type for e in updates] == ["update", "update", "update"]
    assert updates[0].data["text"] == "Final" and updates[0].data["edited"] is True
    assert updates[1].data["reactions"] == ["raised_hand"]
    assert updates[2].data["deleted"] is True and updates[2].data["text"] == ""
    assert chat.history("web:a", "en")[0].deleted


async def test_mirrored_copy_shows_its_original_and_the_untranslated_mark() -> None:
    chat, _ = make_chat()
    original = chat.record_inbound("web:ana-garcia", "Ana García", "es", "¿Quién vigila los algoritmos?")
    translated = await chat.post("en", Post("Who oversees the algorithms?", author=Author("Ana García"),
                                            reply_to=original))
    same = await chat.post("fr", Post("¿Quién vigila los algoritmos?", author=Author("Ana García"), reply_to=original))
    marked = await chat.post("fr", Post(f"Hola {render('common.untranslated', 'fr')}", author=Author("Ana")))
    en = chat.to_json(chat.message(translated.id))  # type: ignore[arg-type]
    assert en["untranslated"] is False
    assert en["original"] == {"text": "¿Quién vigila los algoritmos?", "lang": "es", "author": "Ana García"}
    assert en["author"] == "Ana García"
    fr = chat.to_json(chat.message(same.id))  # type: ignore[arg-type]
    assert fr["untranslated"] is True and fr["original"]["lang"] == "es"
    mark = chat.to_json(chat.message(marked.id))  # type: ignore[arg-type]
    assert mark["untranslated"] is True and mark["text"] == "Hola"
    own = chat.to_json(chat.message(original.id))  # type: ignore[arg-type]
    assert own["original"] is None and own["user_id"] == "web:ana-garcia" and own["kind"] == "inbound"


async def test_a_subscriber_that_falls_behind_is_told_to_reload_instead_of_blocking() -> None:
    chat, _ = make_chat(queue_size=4)
    with chat.subscribe("web:slow", "en") as slow:
        for i in range(10):
            await chat.post("en", Post(f"m{i}"))
        first = await anext(slow)
        # The queue was emptied and replaced by a reset; what came after it is still delivered.
        assert first == StreamEvent("reset")
        rest = []
        while True:
            try:
                rest.append(await asyncio.wait_for(anext(slow), 0.01))
            except TimeoutError:
                break
    assert all(e.type == "message" for e in rest)
    assert rest[-1].data["text"] == "m9"
    assert [m.text for m in chat.history("web:slow", "en")][-1] == "m9"


async def test_reply_to_a_message_of_another_surface_is_not_taken_for_an_original() -> None:
    chat, _ = make_chat()
    ref = await chat.post("en", Post("copy", reply_to=MessageRef("slack", "C1", "1")))
    assert chat.to_json(chat.message(ref.id))["original"] is None  # type: ignore[arg-type]


async def test_the_dispatchers_translation_notices_become_marks() -> None:
    chat, _ = make_chat()
    original = chat.record_inbound("web:marc-dubois", "Marc Dubois", "fr", "Bonjour à tous")
    machine = await chat.post("en", Post(f"Hello everyone\n_{render('translate.notice.machine', 'en')}_",
                                         author=Author("Marc Dubois"), reply_to=original))
    kept = await chat.post("es", Post(f"Bonjour à tous\n_{render('translate.notice.untranslated', 'es')}_",
                                      author=Author("Marc Dubois"), reply_to=original))
    en = chat.to_json(chat.message(machine.id))  # type: ignore[arg-type]
    assert (en["text"], en["notice"], en["untranslated"]) == ("Hello everyone", "Machine translation", False)
    es = chat.to_json(chat.message(kept.id))  # type: ignore[arg-type]
    assert es["text"] == "Bonjour à tous" and es["untranslated"] is True
    assert es["original"]["text"] == "Bonjour à tous"

"""ChatTranslator end to end: real deepl library, loopback fake, virtual time for windows and deadlines."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.adapters.translation.glossary import Glossary
from bot.app.ports.translation import Status
from bot.app.translation.service import ChatTranslator, notice_key
from bot.domain.grammar import parse
from bot.testing.timing import VirtualWaits
from tests.adapters.translation.conftest import make_deepl
from tests.fakes.deepl_server import FakeDeepL


class Chairs:
    """Records what the chairs were told (the real notifier posts to the chairs' channel)."""

    def __init__(self) -> None:
        self.told: list[tuple[str, dict[str, Any]]] = []

    async def __call__(self, message_key: str, **values: Any) -> None:
        self.told.append((message_key, values))


@pytest.fixture
def chairs() -> Chairs:
    return Chairs()


@pytest.fixture
async def chat(
    fake_deepl: FakeDeepL, glossary: Glossary, virtual: VirtualWaits, chairs: Chairs
) -> AsyncIterator[ChatTranslator]:
    service = ChatTranslator(make_deepl(fake_deepl, glossary), notify_chairs=chairs, waits=virtual)
    await service.start()
    yield service
    fake_deepl.unhang()
    await service.aclose()


async def _run(virtual: VirtualWaits, *coroutines: Any) -> list[Any]:
    """Start the messages, let the batching window (and any burst spacing) pass, collect the results."""
    tasks = [asyncio.ensure_future(c) for c in coroutines]
    await virtual.advance(1.0)
    return list(await asyncio.gather(*tasks))


async def test_translates_into_the_other_event_languages_only(
    chat: ChatTranslator, virtual: VirtualWaits, fake_deepl: FakeDeepL
) -> None:
    [message] = await _run(virtual, chat.translate_message("thanks and hello", channel_lang="en"))
    assert message.source_lang == "en"
    assert set(message.translations) == {"fr", "es"}
    assert message.translations["fr"].text == "[FR] merci et bonjour"
    assert message.translations["es"].text == "[ES] gracias y hola"
    assert {b["target_lang"] for b in fake_deepl.translate_bodies} == {"FR", "ES"}

    [two] = await _run(virtual, chat.translate_message("merci", channel_lang="fr", event_languages=["en", "fr"]))
    assert set(two.translations) == {"en"} and two.translations["en"].text == "[EN-GB] thanks"


async def test_source_is_channel_then_author_then_detected(chat: ChatTranslator) -> None:
    text = "Muchas gracias a todos por esta presentación tan interesante"
    assert chat.source_language(text, channel_lang="fr", author_lang="en", event_languages=["en", "fr", "es"]) == "fr"
    assert chat.source_language(text, channel_lang=None, author_lang="en", event_languages=["en", "fr", "es"]) == "en"
    assert chat.source_language(text, channel_lang=None, author_lang=None, event_languages=["en", "fr", "es"]) == "es"
    # a declared language outside the event's is ignored
    assert chat.source_language(text, channel_lang=None, author_lang="fr", event_languages=["en", "es"]) == "es"


async def test_unsure_detection_leaves_the_source_to_deepl(
    chat: ChatTranslator, virtual: VirtualWaits, fake_deepl: FakeDeepL
) -> None:
    [message] = await _run(virtual, chat.translate_message("hola"))
    assert message.source_lang is None
    assert set(message.translations) == {"en", "fr", "es"}
    assert all("source_lang" not in b and "glossary_id" not in b for b in fake_deepl.translate_bodies)


async def test_commands_and_wordless_messages_are_never_sent(
    chat: ChatTranslator, virtual: VirtualWaits, fake_deepl: FakeDeepL
) -> None:
    texts = ["q+", "main levée", "pido la palabra", "/floor", ":+1:", "👏👏", "https://www.ohchr.org/b-tech", "<@U1>"]
    # The edge parses the grammar once and tells the translator which messages are commands.
    results = await _run(virtual, *(chat.translate_message(t, channel_lang="en", is_command=parse(t) is not None)
                                    for t in texts))
    for text, message in zip(texts, results, strict=True):
        assert all(t.status is Status.NOT_NEEDED and t.text == text for t in message.translations.values())
    assert fake_deepl.translate_calls == 0


async def test_a_repeated_text_costs_nothing(
    chat: ChatTranslator, virtual: VirtualWaits, fake_deepl: FakeDeepL
) -> None:
    [first] = await _run(virtual, chat.translate_message("thanks a lot", channel_lang="en"))
    calls = fake_deepl.translate_calls
    [again] = await _run(virtual, chat.translate_message("thanks a lot", channel_lang="en"))
    assert fake_deepl.translate_calls == calls
    assert again.translations["fr"].text == first.translations["fr"].text
    assert again.billed_characters == 0 and all(t.cached for t in again.translations.values())
    # and the same text arriving twice in one burst is sent once
    await _run(virtual, *(chat.translate_message("we agree", channel_lang="en") for _ in range(3)))
    sent = [text for body in fake_deepl.translate_bodies for text in body["text"]]
    assert sent.count("we agree") == 2  # once per target language


async def test_a_burst_becomes_one_request_per_target(
    chat: ChatTranslator, virtual: VirtualWaits, fake_deepl: FakeDeepL
) -> None:
    burst = [chat.translate_message(f"good point number {i}", channel_lang="en",
                                    context=["hello", f"before {i}"]) for i in range(30)]
    results = await _run(virtual, *burst)
    assert all(m.translations["fr"].status is Status.TRANSLATED for m in results)
    assert fake_deepl.translate_calls == 2
    assert all(len(b["text"]) == 30 for b in fake_deepl.translate_bodies)
    assert all(b["context"] == "hello\nbefore 0" for b in fake_deepl.translate_bodies)


async def test_nothing_is_sent_before_the_window_ends(
    chat: ChatTranslator, virtual: VirtualWaits, fake_deepl: FakeDeepL
) -> None:
    task = asyncio.ensure_future(chat.translate_message("hello", channel_lang="en"))
    await virtual.advance(0.05)
    assert fake_deepl.translate_calls == 0 and not task.done()
    await virtual.advance(0.05)
    await task
    assert fake_deepl.translate_calls == 2


async def test_a_batch_leaves_the_moment_the_previous_request_returns(
    chat: ChatTranslator, virtual: VirtualWaits, fake_deepl: FakeDeepL
) -> None:
    fake_deepl.hang()  # a slow DeepL: the first request is out for as long as the test says
    first = asyncio.ensure_future(chat.translate_message("hello", channel_lang="en", event_languages=["en", "fr"]))
    await virtual.advance(0.1)
    assert await asyncio.to_thread(fake_deepl.arrived.acquire, True, 10)
    second = asyncio.ensure_future(chat.translate_message("thanks", channel_lang="en", event_languages=["en", "fr"]))
    third = asyncio.ensure_future(chat.translate_message("we agree", channel_lang="en", event_languages=["en", "fr"]))
    await virtual.advance(5.0)
    assert fake_deepl.translate_calls == 1 and not second.done()  # they wait for the request out, not a clock
    stamp = virtual.now()
    fake_deepl.unhang()
    await asyncio.gather(first, second, third)
    assert virtual.now() == stamp  # no interval, no window: the gathered batch left at once
    assert fake_deepl.translate_calls == 2
    assert fake_deepl.translate_bodies[-1]["text"] == ["thanks", "we agree"]


async def test_a_quiet_chat_is_never_held_back(
    chat: ChatTranslator, virtual: VirtualWaits, fake_deepl: FakeDeepL
) -> None:
    for n, text in enumerate(["hello", "thanks", "we agree", "good morning"]):
        task = asyncio.ensure_future(chat.translate_message(text, channel_lang="en", event_languages=["en", "fr"]))
        await virtual.advance(0.1)
        message = await task  # each one only waited its 100 ms window, whatever came just before
        assert message.translations["fr"].translated and fake_deepl.translate_calls == n + 1


async def test_a_full_batch_leaves_at_once_within_deepls_limits(
    chat: ChatTranslator, virtual: VirtualWaits, fake_deepl: FakeDeepL
) -> None:
    fake_deepl.hang()
    first = asyncio.ensure_future(chat.translate_message("hello", channel_lang="en", event_languages=["en", "fr"]))
    await virtual.advance(0.1)
    assert await asyncio.to_thread(fake_deepl.arrived.acquire, True, 10)
    many = [asyncio.ensure_future(chat.translate_message(f"point {n}", channel_lang="en", event_languages=["en", "fr"]))
            for n in range(60)]
    # 50 texts are a full request: it leaves while the first is still out; the other 10 wait for a return
    assert await asyncio.to_thread(fake_deepl.arrived.acquire, True, 10)
    assert [len(b["text"]) for b in fake_deepl.translate_bodies] == [1, 50]
    fake_deepl.unhang()
    await asyncio.gather(first, *many)
    assert await asyncio.to_thread(fake_deepl.arrived.acquire, True, 10)  # the third request's arrival
    assert [len(b["text"]) for b in fake_deepl.translate_bodies] == [1, 50, 10]
    long = "word " * 10_000  # 50 KB each: three do not fit one request's 128 KiB
    fake_deepl.hang()
    head = asyncio.ensure_future(chat.translate_message("thanks", channel_lang="en", event_languages=["en", "fr"]))
    await virtual.advance(0.1)
    assert await asyncio.to_thread(fake_deepl.arrived.acquire, True, 10)
    bulky = [asyncio.ensure_future(chat.translate_message(long + str(n), channel_lang="en",
                                                          event_languages=["en", "fr"])) for n in range(3)]
    assert await asyncio.to_thread(fake_deepl.arrived.acquire, True, 10)  # two filled a request: it left
    fake_deepl.unhang()
    results = await asyncio.gather(head, *bulky)
    assert [len(b["text"]) for b in fake_deepl.translate_bodies[3:]] == [1, 2, 1]
    assert all(m.translations["fr"].translated for m in results)


async def test_deadline_returns_the_original_marked_unavailable(
    chat: ChatTranslator, virtual: VirtualWaits, fake_deepl: FakeDeepL
) -> None:
    fake_deepl.hang()
    task = asyncio.ensure_future(chat.translate_message("hello", channel_lang="en"))
    await virtual.advance(0.1)
    for _ in range(2):  # both target requests reached the hanging server
        assert await asyncio.to_thread(fake_deepl.arrived.acquire, True, 10)
    assert not task.done()
    await virtual.advance(20)
    message = await task
    for translation in message.translations.values():
        assert translation.status is Status.UNAVAILABLE and translation.text == "hello"
        assert notice_key(translation.status) == "translate.notice.unavailable"


async def test_quota_exhaustion_tells_the_chairs_once(
    chat: ChatTranslator, virtual: VirtualWaits, fake_deepl: FakeDeepL, chairs: Chairs
) -> None:
    fake_deepl.quota_exceeded = True
    for text in ("hello", "thanks", "good morning"):
        [message] = await _run(virtual, chat.translate_message(text, channel_lang="en"))
        assert all(t.status is Status.QUOTA_EXHAUSTED and t.text == text for t in message.translations.values())
    assert chairs.told == [("translate.chairs.quota_exhausted", {"backend": "deepl"})]
    # the first message's two targets may both have been in flight; nothing was sent after the 456
    assert fake_deepl.translate_calls in (1, 2)


async def test_low_quota_at_start_is_reported(fake_deepl: FakeDeepL, chairs: Chairs, virtual: VirtualWaits) -> None:
    fake_deepl.character_count = fake_deepl.character_limit - 1000
    service = ChatTranslator(make_deepl(fake_deepl), notify_chairs=chairs, waits=virtual)
    await service.start(expected_characters=50_000)
    assert chairs.told == [("translate.chairs.quota_low",
                            {"remaining": 1000, "limit": fake_deepl.character_limit, "expected": 50_000})]
    chairs.told.clear()
    fake_deepl.character_count = 0
    await service.start(expected_characters=50_000)
    assert chairs.told == []
    await service.aclose()


async def test_without_a_backend_nothing_waits(virtual: VirtualWaits) -> None:
    from bot.adapters.translation.none import NoTranslator

    service = ChatTranslator(NoTranslator(), waits=virtual)
    message = await service.translate_message("hello", channel_lang="en")  # no time passes at all
    assert {lang: t.status for lang, t in message.translations.items()} == {
        "fr": Status.UNTRANSLATED, "es": Status.UNTRANSLATED}
    assert notice_key(Status.UNTRANSLATED) == "translate.notice.untranslated"
    await service.aclose()

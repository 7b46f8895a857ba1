"""A spent DeepL quota (HTTP 456): what still fits is translated, and translation resumes by itself once the
quota is topped up. Real deepl library, the loopback fake's quota and /v2/usage, virtual time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.app.ports.translation import Status
from bot.app.translation.quota import POLL_INTERVAL
from bot.app.translation.service import ChatTranslator, MessageTranslations
from bot.testing.timing import VirtualWaits
from tests.adapters.translation.conftest import make_deepl
from tests.adapters.translation.test_service import Chairs
from tests.fakes.deepl_server import FakeDeepL

LONG = "a much longer message that cannot fit what is left"  # 50 characters


@pytest.fixture
def chairs() -> Chairs:
    return Chairs()


@pytest.fixture
async def chat(fake_deepl: FakeDeepL, virtual: VirtualWaits, chairs: Chairs) -> AsyncIterator[ChatTranslator]:
    service = ChatTranslator(make_deepl(fake_deepl), notify_chairs=chairs, waits=virtual)
    await service.start()
    yield service
    await service.aclose()


async def _burst(virtual: VirtualWaits, chat: ChatTranslator, *texts: str) -> list[MessageTranslations]:
    """Messages arriving together (one batch per target), English into French only."""
    tasks = [asyncio.ensure_future(chat.translate_message(t, channel_lang="en", event_languages=["en", "fr"]))
             for t in texts]
    await virtual.advance(0.1)
    return list(await asyncio.gather(*tasks))


def _statuses(messages: list[MessageTranslations]) -> list[Status]:
    return [m.translations["fr"].status for m in messages]


def _usage_reads(fake: FakeDeepL) -> int:
    return sum(1 for method, path, _ in fake.requests if (method, path) == ("GET", "/v2/usage"))


async def test_after_a_refused_batch_the_texts_that_still_fit_are_translated(
    chat: ChatTranslator, virtual: VirtualWaits, fake_deepl: FakeDeepL
) -> None:
    fake_deepl.character_count = fake_deepl.character_limit - 20  # 20 characters left
    messages = await _burst(virtual, chat, LONG, "thanks", "we agree")
    assert _statuses(messages) == [Status.QUOTA_EXHAUSTED, Status.TRANSLATED, Status.TRANSLATED]
    assert messages[1].translations["fr"].text == "[FR] merci"
    assert messages[0].translations["fr"].text == LONG  # the original, marked
    # the batch, then text by text shortest first; the long one is not tried: usage said it cannot fit
    assert [b["text"] for b in fake_deepl.translate_bodies] == [[LONG, "thanks", "we agree"], ["thanks"], ["we agree"]]
    assert fake_deepl.character_count == fake_deepl.character_limit - 20 + len("thanks") + len("we agree")
    before = fake_deepl.translate_calls
    [later] = await _burst(virtual, chat, LONG + "!")  # still cannot fit: refused here, without a request
    assert _statuses([later]) == [Status.QUOTA_EXHAUSTED] and fake_deepl.translate_calls == before
    [short] = await _burst(virtual, chat, "yes")  # still fits
    assert _statuses([short]) == [Status.TRANSLATED]


async def test_translation_resumes_when_the_quota_is_topped_up(
    chat: ChatTranslator, virtual: VirtualWaits, fake_deepl: FakeDeepL, chairs: Chairs
) -> None:
    fake_deepl.quota_exceeded = True
    assert _statuses(await _burst(virtual, chat, "hello", "thanks")) == [Status.QUOTA_EXHAUSTED] * 2
    assert chairs.told == [("translate.chairs.quota_exhausted", {"backend": "deepl"})]
    reads = _usage_reads(fake_deepl)
    await virtual.advance(POLL_INTERVAL / 2)
    assert _statuses(await _burst(virtual, chat, "good morning")) == [Status.QUOTA_EXHAUSTED]
    assert _usage_reads(fake_deepl) == reads  # not polled more often than the interval
    fake_deepl.top_up(100_000)
    assert _statuses(await _burst(virtual, chat, "we agree")) == [Status.QUOTA_EXHAUSTED]  # not known yet
    await virtual.advance(POLL_INTERVAL)
    calls = fake_deepl.translate_calls
    messages = await _burst(virtual, chat, "we agree", "good morning", "see the link")
    assert _statuses(messages) == [Status.TRANSLATED] * 3  # one batch again, no restart
    assert fake_deepl.translate_calls == calls + 1 and _usage_reads(fake_deepl) == reads + 1
    assert chairs.told[-1] == ("translate.chairs.quota_restored", {"backend": "deepl"})
    # spent again later: the chairs hear of it again
    fake_deepl.quota_exceeded = True
    await _burst(virtual, chat, "please")
    assert [key for key, _ in chairs.told].count("translate.chairs.quota_exhausted") == 2


async def test_an_unreadable_usage_still_lets_what_fits_through(
    chat: ChatTranslator, virtual: VirtualWaits, fake_deepl: FakeDeepL
) -> None:
    fake_deepl.character_count = fake_deepl.character_limit - 10
    fake_deepl.fail_next(503, times=10, path="/v2/usage")  # every try of the usage read fails
    messages = await _burst(virtual, chat, LONG, "thanks")
    assert _statuses(messages) == [Status.QUOTA_EXHAUSTED, Status.TRANSLATED]
    # text by text, shortest first; the refused batch (56 characters) less "thanks" leaves no room for the long one
    assert [b["text"] for b in fake_deepl.translate_bodies] == [[LONG, "thanks"], ["thanks"]]

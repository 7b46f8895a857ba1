"""LibreTranslate and none adapters, and choosing the backend from the settings."""

from __future__ import annotations

import asyncio
import logging

import pytest
from pydantic import SecretStr

from bot.adapters.translation.deepl import DeepLTranslator
from bot.adapters.translation.factory import translator_from_settings
from bot.adapters.translation.libretranslate import LibreTranslateTranslator
from bot.adapters.translation.none import NoTranslator
from bot.app.ports.translation import SourceText, Status, TranslatorAuthError
from bot.config.settings import Settings
from tests.fakes.deepl_server import FakeDeepL
from tests.fakes.libretranslate_server import FakeLibreTranslate


async def test_libretranslate_translates_a_batch_and_keeps_entities(fake_libre: FakeLibreTranslate) -> None:
    translator = LibreTranslateTranslator(fake_libre.url)
    await translator.start()
    fake_libre.requests.clear()
    results = await translator.translate(
        [SourceText("hello <@U1> :wave:", "en"), SourceText("thanks https://x.org/a", None), SourceText("👍", "en")],
        "es",
    )
    await translator.aclose()
    assert [r.text for r in results] == ["[ES] hola <@U1> :wave:", "[ES] gracias https://x.org/a", "👍"]
    assert [r.status for r in results] == [Status.TRANSLATED, Status.TRANSLATED, Status.NOT_NEEDED]
    assert results[1].detected_source == "en"
    [first, second] = fake_libre.requests[-2:]
    assert first["format"] == "html" and first["source"] == "en" and first["target"] == "es"
    assert first["q"] == ['hello <x i="0"/> <x i="1"/>'] and second["source"] == "auto"


async def test_libretranslate_key_is_sent_and_a_refusal_is_clear(
    fake_libre: FakeLibreTranslate, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_libre.api_key = "right-key"
    wrong = LibreTranslateTranslator(fake_libre.url, api_key=SecretStr("canary-wrong-key"))
    try:
        with pytest.raises(TranslatorAuthError, match="LIBRETRANSLATE_API_KEY"):
            await wrong.start()
        result, = await wrong.translate([SourceText("hello", "en")], "fr")
    finally:
        await wrong.aclose()
    assert result.status is Status.UNAVAILABLE and result.text == "hello"
    assert "canary-wrong-key" not in caplog.text
    right = LibreTranslateTranslator(fake_libre.url, api_key=SecretStr("right-key"))
    result, = await right.translate([SourceText("hello", "en")], "fr")
    assert result.text == "[FR] bonjour"
    await right.aclose()


async def test_libretranslate_down_means_unavailable(fake_libre: FakeLibreTranslate) -> None:
    fake_libre.fail_with = 500
    translator = LibreTranslateTranslator(fake_libre.url)
    result, = await translator.translate([SourceText("hello", "en")], "fr")
    assert result.status is Status.UNAVAILABLE and result.text == "hello"
    await translator.aclose()


async def test_no_translator_marks_originals_untranslated() -> None:
    translator = NoTranslator()
    results = await translator.translate(
        [SourceText("hello", "en"), SourceText(":+1:", "en"), SourceText("hola", "es")], "es"
    )
    assert [r.status for r in results] == [Status.UNTRANSLATED, Status.NOT_NEEDED, Status.NOT_NEEDED]
    assert [r.text for r in results] == ["hello", ":+1:", "hola"]


def test_backend_is_chosen_from_the_settings(fake_deepl: FakeDeepL) -> None:
    canary = "canary-deepl-key-42:fx"
    deepl_first = translator_from_settings(Settings(
        _env_file=None, deepl_auth_key=SecretStr(canary), deepl_server_url=fake_deepl.url,  # type: ignore[call-arg]
        libretranslate_url="http://127.0.0.1:1"))
    assert isinstance(deepl_first, DeepLTranslator)
    assert fake_deepl.url in deepl_first.describe() and canary not in deepl_first.describe()
    libre = translator_from_settings(Settings(_env_file=None, libretranslate_url="http://127.0.0.1:1"))  # type: ignore[call-arg]
    assert isinstance(libre, LibreTranslateTranslator) and "LibreTranslate" in libre.describe()
    asyncio.run(libre.aclose())
    none = translator_from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    assert isinstance(none, NoTranslator) and "no machine translation" in none.describe()


async def test_libretranslate_down_at_start_is_not_fatal() -> None:
    translator = LibreTranslateTranslator("http://127.0.0.1:9")  # nothing listens on the discard port
    await translator.start()
    result, = await translator.translate([SourceText("hello", "en")], "fr")
    assert result.status is Status.UNAVAILABLE
    await translator.aclose()

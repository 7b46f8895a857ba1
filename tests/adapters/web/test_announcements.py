"""A chair's announcement in three languages: one field per audience in the console, prefilled by machine
translation through the glossary (the loopback DeepL) and editable; `/floor announce` takes the same road;
what goes out untranslated says so."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from bot.config.settings import Settings
from tests.adapters.web.conftest import Stack, build_stack
from tests.adapters.web.test_console_api import join
from tests.fakes.deepl_server import FakeDeepL, running_fake_deepl

# "State duty to protect human rights" is a glossary row: the fake applies glossary entries before its words.
ENGLISH = "The State duty to protect human rights is the question."
FRENCH_TERM = "obligation de protéger les droits de l'homme incombant à l'État"
SPANISH_TERM = "deber del Estado de proteger los derechos humanos"


@pytest.fixture
def fake_deepl() -> Iterator[FakeDeepL]:
    with running_fake_deepl() as fake:
        yield fake


@pytest.fixture
async def deepl_stack(tmp_path: Path, fake_deepl: FakeDeepL) -> AsyncGenerator[Stack, None]:
    settings = Settings(_env_file=None, deepl_auth_key=SecretStr(fake_deepl.auth_key),  # type: ignore[call-arg]
                        deepl_server_url=fake_deepl.url)
    built = await build_stack(tmp_path / "console.sqlite", settings=settings)
    assert built.bot.translator is not None
    await built.bot.translator.start()  # syncs the glossary to the fake, as start-up does
    yield built
    await built.bot.close()


@pytest.fixture
async def deepl_client(deepl_stack: Stack) -> AsyncGenerator[httpx.AsyncClient, None]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=deepl_stack.app),
                                 base_url="http://127.0.0.1") as test_client:
        yield test_client


def _announced(stack: Stack, lang: str) -> list[str]:
    return [m.text for m in stack.chat.history("web:x", lang) if m.kind == "announce" and "📣" in m.text]


async def test_an_english_announcement_reaches_french_and_spanish_readers_through_the_glossary(
    deepl_client: httpx.AsyncClient, deepl_stack: Stack, fake_deepl: FakeDeepL
) -> None:
    await join(deepl_client, person="lene-wendland", lang="en")
    sent = await deepl_client.post("/api/floor", json={"action": "announce", "texts": {"en": ENGLISH}})
    assert sent.status_code == 200, sent.text
    [en], [fr], [es] = (_announced(deepl_stack, lang) for lang in ("en", "fr", "es"))
    assert ENGLISH in en and "_" not in en  # the chair's own text, no notice
    assert FRENCH_TERM in fr and fr.endswith("_Traduction automatique_")
    assert SPANISH_TERM in es and es.endswith("_Traducción automática_")
    assert len(fake_deepl.glossaries) == 1 and fake_deepl.translate_calls >= 2


async def test_the_console_prefills_the_other_fields_and_sends_what_the_chair_edited(
    deepl_client: httpx.AsyncClient, deepl_stack: Stack
) -> None:
    await join(deepl_client, person="lene-wendland", lang="en")
    draft = await deepl_client.post("/api/announce/draft", json={"text": ENGLISH, "lang": "en"})
    assert draft.status_code == 200, draft.text
    texts = draft.json()["texts"]
    assert set(texts) == {"fr", "es"} and FRENCH_TERM in texts["fr"] and SPANISH_TERM in texts["es"]
    edited = {"en": ENGLISH, "fr": texts["fr"] + " (relu)", "es": texts["es"]}
    assert (await deepl_client.post("/api/floor", json={"action": "announce", "texts": edited})).status_code == 200
    [fr] = _announced(deepl_stack, "fr")
    assert fr.endswith("(relu)")  # the chair's edit, sent as written: no machine-translation notice
    [es] = _announced(deepl_stack, "es")
    assert "Traducción automática" not in es


async def test_only_chairs_may_prepare_an_announcement(deepl_client: httpx.AsyncClient) -> None:
    assert (await deepl_client.post("/api/announce/draft", json={"text": "x"})).status_code == 401
    await join(deepl_client, person="kwame-mensah", lang="en")
    refused = await deepl_client.post("/api/announce/draft", json={"text": ENGLISH})
    assert refused.status_code == 403 and refused.json()["error"] == "console.announce.chairs_only"


async def test_without_a_translator_each_audience_gets_its_own_text(client: httpx.AsyncClient, stack: Stack) -> None:
    await join(client, person="lene-wendland", lang="en")
    draft = await client.post("/api/announce/draft", json={"text": "We resume at 15:00."})
    assert draft.status_code == 200 and draft.json()["texts"] is None  # the page says to write each language
    texts = {"en": "We resume at 15:00.", "fr": "Reprise à 15\u00a0h\u00a000.", "es": "Reanudamos a las 15:00."}
    assert (await client.post("/api/floor", json={"action": "announce", "texts": texts})).status_code == 200
    for lang, text in texts.items():
        [shown] = _announced(stack, lang)
        assert shown.endswith(text), lang
        assert not stack.chat.to_json(stack.chat.history("web:x", lang)[-1])["untranslated"], lang


async def test_without_a_translator_a_missing_language_gets_the_text_marked_untranslated(
    client: httpx.AsyncClient, stack: Stack
) -> None:
    await join(client, person="lene-wendland", lang="en")
    texts = {"en": "We resume at 15:00.", "fr": "Reprise à 15\u00a0h\u00a000."}
    assert (await client.post("/api/floor", json={"action": "announce", "texts": texts})).status_code == 200
    [es] = _announced(stack, "es")
    assert "We resume at 15:00." in es and es.endswith("_(sin traducir)_")
    assert stack.chat.to_json(stack.chat.history("web:x", "es")[-1])["untranslated"]
    [fr] = _announced(stack, "fr")
    assert "(non traduit)" not in fr


async def test_floor_announce_is_translated_the_same_way(deepl_client: httpx.AsyncClient, deepl_stack: Stack) -> None:
    await join(deepl_client, person="lene-wendland", lang="en")
    typed = await deepl_client.post("/api/message", json={"text": f"/floor announce {ENGLISH}"})
    assert typed.status_code == 200, typed.text
    [fr] = _announced(deepl_stack, "fr")
    assert FRENCH_TERM in fr and fr.endswith("_Traduction automatique_")


@pytest.mark.parametrize("texts", [{}, {"en": "  "}, {"de": "Hallo"}, {"en": 3}, {"en": "x" * 2001}, ["en"]])
async def test_bad_announcement_fields_are_refused(client: httpx.AsyncClient, texts: object) -> None:
    await join(client, person="lene-wendland", lang="en")
    response = await client.post("/api/floor", json={"action": "announce", "texts": texts})
    assert response.status_code == 400


async def test_a_spent_quota_still_delivers_the_announcement_marked_and_tells_the_chairs(
    deepl_client: httpx.AsyncClient, deepl_stack: Stack, fake_deepl: FakeDeepL
) -> None:
    fake_deepl.quota_exceeded = True
    await join(deepl_client, person="lene-wendland", lang="en")
    draft = await deepl_client.post("/api/announce/draft", json={"text": ENGLISH, "lang": "en"})
    assert draft.status_code == 200 and draft.json()["texts"] == {}  # nothing to prefill: the chair writes
    sent = await deepl_client.post("/api/floor", json={"action": "announce", "texts": {"en": ENGLISH}})
    assert sent.status_code == 200
    [fr] = _announced(deepl_stack, "fr")
    assert ENGLISH in fr and fr.endswith("_Traduction indisponible\u00a0: message original affiché._")
    chairs = [m.text for m in deepl_stack.chat.history("web:lene-wendland", "en", chair=True) if m.kind == "announce"]
    assert any("translation quota is used up" in text for text in chairs)

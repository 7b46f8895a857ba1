"""The DeepL adapter against the loopback fake, through the real deepl library."""

from __future__ import annotations

import logging

import pytest

from bot.adapters.translation.deepl import DeepLTranslator
from bot.adapters.translation.glossary import Glossary, Term
from bot.app.ports.translation import SourceText, Status, TranslatorAuthError
from bot.testing.timing import VirtualWaits
from tests.adapters.translation.conftest import make_deepl
from tests.fakes.deepl_server import MAX_BODY, FakeDeepL


async def test_request_carries_target_variant_formality_and_tag_handling(fake_deepl: FakeDeepL) -> None:
    translator = make_deepl(fake_deepl)
    await translator.translate([SourceText("hello", "fr")], "en")
    await translator.translate([SourceText("hello", "en")], "fr")
    await translator.translate([SourceText("hello", "en")], "es")
    to_en, to_fr, to_es = fake_deepl.translate_bodies
    assert to_en["target_lang"] == "EN-GB" and "formality" not in to_en
    assert to_fr["target_lang"] == "FR" and to_fr["formality"] == "prefer_more"
    assert to_es["target_lang"] == "ES" and to_es["formality"] == "prefer_more"
    for body in (to_en, to_fr, to_es):
        assert body["tag_handling"] == "xml" and body["ignore_tags"] == ["x"]


async def test_glossary_is_created_once_reused_and_replaced_when_it_changes(
    fake_deepl: FakeDeepL, glossary: Glossary
) -> None:
    first = make_deepl(fake_deepl, glossary)
    await first.start()
    assert len(fake_deepl.glossaries) == 1
    [created] = fake_deepl.glossaries.values()
    assert created.name == f"floorbot-{glossary.content_hash}"
    assert len(created.dictionaries) == 6  # every ordered pair of en/fr/es

    again = make_deepl(fake_deepl, glossary)
    await again.start()
    assert again.glossary_id == first.glossary_id
    posts = [r for r in fake_deepl.requests if r[0] == "POST" and r[1] == "/v3/glossaries"]
    assert len(posts) == 1

    changed = glossary.extended(Glossary((Term("floor time", "temps de parole", "tiempo de palabra"),)))
    third = make_deepl(fake_deepl, changed)
    await third.start()
    assert list(fake_deepl.glossaries) == [third.glossary_id]
    assert fake_deepl.glossaries[third.glossary_id].name == f"floorbot-{changed.content_hash}"
    assert ("DELETE", f"/v3/glossaries/{first.glossary_id}", {}) in fake_deepl.requests


async def test_glossary_gives_the_official_terms_when_the_source_is_known(
    fake_deepl: FakeDeepL, glossary: Glossary
) -> None:
    translator = make_deepl(fake_deepl, glossary)
    await translator.start()
    text = "The State duty to protect and human rights due diligence, and access to remedy"
    fr, = await translator.translate([SourceText(text, "en")], "fr")
    es, = await translator.translate([SourceText(text, "en")], "es")
    assert "obligation de protéger incombant à l'État" in fr.text
    assert "diligence raisonnable en matière de droits de l'homme" in fr.text
    assert "accès à des voies de recours" in fr.text
    assert "deber del Estado de proteger" in es.text
    assert "debida diligencia en materia de derechos humanos" in es.text
    assert "acceso a mecanismos de reparación" in es.text
    back, = await translator.translate(
        [SourceText("la diligence raisonnable en matière de droits de l'homme", "fr")], "en"
    )
    assert "human rights due diligence" in back.text
    assert all(body["glossary_id"] == translator.glossary_id for body in fake_deepl.translate_bodies)


async def test_no_glossary_without_a_source_language(fake_deepl: FakeDeepL, glossary: Glossary) -> None:
    translator = make_deepl(fake_deepl, glossary)
    await translator.start()
    result, = await translator.translate([SourceText("human rights due diligence", None)], "fr")
    assert result.status is Status.TRANSLATED and result.detected_source == "en"
    assert "glossary_id" not in fake_deepl.translate_bodies[-1]


async def test_batches_are_chunked_within_deepl_limits(fake_deepl: FakeDeepL) -> None:
    translator = make_deepl(fake_deepl)
    results = await translator.translate([SourceText(f"hello number {i}", "en") for i in range(120)], "fr")
    assert [r.text for r in results] == [f"[FR] bonjour number {i}" for i in range(120)]
    assert [len(b["text"]) for b in fake_deepl.translate_bodies] == [50, 50, 20]

    fake_deepl.translate_bodies.clear()
    big = "word " * 6000  # 30 kB each: four do not fit in 128 KiB
    results = await translator.translate([SourceText(big + str(i), "en") for i in range(8)], "fr")
    assert all(r.status is Status.TRANSLATED for r in results)
    assert len(fake_deepl.translate_bodies) >= 2
    assert all(len(str(b["text"]).encode()) < MAX_BODY for b in fake_deepl.translate_bodies)


async def test_texts_already_in_the_target_or_without_words_cost_nothing(fake_deepl: FakeDeepL) -> None:
    translator = make_deepl(fake_deepl)
    results = await translator.translate([SourceText("bonjour", "fr"), SourceText(":+1: https://x.org", "en")], "fr")
    assert [r.status for r in results] == [Status.NOT_NEEDED, Status.NOT_NEEDED]
    assert fake_deepl.translate_calls == 0


async def test_429_and_5xx_are_retried_with_backoff(fake_deepl: FakeDeepL, instant: VirtualWaits) -> None:
    fake_deepl.fail_next(429)
    fake_deepl.fail_next(503)
    translator = make_deepl(fake_deepl, waits=instant)
    result, = await translator.translate([SourceText("thanks", "en")], "es")
    assert result.status is Status.TRANSLATED and result.text == "[ES] gracias"
    assert fake_deepl.translate_calls == 3
    assert instant.slept == [0.5, 1.0]


async def test_retries_are_bounded(fake_deepl: FakeDeepL, instant: VirtualWaits) -> None:
    fake_deepl.fail_next(500, times=10)
    translator = make_deepl(fake_deepl, waits=instant, attempts=3)
    result, = await translator.translate([SourceText("thanks", "en")], "es")
    assert result.status is Status.UNAVAILABLE and result.text == "thanks"
    assert fake_deepl.translate_calls == 3


async def test_retries_stop_at_the_time_budget(fake_deepl: FakeDeepL, instant: VirtualWaits) -> None:
    fake_deepl.fail_next(429, times=10)
    translator = make_deepl(fake_deepl, waits=instant, attempts=10, first_delay=2.0, budget=5.0)
    result, = await translator.translate([SourceText("thanks", "en")], "fr")
    assert result.status is Status.UNAVAILABLE
    assert sum(instant.slept) <= 5.0
    assert fake_deepl.translate_calls == 2  # 2 s, then 4 s more would pass the 5 s budget


async def test_quota_exhausted_is_reported_per_call_and_never_retried(
    fake_deepl: FakeDeepL, instant: VirtualWaits
) -> None:
    fake_deepl.character_count = fake_deepl.character_limit - 5  # "hello" fits, "thanks" does not
    translator = make_deepl(fake_deepl, waits=instant)
    first, = await translator.translate([SourceText("thanks", "en")], "fr")
    assert first.status is Status.QUOTA_EXHAUSTED and first.text == "thanks"
    assert fake_deepl.translate_calls == 1  # 456 is never retried
    assert "quota exhausted" in translator.describe()
    # what to try after a refusal is the quota guard's call (bot/app/translation/quota.py), not the adapter's
    second, = await translator.translate([SourceText("hello", "en")], "es")
    assert second.status is Status.TRANSLATED and fake_deepl.character_count == fake_deepl.character_limit
    assert "quota exhausted" not in translator.describe()


async def test_wrong_key_is_a_clear_error_without_the_key(
    fake_deepl: FakeDeepL, glossary: Glossary, caplog: pytest.LogCaptureFixture
) -> None:
    from pydantic import SecretStr

    caplog.set_level(logging.DEBUG)
    secret = "canary-secret-0123456789:fx"
    translator = DeepLTranslator(SecretStr(secret), server_url=fake_deepl.url, glossary=glossary,
                                 waits=VirtualWaits(instant=True))
    with pytest.raises(TranslatorAuthError) as refused:
        await translator.start()
    assert "403" in str(refused.value) and "DEEPL_AUTH_KEY" in str(refused.value)
    assert secret not in str(refused.value)
    result, = await translator.translate([SourceText("hello", "en")], "fr")
    assert result.status is Status.UNAVAILABLE
    assert secret not in caplog.text
    assert secret not in repr(translator.describe())


async def test_usage_is_read(fake_deepl: FakeDeepL) -> None:
    fake_deepl.character_count = 1234
    usage = await make_deepl(fake_deepl).usage()
    assert usage is not None and usage.remaining == fake_deepl.character_limit - 1234


async def test_markup_is_not_billed(fake_deepl: FakeDeepL) -> None:
    translator = make_deepl(fake_deepl)
    result, = await translator.translate(
        [SourceText("hello <https://www.ohchr.org/en/business|the page> :wave:", "en")], "fr"
    )
    assert result.text == "[FR] bonjour <https://www.ohchr.org/en/business|the page> :wave:"
    assert result.billed_characters == len("hello  ")


def test_fake_accepts_form_bodies_as_older_clients_send_them(fake_deepl: FakeDeepL) -> None:
    import requests

    response = requests.post(
        f"{fake_deepl.url}/v2/translate",
        data={"text": ["hello", "thanks"], "target_lang": "ES", "source_lang": "EN"},
        headers={"Authorization": f"DeepL-Auth-Key {fake_deepl.auth_key}"},
        timeout=5,
    )
    assert response.status_code == 200
    assert [t["text"] for t in response.json()["translations"]] == ["[ES] hola", "[ES] gracias"]
    assert requests.get(f"{fake_deepl.url}/v2/usage", timeout=5).status_code == 403  # no key


async def test_the_key_never_reaches_the_logs(
    fake_deepl: FakeDeepL, glossary: Glossary, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_deepl.auth_key = "canary-good-key-9876:fx"
    fake_deepl.fail_next(503)
    translator = make_deepl(fake_deepl, glossary)
    await translator.start()
    await translator.usage()
    result, = await translator.translate([SourceText("hello", "en")], "fr")
    assert result.translated
    assert "DeepL API" in caplog.text  # the library did log at DEBUG
    assert "canary-good-key-9876" not in caplog.text
    assert "canary-good-key-9876" not in translator.describe()


async def test_deepl_down_at_start_is_not_fatal_and_the_glossary_follows(
    fake_deepl: FakeDeepL, glossary: Glossary, instant: VirtualWaits
) -> None:
    fake_deepl.fail_next(503, times=4)  # every attempt of the start-up sync
    translator = make_deepl(fake_deepl, glossary, waits=instant)
    await translator.start()
    assert translator.glossary_id is None and fake_deepl.glossaries == {}
    await instant.advance(61)  # the next sync attempt is due
    result, = await translator.translate([SourceText("human rights due diligence", "en")], "fr")
    assert result.text == "[FR] diligence raisonnable en matière de droits de l'homme"
    assert translator.glossary_id is not None

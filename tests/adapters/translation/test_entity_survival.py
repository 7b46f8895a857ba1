"""Property: through the real deepl library and the fake server, every entity survives exactly,
or the original comes back whole with its status. Never half a translation."""

from __future__ import annotations

import asyncio
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.adapters.translation.libretranslate import LibreTranslateTranslator
from bot.app.ports.translation import SourceText, Status, Translation
from bot.app.translation.entities import find_entities
from tests.adapters.translation.conftest import make_deepl
from tests.fakes.deepl_server import FakeDeepL
from tests.fakes.libretranslate_server import FakeLibreTranslate

ENTITIES = st.sampled_from([
    "<@U0LENE>", "<#C01FR|francais>", "<!here>", "<!channel>", "<!subteam^S1|@chairs>",
    "<https://www.ohchr.org/en/business|UNGPs & B-Tech>", "https://ohchr.org/b-tech?x=1&y=2", "www.ohchr.org/fr",
    ":wave:", ":+1:", ":raised_hand::skin-tone-2:", "👍", "🙋🏽‍♀️", "🇪🇸", "`q+`", "`a < b && c`",
    "```\nfor x in y:\n    print(x)\n```",
])
WORDS = st.sampled_from([
    "hello", "thanks", "the", "State", "duty", "to", "protect", "human", "rights", "due", "diligence",
    "remedy", "agree", "question", "&", "<", ">", "\"quoted\"", "l'État", "¿sí?", "a", "is", "link",
])
SEPARATORS = st.sampled_from([" ", " ", " ", "", "\n", ", ", " (", ") "])
MESSAGE = st.lists(st.tuples(st.one_of(ENTITIES, WORDS), SEPARATORS), min_size=1, max_size=12).map(
    lambda parts: "".join(token + sep for token, sep in parts).strip() or "hello"
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(message=MESSAGE, lang=st.sampled_from(["en", "fr", "es", None]), target=st.sampled_from(["en", "fr", "es"]))
def test_entities_survive_or_the_original_is_kept(
    fake_deepl: FakeDeepL, message: str, lang: str | None, target: str
) -> None:
    translator = make_deepl(fake_deepl)
    [result] = asyncio.run(translator.translate([SourceText(message, lang)], target))  # type: ignore[list-item]
    if result.status is Status.TRANSLATED:
        assert Counter(find_entities(result.text)) == Counter(find_entities(message))
        for entity in find_entities(message):
            assert entity in result.text
        assert result.text.startswith(f"[{'EN-GB' if target == 'en' else target.upper()}] ")
    else:
        assert result.status in (Status.NOT_NEEDED,)
        assert result.text == message


def test_a_backend_that_drops_an_entity_yields_the_whole_original(fake_deepl: FakeDeepL) -> None:
    fake_deepl.mangle = lambda text: text.replace('<x i="0"/>', "")
    translator = make_deepl(fake_deepl)
    [result] = asyncio.run(translator.translate([SourceText("hello <@U1> and thanks <@U2>", "en")], "fr"))
    assert result.status is Status.ENTITY_MISMATCH
    assert result.text == "hello <@U1> and thanks <@U2>"


def test_a_backend_that_duplicates_an_entity_yields_the_whole_original(fake_deepl: FakeDeepL) -> None:
    fake_deepl.mangle = lambda text: text + ' <x i="0"/>'
    translator = make_deepl(fake_deepl)
    [result] = asyncio.run(translator.translate([SourceText("hello <@U1>", "en")], "es"))
    assert result.status is Status.ENTITY_MISMATCH
    assert result.text == "hello <@U1>"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(message=MESSAGE, target=st.sampled_from(["en", "fr", "es"]))
def test_entities_survive_libretranslate_too(fake_libre: FakeLibreTranslate, message: str, target: str) -> None:
    async def run() -> Translation:
        translator = LibreTranslateTranslator(fake_libre.url)
        try:
            [result] = await translator.translate([SourceText(message, "en")], target)  # type: ignore[list-item]
        finally:
            await translator.aclose()
        return result

    result = asyncio.run(run())
    if result.status is Status.TRANSLATED:
        assert Counter(find_entities(result.text)) == Counter(find_entities(message))
    else:
        assert result.status is Status.NOT_NEEDED and result.text == message

"""Entity placeholders: what is protected, and that nothing comes back half-translated."""

from __future__ import annotations

import pytest

from bot.app.translation.entities import find_entities, is_trivial, protect, restore

SAMPLE = (
    "Hi <@U123ABC> & <!here>: see <https://ohchr.org/b-tech|the B-Tech page> or https://x.org/a?b=1. "
    ":+1: :raised_hand::skin-tone-3: 👍🏽 🇫🇷 `code <b>` ```\nblock\n``` <#C01EN|general> at 10:30: ok"
)


def test_every_kind_of_entity_is_found() -> None:
    assert find_entities(SAMPLE) == [
        "<@U123ABC>", "<!here>", "<https://ohchr.org/b-tech|the B-Tech page>", "https://x.org/a?b=1",
        ":+1:", ":raised_hand::skin-tone-3:", "👍🏽", "🇫🇷", "`code <b>`", "```\nblock\n```", "<#C01EN|general>",
    ]


def test_protect_makes_empty_placeholders_and_escapes_the_rest() -> None:
    protected = protect("a < b & <@U1> wins")
    assert protected.xml == 'a &lt; b &amp; <x i="0"/> wins'
    assert protected.entities == ("<@U1>",)
    assert restore(protected.xml, protected) == "a < b & <@U1> wins"


def test_restore_accepts_reordered_and_expanded_placeholders() -> None:
    protected = protect("<@U1> thanks <@U2>")
    assert restore('merci <x i="1"></x> et <x i="0"/>', protected) == "merci <@U2> et <@U1>"


@pytest.mark.parametrize(
    "translated",
    [
        "merci",  # both lost
        'merci <x i="0"/>',  # one lost
        '<x i="0"/> <x i="0"/> <x i="1"/>',  # duplicated
        '<x i="0"/> <x i="1"/> <x i="2"/>',  # invented
        '<x i="0"/> <b>gras</b> <x i="1"/>',  # foreign markup
    ],
)
def test_restore_refuses_anything_but_each_placeholder_exactly_once(translated: str) -> None:
    assert restore(translated, protect("<@U1> thanks <@U2>")) is None


def test_times_and_ratios_are_not_emoji_codes() -> None:
    assert find_entities("meet at 10:30: then 3:2: ratio") == []


@pytest.mark.parametrize(
    ("text", "trivial"),
    [
        (":+1:", True),
        ("👍🏽👍", True),
        ("https://www.ohchr.org/en/business", True),
        ("<@U1> <!here>", True),
        ("`q+`", True),
        ("+1", True),
        ("ok 👍", False),
        ("merci <@U1>", False),
    ],
)
def test_trivial_messages_have_no_words_left(text: str, trivial: bool) -> None:
    assert is_trivial(text) is trivial

"""The one formatter localizes the values a message carries: counts, moments, places, plurals (CLDR)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import formats
from bot.i18n.board import board_text
from bot.i18n.texts import CatalogTexts


def test_counts_in_a_message_take_the_readers_digit_grouping() -> None:
    values = {"remaining": 12_500, "limit": 500_000, "expected": 40_000}
    en = formats.message("translate.chairs.quota_low", "en", **values)
    fr = formats.message("translate.chairs.quota_low", "fr", **values)
    es = formats.message("translate.chairs.quota_low", "es", **values)
    assert "12,500 characters left out of 500,000" in en
    assert "il reste 12\u202f500 caractères sur 500\u202f000" in fr
    assert "quedan 12.500 caracteres de 500.000" in es


def test_a_moment_in_a_message_is_a_time_of_day_in_its_own_zone() -> None:
    at = datetime(2022, 3, 7, 8, 0, tzinfo=UTC).astimezone(ZoneInfo("Europe/Zurich"))
    texts = CatalogTexts()
    assert texts.render("conductor.not_posted_cue", "en", cue="x", time=at) == "x (09:00)"
    assert texts.render("conductor.not_posted_cue", "fr", cue="x", time=at) == "x (09\u00a0h\u00a000)"


def test_clock_to_the_second() -> None:
    at = datetime(2022, 3, 7, 10, 53, 20, tzinfo=ZoneInfo("Europe/Zurich"))
    assert formats.clock(at, "en", seconds=True) == "10:53:20"
    assert formats.clock(at, "fr", seconds=True) == "10\u00a0h\u00a053\u00a0min\u00a020\u00a0s"
    assert formats.clock(at, "es", seconds=True) == "10:53:20"


@pytest.mark.parametrize(("lang", "zero", "one", "two"), [
    ("en", "0 minutes", "1 minute", "2 minutes"),
    ("fr", "0 minute", "1 minute", "2 minutes"),
    ("es", "0 minutos", "1 minuto", "2 minutos"),
])
def test_cldr_plurals_french_zero_is_singular(lang: str, zero: str, one: str, two: str) -> None:
    assert [formats.unit(n, "minute", lang) for n in (0, 1, 2)] == [zero, one, two]
    assert formats.duration(timedelta(0), lang) == formats.unit(0, "second", lang)


def test_cldr_ordinals() -> None:
    assert [formats.ordinal(n, "fr") for n in (1, 2, 21)] == ["1re", "2e", "21e"]
    assert [formats.ordinal(n, "es") for n in (1, 2, 21)] == ["1.º", "2.º", "21.º"]
    assert [formats.ordinal(n, "en") for n in (1, 2, 3, 11)] == ["1st", "2nd", "3rd", "11th"]


class _Person:
    name, group_name, language = "Ana", {"en": "States", "fr": "États", "es": "Estados"}, "es"


class _Speaking:
    who = _Person()
    until = datetime(2022, 3, 7, 9, 53, 20, tzinfo=UTC)


class _Board:
    discussion, title, timezone, is_open = "s1", {"en": "S1", "fr": "S1", "es": "S1"}, "Europe/Zurich", True
    speaking, queue, languages, controls, budgets = _Speaking(), (), ("en", "fr", "es"), (), ()


def test_the_chairs_board_shows_when_a_turn_ends_through_the_formatter() -> None:
    assert "jusqu'à 10\u00a0h\u00a053\u00a0min\u00a020\u00a0s" in board_text(_Board(), "fr")
    assert "until 10:53:20" in board_text(_Board(), "en")

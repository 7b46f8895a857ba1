"""The one formatter (bot/i18n/formats.py): CLDR plurals and ordinals, waits, durations, dates."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import formats


@pytest.mark.parametrize(
    ("n", "en", "fr", "es"),
    [(1, "1st", "1re", "1.º"), (2, "2nd", "2e", "2.º"), (3, "3rd", "3e", "3.º"), (4, "4th", "4e", "4.º"),
     (11, "11th", "11e", "11.º"), (12, "12th", "12e", "12.º"), (13, "13th", "13e", "13.º"),
     (21, "21st", "21e", "21.º"), (22, "22nd", "22e", "22.º"), (101, "101st", "101e", "101.º"),
     (111, "111th", "111e", "111.º")],
)
def test_ordinals_follow_cldr_and_agree_with_the_messages_noun(n: int, en: str, fr: str, es: str) -> None:
    assert (formats.ordinal(n, "en"), formats.ordinal(n, "fr"), formats.ordinal(n, "es")) == (en, fr, es)


def test_french_zero_and_one_are_singular_english_zero_is_plural() -> None:
    assert formats.plural_key("format.wait.minutes", 0, "fr") == "format.wait.minutes.one"
    assert formats.plural_key("format.wait.minutes", 1, "fr") == "format.wait.minutes.one"
    assert formats.plural_key("format.wait.minutes", 0, "en") == "format.wait.minutes.other"
    assert formats.plural_key("format.wait.minutes", 1_000_000, "es") == "format.wait.minutes.many"
    assert formats.unit(0, "minute", "fr") == "0 minute"
    assert formats.unit(0, "minute", "en") == "0 minutes"


def test_counts_are_written_the_languages_way() -> None:
    assert formats.render_count("format.wait.minutes", "fr", 1_000_000) == "dans 1\u202f000\u202f000 de minutes environ"
    assert formats.render_count("format.wait.minutes", "en", 3) == "in about 3 minutes"


def test_one_wait_rule_for_chat_and_console() -> None:
    assert formats.wait(timedelta(0), "en") == "any moment now"
    assert formats.wait(timedelta(seconds=-5), "es") == "en cualquier momento"
    assert formats.wait(timedelta(seconds=20), "fr") == "dans moins d'une minute"
    assert formats.wait(timedelta(seconds=20), "fr", short=True) == "moins d'une minute"
    assert formats.wait(timedelta(seconds=30), "fr") == "dans moins d'une minute"
    assert formats.wait(timedelta(seconds=70), "es") == "dentro de un minuto aproximadamente"
    assert formats.wait(timedelta(seconds=70), "es", short=True) == "aprox. 1 min"
    assert formats.wait(timedelta(minutes=9, seconds=10), "en") == "in about 9 minutes"
    assert formats.wait(timedelta(minutes=9, seconds=40), "en", short=True) == "about 10 min"


def test_durations() -> None:
    assert formats.duration(timedelta(minutes=1, seconds=30), "en") == "1 minute and 30 seconds"
    assert formats.duration(timedelta(seconds=150), "en", short=True) == "2 min 30 s"
    assert formats.duration(timedelta(minutes=3), "fr") == "3 minutes"
    assert formats.duration(timedelta(seconds=30), "es") == "30 segundos"
    assert formats.duration(timedelta(minutes=1), "es") == "1 minuto"
    assert formats.duration(timedelta(seconds=-3), "en") == "0 seconds"


def test_clock_and_dates() -> None:
    at = datetime(2022, 3, 7, 15, 5, tzinfo=ZoneInfo("Europe/Zurich"))
    assert [formats.clock(at, lang) for lang in ("en", "fr", "es")] == ["15:05", "15\u00a0h\u00a005", "15:05"]
    assert formats.clock(time(9, 0), "fr") == "09\u00a0h\u00a000"
    assert formats.long_date(date(2022, 3, 7), "en") == "Monday 7 March 2022"
    assert formats.long_date(date(2022, 3, 7), "fr") == "lundi 7 mars 2022"
    assert formats.long_date(date(2022, 3, 7), "es") == "lunes 7 de marzo de 2022"


def test_one_lookup_picks_the_plural_variant_for_the_readers_language() -> None:
    key = "floor.why.absent_ahead"
    assert formats.message(key, "en", count=1).startswith("One person ahead of you is not in the meeting")
    assert formats.message(key, "fr", count=2).startswith("2 personnes devant vous")
    assert formats.message(key, "es", count=1_000_000).startswith("Delante de usted hay 1.000.000 de personas")
    assert formats.message("floor.why.fifo", "en") == "Requests are taken in the order they were made."

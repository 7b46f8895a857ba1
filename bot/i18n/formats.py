"""One formatter for the values every surface shows: ordinals, waits, durations, counts and dates.

The rules come from CLDR through Babel, the wording from the catalogs (prompts/<lang>/format.yaml):
- Plurals: a message with variants is a group whose keys are CLDR plural categories (``.one``, ``.other``,
  and ``.many`` where the language has it: fr and es). `plural_key` picks the variant with Babel's rules,
  so French reads "0 minute" (0 and 1 are singular in French) and English "0 minutes".
- Ordinals: CLDR's ordinal categories (en one/two/few/other: 1st 2nd 3rd 4th 11th 21st). A French or Spanish
  ordinal agrees in gender with its noun; every message that shows a place uses one noun per language, so
  the form is fixed in that language's `format.ordinal`: French "en 1re position" (feminine), Spanish
  "su turno es el 1.º" (masculine). A message with a noun of the other gender needs its own ordinal group.
- Waits are rounded to the nearest minute, since the estimate is only ever approximate: no wait at all is
  "now", under a minute "in less than a minute", then minutes. One rule for chat and the console; the
  console's table uses the short wording of the same rule.
- Durations and dates use CLDR's unit names ("3 minutes", "30 secondes") and date patterns.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal
from babel.units import format_unit

from bot.i18n.catalog import has, render


@lru_cache(maxsize=8)
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def plural_key(key: str, count: int, lang: str) -> str:
    """The variant of the plural group `key` that CLDR's rules pick for `count` in `lang`."""
    return f"{key}.{_locale(lang).plural_form(abs(count))}"


def number(value: int, lang: str) -> str:
    """A count written the language's way ("1,000", "1 000", "1000")."""
    return format_decimal(value, locale=lang)


def render_count(key: str, lang: str, count: int, /, **values: object) -> str:
    """The plural group `key` rendered for `count`; ``{count}`` is filled with the count."""
    return render(plural_key(key, count, lang), lang, count=number(count, lang), **values)


def localized(value: object, lang: str) -> object:
    """A value as the reader's language writes it: a count with its digit grouping ("1 000", "1,000"), a moment
    as a time of day ("15 h 00"); text and everything else as given."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return number(value, lang)
    if isinstance(value, datetime | time):
        return clock(value, lang)
    return value


def message(key: str, lang: str, /, **values: object) -> str:
    """The one lookup: the message `key` in `lang`, or, when `key` is a plural group, its variant for
    ``values["count"]`` (so a message built before its reader's language is known needs no variant). Counts
    and moments among the values are localized (`localized`), so callers pass them as they are."""
    count = values.get("count")
    shown = {k: localized(v, lang) for k, v in values.items() if k != "count"}
    if isinstance(count, int) and has(f"{key}.other"):
        return render_count(key, lang, count, **shown)
    if "count" in values:
        shown["count"] = localized(count, lang)
    return render(key, lang, **shown)


def ordinal(n: int, lang: str) -> str:
    """A place on a list: 1st, 2nd, 3rd, 11th; fr "1re", "2e"; es "1.º" (gender: see the module's docstring)."""
    return render(f"format.ordinal.{_locale(lang).ordinal_form(n)}", lang, n=n)


def wait(span: timedelta, lang: str, *, short: bool = False) -> str:
    """How long until someone's turn: "any moment now", "in less than a minute", "in about 3 minutes"."""
    seconds = span.total_seconds()
    return _wait("now" if seconds <= 0 else "under_a_minute" if seconds < 60 else round(seconds / 60),
                 lang, short)


@lru_cache(maxsize=4096)
def _wait(bucket: str | int, lang: str, short: bool) -> str:
    # Cached: a list of 1,000 shows 1,000 waits, and only the rounded minutes change the text.
    key = "format.wait_short" if short else "format.wait"
    if isinstance(bucket, str):
        return render(f"{key}.{bucket}", lang)
    return render_count(f"{key}.minutes", lang, bucket)


def unit(count: int, name: Literal["minute", "second", "hour"], lang: str) -> str:
    """ "1 minute", "3 minutes", "0 minute" (fr), "30 segundos": CLDR's unit names with its plural rules.

    CLDR's French data puts a no-break space before some units and not others; the catalogs write a plain
    space between a number and its word, so the unit does too (the same text whatever the unit)."""
    text = format_unit(count, f"duration-{name}", length="long", locale=lang)
    return text.replace("\u00a0", " ")  # the digit groups' narrow no-break spaces (U+202F) stay


def stopwatch(span: timedelta) -> str:
    """A speaking time as a stopwatch shows it, M:SS or H:MM:SS: compact, and the same in every language."""
    seconds = max(0, int(span.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def file_size(size: int, lang: str) -> str:
    """ "10 MB", "2,5 ko": a file's size in decimal units (as the schedule's `max_size` writes them)."""
    unit, scale = ("digital-megabyte", 1_000_000) if size >= 1_000_000 else ("digital-kilobyte", 1_000)
    value = round(size / scale, 1)
    text = format_unit(int(value) if value == int(value) else value, unit, length="short", locale=lang)
    return text.replace("\u00a0", " ")


def duration(span: timedelta, lang: str, *, short: bool = False) -> str:
    """A speaking time: "3 minutes", "30 seconds"; minutes and seconds as "1 minute and 30 seconds", or
    "1 min 30 s" when `short` (a notice read while speaking)."""
    minutes, seconds = divmod(max(0, int(span.total_seconds())), 60)
    if minutes and seconds:
        if short:
            return render("format.duration.minutes_seconds_short", lang, minutes=minutes, seconds=seconds)
        return render("format.duration.minutes_seconds", lang,
                      minutes=unit(minutes, "minute", lang), seconds=unit(seconds, "second", lang))
    return unit(minutes, "minute", lang) if minutes else unit(seconds, "second", lang)


def clock(at: datetime | time, lang: str, *, seconds: bool = False) -> str:
    """A time of day on a 24-hour clock, in `at`'s own zone: "15:00", fr "15 h 00" (no-break spaces), or to the
    second: "15:00:20", fr "15 h 00 min 20 s" (the patterns are the catalog's)."""
    return format_time(at, render("format.clock_seconds" if seconds else "format.clock", lang), locale=lang)


def long_date(day: date, lang: str) -> str:
    """ "Monday 7 March 2022", "lundi 7 mars 2022", "lunes 7 de marzo de 2022"."""
    return format_date(day, render("format.long_date", lang), locale=lang)

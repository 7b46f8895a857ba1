"""Durations as people write them, in the schedule and in chat: units as letters or words, within a day."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.domain.durations import DURATION_PATTERN, parse_duration


@pytest.mark.parametrize(("text", "expected"), [
    ("3m", timedelta(minutes=3)), ("10 min", timedelta(minutes=10)), ("10 minutes", timedelta(minutes=10)),
    ("1 minute", timedelta(minutes=1)), ("5 mins", timedelta(minutes=5)), ("30s", timedelta(seconds=30)),
    ("45 sec", timedelta(seconds=45)), ("30 seconds", timedelta(seconds=30)), ("1h30m", timedelta(minutes=90)),
    ("1 hour 30 minutes", timedelta(minutes=90)), ("2 hours", timedelta(hours=2)), ("1 hr", timedelta(hours=1)),
    ("10 Minutes", timedelta(minutes=10)), ("24h", timedelta(hours=24)), (7, timedelta(minutes=7)),
])
def test_units_as_letters_or_words(text: str | int, expected: timedelta) -> None:
    assert parse_duration(text) == expected
    if isinstance(text, str):
        assert re.match(DURATION_PATTERN, text), "the JSON Schema accepts what the loader accepts"


@pytest.mark.parametrize("text", ["10 minutess", "ten minutes", "1 day", "m", "", "3 m 2 h"])
def test_not_durations(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration"):
        parse_duration(text)
    assert not re.match(DURATION_PATTERN, text) or text == "", text


@pytest.mark.parametrize("value", ["99999999999m", "25h", 10**20, 1e300, -5])
def test_out_of_range_is_an_error_not_an_overflow(value: object) -> None:
    with pytest.raises(ValueError, match="between 0 and 24h"):
        parse_duration(value)

"""What an event's chat costs in machine translation, from a rehearsal's scenario (the one estimate:
bot/app/translation/volume.py), and the account's quota."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.app.ports.translation import Translator, TranslatorError, Usage
from bot.app.translation.volume import expected_characters
from bot.config.model import Schedule
from bot.rehearsal.scenario import Do, Scenario

USAGE_TIMEOUT = 10.0  # seconds: a rehearsal never hangs on an unreachable translator


def chat_characters(scenario: Scenario | None, schedule: Schedule) -> int:
    """The characters the event's chat would bill: the scenario's messages, or without a scenario the
    sessions' rough volume (what `floorbot check` holds the quota against)."""
    if scenario is None:
        return expected_characters(schedule)
    return expected_characters(schedule, (a.text or "" for a in scenario.actions if a.do is Do.SAY))


@dataclass(frozen=True)
class Quota:
    usage: Usage | None = None
    error: str | None = None  # why the quota could not be read


async def read_quota(translator: Translator) -> Quota:
    """The account's quota, or why it is unknown (a refused key, no network): never raises."""
    try:
        return Quota(await asyncio.wait_for(translator.usage(), USAGE_TIMEOUT))
    except (TranslatorError, TimeoutError) as error:
        return Quota(error=type(error).__name__ if not str(error) else str(error))

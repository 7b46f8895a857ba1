"""What an event's chat costs in machine translation, from a rehearsal's scenario, and the account's quota.

DeepL bills the characters of the source text once per target language (the context lines it is given are
free), so a message costs its length times the event's other languages; what needs no translation (emoji,
links, mentions, floor commands) costs nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from bot.app.ports.translation import Translator, TranslatorError, Usage
from bot.app.translation.entities import is_trivial
from bot.rehearsal.scenario import Do, Scenario

USAGE_TIMEOUT = 10.0  # seconds: a rehearsal never hangs on an unreachable translator


def chat_characters(scenario: Scenario | None, languages: Sequence[str]) -> int:
    """The characters the scenario's chat would bill: each message to translate, once per other language."""
    if scenario is None:
        return 0
    others = max(0, len(set(languages)) - 1)
    return sum(len(a.text or "") * others for a in scenario.actions
               if a.do is Do.SAY and a.text and not is_trivial(a.text))


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

"""The one estimate of what an event's chat bills in machine translation (`floorbot check`, `floorbot rehearse`).

DeepL bills the characters of the source text once per target language (the context lines it is given are
free), so the chat costs its characters times the event's other languages; what needs no translation (emoji,
links, mentions, floor commands) costs nothing. The chat's characters are the messages when a rehearsal's
scenario says them, else a rough volume for the sessions' minutes (breaks are not counted).
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.app.translation.entities import is_trivial
from bot.config.model import Schedule
from bot.domain.schedule import ItemKind

# Chat during the event's sessions, in source characters per minute: busy consultations reach it, most stay
# well below, so the estimate errs on the side of enough quota.
CHARACTERS_PER_MINUTE = 300


def session_minutes(schedule: Schedule) -> int:
    return max(0, sum((item.end.hour * 60 + item.end.minute) - (item.start.hour * 60 + item.start.minute)
                      for day in schedule.days for item in day.items if item.kind is not ItemKind.BREAK))


def expected_characters(schedule: Schedule, messages: Iterable[str] | None = None) -> int:
    """The characters the event's chat would bill: `messages` (a scenario's chat), or without them
    CHARACTERS_PER_MINUTE for each session minute, each once per other language of the event."""
    others = max(0, len(set(schedule.event.languages)) - 1)
    if messages is None:
        return session_minutes(schedule) * CHARACTERS_PER_MINUTE * others
    return sum(len(text) for text in messages if text and not is_trivial(text)) * others


__all__ = ["CHARACTERS_PER_MINUTE", "expected_characters", "session_minutes"]

"""What every use case reads about the running event: the schedule, its languages and groups, its people."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.app.clock import Clock
from bot.app.people import People
from bot.app.ports.chat import ChatPort
from bot.app.ports.texts import Texts
from bot.app.ports.translation import LANGS, Lang
from bot.config.model import Item, Schedule, Text
from bot.domain.floor.policy import FloorPolicy


@dataclass
class EventContext:
    schedule: Schedule
    chat: ChatPort
    clock: Clock
    people: People
    texts: Texts
    present: Callable[[], frozenset[str] | None] = lambda: None  # who is in the meeting (Zoom presence)
    policy: FloorPolicy = field(init=False)
    languages: list[str] = field(init=False)
    groups: Mapping[str, Text] = field(init=False)

    def __post_init__(self) -> None:
        self.policy = FloorPolicy.from_schedule(self.schedule.floor)
        self.languages = [str(lang) for lang in self.schedule.event.languages]
        self.groups = self.schedule.group_names()

    def item(self, item_id: str | None) -> Item | None:
        if item_id is None:
            return None
        try:
            return self.schedule.item(item_id)
        except KeyError:
            return None

    def langs(self) -> list[Lang]:
        return [lang for lang in (as_lang(code) for code in self.languages) if lang is not None]

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.schedule.event.timezone)


def as_lang(code: str | None) -> Lang | None:
    for lang in LANGS:
        if code == lang:
            return lang
    return None

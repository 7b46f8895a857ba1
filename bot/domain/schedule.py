"""The schedule as the domain reads it: the few facts the rules need, stated as Protocols.

The schedule file's pydantic models (bot.config.model) satisfy these structurally, so callers pass a
loaded `Schedule` as it is, while the domain depends on no file format, validation library or i18n.
Properties, not attributes: the domain only reads, and the models are frozen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from datetime import time, timedelta
from enum import StrEnum
from typing import Protocol

from bot.domain.floor.policy import FloorRules


class ItemKind(StrEnum):
    OPENING = "opening"
    SESSION = "session"
    BREAK = "break"
    CLOSING = "closing"


class ListedPerson(Protocol):
    """A person of the schedule, as platforms recognise them."""

    @property
    def slack(self) -> str | None: ...
    @property
    def email(self) -> str | None: ...


class PanelPlan(Protocol):
    @property
    def speakers(self) -> Sequence[str]: ...
    @property
    def minutes_each(self) -> timedelta | None: ...


class DiscussionPlan(Protocol):
    @property
    def start(self) -> time | None: ...
    @property
    def questions(self) -> Sequence[object]: ...
    @property
    def every(self) -> timedelta | None: ...


class AgendaItem(Protocol):
    """One item of a day; `start` and `end` are on the event's clock (see agenda/wall_time.py)."""

    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> ItemKind: ...
    @property
    def start(self) -> time: ...
    @property
    def end(self) -> time: ...
    @property
    def within(self) -> str | None: ...
    @property
    def all_chairs(self) -> Sequence[str]: ...
    @property
    def speakers(self) -> Sequence[str]: ...
    @property
    def panel(self) -> PanelPlan | None: ...
    @property
    def discussion(self) -> DiscussionPlan | None: ...
    @property
    def background(self) -> Sequence[object]: ...
    @property
    def join_url(self) -> str | None: ...


class AgendaDay(Protocol):
    @property
    def date(self) -> dt.date: ...
    @property
    def items(self) -> Sequence[AgendaItem]: ...


class InputsPlan(Protocol):
    """When written inputs close (the deadline's `until` minute), and the reminders before it."""

    @property
    def deadline(self) -> dt.date: ...
    @property
    def until(self) -> time: ...
    @property
    def reminders(self) -> Sequence[timedelta]: ...


class AgendaEvent(Protocol):
    @property
    def timezone(self) -> str: ...
    @property
    def written_inputs(self) -> InputsPlan | None: ...
    @property
    def join_url(self) -> str | None: ...
    @property
    def organizers(self) -> Sequence[str]: ...


class SessionFloorRules(FloorRules, Protocol):
    """The list's rules, plus when the run of show makes the last call."""

    @property
    def last_call_before(self) -> timedelta: ...


class ReminderRules(Protocol):
    @property
    def before_day(self) -> timedelta: ...
    @property
    def before_session(self) -> timedelta: ...


class Agenda(Protocol):
    """The whole event: its clock, its people, its days, its rules."""

    @property
    def event(self) -> AgendaEvent: ...
    @property
    def floor(self) -> SessionFloorRules: ...
    @property
    def reminders(self) -> ReminderRules: ...
    @property
    def people(self) -> Mapping[str, ListedPerson]: ...
    @property
    def days(self) -> Sequence[AgendaDay]: ...

    def item(self, item_id: str) -> AgendaItem:
        """The item with this id; KeyError if there is none."""
        ...

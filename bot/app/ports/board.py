"""The chairs' board as data: who speaks, who waits, in what order; each surface renders it in its language.

Names of things that have a name per language (the item's title, a stakeholder group) travel as `Text`
({lang: text}); the surface picks its readers' language. `controls` are the chair verbs offered as buttons.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

Text = Mapping[str, str]  # {lang: text}, as in the schedule

BOARD_CONTROLS: tuple[tuple[str, str], ...] = (
    ("next", "primary"), ("skip", ""), ("stop", ""), ("extend", ""), ("close", "danger"), ("open", ""),
    ("question", ""),
)  # (verb, style)


@dataclass(frozen=True)
class BoardPerson:
    name: str
    group: str  # the group id, for surfaces that show it as such
    group_name: Text
    language: str  # the language they speak in (a code)


@dataclass(frozen=True)
class BoardSpeaker:
    who: BoardPerson
    until: datetime  # aware; shown on the event's clock


@dataclass(frozen=True)
class BoardEntry:
    place: int  # 1-based
    who: BoardPerson
    kind: str  # RequestKind value
    note: str | None = None


@dataclass(frozen=True)
class BudgetUse:
    """One stakeholder group's floor time in this discussion, against its budget when one is set."""

    group: str
    group_name: Text
    used: timedelta
    budget: timedelta | None = None

    @property
    def remaining(self) -> timedelta | None:
        return None if self.budget is None else max(timedelta(0), self.budget - self.used)


@dataclass(frozen=True)
class BoardView:
    discussion: str  # the item id: one live board per discussion
    title: Text
    timezone: str  # IANA name of the event's clock
    is_open: bool
    speaking: BoardSpeaker | None
    queue: tuple[BoardEntry, ...]
    languages: tuple[str, ...] = ("en",)  # the event's languages, the chairs' working language first
    controls: tuple[tuple[str, str], ...] = BOARD_CONTROLS
    budgets: tuple[BudgetUse, ...] = ()  # floor time per group so far (and what its budget leaves)

    @property
    def next_language(self) -> str | None:
        return self.queue[0].who.language if self.queue else None

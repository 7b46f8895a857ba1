"""What the web console shows, as plain data, and the read-model protocol that supplies it.

The console never reaches into the floor service, the store or the conductor: the runtime implements
`ConsoleModel` from the real services and the console only renders what it gets. Texts that come from the
schedule are `Localized` maps ({lang: text}); the console picks the reader's language with `pick`.
Every datetime is aware (UTC is fine; the browser converts for display).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from bot.app.booth_signals import BoothSignal, Sent
from bot.app.booths import BoothView
from bot.app.ports.board import BudgetUse

Localized = Mapping[str, str]  # {"en": ..., "fr": ..., "es": ...}; may hold only some languages


def pick(text: Localized | str | None, lang: str) -> str:
    """The text in `lang`, else English, else any language given."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    for choice in (lang, "en"):
        if choice in text:
            return text[choice]
    return next(iter(text.values()), "")


class CueStatus(StrEnum):
    """What the conductor's ledger says about one cue of the run of show."""

    POSTED = "posted"
    LATE = "late"  # posted, but after its time (e.g. recovered after a restart)
    MISSED = "missed"  # its time passed beyond the grace period and it was not posted
    PENDING = "pending"  # not due yet
    SKIPPED = "skipped"  # cut short by a chair (a panel turn or the panel ended early)


@dataclass(frozen=True)
class EventView:
    id: str
    title: Localized
    timezone: str  # IANA zone of the agenda, e.g. Europe/Zurich
    timezone_label: str | None = None  # how the agenda names it, e.g. CET
    languages: Sequence[str] = ("en", "fr", "es")
    groups: Mapping[str, Localized] = field(default_factory=dict)  # stakeholder group id -> name


@dataclass(frozen=True)
class PersonView:
    """Someone from the schedule, as offered in the console's "sign in as" list."""

    id: str  # the schedule's person id; the console's user id is `web:<id>`
    name: str
    group: str  # stakeholder group id
    language: str
    role: Localized | None = None


@dataclass(frozen=True)
class Powers:
    """What the server will accept from this user; the page hides what would be refused."""

    chair: bool = False  # chair verbs in the current discussion
    organizer: bool = False  # the run of show and its ledger


@dataclass(frozen=True)
class RequestView:
    """One pending request in the list of speakers, in serving order."""

    request_id: str
    person: str  # canonical person key
    name: str
    group: str  # stakeholder group id
    language: str  # the language they will speak ("floor language")
    kind: str  # point-of-order | clarifying | reply | new
    note: str | None
    requested_at: datetime
    place: int  # 1-based
    estimated_wait_seconds: int
    over_budget: bool = False
    absent: bool = False


@dataclass(frozen=True)
class TimerView:
    """The current speaker's clock: the browser counts down to `ends_at` locally."""

    person: str
    name: str
    group: str
    language: str
    kind: str
    started_at: datetime
    ends_at: datetime
    warn_at: datetime | None = None


@dataclass(frozen=True)
class FloorView:
    discussion: str | None  # the item id of the open discussion; None when no discussion is running
    title: Localized = field(default_factory=dict)
    is_open: bool = False  # the list accepts new requests (points of order are accepted anyway)
    speaking: TimerView | None = None
    queue: Sequence[RequestView] = ()
    budgets: Sequence[BudgetUse] = ()  # floor time per stakeholder group (chairs see it)
    version: int = 0  # the list's version: the stream's "state" events carry it, so a page refetches on change

    @property
    def next_language(self) -> str | None:
        """The floor language of the next speaker: what the interpreters need to know first."""
        return self.queue[0].language if self.queue else None


@dataclass(frozen=True)
class PlaceView:
    """Where one person stands: their request's place and the explanation of it."""

    place: int
    estimated_wait_seconds: int
    kind: str
    reasons: Sequence[str] = ()  # already rendered in the reader's language


@dataclass(frozen=True)
class QuestionView:
    number: int  # 1-based
    total: int
    text: Localized
    points: Sequence[Localized] = ()


@dataclass(frozen=True)
class CueView:
    """One line of the run of show."""

    at: datetime
    kind: str  # the cue kind, e.g. item-open, question, floor-open, reminder
    item: str  # item id
    title: Localized
    state: CueStatus = CueStatus.PENDING
    id: str = ""  # the cue's id in the ledger (what `/floor repost` takes)
    planned_at: datetime | None = None  # its time in the plan, when a chair's change moved it (`at`: now)


class ConsoleModel(Protocol):
    """The read side the console needs; implemented by the runtime from the real services."""

    async def event(self) -> EventView: ...

    async def people(self) -> Sequence[PersonView]: ...

    async def person_key(self, user_id: str) -> str:
        """The canonical person key of a console user (the key `RequestView.person` and `TimerView.person` use)."""
        ...

    async def powers(self, user_id: str) -> Powers:
        """What `user_id` (e.g. `web:lene-wendland`) may do now; decided by the server from the schedule."""
        ...

    async def announcement_drafts(self, text: str, lang: str) -> dict[str, str] | None:
        """A chair's announcement machine-translated into the event's other languages (glossary applied),
        for the chair to edit before sending; None when no translator is configured."""
        ...

    async def floor_view(self, discussion: str | None = None) -> FloorView:
        """The list of speakers of `discussion`, or of the one running now when None."""
        ...

    async def position(self, user_id: str, lang: str) -> PlaceView | None:
        """The user's pending request, if any, with reasons rendered in `lang`."""
        ...

    async def timer(self) -> TimerView | None: ...

    async def next_question(self) -> QuestionView | None: ...

    async def run_of_show(self) -> Sequence[CueView]: ...

    async def offset_minutes(self) -> int:
        """How late the day runs by the chairs' changes (negative: early), as a rundown shows it."""
        ...

    async def booths(self) -> BoothView:
        """The interpreters' view: who speaks now and next, in which floor language."""
        ...

    async def signals(self) -> Sequence[BoothSignal]:
        """The interpreters' recent signals to the chair, newest first."""
        ...

    async def send_signal(self, sender: str, name: str, kind: str, text: str, *, booth: str | None) -> Sent: ...

    def booth_of(self, email: str | None) -> str | None:
        """The booth language of a listed interpreter (by e-mail), else None."""
        ...


def to_json(value: Any) -> Any:
    """Views as JSON-ready data: dataclasses to dicts, datetimes to ISO 8601 with offset."""
    if hasattr(value, "__dataclass_fields__"):
        # Field by field, not `asdict`: that deep-copies every value first (a 1,000-row list paid for it).
        return {f.name: to_json(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value

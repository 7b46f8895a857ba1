"""The schedule file's data model (pydantic). Structural rules live here; cross-references,
time arithmetic and DST checks live in validate.py where positions can be reported.

A `Text` is either one string (shown to everyone) or a map of language code -> string.
Durations are written like ``3m``, ``30s``, ``1h30m`` (or a bare number of minutes).
Agenda times are written ``HH:MM`` on the item's day, in the event's zone, and held as `datetime.time`.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from enum import StrEnum
from typing import Annotated, Literal, cast

from pydantic import BaseModel, BeforeValidator, ByteSize, ConfigDict, Field, PlainSerializer, WithJsonSchema

from bot.domain.durations import DURATION_PATTERN, format_duration, parse_duration
from bot.domain.floor.policy import OrderPolicy
from bot.domain.schedule import ItemKind

LanguageCode = Literal["en", "fr", "es"]
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]

Duration = Annotated[
    timedelta,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": DURATION_PATTERN},
                {"type": "number", "description": "minutes"},
            ],
            "description": "A duration such as 3m, 30s or 1h30m; a bare number means minutes.",
        }
    ),
]

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def _parse_hhmm(value: object) -> time:
    """The file writes "HH:MM" (a string, YAML 1.2); the model holds a `datetime.time`."""
    if isinstance(value, time) and value.tzinfo is None and not (value.second or value.microsecond):
        return value  # already parsed: a model dumped to Python and validated again
    match = _HHMM.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"{value!r} is not a time of day; write it as HH:MM, e.g. \"10:00\"")
    return time(int(match.group(1)), int(match.group(2)))


def _format_hhmm(value: time) -> str:
    return f"{value:%H:%M}"


# Agenda times convert to instants in one place: bot.domain.agenda.wall_time.
ClockTime = Annotated[
    time,
    BeforeValidator(_parse_hhmm),
    PlainSerializer(_format_hhmm, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": _HHMM.pattern, "description": "HH:MM in the event's zone"}),
]

LocalizedText = dict[LanguageCode, Annotated[str, Field(min_length=1)]]
Text = str | LocalizedText


def text_in(text: Text | None, lang: str, fallback: str = "en") -> str:
    """The text in `lang`, else in `fallback`, else in any language given."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    for choice in (lang, fallback):
        if choice in text:
            return text[choice]
    return next(iter(text.values()), "")


class Strict(BaseModel):
    """Unknown keys are errors: a typo must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ChatMode(StrEnum):
    MIRROR = "mirror"
    THREAD = "thread"


class Approval(StrEnum):
    AUTOMATIC = "automatic"
    MANUAL = "manual"
    NONE = "none"


class MeetingKind(StrEnum):
    MEETING = "meeting"
    WEBINAR = "webinar"


class MeetingScope(StrEnum):
    PER_SESSION = "per-session"
    PER_DAY = "per-day"


class Registration(Strict):
    required: bool = True
    approval: Approval = Approval.AUTOMATIC
    url: str | None = None


def _parse_before(value: object) -> timedelta:
    """A reminder's lead time: days ("7d") or any duration ("12h", "30m")."""
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*d\s*", value):
        return timedelta(days=int(value.strip()[:-1]))
    return parse_duration(value)


def _format_before(value: timedelta) -> str:
    return f"{value.days}d" if value.days and not value.seconds else format_duration(value)


Before = Annotated[
    timedelta,
    BeforeValidator(_parse_before),
    PlainSerializer(_format_before, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\s*\d+\s*d\s*$|" + DURATION_PATTERN,
                    "description": "how long before, e.g. 7d, 1d, 12h"}),
]


class InputFormat(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    ODT = "odt"
    TXT = "txt"


class WrittenInputs(Strict):
    """Written inputs to the consultation: accepted until `until` on the `deadline` day, in the event's zone."""

    deadline: date
    until: ClockTime = Field(default=time(23, 59), description="the last minute of the deadline day, HH:MM")
    formats: list[InputFormat] = Field(default_factory=lambda: list(InputFormat), min_length=1)
    max_size: ByteSize = Field(default=ByteSize(10_000_000), description="largest file accepted, e.g. 10MB")
    reminders: list[Before] = Field(default_factory=list, description="reminders posted before the deadline")
    guests: bool = Field(default=False, description="anyone with the submission page may submit, signed in or not")
    email: str | None = None
    url: str | None = None


class Interpreter(Strict):
    """One interpreter of the event: Zoom assigns them by e-mail to their language pair; the console and the
    interpreters' channel tell their booth what comes next."""

    email: str
    languages: tuple[LanguageCode, LanguageCode] = Field(description="the pair worked between, e.g. [en, fr]")
    name: str | None = None
    booth: LanguageCode | None = Field(default=None, description="the booth's language (default: the second)")

    @property
    def booth_language(self) -> str:
        return self.booth or self.languages[1]


class Meetings(Strict):
    """How Zoom meetings are provisioned from this file."""

    platform: Literal["zoom"] = "zoom"
    kind: MeetingKind = MeetingKind.MEETING
    scope: MeetingScope = MeetingScope.PER_SESSION
    host: str = Field(default="me", description="Zoom user id or email that owns the meetings")
    interpreters: list[Interpreter] = Field(
        default_factory=list, max_length=20, description="deprecated: list them in the top-level interpreters:"
    )


class Event(Strict):
    id: Identifier
    title: Text
    subtitle: Text | None = None
    description: Text | None = None
    timezone: str = Field(description="IANA time zone name of the agenda's clock, e.g. Europe/Zurich")
    timezone_label: str | None = Field(default=None, description="how the agenda names its zone, e.g. CET")
    languages: list[LanguageCode] = Field(min_length=1)
    interpretation: list[LanguageCode] = Field(default_factory=list)
    organizers: list[Identifier] = Field(default_factory=list, description="people ids with chair powers")
    registration: Registration | None = None
    written_inputs: WrittenInputs | None = None
    concept_note: str | None = None
    join_url: str | None = Field(default=None, description="where attendees join (e.g. the Zoom link)")
    meetings: Meetings = Field(default_factory=Meetings)


class Chat(Strict):
    mode: ChatMode = ChatMode.MIRROR
    channels: dict[LanguageCode, str] = Field(default_factory=dict)
    chairs_channel: str | None = None
    interpreters_channel: str | None = Field(
        default=None, description="Slack channel telling the booths the next speaker and their floor language"
    )


class Console(Strict):
    guests: bool = Field(default=False, description="let people without an invitation join the web console "
                         "with a name, group and language (unverified; never any chair power)")


class Floor(Strict):
    speaking_time: Duration = timedelta(minutes=3)
    warn_before: Duration = timedelta(seconds=30)
    order: OrderPolicy = OrderPolicy.BALANCED
    group_budgets: dict[Identifier, Duration] = Field(
        default_factory=dict, description="speaking time per stakeholder group and discussion"
    )
    present_only: bool = False
    carry_over: bool = False
    last_call_before: Duration = Field(
        default=timedelta(minutes=10), description="last call for the list this long before a session ends"
    )


class Reminders(Strict):
    before_day: Duration = timedelta(minutes=30)
    before_session: Duration = timedelta(minutes=10)


class Group(Strict):
    name: Text


class Person(Strict):
    name: str = Field(min_length=1)
    honorific: Text | None = Field(default=None, description="e.g. H.E. Mr., Ambassador (one text or en/fr/es)")
    role: Text | None = None
    affiliation: Text | None = None
    group: Identifier
    language: LanguageCode = "en"
    slack: str | None = Field(default=None, description="Slack user id, e.g. U0123ABC")
    email: str | None = None
    tbc: bool = Field(default=False, description="participation to be confirmed")


class Question(Strict):
    text: Text
    points: list[Text] = Field(default_factory=list, description="sub-points a, b, c ...")


class Document(Strict):
    title: Text
    url: str | None = None


class Panel(Strict):
    speakers: list[Identifier] = Field(default_factory=list)
    minutes_each: Duration | None = None


class Discussion(Strict):
    start: ClockTime | None = Field(default=None, description="default: right after the panel")
    questions: list[Question | Text] = Field(default_factory=list)
    every: Duration | None = Field(default=None, description="post the next guiding question this often")


class Item(Strict):
    id: Identifier
    kind: ItemKind
    start: ClockTime
    end: ClockTime
    title: Text | None = None
    number: int | None = None
    within: Identifier | None = Field(
        default=None, description="id of the item this one is nested in (e.g. an opening inside session 1)"
    )
    chair: Identifier | None = None
    chairs: list[Identifier] = Field(default_factory=list)
    speakers: list[Identifier] = Field(default_factory=list)
    panel: Panel | None = None
    discussion: Discussion | None = None
    summary: Text | None = None
    background: list[Document] = Field(default_factory=list)
    join_url: str | None = Field(default=None, description="this item's own join link, if not the event's")

    @property
    def all_chairs(self) -> list[str]:
        return ([self.chair] if self.chair else []) + [c for c in self.chairs if c != self.chair]


class Day(Strict):
    date: date
    items: list[Item] = Field(min_length=1)


class Schedule(Strict):
    version: Literal[1] = 1
    event: Event
    chat: Chat = Field(default_factory=Chat)
    console: Console = Field(default_factory=Console)
    floor: Floor = Field(default_factory=Floor)
    reminders: Reminders = Field(default_factory=Reminders)
    groups: dict[Identifier, Group] = Field(default_factory=dict)
    people: dict[Identifier, Person] = Field(default_factory=dict)
    interpreters: list[Interpreter] = Field(default_factory=list, max_length=20)
    glossary: list[dict[LanguageCode, Annotated[str, Field(min_length=1)]]] = Field(
        default_factory=list,
        description="this event's own terms, added to prompts/glossary.csv for machine translation",
    )
    days: list[Day] = Field(min_length=1)

    def items(self) -> list[tuple[Day, Item]]:
        return [(day, item) for day in self.days for item in day.items]

    def item(self, item_id: str) -> Item:
        for _, item in self.items():
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def all_interpreters(self) -> list[Interpreter]:
        """The event's interpreters: the `interpreters:` section, then any still listed under
        `event.meetings.interpreters` (the older place), one per e-mail. The one place the two are merged."""
        seen: set[str] = set()
        found: list[Interpreter] = []
        for interpreter in [*self.interpreters, *self.event.meetings.interpreters]:
            if interpreter.email.casefold() not in seen:
                seen.add(interpreter.email.casefold())
                found.append(interpreter)
        return found

    def group_names(self) -> dict[str, Text]:
        """Every stakeholder group a person may belong to, by id: the default groups, then the schedule's own
        `groups:` (which may rename a default one). The one place the two are merged."""
        return default_group_names() | {gid: group.name for gid, group in self.groups.items()}


def default_group_names() -> dict[str, Text]:
    """The default stakeholder groups' names, for a reader with no schedule at hand."""
    return {gid: cast(LocalizedText, dict(names)) for gid, names in DEFAULT_GROUPS.items()}


NOT_STATED = "not-stated"  # the group of someone who chose not to give one (never a schedule group's id)

DEFAULT_GROUPS: dict[str, dict[str, str]] = {
    "states": {"en": "States", "fr": "États", "es": "Estados"},
    "un": {"en": "United Nations", "fr": "Organisation des Nations Unies", "es": "Naciones Unidas"},
    "international-organizations": {
        "en": "International organizations",
        "fr": "Organisations internationales",
        "es": "Organizaciones internacionales",
    },
    "nhri": {
        "en": "National human rights institutions",
        "fr": "Institutions nationales des droits de l'homme",
        "es": "Instituciones nacionales de derechos humanos",
    },
    "civil-society": {"en": "Civil society", "fr": "Société civile", "es": "Sociedad civil"},
    "business": {"en": "Business", "fr": "Entreprises", "es": "Empresas"},
    "investors": {"en": "Investors", "fr": "Investisseurs", "es": "Inversores"},
    "academia": {"en": "Academia", "fr": "Milieux universitaires", "es": "Círculos académicos"},
    "other": {"en": "Other", "fr": "Autres", "es": "Otros"},
}

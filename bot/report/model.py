"""The record of the consultation as data (pure, no I/O): one `Row` per intervention — opening remarks,
panel turns as they ran, every turn from the floor — and the totals, budgets and request counts derived
from those rows, per session and for the whole event. Every total is a sum over rows, never a second count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from bot.config.model import NOT_STATED as GROUP_NOT_STATED
from bot.domain.agenda.recovery import LedgerState
from bot.domain.floor.state import Intervention, RequestKind

NOT_STATED = GROUP_NOT_STATED  # the stakeholder group (or language) of someone who did not give one


class Kind(StrEnum):
    """What an intervention was: the report's vocabulary (CSV/JSON values, stable)."""

    OPENING = "opening"
    PANEL = "panel"
    POINT_OF_ORDER = "point-of-order"
    QUESTION = "question"
    REPLY = "reply"
    CONTRIBUTION = "contribution"


FLOOR_KINDS: Mapping[RequestKind, Kind] = {
    RequestKind.POINT_OF_ORDER: Kind.POINT_OF_ORDER,
    RequestKind.CLARIFYING: Kind.QUESTION,
    RequestKind.REPLY: Kind.REPLY,
    RequestKind.NEW: Kind.CONTRIBUTION,
}
PROGRAMME_KINDS = frozenset({Kind.OPENING, Kind.PANEL})


@dataclass(frozen=True)
class Row:
    """One intervention. `planned_start` is None for the floor (nobody plans it); `actual_start` is None for
    a programme turn whose cue the bot never posted (it was down): its planned length is then counted."""

    day: date
    session: str  # the session's item id
    session_number: int | None
    chair: str  # the chair's name ("" when the schedule names none)
    kind: Kind
    person: str
    speaker: str
    group: str  # a group id, or NOT_STATED
    language: str
    source: str  # programme | slack | zoom | web | simulated
    planned_start: datetime | None
    actual_start: datetime | None
    duration: timedelta

    @property
    def start(self) -> datetime:
        return self.actual_start or self.planned_start or datetime.min.replace(tzinfo=UTC)

    @property
    def floor(self) -> bool:
        return self.kind not in PROGRAMME_KINDS


@dataclass(frozen=True)
class Totals:
    """Time and turns by stakeholder group, floor language and kind, over a set of rows."""

    time_by_group: Mapping[str, timedelta]
    turns_by_group: Mapping[str, int]
    time_by_language: Mapping[str, timedelta]
    turns_by_language: Mapping[str, int]
    time_by_kind: Mapping[str, timedelta]
    turns_by_kind: Mapping[str, int]
    total: timedelta
    turns: int


@dataclass(frozen=True)
class BudgetLine:
    group: str
    budget: timedelta
    used: timedelta  # floor time only: budgets ration the open discussion, not the programme

    @property
    def remaining(self) -> timedelta:
        return max(timedelta(0), self.budget - self.used)


@dataclass(frozen=True)
class CueLine:
    cue_id: str
    kind: str
    item: str
    at: datetime
    state: str  # posted | late | missed | claimed | pending


@dataclass(frozen=True)
class InputLine:
    """A written input received (the report counts them and lists their titles)."""

    reference: str
    title: str
    organization: str
    group: str
    language: str
    received_at: datetime


@dataclass(frozen=True)
class DiscussionReport:
    discussion: str
    title: str
    number: int | None
    day: date | None
    chair: str
    rows: Sequence[Row]
    interventions: Sequence[Intervention]  # the floor's turns as the list of speakers recorded them
    totals: Totals
    budgets: Sequence[BudgetLine]
    requests: Mapping[str, int]  # requested, served, withdrawn, removed, unserved
    questions_posted: int

    @property
    def time_by_group(self) -> Mapping[str, timedelta]:
        return self.totals.time_by_group


@dataclass(frozen=True)
class AttendanceLine:
    """One person's presence in one Zoom meeting (from Zoom's past-meeting participants)."""

    meeting: str  # which sessions the meeting covered, as titled in the report
    person: str
    name: str
    minutes: int
    first_join: datetime
    last_leave: datetime


@dataclass(frozen=True)
class Report:
    event_title: str
    discussions: Sequence[DiscussionReport]
    cues: Sequence[CueLine]
    totals: Totals
    budgets: Sequence[BudgetLine]
    requests: Mapping[str, int]
    cue_counts: Mapping[str, int] = field(default_factory=dict)
    attendance: Sequence[AttendanceLine] = ()
    inputs: Sequence[InputLine] = ()

    @property
    def all_interventions(self) -> list[Intervention]:
        return [i for d in self.discussions for i in d.interventions]

    @property
    def rows(self) -> list[Row]:
        return [r for d in self.discussions for r in d.rows]


REQUEST_STATUSES = ("requested", "served", "withdrawn", "removed", "unserved")


def _ranked(values: Mapping[str, timedelta]) -> dict[str, timedelta]:
    return dict(sorted(values.items(), key=lambda kv: (-kv[1], kv[0])))


def totals(rows: Iterable[Row]) -> Totals:
    by_group: Counter[str] = Counter()
    by_language: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    time_group: dict[str, timedelta] = {}
    time_language: dict[str, timedelta] = {}
    time_kind: dict[str, timedelta] = {}
    total = timedelta(0)
    for row in rows:
        by_group[row.group] += 1
        by_language[row.language] += 1
        by_kind[row.kind.value] += 1
        time_group[row.group] = time_group.get(row.group, timedelta(0)) + row.duration
        time_language[row.language] = time_language.get(row.language, timedelta(0)) + row.duration
        time_kind[row.kind.value] = time_kind.get(row.kind.value, timedelta(0)) + row.duration
        total += row.duration
    return Totals(_ranked(time_group), dict(by_group), _ranked(time_language), dict(by_language),
                  {k.value: time_kind[k.value] for k in Kind if k.value in time_kind}, dict(by_kind), total,
                  sum(by_group.values()))


def budget_lines(rows: Iterable[Row], budgets: Mapping[str, timedelta]) -> list[BudgetLine]:
    """Floor time per group against its budget for one discussion."""
    used: dict[str, timedelta] = {}
    for row in rows:
        if row.floor:
            used[row.group] = used.get(row.group, timedelta(0)) + row.duration
    return [BudgetLine(g, b, used.get(g, timedelta(0))) for g, b in sorted(budgets.items())]


def request_counts(request_counts: Mapping[str, int], pending: int, served: int) -> dict[str, int]:
    counts = {status: int(request_counts.get(status, 0)) for status in REQUEST_STATUSES}
    # Whatever is still pending when the report is made was not served.
    counts["unserved"] = max(counts["unserved"], pending)
    counts["served"] = max(counts["served"], served)
    return counts


def cue_lines(cues: Iterable[tuple[str, str, str, datetime]], ledger: Mapping[str, LedgerState]) -> list[CueLine]:
    """(cue id, kind, item, at) plus the ledger -> one line per cue; absent from the ledger = pending."""
    return [
        CueLine(cue_id, kind, item, at, ledger[cue_id].value if cue_id in ledger else "pending")
        for cue_id, kind, item, at in cues
    ]


def build_report(
    event_title: str, discussions: Sequence[DiscussionReport], cues: Sequence[CueLine],
    attendance: Sequence[AttendanceLine] = (), inputs: Sequence[InputLine] = (),
) -> Report:
    rows = [r for d in discussions for r in d.rows]
    requests = {status: sum(d.requests.get(status, 0) for d in discussions) for status in REQUEST_STATUSES}
    return Report(event_title, discussions, cues, totals(rows), event_budgets(discussions), requests,
                  dict(Counter(line.state for line in cues)), attendance, inputs)


def event_budgets(discussions: Iterable[DiscussionReport]) -> list[BudgetLine]:
    """The event's budget per group: the sum of its sessions' (a budget is per discussion)."""
    budget: dict[str, timedelta] = {}
    used: dict[str, timedelta] = {}
    for d in discussions:
        for line in d.budgets:
            budget[line.group] = budget.get(line.group, timedelta(0)) + line.budget
            used[line.group] = used.get(line.group, timedelta(0)) + line.used
    return [BudgetLine(g, budget[g], used[g]) for g in sorted(budget)]

"""Pure aggregation of what ran into a report (no I/O): per discussion, the interventions, speaking time
per stakeholder group, requests served / withdrawn / unserved, questions posted, and how the cues went."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.domain.agenda.recovery import LedgerState
from bot.domain.floor.state import FloorState, Intervention


@dataclass(frozen=True)
class CueLine:
    cue_id: str
    kind: str
    item: str
    at: datetime
    state: str  # posted | late | missed | claimed | pending


@dataclass(frozen=True)
class DiscussionReport:
    discussion: str
    title: str
    interventions: Sequence[Intervention]
    time_by_group: Mapping[str, timedelta]
    turns_by_group: Mapping[str, int]
    time_by_language: Mapping[str, timedelta]
    requests: Mapping[str, int]  # requested, served, withdrawn, removed, unserved
    questions_posted: int


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
    cue_counts: Mapping[str, int] = field(default_factory=dict)
    attendance: Sequence[AttendanceLine] = ()

    @property
    def all_interventions(self) -> list[Intervention]:
        return [i for d in self.discussions for i in d.interventions]


REQUEST_STATUSES = ("requested", "served", "withdrawn", "removed", "unserved")


def discussion_report(
    discussion: str,
    title: str,
    state: FloorState | None,
    request_counts: Mapping[str, int],
    questions_posted: int,
) -> DiscussionReport:
    interventions = sorted(state.interventions if state else (), key=lambda i: i.start)
    time_by_group: dict[str, timedelta] = {}
    time_by_language: dict[str, timedelta] = {}
    for i in interventions:
        time_by_group[i.group] = time_by_group.get(i.group, timedelta(0)) + i.duration
        time_by_language[i.language] = time_by_language.get(i.language, timedelta(0)) + i.duration
    counts = {status: int(request_counts.get(status, 0)) for status in REQUEST_STATUSES}
    if state is not None:
        # Whatever is still pending when the report is made was not served.
        counts["unserved"] = max(counts["unserved"], len(state.pending))
        counts["served"] = max(counts["served"], len(interventions))
    return DiscussionReport(
        discussion=discussion,
        title=title,
        interventions=interventions,
        time_by_group=dict(sorted(time_by_group.items(), key=lambda kv: (-kv[1], kv[0]))),
        turns_by_group=dict(Counter(i.group for i in interventions)),
        time_by_language=time_by_language,
        requests=counts,
        questions_posted=questions_posted,
    )


def cue_lines(cues: Iterable[tuple[str, str, str, datetime]], ledger: Mapping[str, LedgerState]) -> list[CueLine]:
    """(cue id, kind, item, at) plus the ledger -> one line per cue; absent from the ledger = pending."""
    return [
        CueLine(cue_id, kind, item, at, ledger[cue_id].value if cue_id in ledger else "pending")
        for cue_id, kind, item, at in cues
    ]


def build_report(
    event_title: str, discussions: Sequence[DiscussionReport], cues: Sequence[CueLine],
    attendance: Sequence[AttendanceLine] = (),
) -> Report:
    return Report(event_title, discussions, cues, dict(Counter(line.state for line in cues)), attendance)

"""Read what ran from the store into a Report: full intervention history, request outcomes, cue ledger.

The store is read through its ports (bot.app.ports.store); Zoom attendance, when there is any, comes in as
lines the `floorbot report` command gathered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.app.ports.store import CueLedger, FloorRecords, RequestStatus
from bot.config.model import Schedule, text_in
from bot.domain.agenda.recovery import LedgerState
from bot.domain.agenda.timeline import Cue, CueKind
from bot.domain.floor.state import FloorState, Intervention
from bot.domain.schedule import ItemKind
from bot.report.model import AttendanceLine, Report, build_report, cue_lines, discussion_report


def request_outcomes(by_status: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    """Per discussion: how many requests were made, and how each ended."""
    return {
        discussion: {
            "requested": sum(counts.values()),
            "served": counts.get(RequestStatus.SPOKEN, 0) + counts.get(RequestStatus.SPEAKING, 0),
            "withdrawn": counts.get(RequestStatus.WITHDRAWN, 0),
            "removed": counts.get(RequestStatus.REMOVED, 0),
            "unserved": counts.get(RequestStatus.UNSERVED, 0) + counts.get(RequestStatus.WAITING, 0)
            + counts.get(RequestStatus.CARRIED, 0),
        }
        for discussion, counts in by_status.items()
    }


async def collect_report(
    schedule: Schedule, lists: FloorRecords, cue_ledger: CueLedger, cues: Sequence[Cue],
    questions_asked: Mapping[str, int] | None = None, attendance: Sequence[AttendanceLine] = (),
    lang: str | None = None,
) -> Report:
    """`lang` is the language of titles in the report (default: the event's first language)."""
    lang = lang or str(schedule.event.languages[0])
    ledger: dict[str, LedgerState] = await cue_ledger.cue_states()
    counts = request_outcomes(await lists.request_counts())
    history: dict[str, list[Intervention]] = {}
    for discussion_id, done in await lists.history():
        history.setdefault(discussion_id, []).append(done)
    discussions = []
    for _, item in schedule.items():
        if item.kind is not ItemKind.SESSION:
            continue
        state = await lists.state(item.id)
        full = FloorState(item.id, interventions=tuple(history.get(item.id, ())),
                          pending=state.pending if state else ())
        posted = sum(
            1 for c in cues
            if c.item == item.id and c.kind == CueKind.QUESTION and ledger.get(c.id) in (LedgerState.POSTED,
                                                                                        LedgerState.LATE)
        )
        posted = max(posted, (questions_asked or {}).get(item.id, 0))
        discussions.append(
            discussion_report(item.id, text_in(item.title, lang) or item.id, full, counts.get(item.id, {}), posted)
        )
    lines = cue_lines(((c.id, c.kind.value, c.item, c.at) for c in cues), ledger)
    return build_report(text_in(schedule.event.title, lang), discussions, lines, attendance)

"""What is due, from the run of show plus the ledger: the decision the conductor makes on every start.

Pure: given the cues (already mapped to wall time), what the ledger says was done, the current wall time
and the misfire grace, each cue gets exactly one fate. A cue claimed but never marked posted (the process
died between claim and post) is treated as not posted: posting it late once beats losing it; the ledger's
claim makes the second attempt exclusive.

A cue past its grace is posted late only if attendees still need it now, as a stage manager would say it
(`still_needed`): while a discussion runs, its "floor is open" instructions and its current guiding
question. A past warning, panel turn, superseded question or session opening is only reported to the chairs.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from bot.domain.agenda.state import state_at
from bot.domain.agenda.timeline import Cue, CueKind


class LedgerState(StrEnum):
    CLAIMED = "claimed"
    POSTED = "posted"
    LATE = "late"  # posted, but after its time (within grace)
    MISSED = "missed"  # past grace: reported to the chairs, not posted


class Fate(StrEnum):
    DONE = "done"  # already posted or already reported missed: nothing to do
    SCHEDULE = "schedule"  # in the future: schedule a job at its time
    POST_LATE = "post-late"  # within grace, or still needed by attendees: post now, once, marked late
    REPORT_MISSED = "report-missed"  # past grace and no longer needed: tell the chairs, mark missed, never post


@dataclass(frozen=True)
class CueDecision:
    cue_id: str
    wall_at: datetime
    fate: Fate
    lateness: timedelta


def decide(
    cues: Iterable[tuple[str, datetime]],
    ledger: Mapping[str, LedgerState],
    now: datetime,
    grace: timedelta,
    needed: Collection[str] = frozenset(),
) -> list[CueDecision]:
    """One decision per (cue id, wall time), in the given order; `needed`: the cues attendees still need
    (`still_needed`), posted late however late they are."""
    decisions = []
    for cue_id, wall_at in cues:
        state = ledger.get(cue_id)
        lateness = now - wall_at
        if state in (LedgerState.POSTED, LedgerState.LATE, LedgerState.MISSED):
            fate = Fate.DONE
        elif lateness < timedelta(0):
            fate = Fate.SCHEDULE
        elif lateness <= grace or cue_id in needed:
            fate = Fate.POST_LATE
        else:
            fate = Fate.REPORT_MISSED
        decisions.append(CueDecision(cue_id, wall_at, fate, max(lateness, timedelta(0))))
    return decisions


def still_needed(cues: Sequence[Cue], at: datetime) -> frozenset[str]:
    """The past cues attendees still need at `at`: the running discussion's "floor is open" instructions
    (how to ask for the floor) and its current guiding question; nothing when no discussion runs."""
    state = state_at(cues, at)
    if state.discussion is None:
        return frozenset()
    needed = set()
    for cue in cues:
        if cue.at.astimezone(UTC) > at.astimezone(UTC) or cue.item != state.discussion:
            continue
        current_question = cue.kind is CueKind.QUESTION and cue.data.get("index") == state.question
        if cue.kind is CueKind.FLOOR_OPEN or current_question:
            needed.add(cue.id)
    return frozenset(needed)

"""What is due, from the run of show plus the ledger: the decision the conductor makes on every start.

Pure: given the cues (already mapped to wall time), what the ledger says was done, the current wall time
and the misfire grace, each cue gets exactly one fate. A cue claimed but never marked posted (the process
died between claim and post) is treated as not posted: posting it late once beats losing it; the ledger's
claim makes the second attempt exclusive.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class LedgerState(StrEnum):
    CLAIMED = "claimed"
    POSTED = "posted"
    LATE = "late"  # posted, but after its time (within grace)
    MISSED = "missed"  # past grace: reported to the chairs, not posted


class Fate(StrEnum):
    DONE = "done"  # already posted or already reported missed: nothing to do
    SCHEDULE = "schedule"  # in the future: schedule a job at its time
    POST_LATE = "post-late"  # its time passed within grace: post now, once, marked late
    REPORT_MISSED = "report-missed"  # past grace: tell the chairs, mark missed, never post


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
) -> list[CueDecision]:
    """One decision per (cue id, wall time), in the given order."""
    decisions = []
    for cue_id, wall_at in cues:
        state = ledger.get(cue_id)
        lateness = now - wall_at
        if state in (LedgerState.POSTED, LedgerState.LATE, LedgerState.MISSED):
            fate = Fate.DONE
        elif lateness < timedelta(0):
            fate = Fate.SCHEDULE
        elif lateness <= grace:
            fate = Fate.POST_LATE
        else:
            fate = Fate.REPORT_MISSED
        decisions.append(CueDecision(cue_id, wall_at, fate, max(lateness, timedelta(0))))
    return decisions

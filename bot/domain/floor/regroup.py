"""A person's stakeholder group changes while they are on a list (they said it late: `/floor group`, the
group prompt, the App Home picker): what the list makes of it.

Their requests already listed take the new group, so the balanced order, the group budgets and the chairs'
board count them where they now belong from this change on; so does the speaker's current turn (its time is
recorded under the group when it ends). What was already spoken stays where it was counted: the report
keeps the history as it happened.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.domain.floor.events import FloorEvent, Outcome, RequestRegrouped
from bot.domain.floor.policy import FloorPolicy
from bot.domain.floor.rules import bump
from bot.domain.floor.state import FloorState, Participant, Request


def regroup(state: FloorState, participant: Participant, now: datetime, policy: FloorPolicy) -> Outcome:
    """`participant` as they now are (their new group); a no-op when nothing of theirs is listed under
    another group."""
    events: list[FloorEvent] = []

    def moved(r: Request) -> Request:
        if r.person != participant.person or r.participant.group == participant.group:
            return r
        new = replace(r, participant=replace(r.participant, group=participant.group),
                      over_budget=policy.over_budget(participant.group, state.used_by_group))
        events.append(RequestRegrouped(now, new, r.participant.group))
        return new

    pending = tuple(moved(r) for r in state.pending)
    speaking = state.speaking
    if speaking is not None and (taken := moved(speaking.request)) is not speaking.request:
        speaking = replace(speaking, request=taken)
    if not events:
        return Outcome(state, noop_reason="floor.noop.not_listed")
    return Outcome(bump(state, pending=pending, speaking=speaking), tuple(events))

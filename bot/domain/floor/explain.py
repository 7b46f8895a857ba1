"""Turn floor outcomes and positions into messages: a catalog key plus values, as data.

Values that depend on the reader's language (an ordinal place, a wait, a duration, a stakeholder
group's name, a request kind) are kept as small typed values; bot.i18n.messages renders them, so one
`Message` can go to an English, a French and a Spanish reader alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.domain.floor.events import (
    FloorGiven,
    FloorRequested,
    Outcome,
    RequestCarried,
    RequestPassedOver,
    RequestRemoved,
    RequestSkipped,
    RequestUnserved,
    RequestWithdrawn,
    SpeakerTimeExpired,
    SpeakerWarned,
    TimerExtended,
)
from bot.domain.floor.order import Position, Reason
from bot.domain.floor.policy import FloorPolicy
from bot.domain.floor.rules import position, queue
from bot.domain.floor.state import RequestKind


@dataclass(frozen=True)
class Ordinal:
    n: int


@dataclass(frozen=True)
class Wait:
    time: timedelta


@dataclass(frozen=True)
class Span:
    time: timedelta


@dataclass(frozen=True)
class GroupName:
    group: str


@dataclass(frozen=True)
class KindName:
    kind: RequestKind


Value = str | int | Ordinal | Wait | Span | GroupName | KindName


@dataclass(frozen=True)
class Message:
    """A catalog key and its values. `lines` follow the message (e.g. the reasons of a place).

    A key may stand for a plural pair in the catalog (``<key>.one``/``<key>.other``), chosen at
    rendering by the ``count`` value."""

    key: str
    values: Mapping[str, Value] = field(default_factory=dict)
    lines: tuple[Message, ...] = ()


@dataclass(frozen=True)
class Notice:
    """A private message to one person."""

    person: str
    message: Message


# ---------------------------------------------------------------- positions


def reason_message(reason: Reason) -> Message:
    values: dict[str, Value] = {}
    for name, raw in reason.values.items():
        if name == "group":
            values[name] = GroupName(str(raw))
        elif name == "kind":
            values[name] = KindName(RequestKind(str(raw)))
        else:
            values[name] = raw
    return Message(reason.key, values)


def position_message(pos: Position, *, key: str = "floor.reply.position", with_reasons: bool = True) -> Message:
    """ "You are 3rd on the list of speakers (in about 9 minutes)." and why."""
    lines = tuple(reason_message(r) for r in pos.reasons) if with_reasons else ()
    if pos.place is None:
        return Message("floor.reply.speaking" if pos.speaking else "floor.reply.not_listed")
    if pos.absent and key == "floor.reply.position":
        return Message("floor.reply.position_absent", {"place": Ordinal(pos.place)}, lines)
    values: dict[str, Value] = {"place": Ordinal(pos.place), "wait": Wait(pos.wait)}
    if key == "floor.reply.requested_kind" and pos.request is not None:
        values["kind"] = KindName(pos.request.kind)
    return Message(key, values, lines)


# ---------------------------------------------------------------- replies and notices


def reply(
    outcome: Outcome,
    person: str,
    now: datetime,
    policy: FloorPolicy,
    present: frozenset[str] | None = None,
) -> Message:
    """The private answer to whoever asked for the operation (request, withdraw, where am I...)."""
    if outcome.refusal is not None:
        return Message(outcome.refusal.reason_key)
    pos = position(outcome.state, person, now, policy, present)
    if outcome.noop_reason == "floor.noop.already_listed":
        return position_message(pos, key="floor.reply.already_listed", with_reasons=False)
    if outcome.noop_reason == "floor.noop.not_listed":
        return Message("floor.reply.not_listed")
    for event in outcome.events:
        if isinstance(event, RequestWithdrawn) and event.request.person == person:
            return Message("floor.reply.withdrawn")
        if isinstance(event, FloorRequested) and event.request.person == person:
            kind = event.request.kind
            if kind is RequestKind.POINT_OF_ORDER and not outcome.state.is_open:
                key = "floor.reply.point_of_order_closed"
            elif kind is RequestKind.NEW:
                key = "floor.reply.requested"
            else:
                key = "floor.reply.requested_kind"
            mine = position(outcome.state, person, now, policy, present)
            return position_message(mine, key=key, with_reasons=False)
    if outcome.noop_reason is not None:
        return Message(outcome.noop_reason)
    return position_message(pos)


def notices(
    outcome: Outcome,
    now: datetime,
    policy: FloorPolicy,
    present: frozenset[str] | None = None,
) -> list[Notice]:
    """The private notices an outcome calls for: you have the floor, you are next, time warnings..."""
    out: list[Notice] = []
    head_may_change = False
    for event in outcome.events:
        if isinstance(event, FloorGiven):
            out.append(Notice(event.request.person,
                              Message("floor.notice.floor_given", {"time": Span(event.ends_at - event.at)})))
            head_may_change = True
        elif isinstance(event, SpeakerWarned):
            out.append(Notice(event.request.person,
                              Message("floor.notice.warning", {"time": Span(event.ends_at - event.at)})))
        elif isinstance(event, SpeakerTimeExpired):
            out.append(Notice(event.request.person, Message("floor.notice.time_up")))
        elif isinstance(event, TimerExtended):
            out.append(Notice(event.request.person, Message("floor.notice.extended", {"time": Span(event.by)})))
        elif isinstance(event, RequestSkipped):
            pos = position(outcome.state, event.request.person, now, policy, present)
            out.append(Notice(event.request.person,
                              Message("floor.notice.skipped", {"place": Ordinal(pos.place or 0)})))
            head_may_change = True
        elif isinstance(event, RequestRemoved):
            out.append(Notice(event.request.person, Message("floor.notice.removed")))
            head_may_change = True
        elif isinstance(event, RequestPassedOver):
            out.append(Notice(event.request.person, Message("floor.notice.passed_over")))
        elif isinstance(event, RequestCarried):
            out.append(Notice(event.request.person, Message("floor.notice.carried")))
        elif isinstance(event, RequestUnserved):
            out.append(Notice(event.request.person, Message("floor.notice.unserved")))
    if head_may_change:
        upcoming = [
            r for r in queue(outcome.state, policy)
            if not (policy.present_only and present is not None and r.person not in present)
        ]
        if upcoming:
            out.append(Notice(upcoming[0].person, Message("floor.notice.next")))
    return out

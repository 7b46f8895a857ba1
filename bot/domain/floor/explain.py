"""Turn floor outcomes and positions into messages: a catalog key plus values, rendered per language.

Values that depend on the reader's language (an ordinal place, a wait, a duration, a stakeholder
group's name, a request kind) are kept as small typed values and localized at `render` time, so one
`Message` can go to an English, a French and a Spanish reader alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.config.model import DEFAULT_GROUPS, Text, text_in
from bot.domain.floor.model import (
    FloorGiven,
    FloorPolicy,
    FloorRequested,
    Outcome,
    Position,
    Reason,
    RequestCarried,
    RequestKind,
    RequestPassedOver,
    RequestRemoved,
    RequestSkipped,
    RequestUnserved,
    RequestWithdrawn,
    SpeakerTimeExpired,
    SpeakerWarned,
    TimerExtended,
    position,
    queue,
)
from bot.i18n import catalog as i18n

GroupNames = Mapping[str, Text]


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
    """A catalog key and its values. `lines` follow the message (e.g. the reasons of a place)."""

    key: str
    values: Mapping[str, Value] = field(default_factory=dict)
    lines: tuple[Message, ...] = ()

    def render(self, lang: str, groups: GroupNames | None = None) -> str:
        text = _sentence(i18n.render(self.key, lang, **{k: _localize(v, lang, groups) for k, v in
                                                       self.values.items()}))
        if not self.lines:
            return text
        rendered = [line.render(lang, groups) for line in self.lines]
        return "\n".join([text, i18n.render("floor.reply.why", lang), *(f"• {r}" for r in rendered)])


@dataclass(frozen=True)
class Notice:
    """A private message to one person."""

    person: str
    message: Message


# ---------------------------------------------------------------- localized values


def ordinal(n: int, lang: str) -> str:
    """1st/2nd/3rd/11th; French for a feminine noun ("en 1re position", "3e"); Spanish "3.º"."""
    if lang == "fr":
        return "1re" if n == 1 else f"{n}e"
    if lang == "es":
        return f"{n}.º"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def wait_text(wait: timedelta, lang: str) -> str:
    """Rounded to the nearest minute: the estimate is only ever approximate."""
    seconds = wait.total_seconds()
    if seconds <= 0:
        return i18n.render("floor.wait.now", lang)
    if seconds < 60:
        return i18n.render("floor.wait.under_a_minute", lang)
    minutes = round(seconds / 60)
    if minutes == 1:
        return i18n.render("floor.wait.one_minute", lang)
    return i18n.render("floor.wait.minutes", lang, minutes=minutes)


def duration_text(span: timedelta, lang: str) -> str:
    total = max(0, int(span.total_seconds()))
    minutes, seconds = divmod(total, 60)
    if minutes and seconds:
        return i18n.render("floor.duration.minutes_seconds", lang, minutes=minutes, seconds=seconds)
    if minutes == 1:
        return i18n.render("floor.duration.one_minute", lang)
    if minutes:
        return i18n.render("floor.duration.minutes", lang, minutes=minutes)
    return i18n.render("floor.duration.seconds", lang, seconds=seconds)


def group_name(group: str, lang: str, groups: GroupNames | None = None) -> str:
    if groups and group in groups:
        return text_in(groups[group], lang)
    if group in DEFAULT_GROUPS:
        return DEFAULT_GROUPS[group].get(lang, DEFAULT_GROUPS[group]["en"])
    return group


def _localize(value: Value, lang: str, groups: GroupNames | None) -> str | int:
    if isinstance(value, Ordinal):
        return ordinal(value.n, lang)
    if isinstance(value, Wait):
        return wait_text(value.time, lang)
    if isinstance(value, Span):
        return duration_text(value.time, lang)
    if isinstance(value, GroupName):
        return i18n.render("floor.group_named", lang, group=group_name(value.group, lang, groups))
    if isinstance(value, KindName):
        return i18n.render(f"floor.kind.{value.kind.value}", lang)
    return value


def _sentence(text: str) -> str:
    """Placeholders may open a sentence ("the … group has …"): capitalise its first letter."""
    return text[:1].upper() + text[1:]


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
    key = reason.key
    count = reason.values.get("count")
    if isinstance(count, int) and i18n.has(f"{key}.one"):
        key = f"{key}.one" if count == 1 else f"{key}.other"
    return Message(key, values)


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


def render_all(messages: Sequence[Message], lang: str, groups: GroupNames | None = None) -> str:
    return "\n".join(m.render(lang, groups) for m in messages)

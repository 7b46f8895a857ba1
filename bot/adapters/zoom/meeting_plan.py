"""The meetings the schedule calls for, pure: `plan_meetings(schedule)` says which meetings and what each
should look like; `diff` compares a plan with the meeting Zoom has. bot.adapters.zoom.provision applies them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.adapters.zoom.client import JSON
from bot.adapters.zoom.times import zoom_time
from bot.config.model import (
    Approval,
    Day,
    Item,
    MeetingKind,
    MeetingScope,
    Schedule,
    text_in,
)
from bot.domain.agenda.wall_time import agenda_time
from bot.domain.schedule import ItemKind
from bot.i18n.catalog import render

TOPIC_MAX = 200
AGENDA_MAX = 2000

# Zoom's interpretation language codes are country-style.
ZOOM_LANGUAGE_CODES = {"en": "US", "fr": "FR", "es": "ES"}

APPROVAL_TYPES = {Approval.AUTOMATIC: 0, Approval.MANUAL: 1, Approval.NONE: 2}
NO_REGISTRATION = 2

MEETING_TYPE_SCHEDULED = 2
WEBINAR_TYPE = 5


@dataclass(frozen=True)
class MeetingPlan:
    """One meeting the schedule calls for."""

    key: str  # session item id (per-session) or ISO date (per-day)
    kind: MeetingKind
    host: str
    items: tuple[str, ...]
    topic: str
    agenda: str
    start: datetime  # aware, UTC
    duration: int  # minutes
    timezone: str
    approval_type: int
    interpreters: tuple[tuple[str, str], ...]  # (email, "US,FR"), sorted
    alternative_hosts: tuple[str, ...]  # emails, sorted, lowercased
    # Interpretation is on whenever the event declares interpretation languages, interpreters listed or not:
    # the host can then assign them in the meeting (Zoom offers no interpretation to assign in otherwise).
    interpretation: bool = False

    def body(self) -> dict[str, Any]:
        """The create/update request body (zoom_client turns start_time into what zoomus needs)."""
        settings: dict[str, Any] = {
            "approval_type": self.approval_type,
            "alternative_hosts": ";".join(self.alternative_hosts),
            "language_interpretation": {
                "enable": self.interpretation,
                "interpreters": [{"email": email, "languages": langs} for email, langs in self.interpreters],
            },
        }
        return {
            "topic": self.topic,
            "type": WEBINAR_TYPE if self.kind is MeetingKind.WEBINAR else MEETING_TYPE_SCHEDULED,
            "start_time": self.start,
            "duration": self.duration,
            "timezone": self.timezone,
            "agenda": self.agenda,
            "settings": settings,
        }

    def fields(self) -> dict[str, str]:
        """The compared fields, as text (what --dry-run shows)."""
        return {
            "topic": self.topic,
            "agenda": self.agenda,
            "start_time": utc_text(self.start),
            "duration": str(self.duration),
            "timezone": self.timezone,
            "approval_type": str(self.approval_type),
            "alternative_hosts": ";".join(self.alternative_hosts),
            "interpretation": _on_off(self.interpretation),
            "interpreters": _interpreters_text(self.interpreters),
        }


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _on_off(value: bool) -> str:
    return "enabled" if value else "disabled"


def _interpreters_text(interpreters: Sequence[tuple[str, str]]) -> str:
    return ", ".join(f"{email} ({langs})" for email, langs in interpreters)


def current_fields(meeting: JSON) -> dict[str, str]:
    """The same fields read from a Zoom meeting or webinar object."""
    settings = meeting.get("settings") or {}
    interpretation = settings.get("language_interpretation") or {}
    interpreters: list[tuple[str, str]] = []
    if interpretation.get("enable"):
        interpreters = sorted(
            (str(i.get("email", "")).lower(), _normalize_langs(str(i.get("languages", ""))))
            for i in interpretation.get("interpreters") or []
        )
    hosts = sorted(h.strip().lower() for h in str(settings.get("alternative_hosts") or "").split(";") if h.strip())
    start = zoom_time(meeting.get("start_time"))
    return {
        "topic": str(meeting.get("topic", "")),
        "agenda": str(meeting.get("agenda", "")),
        "start_time": utc_text(start) if start else "",
        "duration": str(meeting.get("duration", "")),
        "timezone": str(meeting.get("timezone", "")),
        "approval_type": str(settings.get("approval_type", "")),
        "alternative_hosts": ";".join(hosts),
        "interpretation": _on_off(bool(interpretation.get("enable"))),
        "interpreters": _interpreters_text(interpreters),
    }


def _normalize_langs(value: str) -> str:
    return ",".join(part.strip().upper() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Change:
    field: str
    current: str
    wanted: str


def diff(plan: MeetingPlan, meeting: JSON) -> list[Change]:
    wanted, current = plan.fields(), current_fields(meeting)
    return [Change(name, current[name], wanted[name]) for name in wanted if wanted[name] != current[name]]


def _runs(day: Day) -> list[list[Item]]:
    """Top-level items of a day, split into runs at breaks (a meeting never spans a break)."""
    runs: list[list[Item]] = [[]]
    for item in sorted((i for i in day.items if not i.within), key=lambda i: (i.start, i.end)):
        if item.kind is ItemKind.BREAK:
            runs.append([])
        else:
            runs[-1].append(item)
    return [run for run in runs if run]


def _groups(day: Day) -> list[tuple[Item, list[Item]]]:
    """(the item that names the meeting, all top-level items the meeting covers), per-session scope.

    Each session gets its own meeting; an opening before the first session of a run joins that session's
    meeting, anything after a session (a closing) joins the session before it.
    """
    groups: list[tuple[Item, list[Item]]] = []
    for run in _runs(day):
        sessions = [item for item in run if item.kind is ItemKind.SESSION]
        if not sessions:
            groups.append((run[0], list(run)))
            continue
        current: tuple[Item, list[Item]] | None = None
        leading: list[Item] = []
        for item in run:
            if item.kind is ItemKind.SESSION:
                current = (item, leading + [item])
                leading = []
                groups.append(current)
            elif current is None:
                leading.append(item)
            else:
                current[1].append(item)
    return groups


def _covered(schedule: Schedule, top: list[Item]) -> tuple[str, ...]:
    """The ids of the given items and of every item nested within them."""
    ids = {item.id for item in top}
    changed = True
    while changed:
        changed = False
        for _, item in schedule.items():
            if item.within in ids and item.id not in ids:
                ids.add(item.id)
                changed = True
    order = [item.id for _, item in schedule.items()]
    return tuple(sorted(ids, key=order.index))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _names(schedule: Schedule, ids: Sequence[str]) -> str:
    return ", ".join(schedule.people[pid].name for pid in ids if pid in schedule.people)


def _agenda(schedule: Schedule, items: Sequence[Item]) -> str:
    """Summary, chair and panel of each item, in every event language that fits Zoom's 2,000 characters."""
    blocks: list[str] = []
    for lang in schedule.event.languages:
        lines: list[str] = []
        for item in items:
            title = text_in(item.title, lang)
            if title and len(items) > 1:
                lines.append(title)
            summary = text_in(item.summary, lang)
            if summary:
                lines.append(summary.strip())
            chairs = _names(schedule, item.all_chairs)
            if chairs:
                lines.append(render("zoom.agenda.chair", lang, names=chairs))
            panel = _names(schedule, item.panel.speakers if item.panel else item.speakers)
            if panel:
                lines.append(render("zoom.agenda.panel", lang, names=panel))
        if lines:
            blocks.append("\n".join(lines))
    agenda = ""
    for block in blocks:
        candidate = f"{agenda}\n\n{block}" if agenda else block
        if len(candidate) > AGENDA_MAX:
            break
        agenda = candidate
    if not blocks:
        return ""
    return agenda or _clip(blocks[0], AGENDA_MAX)


def _alternative_hosts(schedule: Schedule, items: Sequence[Item]) -> tuple[str, ...]:
    emails = {
        (schedule.people[pid].email or "").strip().lower()
        for item in items
        for pid in item.all_chairs
        if pid in schedule.people and schedule.people[pid].email
    }
    host = schedule.event.meetings.host.lower()
    return tuple(sorted(email for email in emails if email and email != host))


def _interpreters(schedule: Schedule) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(
        (i.email.strip().lower(), ",".join(ZOOM_LANGUAGE_CODES[lang] for lang in i.languages))
        for i in schedule.all_interpreters()
    ))


def _approval_type(schedule: Schedule) -> int:
    registration = schedule.event.registration
    if registration is None or not registration.required:
        return NO_REGISTRATION
    return APPROVAL_TYPES[registration.approval]


def _topic(key: str, lang: str, event_title: str, **values: object) -> str:
    """The topic within Zoom's 200 characters, shortening the event's title before the session's."""
    topic = render(key, lang, event=event_title, **values)
    if len(topic) > TOPIC_MAX:
        room = TOPIC_MAX - (len(topic) - len(event_title))
        topic = render(key, lang, event=_clip(event_title, max(room, 20)), **values)
    return _clip(topic, TOPIC_MAX)


def plan_meetings(schedule: Schedule) -> list[MeetingPlan]:
    """The meetings the schedule calls for, in agenda order (pure)."""
    event = schedule.event
    zone = ZoneInfo(event.timezone)
    lang = event.languages[0]
    event_title = text_in(event.title, lang)
    common = {
        "kind": event.meetings.kind,
        "host": event.meetings.host,
        "timezone": event.timezone,
        "approval_type": _approval_type(schedule),
        "interpreters": _interpreters(schedule),
        "interpretation": bool(event.interpretation) or bool(schedule.all_interpreters()),
    }
    plans: list[MeetingPlan] = []
    for number, day in enumerate(schedule.days, start=1):
        if event.meetings.scope is MeetingScope.PER_DAY:
            top = [item for run in _runs(day) for item in run]
            if not top:
                continue
            groups = [(top[0], top)]
        else:
            groups = _groups(day)
        for lead, top in groups:
            start = min(agenda_time(day.date, item.start, zone).astimezone(UTC) for item in top)
            end = max(agenda_time(day.date, item.end, zone).astimezone(UTC) for item in top)
            if event.meetings.scope is MeetingScope.PER_DAY:
                key = day.date.isoformat()
                topic = _topic("zoom.topic.day", lang, event_title, number=number, date=key)
            else:
                key = lead.id
                title = text_in(lead.title, lang) or render(f"zoom.kind.{lead.kind.value}", lang)
                topic = _topic("zoom.topic.session", lang, event_title, title=title)
            plans.append(MeetingPlan(
                key=key,
                items=_covered(schedule, top),
                topic=_clip(topic, TOPIC_MAX),
                agenda=_agenda(schedule, top),
                start=start,
                duration=int((end - start).total_seconds() // 60),
                alternative_hosts=_alternative_hosts(schedule, top),
                **common,  # type: ignore[arg-type]
            ))
    return plans


def all_changes(plan: MeetingPlan) -> list[Change]:
    """Every field as a change from nothing (a meeting still to create)."""
    return [Change(name, "", value) for name, value in plan.fields().items()]

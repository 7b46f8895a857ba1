"""Provision the event's Zoom meetings (or webinars) from the schedule, idempotently.

`plan_meetings(schedule)` is pure: which meetings the schedule calls for and what each should look like.
`provision(...)` compares that with Zoom and creates or updates only what differs. Meeting ids and links
are kept in the key-value store, so a second run updates and never duplicates; if the store was lost (or a
create failed ambiguously), a meeting already in Zoom with the same topic and start time is adopted
instead of created again.

Stored keys (namespace / key -> JSON value), for cues and webhooks:
- ``zoom.meeting`` / ``<event id>/<meeting key>``: {id, uuid, kind, host, join_url, registration_url, items}
  where the meeting key is the session's item id (scope per-session) or the ISO date (scope per-day);
- ``zoom.item`` / ``<event id>/<item id>``: {meeting, id, join_url, registration_url} for every item a
  meeting covers (use `links_for_item`);
- ``zoom.by_id`` / ``<zoom meeting id>``: {event, meeting, items} so webhooks find the items of a meeting.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.adapters.retry import RetryPolicy
from bot.adapters.zoom.client import (
    JSON,
    ZoomClient,
    ZoomNotFound,
    ZoomServerError,
    ZoomUnavailable,
    is_transient,
)
from bot.adapters.zoom.times import zoom_time
from bot.app.clock import Clock, SystemClock
from bot.app.ports.store import KeyValues
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

# A create that failed ambiguously (5xx, no answer) may have happened: look for the meeting, then create again
# at once, three tries in all. The client already waited out rate limits and retried what is safe to retry.
CREATE_RETRY = RetryPolicy(attempts=3, first_delay=0.0)

NS_MEETING = "zoom.meeting"
NS_ITEM = "zoom.item"
NS_BY_ID = "zoom.by_id"
NS_BUDGET = "zoom.budget"  # <host>/<UTC date> -> create/update requests made that day

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

    def body(self) -> dict[str, Any]:
        """The create/update request body (zoom_client turns start_time into what zoomus needs)."""
        settings: dict[str, Any] = {
            "approval_type": self.approval_type,
            "alternative_hosts": ";".join(self.alternative_hosts),
            "language_interpretation": {
                "enable": bool(self.interpreters),
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
            "start_time": _utc_text(self.start),
            "duration": str(self.duration),
            "timezone": self.timezone,
            "approval_type": str(self.approval_type),
            "alternative_hosts": ";".join(self.alternative_hosts),
            "interpreters": _interpreters_text(self.interpreters),
        }


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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
        "start_time": _utc_text(start) if start else "",
        "duration": str(meeting.get("duration", "")),
        "timezone": str(meeting.get("timezone", "")),
        "approval_type": str(settings.get("approval_type", "")),
        "alternative_hosts": ";".join(hosts),
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


# --- planning (pure) -----------------------------------------------------------------------------


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
        for i in schedule.event.meetings.interpreters
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


# --- applying ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What happened (or, in a dry run, would happen) to one planned meeting."""

    plan: MeetingPlan
    action: str  # create | update | unchanged | adopt | unknown
    meeting_id: str | None = None
    join_url: str | None = None
    registration_url: str | None = None
    changes: list[Change] = field(default_factory=list)


ProgressHook = Callable[[MeetingPlan, str], None]


@dataclass
class Provisioner:
    """Creates or updates the planned meetings in Zoom and remembers them in the store."""

    schedule: Schedule
    store: KeyValues
    client: ZoomClient | None
    clock: Clock = field(default_factory=SystemClock)
    _existing: dict[str, list[JSON]] = field(default_factory=dict)

    def _store_key(self, plan: MeetingPlan) -> str:
        return f"{self.schedule.event.id}/{plan.key}"

    async def run(self, *, dry_run: bool = False, progress: ProgressHook | None = None) -> list[Outcome]:
        plans = plan_meetings(self.schedule)
        hosts = sorted({plan.host for plan in plans})
        await self._load_budget(hosts)
        outcomes = []
        try:
            for plan in plans:
                outcome = await self._one(plan, dry_run=dry_run)
                outcomes.append(outcome)
                if progress:
                    progress(plan, outcome.action)
        finally:
            if not dry_run:
                await self._save_budget(hosts)
        return outcomes

    def _budget_key(self, host: str) -> str:
        return f"{host}/{self.clock.now().astimezone(UTC).date().isoformat()}"

    async def _load_budget(self, hosts: Sequence[str]) -> None:
        # Zoom's 100 writes a day are per user, whatever process made them: share the count between runs.
        if self.client is None:
            return
        for host in hosts:
            used = await self.store.get(NS_BUDGET, self._budget_key(host), 0)
            self.client.budget.preload(host, self.clock.now(), int(used or 0))

    async def _save_budget(self, hosts: Sequence[str]) -> None:
        if self.client is None:
            return
        for host in hosts:
            used = self.client.budget.used(host, self.clock.now())
            await self.store.set(NS_BUDGET, self._budget_key(host), used, self.clock.now())

    async def _get(self, plan: MeetingPlan, meeting_id: str) -> JSON:
        assert self.client is not None
        if plan.kind is MeetingKind.WEBINAR:
            return await self.client.get_webinar(meeting_id)
        return await self.client.get_meeting(meeting_id)

    async def _find_existing(self, plan: MeetingPlan) -> JSON | None:
        """A meeting already in Zoom that is evidently this one: same topic, same start time."""
        assert self.client is not None
        if plan.host not in self._existing:
            if plan.kind is MeetingKind.WEBINAR:
                self._existing[plan.host] = await self.client.list_webinars(plan.host)
            else:
                # "scheduled": every unexpired scheduled meeting, including ones whose start has passed.
                self._existing[plan.host] = await self.client.list_meetings(plan.host, "scheduled")
        wanted_start = _utc_text(plan.start)
        for meeting in self._existing[plan.host]:
            start = zoom_time(meeting.get("start_time"))
            if meeting.get("topic") == plan.topic and start and _utc_text(start) == wanted_start:
                return meeting
        return None

    async def _one(self, plan: MeetingPlan, *, dry_run: bool) -> Outcome:
        stored = await self.store.get(NS_MEETING, self._store_key(plan))
        if self.client is None:
            # No credentials: say what the schedule calls for; comparing needs Zoom.
            if stored:
                return Outcome(plan, "unknown", str(stored.get("id")), stored.get("join_url"),
                               stored.get("registration_url"))
            return Outcome(plan, "create", changes=_all_changes(plan))
        current: JSON | None = None
        action = "update"
        if stored:
            try:
                current = await self._get(plan, str(stored["id"]))
            except ZoomNotFound:
                current = None  # deleted in Zoom since: create it again
        if current is None:
            found = await self._find_existing(plan)
            if found is not None:
                current = await self._get(plan, str(found["id"]))
                action = "adopt"
        if current is None:
            if dry_run:
                return Outcome(plan, "create", changes=_all_changes(plan))
            created = await self._create(plan)
            outcome = Outcome(plan, "create", str(created["id"]), created.get("join_url"),
                              created.get("registration_url"), _all_changes(plan))
            await self._remember(plan, created)
            return outcome
        changes = diff(plan, current)
        if not changes:
            action = "adopt" if action == "adopt" else "unchanged"
        if changes and not dry_run:
            assert self.client is not None
            meeting_id = str(current["id"])
            if plan.kind is MeetingKind.WEBINAR:
                await self.client.update_webinar(meeting_id, plan.body(), user_id=plan.host)
            else:
                await self.client.update_meeting(meeting_id, plan.body(), user_id=plan.host)
            current = await self._get(plan, meeting_id)  # links may change (registration on/off)
        if not dry_run:
            await self._remember(plan, current)
        return Outcome(plan, action, str(current["id"]), current.get("join_url"),
                       current.get("registration_url"), changes)

    async def _create(self, plan: MeetingPlan) -> JSON:
        """Create, and if Zoom fails ambiguously (5xx, no answer) look before creating again."""
        assert self.client is not None
        async for attempt in CREATE_RETRY.retrying(is_transient, sleep=asyncio.sleep, what=f"Zoom create {plan.key}"):
            with attempt:
                try:
                    if plan.kind is MeetingKind.WEBINAR:
                        return await self.client.create_webinar(plan.host, plan.body())
                    return await self.client.create_meeting(plan.host, plan.body())
                except (ZoomServerError, ZoomUnavailable):
                    self._existing.pop(plan.host, None)
                    found = await self._find_existing(plan)
                    if found is not None:
                        return await self._get(plan, str(found["id"]))
                    raise
        raise AssertionError("unreachable")

    async def _remember(self, plan: MeetingPlan, meeting: JSON) -> None:
        now = self.clock.now()
        event_id = self.schedule.event.id
        record = {
            "id": meeting["id"],
            "uuid": meeting.get("uuid"),
            "kind": plan.kind.value,
            "host": plan.host,
            "join_url": meeting.get("join_url"),
            "registration_url": meeting.get("registration_url"),
            "items": list(plan.items),
        }
        await self.store.set(NS_MEETING, self._store_key(plan), record, now)
        for item_id in plan.items:
            await self.store.set(NS_ITEM, f"{event_id}/{item_id}", {
                "meeting": plan.key, "id": meeting["id"],
                "join_url": record["join_url"], "registration_url": record["registration_url"],
            }, now)
        await self.store.set(NS_BY_ID, str(meeting["id"]), {
            "event": event_id, "meeting": plan.key, "items": list(plan.items),
        }, now)


def _all_changes(plan: MeetingPlan) -> list[Change]:
    return [Change(name, "", value) for name, value in plan.fields().items()]


@dataclass(frozen=True)
class MeetingLinks:
    meeting_id: str
    join_url: str | None
    registration_url: str | None


async def links_for_item(store: KeyValues, event_id: str, item_id: str) -> MeetingLinks | None:
    """The Zoom links of the meeting that covers an item, once provisioned (for cues)."""
    record = await store.get(NS_ITEM, f"{event_id}/{item_id}")
    if not record:
        return None
    return MeetingLinks(str(record["id"]), record.get("join_url"), record.get("registration_url"))


async def meeting_items(store: KeyValues, meeting_id: str) -> list[str]:
    """The schedule items a Zoom meeting covers (for webhooks), empty if it is not one of ours."""
    record = await store.get(NS_BY_ID, str(meeting_id))
    return list(record.get("items", [])) if record else []

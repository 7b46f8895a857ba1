"""Provision the event's Zoom meetings (or webinars) from the schedule, idempotently.

The plans are bot.adapters.zoom.meeting_plan's (pure); the `Provisioner` compares them with Zoom and
creates or updates only what differs. Meeting ids and links are kept in the key-value store, so a second
run updates and never duplicates; if the store was lost (or a create failed ambiguously), a meeting
already in Zoom with the same topic and start time is adopted instead of created again.

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
from datetime import UTC

from bot.adapters.retry import RetryPolicy
from bot.adapters.zoom.client import JSON, ZoomClient
from bot.adapters.zoom.errors import ZoomNotFound, ZoomServerError, ZoomUnavailable, is_transient
from bot.adapters.zoom.meeting_plan import Change, MeetingPlan, all_changes, diff, plan_meetings, utc_text
from bot.adapters.zoom.registration_questions import (
    Question,
    comparable,
    merged_questions,
    registration_questions,
)
from bot.adapters.zoom.times import zoom_time
from bot.app.clock import Clock, SystemClock
from bot.app.ports.store import KeyValues
from bot.config.model import MeetingKind, Schedule

# A create that failed ambiguously (5xx, no answer) may have happened: look for the meeting, then create again
# at once, three tries in all. The client already waited out rate limits and retried what is safe to retry.
CREATE_RETRY = RetryPolicy(attempts=3, first_delay=0.0)

NS_MEETING = "zoom.meeting"
NS_ITEM = "zoom.item"
NS_BY_ID = "zoom.by_id"
NS_BUDGET = "zoom.budget"  # <host>/<UTC date> -> create/update requests made that day
QUESTIONS_FIELD = "registration_questions"
REGISTRATION_ON = (0, 1)  # Zoom's approval types with registration (2: none)

@dataclass
class MeetingResult:
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

    async def run(self, *, dry_run: bool = False, progress: ProgressHook | None = None) -> list[MeetingResult]:
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
        wanted_start = utc_text(plan.start)
        for meeting in self._existing[plan.host]:
            start = zoom_time(meeting.get("start_time"))
            if meeting.get("topic") == plan.topic and start and utc_text(start) == wanted_start:
                return meeting
        return None

    async def _one(self, plan: MeetingPlan, *, dry_run: bool) -> MeetingResult:
        stored = await self.store.get(NS_MEETING, self._store_key(plan))
        if self.client is None:
            # No credentials: say what the schedule calls for; comparing needs Zoom.
            if stored:
                return MeetingResult(plan, "unknown", str(stored.get("id")), stored.get("join_url"),
                                     stored.get("registration_url"))
            return MeetingResult(plan, "create", changes=all_changes(plan) + self._new_questions())
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
                return MeetingResult(plan, "create", changes=all_changes(plan) + self._new_questions())
            created = await self._create(plan)
            outcome = MeetingResult(plan, "create", str(created["id"]), created.get("join_url"),
                                    created.get("registration_url"), all_changes(plan))
            await self._remember(plan, created)
            outcome.changes += await self._ask_questions(plan, str(created["id"]), dry_run=False)
            return outcome
        changes = diff(plan, current)
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
        if dry_run and (current.get("settings") or {}).get("approval_type") not in REGISTRATION_ON:
            changes += self._new_questions()  # registration is still off in Zoom: nothing to ask it yet
        else:
            changes += await self._ask_questions(plan, str(current["id"]), dry_run=dry_run)
        if not changes:
            action = "adopt" if action == "adopt" else "unchanged"
        return MeetingResult(plan, action, str(current["id"]), current.get("join_url"),
                             current.get("registration_url"), changes)

    def _new_questions(self) -> list[Change]:
        questions = registration_questions(self.schedule)
        return [Change(QUESTIONS_FIELD, "", _titles(questions))] if questions else []

    async def _ask_questions(self, plan: MeetingPlan, meeting_id: str, *, dry_run: bool) -> list[Change]:
        """Registration asks for the stakeholder group and the floor language: the whole custom-question
        list is PATCHed (Zoom replaces it), the organizer's own questions kept, and only when it differs."""
        ours = registration_questions(self.schedule)
        if not ours:
            return []
        assert self.client is not None
        kind = plan.kind.value
        current = await self.client.registrant_questions(kind, meeting_id)
        existing = [q for q in current.get("custom_questions") or [] if isinstance(q, dict)]
        wanted = merged_questions(existing, ours, plan.kind)
        if comparable(existing) == comparable(wanted):
            return []
        change = Change(QUESTIONS_FIELD, _titles_of(existing), _titles(ours))
        if not dry_run:
            body: dict[str, object] = {"custom_questions": wanted}
            if current.get("questions") is not None:
                body["questions"] = current["questions"]  # the standard fields, sent back as they are
            await self.client.update_registrant_questions(kind, meeting_id, body)
        return [change]

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


def _titles(questions: Sequence[Question]) -> str:
    return " | ".join(question.title for question in questions)


def _titles_of(questions: Sequence[JSON]) -> str:
    return " | ".join(str(q.get("title", "")) for q in questions)


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

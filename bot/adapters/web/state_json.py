"""The console's JSON: what `/api/state` sends, shaped from the read model's views in the reader's language.

The list's text is encoded once per view and language (`FloorText`): every page fetching after a change shares
it, and at 1,000 waiting it is most of the body.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any

from bot.adapters.web.signin import is_guest
from bot.adapters.web.views import CueView, EventView, FloorView, RequestView, pick, to_json
from bot.app.ports.board import BudgetUse
from bot.i18n import catalog as i18n
from bot.i18n import formats
from bot.i18n.board import budget_text
from bot.i18n.messages import group_name


def wait_text(seconds: int, lang: str) -> str:
    """The console's short wording of the one wait rule (chat says the same in a sentence)."""
    return formats.wait(timedelta(seconds=seconds), lang, short=True)


def event_json(event: EventView, lang: str) -> dict[str, Any]:
    return {
        "id": event.id, "title": pick(event.title, lang), "timezone": event.timezone,
        "timezone_label": event.timezone_label, "languages": list(event.languages),
        "groups": [{"id": gid, "name": pick(name, lang)} for gid, name in event.groups.items()],
    }


def floor_json(floor: FloorView, event: EventView, lang: str) -> dict[str, Any]:
    def request_json(r: RequestView) -> dict[str, Any]:
        data: dict[str, Any] = to_json(r)
        return data | {
            # a guest who chose "not stated" is shown so, never as a blank or a default group
            "group_name": pick(event.groups.get(r.group), lang) or group_name(r.group, lang),
            "wait_text": wait_text(r.estimated_wait_seconds, lang),
            "unverified": is_guest(r.person),
        }

    return {
        "discussion": floor.discussion, "title": pick(floor.title, lang), "is_open": floor.is_open,
        "speaking": to_json(floor.speaking) if floor.speaking else None,
        "queue": [request_json(r) for r in floor.queue],
        "next_language": floor.next_language, "version": floor.version,
        "budgets": [budget_json(b, lang) for b in floor.budgets],
    }


class FloorText:
    """The list's JSON text per view and language: the model's view is the same object until it changes."""

    def __init__(self) -> None:
        self._held: dict[str, tuple[FloorView, str]] = {}

    def __call__(self, floor: FloorView, event: EventView, lang: str) -> str:
        held = self._held.get(lang)
        if held is None or held[0] is not floor:
            held = (floor, json.dumps(floor_json(floor, event, lang), ensure_ascii=False, separators=(",", ":")))
            self._held[lang] = held
        return held[1]


def budget_json(use: BudgetUse, lang: str) -> dict[str, Any]:
    """A group's floor time so far, and what its budget leaves, as the chair's console reads it."""
    def seconds(span: Any) -> int | None:
        return int(span.total_seconds()) if span is not None else None
    return {"group": use.group, "group_name": pick(use.group_name, lang), "used_seconds": seconds(use.used),
            "budget_seconds": seconds(use.budget), "remaining_seconds": seconds(use.remaining),
            "text": budget_text(use, lang)}


def offset_json(minutes: int, lang: str) -> dict[str, Any]:
    """How late the day runs ("running 7 min late"), as the run of show's heading says it."""
    key = "plan.console.late" if minutes > 0 else "plan.console.early" if minutes < 0 else "plan.console.on_time"
    return {"minutes": minutes, "text": i18n.render(key, lang, minutes=abs(minutes))}


@lru_cache(maxsize=4096)
def event_day(at: datetime, zone: tzinfo, lang: str) -> str:
    """A cue's day on the event's clock (cached: every chair's page shows the whole run of show each fetch)."""
    return formats.long_date(at.astimezone(zone).date(), lang)


@lru_cache(maxsize=4096)
def event_clock(at: datetime, zone: tzinfo, lang: str) -> str:
    return formats.clock(at.astimezone(zone), lang)


def cue_json(cue: CueView, zone: tzinfo, lang: str) -> dict[str, Any]:
    """A run-of-show row. The event's clock is formatted here, as in chat; only the reader's own clock is left
    to the page. A cue a chair moved carries its time in the plan too, as a rundown shows plan and new times."""
    planned = cue.planned_at if cue.planned_at is not None and cue.planned_at != cue.at else None
    return {"at": cue.at.isoformat(), "id": cue.id, "kind": cue.kind, "item": cue.item,
            "title": pick(cue.title, lang), "state": cue.state.value,
            "day": event_day(cue.at, zone, lang), "time": event_clock(cue.at, zone, lang),
            "planned": event_clock(planned, zone, lang) if planned is not None else None}

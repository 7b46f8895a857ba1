"""Provisioned Zoom links into the run of show: the cues' reminders carry the link of each item's meeting
(registration when the event requires it, else join), once `floorbot provision` has stored them."""

from __future__ import annotations

from typing import Any

from bot.adapters.zoom.provision import links_for_item
from bot.app.ports.store import KeyValues
from bot.config.model import Schedule


async def with_meeting_links(schedule: Schedule, store: KeyValues) -> Schedule:
    """The schedule with each item's `join_url` filled from the stored Zoom links (the file's own wins)."""
    data: dict[str, Any] = schedule.model_dump(mode="python", exclude_defaults=False)
    wants_registration = schedule.event.registration is not None and schedule.event.registration.required
    changed = False
    for day in data["days"]:
        for item in day["items"]:
            if item.get("join_url"):
                continue
            links = await links_for_item(store, schedule.event.id, item["id"])
            if links is None:
                continue
            url = (links.registration_url if wants_registration else None) or links.join_url
            if url:
                item["join_url"] = url
                changed = True
    return Schedule.model_validate(data) if changed else schedule

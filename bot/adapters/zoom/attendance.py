"""Attendance: per person, total time in the meeting, first join and last leave.

Zoom's past-meeting participants list has one record per stay (a person who drops and rejoins, or joins
on two devices, has several). Stays of one person are merged before summing, so two devices at once are
not counted twice. Identities go through `bot.domain.identity`, so the report names the same person the list of
speakers does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.adapters.zoom.client import ZoomClient
from bot.adapters.zoom.times import zoom_time
from bot.domain.identity import IdentityResolver


@dataclass(frozen=True)
class Stay:
    person: str
    name: str
    joined: datetime
    left: datetime


@dataclass(frozen=True)
class Attendance:
    """One person's attendance of one meeting."""

    person: str
    name: str
    total: timedelta
    first_join: datetime
    last_leave: datetime
    stays: int

    @property
    def minutes(self) -> int:
        return round(self.total.total_seconds() / 60)


def stays_from_records(records: Iterable[Mapping[str, Any]], identity: IdentityResolver) -> list[Stay]:
    """Zoom participant records (past_meetings/{uuid}/participants) as stays of canonical persons."""
    stays: list[Stay] = []
    for record in records:
        joined, left = zoom_time(record.get("join_time")), zoom_time(record.get("leave_time"))
        if joined is None or left is None or left < joined:
            continue
        name = str(record.get("name") or "")
        email = str(record.get("user_email") or "") or None
        user_id = record.get("id") or (
            f"registrant-{record['registrant_id']}" if record.get("registrant_id") else None
        ) or (f"name-{name}" if name else None)
        if user_id is None and email is None:
            continue
        person = identity.resolve("zoom", str(user_id) if user_id else None, email, name)
        stays.append(Stay(person, name, joined, left))
    return stays


def summarize(stays: Iterable[Stay], canonical: Callable[[str], str] | None = None) -> dict[str, Attendance]:
    """Per person: merged time, first join, last leave (pure). `canonical` maps old keys to current ones."""
    by_person: dict[str, list[Stay]] = {}
    for stay in stays:
        key = canonical(stay.person) if canonical else stay.person
        by_person.setdefault(key, []).append(stay)
    out: dict[str, Attendance] = {}
    for person, own in by_person.items():
        own.sort(key=lambda s: s.joined)
        total = timedelta(0)
        current_start, current_end = own[0].joined, own[0].left
        for stay in own[1:]:
            if stay.joined <= current_end:
                current_end = max(current_end, stay.left)
            else:
                total += current_end - current_start
                current_start, current_end = stay.joined, stay.left
        total += current_end - current_start
        name = next((s.name for s in reversed(own) if s.name), "")
        out[person] = Attendance(person, name, total, own[0].joined, max(s.left for s in own), len(own))
    return out


async def meeting_attendance(client: ZoomClient, meeting_uuid: str, identity: IdentityResolver,
                             kind: str = "meeting") -> dict[str, Attendance]:
    """Fetch every page of one meeting (or webinar) instance's participants and summarise them (for the
    report). Past webinar participants come in the same records as a meeting's."""
    if kind == "webinar":
        records = await client.past_webinar_participants(meeting_uuid)
    else:
        records = await client.past_meeting_participants(meeting_uuid)
    return summarize(stays_from_records(records, identity), identity.canonical)

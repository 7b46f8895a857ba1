"""Who is in the room: a pure model of one meeting's participants, fed by Zoom's join/leave webhooks.

A person may be in a meeting on several devices at once (laptop and phone), so presence is kept per
*stint*: one device's stay, from join to leave, keyed by Zoom's participant session id. A person is present
while any of their stints is open. Webhooks can arrive out of order (a leave before its join, after a
retry): a join older than a leave already recorded for the same stint does not reopen it.

Feeds the floor's "present only" policy (`present()`) and the report's attendance (`stints()`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime


@dataclass(frozen=True)
class Stint:
    """One device's stay in the meeting. `joined`/`left` are None while unknown."""

    person: str
    name: str
    session: str
    joined: datetime | None
    left: datetime | None = None

    @property
    def open(self) -> bool:
        return self.joined is not None and self.left is None


def _when(stint: Stint) -> datetime:
    when = stint.joined or stint.left
    assert when is not None  # a stint is made by a join or a leave
    return when


class Presence:
    """One meeting's room. Methods take the event's time; nothing here reads a clock."""

    def __init__(self, meeting_id: str) -> None:
        self.meeting_id = meeting_id
        self.started_at: datetime | None = None
        self._stints: dict[str, Stint] = {}
        self._closed: list[Stint] = []  # stints replaced by a later stay on the same session id
        self._applied: set[tuple[str, str, datetime]] = set()  # (session, join|leave, at): replays are no-ops

    def started(self, at: datetime) -> None:
        """A new instance of the meeting began; anyone still marked in from an unclean end is out."""
        self._close_all(at)
        self.started_at = at

    def ended(self, at: datetime) -> None:
        self._close_all(at)

    def joined(self, person: str, name: str, session: str, at: datetime) -> bool:
        """Record a join; False when it changes nothing (a redelivery, or older than a known leave)."""
        if not self._first_time(session, "join", at):
            return False
        current = self._stints.get(session)
        if current is not None:
            if current.joined is None:
                if current.left is not None and at <= current.left:
                    # The leave arrived first; this is its join.
                    self._stints[session] = replace(current, joined=at, person=person, name=name or current.name)
                    return True
            elif current.left is None:
                if at < current.joined:
                    self._stints[session] = replace(current, joined=at)
                    return True
                return False  # already in
            else:
                if at <= current.left:
                    return False  # belongs to a stay already closed
                self._closed.append(current)
        self._stints[session] = Stint(person, name, session, at)
        return True

    def left(self, person: str, name: str, session: str, at: datetime) -> bool:
        """Record a leave; False when it changes nothing."""
        if not self._first_time(session, "leave", at):
            return False
        current = self._stints.get(session)
        if current is None:
            self._stints[session] = Stint(person, name, session, None, at)
            return True
        if current.left is not None:
            return False
        if current.joined is not None and at < current.joined:
            return False  # a leave from an earlier stay, delivered late
        self._stints[session] = replace(current, left=at)
        return True

    def present(self, canonical: Callable[[str], str] = str) -> frozenset[str]:
        """Everyone with an open stint, as (canonical) person keys."""
        return frozenset(canonical(s.person) for s in self._stints.values() if s.open)

    def stints(self, person: str | None = None, canonical: Callable[[str], str] = str) -> list[Stint]:
        every = [*self._closed, *self._stints.values()]
        chosen = every if person is None else [s for s in every if canonical(s.person) == canonical(person)]
        return sorted(chosen, key=_when)

    def present_named(self, name: str) -> str | None:
        """The person key of the one present participant with this display name, if exactly one."""
        wanted = name.strip().casefold()
        matches = {s.person for s in self._stints.values() if s.open and s.name.strip().casefold() == wanted}
        return next(iter(matches)) if len(matches) == 1 else None

    def _first_time(self, session: str, kind: str, at: datetime) -> bool:
        marker = (session, kind, at)
        if marker in self._applied:
            return False
        self._applied.add(marker)
        return True

    def _close_all(self, at: datetime) -> None:
        for session, stint in list(self._stints.items()):
            if stint.open:
                self._stints[session] = replace(stint, left=at)


class PresenceRegistry:
    """Presence of every meeting Floorbot hears about, keyed by Zoom meeting id."""

    def __init__(self, canonical: Callable[[str], str] = str) -> None:
        self._rooms: dict[str, Presence] = {}
        self._canonical = canonical

    def room(self, meeting_id: str) -> Presence:
        meeting_id = str(meeting_id)
        if meeting_id not in self._rooms:
            self._rooms[meeting_id] = Presence(meeting_id)
        return self._rooms[meeting_id]

    def present(self, meeting_ids: Iterable[str] | None = None) -> frozenset[str]:
        """Who is in any of these meetings now (all meetings when None), as canonical person keys."""
        ids = self._rooms.keys() if meeting_ids is None else [str(m) for m in meeting_ids]
        people: set[str] = set()
        for meeting_id in ids:
            if meeting_id in self._rooms:
                people |= self._rooms[meeting_id].present(self._canonical)
        return frozenset(people)

    def present_or_none(self, meeting_ids: Iterable[str] | None = None) -> frozenset[str] | None:
        """For the floor's "present only" policy: None (nobody is passed over) until Zoom has reported
        on one of these meetings, so an event run without Zoom webhooks is not emptied by the policy."""
        ids = list(self._rooms) if meeting_ids is None else [str(m) for m in meeting_ids]
        if not any(m in self._rooms for m in ids):
            return None
        return self.present(ids)

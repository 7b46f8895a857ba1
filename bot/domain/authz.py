"""Who may use the chair's controls: the session's chair(s) and the event's organizers, recognised by
the platform user id of a signed request, never by a display name (anyone can rename themselves).

Platform ids: a Slack user id as Slack sends it (``U0LENE``, from `Person.slack`); the web console and
rehearsals use ``web:<person id>`` (the console authenticates the person, then speaks for them). Zoom
chat ids never carry chair powers: Zoom's in-meeting chat is read-only for the bot and unauthenticated.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.grammar import CHAIR_VERBS, Verb
from bot.domain.schedule import Agenda, AgendaItem, ListedPerson

WEB_PREFIX = "web:"


@dataclass(frozen=True)
class Permission:
    """`reason_key` is a message key in prompts/<lang>/ (``floor.authz.*``, ``access.refused.*``)."""

    allowed: bool
    reason_key: str


class Role(StrEnum):
    """What a console credential (an invitation link, a Slack sign-in, a guest's form) lets its holder do. It
    caps what the schedule grants: an organizer invited as an attendee has no chair power in that session."""

    ORGANIZER = "organizer"
    CHAIR = "chair"  # of the sessions the schedule says they chair
    INTERPRETER = "interpreter"  # reads the floor; acts on nothing
    ATTENDEE = "attendee"
    GUEST = "guest"  # unverified: no credential but a name


CHAIR_ROLES = frozenset({Role.ORGANIZER, Role.CHAIR})


def role_permits(role: Role, verb: Verb | str | None) -> Permission:
    """May a credential of `role` ask for `verb` at all (None: plain chat)? The schedule decides the rest
    (`authorize`: a chair only in their own sessions). Interpreters are read-only: no chat, no request."""
    if role is Role.INTERPRETER:
        return Permission(False, "access.refused.read_only")
    if verb is not None and verb in CHAIR_VERBS and role not in CHAIR_ROLES:
        return Permission(False, "access.refused.role")
    return Permission(True, "floor.authz.anyone")


def natural_role(person_id: str, schedule: Agenda) -> Role:
    """The role the schedule gives a person: organizer, chair of some item, else attendee."""
    if person_id in schedule.event.organizers:
        return Role.ORGANIZER
    if any(person_id in item.all_chairs for day in schedule.days for item in day.items):
        return Role.CHAIR
    return Role.ATTENDEE


def web_id(person_id: str) -> str:
    return f"{WEB_PREFIX}{person_id}"


def platform_ids(person_id: str, person: ListedPerson) -> frozenset[str]:
    """Every platform user id that speaks for this person."""
    ids = {web_id(person_id)}
    if person.slack:
        ids.add(person.slack)
    return frozenset(ids)


def person_for(actor_platform_id: str, schedule: Agenda) -> str | None:
    """The schedule's person id behind a platform user id, if any."""
    if not actor_platform_id:
        return None
    for person_id, person in schedule.people.items():
        if actor_platform_id in platform_ids(person_id, person):
            return person_id
    return None


def chairs_of(item: AgendaItem | None, schedule: Agenda) -> list[str]:
    """The item's chairs, and those of the item it is nested in (an opening inside a session)."""
    if item is None:
        return []
    chairs = list(item.all_chairs)
    if item.within:
        try:
            parent = schedule.item(item.within)
        except KeyError:
            parent = None
        if parent is not None:
            chairs += [c for c in parent.all_chairs if c not in chairs]
    return chairs


def authorize(actor_platform_id: str, verb: Verb | str, item: AgendaItem | None, schedule: Agenda) -> Permission:
    """May this platform user do `verb` during `item` (None: between items)?"""
    try:
        verb = Verb(verb)
    except ValueError:
        return Permission(False, "floor.authz.unknown_verb")
    if verb not in CHAIR_VERBS:
        return Permission(True, "floor.authz.anyone")
    person_id = person_for(actor_platform_id, schedule)
    if person_id is None:
        return Permission(False, "floor.authz.unknown_person")
    if person_id in schedule.event.organizers:
        return Permission(True, "floor.authz.organizer")
    if person_id in chairs_of(item, schedule):
        return Permission(True, "floor.authz.chair")
    if item is None:
        return Permission(False, "floor.authz.no_session")
    return Permission(False, "floor.authz.not_chair")

"""Registrants into the people directory: who registered, with which stakeholder group and floor language.

Each registrant becomes the record `People` keeps in the key-value namespace "participants", under the key
a later sighting with the same e-mail resolves to (`People.key_for`: ``email:<address>``, or the schedule's
person id for someone the schedule lists). So a registrant who signs in on Slack or the console with that
e-mail is known at once with the group and language given at registration. Someone the schedule lists is
left to the schedule, which stays authoritative.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from bot.app.people import NAMESPACE, People
from bot.app.ports.store import KeyValues
from bot.config.model import NOT_STATED, Schedule
from bot.domain.identity import normalize_email

SOURCE = "registration"


@dataclass(frozen=True)
class Registrant:
    name: str
    email: str
    group: str  # a group id of the schedule, or NOT_STATED
    language: str | None  # one of the event's languages, or None when not answered


@dataclass
class ImportSummary:
    imported: int = 0  # new in the directory
    updated: int = 0  # known, and something changed
    unchanged: int = 0
    not_stated: int = 0  # of the registrants read, how many gave no group (or one not recognised)
    listed: int = 0  # in the schedule already: the schedule says who they are
    keys: list[str] = field(default_factory=list)


def merge(registrants: Iterable[Registrant]) -> list[Registrant]:
    """One registrant per e-mail (a person may register for several sessions): a stated group wins over
    none, otherwise the later registration does."""
    by_email: dict[str, Registrant] = {}
    for registrant in registrants:
        email = normalize_email(registrant.email)
        if email is None:
            continue
        earlier = by_email.get(email)
        if earlier is not None and registrant.group == NOT_STATED and earlier.group != NOT_STATED:
            continue
        by_email[email] = registrant
    return list(by_email.values())


async def import_registrants(schedule: Schedule, kv: KeyValues, registrants: Iterable[Registrant],
                             now: datetime) -> ImportSummary:
    people = People(schedule, kv)
    summary = ImportSummary()
    for registrant in merge(registrants):
        if registrant.group == NOT_STATED:
            summary.not_stated += 1
        key = people.key_for(SOURCE, "", registrant.email, registrant.name)
        summary.keys.append(key)
        if key in schedule.people:
            summary.listed += 1
            continue
        stored = await kv.get(NAMESPACE, key) or {}
        # The name a surface shows later (a sighting's display name) wins over the one typed at registration.
        wanted: dict[str, object] = {"name": stored.get("name") or registrant.name or key, "group": registrant.group}
        if registrant.language in schedule.event.languages:
            # The language asked for at registration counts as one asked for with `/floor lang`.
            wanted |= {"language": registrant.language, "chosen_language": registrant.language}
        if {k: stored.get(k) for k in wanted} == wanted:
            summary.unchanged += 1
            continue
        if stored:
            summary.updated += 1
        else:
            summary.imported += 1
        await kv.set(NAMESPACE, key, {**stored, **wanted}, now)
    return summary

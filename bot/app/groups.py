"""A stakeholder group named in chat (`/floor group société civile`): the schedule's group it means.

A group is found by its id or its name in any of the event's languages, whatever the case, accents and
hyphens, so "societe civile", "Civil society" and "civil-society" all mean the same group.
"""

from __future__ import annotations

from bot.config.model import Schedule
from bot.domain.grammar import normalize

_EDGE = " .,!?;:¡¿\"'«»()"


def _key(text: str) -> str:
    return " ".join(normalize(text).replace("-", " ").strip(_EDGE).split())


def group_named(schedule: Schedule, said: str) -> str | None:
    """The id of the group `said` names, or None when it names none (or more than one)."""
    wanted = _key(said)
    found = {gid for gid, name in schedule.group_names().items()
             if wanted in {_key(gid), *(_key(n) for n in ([name] if isinstance(name, str) else name.values()))}}
    return found.pop() if len(found) == 1 else None

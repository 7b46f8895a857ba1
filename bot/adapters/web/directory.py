"""Who can be invited to the console: the schedule's people (with the role the schedule gives them) and the
interpreters of its meetings (by e-mail, read-only)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.config.model import Schedule
from bot.domain.authz import Role, natural_role
from bot.domain.identity import normalize_email


@dataclass(frozen=True)
class Member:
    id: str  # the person id, or an interpreter's e-mail
    name: str
    group: str
    language: str
    role: Role  # what the schedule gives; an invitation may give less
    slack: str | None = None
    email: str | None = None
    listed: bool = True  # a person of the schedule (False: an interpreter of the meetings)


def directory(schedule: Schedule) -> Mapping[str, Member]:
    members = {
        pid: Member(pid, p.name, p.group, p.language, natural_role(pid, schedule), p.slack,
                    normalize_email(p.email))
        for pid, p in schedule.people.items()
    }
    for interpreter in schedule.all_interpreters():
        email = normalize_email(interpreter.email) or interpreter.email
        if email not in members:
            members[email] = Member(email, interpreter.name or email, "other", interpreter.languages[0],
                                    Role.INTERPRETER, email=email, listed=False)
    return members


def match_slack(members: Mapping[str, Member], slack_id: str | None, email: str | None) -> Member | None:
    """The schedule's person behind a Slack sign-in: by Slack user id first, else by e-mail."""
    if slack_id:
        found = next((m for m in members.values() if m.slack and m.slack == slack_id), None)
        if found is not None:
            return found
    wanted = normalize_email(email)
    if wanted:
        return next((m for m in members.values() if m.email == wanted), None)
    return None

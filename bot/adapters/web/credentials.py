"""Console credentials: invitation links and session cookies, signed with the deployment's secret key.

Both are itsdangerous signatures over a small JSON payload, each under its own salt (a session cookie can
never pass for a link, nor the reverse). They carry their own issue time and expiry, read on the wall
clock given, so they survive a restart; what the signature cannot say — that a link or a session was
revoked — is asked of the store (`Revocations`) on every use.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from bot.app.ports.access import Revocations
from bot.app.ports.store import KeyValues
from bot.domain.authz import Role

log = logging.getLogger(__name__)

SECRET_KEY = ("console", "secret_key")  # where a generated key is kept (key_values)
SESSION_LIFETIME = timedelta(days=3)  # a Slack, guest or local sign-in; an invitation's session ends with it


class InvalidCredential(Exception):
    """A link or cookie that cannot be honoured; `key` is the catalog message (``access.refused.*``)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Invitation:
    person: str  # a schedule person id, or an interpreter's e-mail
    role: Role
    issued_at: datetime
    expires: datetime

    @property
    def subject(self) -> str:
        return person_subject(self.person)


@dataclass(frozen=True)
class Credential:
    """Who a console session speaks for, and with which role. `user_id` is what the dispatcher sees."""

    sid: str
    user_id: str  # web:<person id>, web:guest:<random>, web:slack:<Slack id>, web:interpreter:<random>
    name: str
    lang: str
    group: str
    role: Role
    issued_at: datetime
    expires: datetime
    person: str | None = None  # the schedule's person id (or an interpreter's e-mail)
    verified: bool = True  # False for a guest: a name nobody checked
    via: str = "local"  # local | invitation | slack | guest

    @property
    def subjects(self) -> list[str]:
        """What revoking would name: this session, and the person behind it."""
        return [f"session:{self.sid}"] + ([person_subject(self.person)] if self.person else [])

    @property
    def stated_group(self) -> str | None:
        """The group this session speaks for: the schedule's, or what a guest chose in the form. None for
        someone signed in with Slack whom the schedule does not list: nobody asked them yet, so their record
        (the group prompt's answer, `/floor group`) says it, never a "not stated" of the sign-in's making."""
        return None if self.via == "slack" and self.person is None else self.group

    def with_language(self, lang: str) -> Credential:
        return replace(self, lang=lang)


def person_subject(person: str) -> str:
    return f"person:{person}"


def new_sid() -> str:
    return secrets.token_urlsafe(12)


class Signer:
    """Signs and reads invitation tokens and session cookies with one secret key."""

    def __init__(self, secret: str) -> None:
        self._links = URLSafeSerializer(secret, salt="floorbot.invitation")
        self._sessions = URLSafeSerializer(secret, salt="floorbot.session")
        self._states = URLSafeSerializer(secret, salt="floorbot.signin-state")

    def invitation_token(self, invitation: Invitation) -> str:
        return str(self._links.dumps({"p": invitation.person, "r": invitation.role.value,
                                      "i": _epoch(invitation.issued_at), "x": _epoch(invitation.expires)}))

    def read_invitation(self, token: str, now: datetime) -> Invitation:
        data = self._load(self._links, token)
        try:
            invitation = Invitation(str(data["p"]), Role(data["r"]), _at(data["i"]), _at(data["x"]))
        except (KeyError, ValueError, TypeError):
            raise InvalidCredential("access.refused.tampered") from None
        if now >= invitation.expires:
            raise InvalidCredential("access.refused.expired")
        return invitation

    def session_cookie(self, credential: Credential) -> str:
        c = credential
        return str(self._sessions.dumps({
            "s": c.sid, "u": c.user_id, "n": c.name, "l": c.lang, "g": c.group, "r": c.role.value,
            "i": _epoch(c.issued_at), "x": _epoch(c.expires), "p": c.person, "v": c.verified, "w": c.via,
        }))

    def read_session(self, cookie: str, now: datetime) -> Credential:
        data = self._load(self._sessions, cookie)
        try:
            credential = Credential(
                str(data["s"]), str(data["u"]), str(data["n"]), str(data["l"]), str(data["g"]), Role(data["r"]),
                _at(data["i"]), _at(data["x"]), data["p"], bool(data["v"]), str(data["w"]))
        except (KeyError, ValueError, TypeError):
            raise InvalidCredential("access.refused.tampered") from None
        if now >= credential.expires:
            raise InvalidCredential("access.refused.expired")
        return credential

    def state(self, value: dict[str, str]) -> str:
        """A value the browser carries through a sign-in elsewhere (Slack's) and brings back unchanged."""
        return str(self._states.dumps(value))

    def read_state(self, signed: str) -> dict[str, str]:
        data = self._load(self._states, signed)
        return {str(k): str(v) for k, v in data.items()}

    @staticmethod
    def _load(serializer: URLSafeSerializer, signed: str) -> dict[str, Any]:
        try:
            data = serializer.loads(signed)
        except BadSignature:
            raise InvalidCredential("access.refused.tampered") from None
        if not isinstance(data, dict):
            raise InvalidCredential("access.refused.tampered")
        return data


async def check_revoked(revocations: Revocations, subjects: list[str], issued_at: datetime) -> None:
    """Raise if any subject was revoked at or after `issued_at` (a link sent again after a revocation works)."""
    revoked = await revocations.revoked_at(subjects)
    if revoked is not None and revoked >= issued_at:
        raise InvalidCredential("access.refused.revoked")


async def secret_key(configured: str | None, kv: KeyValues, now: datetime) -> tuple[str, bool]:
    """The signing key: FLOORBOT_SECRET_KEY, else the one generated earlier and kept in the store, else a new
    one kept there. The flag says it was not configured (the caller warns: anyone who can read the store can
    then sign links)."""
    if configured:
        return configured, False
    stored = await kv.get(*SECRET_KEY)
    if isinstance(stored, str) and stored:
        return stored, True
    key = secrets.token_urlsafe(32)
    await kv.set(*SECRET_KEY, key, now)
    return key, True


def _epoch(at: datetime) -> float:
    # To the microsecond: a link issued just after a revocation must not look issued before it.
    return round(at.timestamp(), 6)


def _at(value: Any) -> datetime:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise TypeError("not a time")
    return datetime.fromtimestamp(value, UTC)

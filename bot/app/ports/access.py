"""Revoked console credentials, kept in the store so every instance (and a restart) refuses them at once.

A subject is ``person:<person id>`` (every link and session of that person issued until then) or
``session:<session id>`` (one signed-out session). A credential is refused when one of its subjects was
revoked at or after the credential was issued.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol


class Revocations(Protocol):
    async def revoke(self, subject: str, now: datetime) -> None: ...

    async def revoked_at(self, subjects: Sequence[str]) -> datetime | None:
        """The latest revocation of any of `subjects`, None if none was revoked."""
        ...

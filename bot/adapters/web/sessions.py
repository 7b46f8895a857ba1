"""The console's sessions: a signed cookie (HttpOnly, SameSite=Lax, Secure under https) read on every request
and checked against the store's revocations, and the audit of every sign-in, sign-out and refusal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from bot.adapters.web.credentials import Credential, InvalidCredential, Signer, check_revoked
from bot.app.clock import Clock
from bot.app.ports.access import Revocations
from bot.app.ports.store import AuditLog, AuditRecord

COOKIE = "floorbot_console"
AUDIT_TARGET = "console"


@dataclass
class Sessions:
    signer: Signer
    revocations: Revocations
    audit_log: AuditLog
    clock: Clock  # the wall clock: links and sessions expire in real time, whatever the agenda's speed
    secure: bool = False

    async def current(self, request: Request) -> Credential | None:
        cookie = request.cookies.get(COOKIE)
        if not cookie:
            return None
        try:
            credential = self.signer.read_session(cookie, self.clock.now())
            await check_revoked(self.revocations, credential.subjects, credential.issued_at)
        except InvalidCredential:
            return None
        return credential

    async def still_valid(self, credential: Credential) -> bool:
        if self.clock.now() >= credential.expires:
            return False
        try:
            await check_revoked(self.revocations, credential.subjects, credential.issued_at)
        except InvalidCredential:
            return False
        return True

    def keep(self, response: Response, credential: Credential) -> None:
        seconds = int((credential.expires - self.clock.now()).total_seconds())
        response.set_cookie(COOKIE, self.signer.session_cookie(credential), max_age=max(0, seconds), httponly=True,
                            samesite="lax", secure=self.secure, path="/")

    def forget(self, response: Response) -> None:
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=self.secure)

    async def end(self, credential: Credential) -> None:
        """Sign out: this session's cookie is refused from now on, on every instance."""
        await self.revocations.revoke(f"session:{credential.sid}", self.clock.now())
        await self.audit(credential.user_id, "console.signout", True, "access.signout", sid=credential.sid)

    async def audit(self, actor: str, verb: str, allowed: bool, reason: str, **details: Any) -> None:
        await self.audit_log.append(AuditRecord(self.clock.now(), actor, verb, AUDIT_TARGET, allowed, reason,
                                                dict(details)))

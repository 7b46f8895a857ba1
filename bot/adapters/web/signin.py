"""How a person gets a console session: an invitation link (`/signin?token=…`), the join form (any schedule
person in `local` mode; a guest's name, group and language where the schedule allows guests), or Sign in
with Slack (bot/adapters/web/slack_signin.py). Each sign-in is audited, refusals too."""

from __future__ import annotations

import html
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.adapters.web.access import Access
from bot.adapters.web.credentials import SESSION_LIFETIME, Credential, InvalidCredential, check_revoked, new_sid
from bot.adapters.web.directory import Member
from bot.adapters.web.sessions import Sessions
from bot.config.model import NOT_STATED
from bot.domain.authz import Role, web_id
from bot.i18n import catalog as i18n

GUEST_PREFIX = "web:guest:"
MAX_NAME = 80


class JoinRefused(Exception):
    def __init__(self, key: str, status: int = 400) -> None:
        super().__init__(key)
        self.key = key
        self.status = status


def is_guest(person_key: str) -> bool:
    """A guest's person key (the console's user id, as the runtime keys it): shown to chairs as unverified."""
    return GUEST_PREFIX in person_key


@dataclass
class SignIn:
    access: Access
    sessions: Sessions
    members: Mapping[str, Member]
    groups: frozenset[str]
    guests: bool  # the schedule's `console: {guests: true}`

    def routes(self) -> list[BaseRoute]:
        return [Route("/signin", self.invitation, methods=["GET"])]

    def credential(self, member: Member, role: Role, lang: str, via: str, *,
                   until: datetime | None = None) -> Credential:
        """A session for a person of the directory; it ends after SESSION_LIFETIME, or with its link."""
        now = self.sessions.clock.now()
        user_id = web_id(member.id) if member.listed else f"web:interpreter:{secrets.token_hex(6)}"
        expires = min(until, now + SESSION_LIFETIME) if until else now + SESSION_LIFETIME
        return Credential(new_sid(), user_id, member.name, lang, member.group, role, now, expires, member.id, True,
                          via)

    async def invitation(self, request: Request) -> Response:
        lang = _lang(request)
        token = request.query_params.get("token", "")
        try:
            invitation = self.sessions.signer.read_invitation(token, self.sessions.clock.now())
            await check_revoked(self.sessions.revocations, [invitation.subject], invitation.issued_at)
            member = self.members.get(invitation.person)
            if member is None:
                raise InvalidCredential("access.refused.unknown_person")
        except InvalidCredential as refused:
            await self.sessions.audit("web:unknown", "console.signin", False, refused.key, via="invitation")
            return refusal_page(refused.key, lang)
        who = self.credential(member, invitation.role, member.language, "invitation", until=invitation.expires)
        await self.sessions.audit(who.user_id, "console.signin", True, "access.signin.invitation",
                                  role=who.role.value, sid=who.sid)
        return self.signed_in(who)

    def signed_in(self, who: Credential) -> Response:
        # Back to the page without the token: it leaves the address bar, the history and any Referer.
        response = RedirectResponse("/", status_code=303, headers={"Cache-Control": "no-store",
                                                                     "Referrer-Policy": "no-referrer"})
        self.sessions.keep(response, who)
        return response

    async def join(self, body: Mapping[str, Any], lang: str) -> Credential:
        """The join form: a schedule person (local mode only) or a guest's name, group and language."""
        person_id = body.get("person")
        if person_id:
            if self.access.signed:
                raise JoinRefused("access.refused.sign_in_as", 401)
            member = self.members.get(str(person_id))
            if member is None or not member.listed:
                raise JoinRefused("console.error.unknown_person")
            who = self.credential(member, member.role, lang, "local")
        else:
            if self.access.signed and not self.guests:
                raise JoinRefused("access.refused.no_guests", 403)
            name = " ".join(str(body.get("name") or "").split())
            if not name or len(name) > MAX_NAME:
                raise JoinRefused("console.error.bad_name")
            group = str(body.get("group") or "")
            if group not in self.groups and group != NOT_STATED:  # never a default: the guest says it
                raise JoinRefused("console.error.bad_group")
            now = self.sessions.clock.now()
            who = Credential(new_sid(), f"{GUEST_PREFIX}{secrets.token_hex(6)}", name, lang, group, Role.GUEST, now,
                             now + SESSION_LIFETIME, None, False, "guest")
        await self.sessions.audit(who.user_id, "console.signin", True, f"access.signin.{who.via}",
                                  role=who.role.value, sid=who.sid, name=who.name)
        return who


def best_language(header: str | None, languages: tuple[str, ...] = i18n.LANGUAGES) -> str:
    """The first language of an Accept-Language header that the console speaks, else English."""
    for part in (header or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in languages:
            return code
    return "en"


def _lang(request: Request) -> str:
    return best_language(request.headers.get("accept-language"))


def refusal_page(key: str, lang: str, status: int = 401) -> Response:
    """A link that cannot be honoured: a plain page that says why, in the reader's language."""
    title = html.escape(i18n.render("access.page.refused_title", lang))
    body = html.escape(i18n.render(key, lang))
    back = html.escape(i18n.render("access.page.back", lang))
    page = (f'<!doctype html><html lang="{lang}"><meta charset="utf-8"><title>{title}</title>'
            f'<link rel="stylesheet" href="/console/static/console.css"><main class="card">'
            f'<h1>{title}</h1><p id="refusal">{body}</p><p><a href="/">{back}</a></p></main></html>')
    return HTMLResponse(page, status_code=status, headers={
        "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'", "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer"})

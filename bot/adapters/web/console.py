"""The web console: one page (attendee, chair and organizer views), its JSON API and its event stream.

The console is a surface like Slack: it turns what people do in the page into `InboundEvent`s for the
dispatcher (convert at the edge, dispatch once) and shows what the bot posts through `LocalChat`. What the
pages show about the floor comes from a `ConsoleModel`; the server decides who may do what.

Who is signed in comes from a signed session cookie (bot/adapters/web/sessions.py): an invitation link, Sign
in with Slack, a guest's form, or — in `local` mode only — "sign in as" any person of the schedule. Every
action is authorised here from the credential's role (`authz.role_permits`, audited when refused) and then by
the floor service from the schedule; see docs/console.md.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import re
import uuid
from collections.abc import AsyncIterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sse_starlette.sse import EventSourceResponse
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.adapters.web.booths import BoothsApi
from bot.adapters.web.buttons import MAX_MESSAGE, InvalidButton, button_command, floor_intent
from bot.adapters.web.credentials import Credential
from bot.adapters.web.local_chat import LocalChat
from bot.adapters.web.rate import RateLimiter
from bot.adapters.web.setup import ConsoleAccess
from bot.adapters.web.signin import JoinRefused, SignIn, best_language
from bot.adapters.web.state_json import FloorText, cue_json, event_json, offset_json, wait_text
from bot.adapters.web.views import ConsoleModel, Powers, pick, to_json
from bot.app.clock import Clock
from bot.app.places import Places
from bot.app.ports.chat import InboundEvent, InboundHandler, InboundKind
from bot.domain import authz
from bot.domain.grammar import Command, Verb, parse, parse_floor
from bot.i18n import catalog as i18n
from bot.i18n import formats
from bot.i18n.messages import group_name

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
STREAM_RECHECK = 10.0  # seconds between two checks that an open stream's session is not revoked

_TEMPLATE_KEY = re.compile(r"\{\{([a-z0-9_.\-]+)\}\}")

class BadRequest(Exception):
    def __init__(self, key: str, status: int = 400, *, retry_after: int | None = None) -> None:
        super().__init__(key)
        self.key = key
        self.status = status
        self.retry_after = retry_after


@lru_cache(maxsize=4)
def console_strings(lang: str) -> dict[str, str]:
    """The page's own strings (`console.*`, `access.page.*`) plus the language names, for live switching."""
    catalog = i18n.load_catalog(lang)
    return {k: v for k, v in catalog.items() if k.startswith(("console.", "common.", "access.page."))}


class WebConsole:
    """The console's routes over a LocalChat, a read model and the dispatcher's inbound handler."""

    def __init__(self, *, chat: LocalChat, model: ConsoleModel, handler: InboundHandler, clock: Clock,
                 access: ConsoleAccess) -> None:
        self.chat = chat
        self.model = model
        self.handler = handler
        self.clock = clock
        self.signin: SignIn = access.signin
        self.sessions = access.signin.sessions
        self.per_person: RateLimiter = access.per_person
        self._extra_routes = access.extra_routes  # Sign in with Slack, when configured
        self.places = Places()  # each event's place in its pane's order, taken before any await
        self._floor_text = FloorText()
        self.booths = BoothsApi(self)  # the interpreters' view and their signals to the chair

    def routes(self) -> list[BaseRoute]:
        return [*self.signin.routes(), *self._extra_routes,
            Route("/", self.page, methods=["GET"]),
            Route("/api/strings", self.strings, methods=["GET"]),
            Route("/api/state", self.state, methods=["GET"]),
            Route("/api/stream", self.stream, methods=["GET"]),
            Route("/api/join", self.join, methods=["POST"]),
            Route("/api/identity", self.set_identity, methods=["POST"]),
            Route("/api/leave", self.leave, methods=["POST"]),
            Route("/api/message", self.message, methods=["POST"]),
            Route("/api/floor", self.floor, methods=["POST"]),
            Route("/api/announce/draft", self.announce_draft, methods=["POST"]),
            *self.booths.routes(),
            Mount("/console/static", app=StaticFiles(directory=STATIC_DIR), name="console-static"),
        ]

    # -- identity ------------------------------------------------------------------------------------------

    async def identity(self, request: Request) -> Credential | None:
        return await self.sessions.current(request)

    async def _require(self, request: Request) -> Credential:
        who = await self.identity(request)
        if who is None:
            raise BadRequest("console.error.not_signed_in", 401)
        return who

    async def acting(self, request: Request) -> Credential:
        """The signed-in person of a POST, within their rate (a held-down button must not flood the floor)."""
        who = await self._require(request)
        wait = self.per_person.take(who.person or who.user_id)  # one bucket per person, however many sessions
        if wait:
            raise BadRequest("access.refused.rate", 429, retry_after=wait)
        return who

    async def json_body(self, request: Request) -> dict[str, Any]:
        # JSON only: a cross-site form cannot send it without a CORS preflight, which this app never grants.
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise BadRequest("console.error.bad_request", 415)
        try:
            body = await request.json()
        except ValueError:
            raise BadRequest("console.error.bad_request") from None
        if not isinstance(body, dict):
            raise BadRequest("console.error.bad_request")
        return body

    def language(self, request: Request, who: Credential | None = None) -> str:
        asked = request.query_params.get("lang")
        if asked in i18n.LANGUAGES:
            return asked
        if who is not None:
            return who.lang
        return best_language(request.headers.get("accept-language"))

    # -- pages ---------------------------------------------------------------------------------------------

    async def page(self, request: Request) -> Response:
        lang = self.language(request, await self.identity(request))
        template = (STATIC_DIR / "console.html").read_text(encoding="utf-8")
        body = template.replace("{{lang}}", lang)
        body = _TEMPLATE_KEY.sub(lambda m: html.escape(i18n.render(m.group(1), lang)), body)
        return HTMLResponse(body, headers={
            "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                       "script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        })

    async def strings(self, request: Request) -> Response:
        return JSONResponse(console_strings(self.language(request)))

    # -- state ---------------------------------------------------------------------------------------------

    async def state(self, request: Request) -> Response:
        who = await self.identity(request)
        lang = self.language(request, who)
        event = await self.model.event()
        access = {"mode": self.signin.access.mode.value, "guests": self.signin.guests,
                  "slack": bool(self._extra_routes)}
        if who is None and self.signin.access.signed:
            # Nothing of the floor without a session; a guest's form needs the event's name and groups only.
            return JSONResponse({"ok": False, "error": "console.error.not_signed_in", "lang": lang, "me": None,
                                 "access": access, "event": event_json(event, lang) if self.signin.guests
                                 else None}, status_code=401)
        powers = await self._powers(who)
        floor = await self.model.floor_view(None)
        timer = await self.model.timer()
        question = await self.model.next_question()
        place = await self.model.position(who.user_id, lang) if who else None
        people = await self.model.people()
        state: dict[str, Any] = {
            "now": self.clock.now().isoformat(),
            "lang": lang,
            "me": {"user_id": who.user_id, "name": who.name, "lang": who.lang, "group": who.group,
                   "person": who.person, "role": who.role.value, "verified": who.verified,
                   "key": await self.model.person_key(who.user_id)} if who else None,
            "powers": to_json(powers),
            "access": access,
            "event": event_json(event, lang),
            "people": [
                {"id": p.id, "name": p.name, "group": p.group, "group_name": pick(event.groups.get(p.group), lang),
                 "language": p.language, "role": pick(p.role, lang)}
                for p in sorted(people, key=lambda p: p.name.casefold())
            ] if not self.signin.access.signed else [],  # "sign in as" is for one machine only
            "timer": to_json(timer) | {
                "group_name": pick(event.groups.get(timer.group), lang) or group_name(timer.group, lang),
            } if timer else None,
            "place": (
                to_json(place) | {
                    "place_text": i18n.render("console.place.text", lang, place=formats.ordinal(place.place, lang)),
                    "wait_text": wait_text(place.estimated_wait_seconds, lang),
                } if place else None
            ),
            "question": (
                {"number": question.number, "total": question.total, "text": pick(question.text, lang),
                 "points": [pick(p, lang) for p in question.points]} if question else None
            ),
            "run_of_show": None,
            "offset": None,
            **await self.booths.state(who, powers, lang),
        }
        if powers.organizer or powers.chair:
            zone = ZoneInfo(event.timezone)
            state["run_of_show"] = [cue_json(cue, zone, lang) for cue in await self.model.run_of_show()]
            state["offset"] = offset_json(await self.model.offset_minutes(), lang)
        # The list goes in as text encoded once per version and language: every page fetching after a change
        # shares it (at 1,000 waiting it is most of the body), and only the rest is encoded per page.
        rest = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
        body = rest[:-1] + ',"floor":' + self._floor_text(floor, event, lang) + "}"
        return Response(body, media_type="application/json")

    async def _powers(self, who: Credential | None) -> Powers:
        """What the schedule grants now, capped by the credential's role (an organizer invited as an attendee
        has no chair power; a guest, an attendee or an interpreter never has any)."""
        if who is None:
            return Powers()
        granted = await self.model.powers(who.user_id)
        chair_role = authz.role_permits(who.role, Verb.NEXT).allowed
        return Powers(chair=granted.chair and chair_role,
                      organizer=granted.organizer and who.role is authz.Role.ORGANIZER)

    # -- stream --------------------------------------------------------------------------------------------

    async def stream(self, request: Request) -> Response:
        try:
            who = await self._require(request)
        except BadRequest as problem:
            return self.problem(problem, self.language(request))
        lang = self.language(request, who)
        chair = (await self._powers(who)).chair

        async def events() -> AsyncIterator[dict[str, str]]:
            with self.chat.subscribe(who.user_id, lang, chair=chair) as subscription:
                history = [self.chat.to_json(m) for m in self.chat.history(who.user_id, lang, chair=chair)]
                yield {"event": "history", "data": json.dumps(history)}
                while True:
                    # A revoked session's stream ends at its next message, or within STREAM_RECHECK seconds.
                    try:
                        event = await asyncio.wait_for(anext(subscription), STREAM_RECHECK)
                    except TimeoutError:
                        event = None
                    if not await self.sessions.still_valid(who):
                        yield {"event": "signed_out", "data": "{}"}
                        return
                    if event is not None:
                        yield {"event": event.type, "data": json.dumps(dict(event.data))}

        return EventSourceResponse(events(), ping=15, headers={"Cache-Control": "no-store"})

    # -- actions -------------------------------------------------------------------------------------------

    async def join(self, request: Request) -> Response:
        try:
            body = await self.json_body(request)
            lang = body.get("lang")
            if lang not in i18n.LANGUAGES:
                raise BadRequest("console.error.bad_language")
            who = await self.signin.join(body, lang)
        except JoinRefused as refused:
            return self.problem(BadRequest(refused.key, refused.status), self.language(request))
        except BadRequest as problem:
            return self.problem(problem, self.language(request))
        response = JSONResponse(self._me(who))
        self.sessions.keep(response, who)
        return response

    @staticmethod
    def _me(who: Credential) -> dict[str, Any]:
        return {"user_id": who.user_id, "name": who.name, "lang": who.lang, "group": who.group,
                "person": who.person, "role": who.role.value, "verified": who.verified}

    async def set_identity(self, request: Request) -> Response:
        try:
            who = await self.acting(request)
            body = await self.json_body(request)
            lang = body.get("lang")
            if lang not in i18n.LANGUAGES:
                raise BadRequest("console.error.bad_language")
        except BadRequest as problem:
            return self.problem(problem, self.language(request))
        who = who.with_language(lang)
        response = JSONResponse(self._me(who))
        self.sessions.keep(response, who)
        return response

    async def leave(self, request: Request) -> Response:
        who = await self.identity(request)
        if who is not None:
            await self.sessions.end(who)
        response = JSONResponse({"ok": True})
        self.sessions.forget(response)
        return response

    async def message(self, request: Request) -> Response:
        try:
            who = await self.acting(request)
            body = await self.json_body(request)
            text = str(body.get("text") or "").strip()
            if not text or len(text) > MAX_MESSAGE:
                raise BadRequest("console.error.bad_message")
            command = parse(text)
            await self._authorise(who, command, text)
        except BadRequest as problem:
            return self.problem(problem, self.language(request, await self.identity(request)))
        ref = self.chat.record_inbound(who.user_id, who.name, who.lang, text)
        return await self._dispatch(who, InboundKind.MESSAGE, text, command, ref=ref)

    async def floor(self, request: Request) -> Response:
        try:
            who = await self.acting(request)
            body = await self.json_body(request)
            kind, text, extra = self._floor_intent(body)
            # A button the bot attached to a post carries its verb line as its value (the board's "next").
            command = parse_floor(extra["value"] or text) if kind is InboundKind.ACTION else button_command(extra)
            notice = extra.pop("message_id", None)  # a private notice's button: offered to this person, once
            if notice is not None and not self.chat.offered(who.user_id, notice, extra["action_id"], extra["value"]):
                raise BadRequest("console.error.bad_request")
            await self._authorise(who, command, text)
        except BadRequest as problem:
            return self.problem(problem, self.language(request, await self.identity(request)))
        answer = await self._dispatch(who, kind, text, command, extra=extra)
        if notice is not None and answer.status_code == 200:
            self.chat.answered(notice)
        return answer

    async def announce_draft(self, request: Request) -> Response:
        """The announcement form's prefill: the chair's text machine-translated (glossary applied) into the
        other languages, shown for editing; `texts` is null when no translator is configured."""
        try:
            who = await self.acting(request)
            if not (await self._powers(who)).chair:
                raise BadRequest("console.announce.chairs_only", 403)
            body = await self.json_body(request)
            text, source = str(body.get("text") or "").strip(), str(body.get("lang") or who.lang)
            if not text or len(text) > MAX_MESSAGE:
                raise BadRequest("console.error.bad_message")
        except BadRequest as problem:
            return self.problem(problem, self.language(request, await self.identity(request)))
        return JSONResponse({"ok": True, "texts": await self.model.announcement_drafts(text, source)})

    @staticmethod
    def _floor_intent(body: Mapping[str, Any]) -> tuple[InboundKind, str, dict[str, str]]:
        try:
            return floor_intent(body)
        except InvalidButton as bad:
            raise BadRequest(bad.key) from None

    async def _authorise(self, who: Credential, command: Command | None, text: str) -> None:
        """The credential's role first (one rule: `authz.role_permits`); the floor service then applies the
        schedule's (a chair only in their own sessions). A refusal here is audited like the service's."""
        verb = command.verb if command is not None else None
        permission = authz.role_permits(who.role, verb)
        if not permission.allowed:
            await self.sessions.audit(who.user_id, str(verb.value if verb else "message"), False,
                                      permission.reason_key, role=who.role.value, text=text[:200])
            raise BadRequest(permission.reason_key, 403)

    async def _dispatch(self, who: Credential, kind: InboundKind, text: str, command: Command | None, *,
                        ref: Any = None, extra: Mapping[str, str] | None = None) -> Response:
        # The console makes its own event ids (never redelivered: nothing to deduplicate) and takes the
        # event's place in its pane's order before any await.
        event = InboundEvent(
            source="web", event_id=f"web:{uuid.uuid4().hex}", kind=kind, user_id=who.user_id, at=self.clock.now(),
            text=text, display_name=who.name, language=who.lang, channel_language=who.lang, ref=ref,
            extra=dict(extra or {}) | ({"group": who.stated_group} if who.stated_group else {}), command=command,
            place=self.places.take("web", ref.channel if ref is not None else who.lang),
        )
        try:
            await self.handler(event)
        except Exception:
            log.exception("the dispatcher failed on a console event %s", event.event_id)
            return self.problem(BadRequest("console.error.failed", 500), who.lang)
        finally:
            if command is not None:
                # A command may change what the pages show beyond the list (the question, the language);
                # plain chat never does: its copies come down the stream. List changes come with their
                # version from the runtime's floor listener.
                self.chat.changed()
        return JSONResponse({"ok": True, "event_id": event.event_id})

    @staticmethod
    def problem(problem: BadRequest, lang: str) -> Response:
        headers = {"Retry-After": str(problem.retry_after)} if problem.retry_after else None
        return JSONResponse({"ok": False, "error": problem.key, "message": i18n.render(problem.key, lang)},
                            status_code=problem.status, headers=headers)


def create_app(console: WebConsole) -> Starlette:
    """A Starlette app serving only the console (the runtime composes `console.routes()` with the rest)."""
    return Starlette(routes=console.routes())

"""The web console: one page (attendee, chair and organizer views), its JSON API and its event stream.

The console is a surface like Slack: it turns what people do in the page into `InboundEvent`s for the
dispatcher (convert at the edge, dispatch once) and shows what the bot posts through `LocalChat`. What the
pages show about the floor comes from a `ConsoleModel`; the server decides who may do what.

Identity is a local "sign in as": pick a person from the schedule (`web:<person id>`) or type a free name
(`web:guest:<random>`). It is remembered in an HttpOnly, SameSite=Strict cookie, and the console binds
127.0.0.1 by default; see docs/console.md.
"""

from __future__ import annotations

import html
import json
import logging
import re
import secrets
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
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

from bot.adapters.web.buttons import MAX_MESSAGE, InvalidButton, button_command, floor_intent
from bot.adapters.web.local_chat import LocalChat
from bot.adapters.web.views import ConsoleModel, EventView, FloorView, Powers, RequestView, pick, to_json
from bot.app.clock import Clock
from bot.app.places import Places
from bot.app.ports.chat import InboundEvent, InboundHandler, InboundKind
from bot.domain.grammar import Command, parse, parse_floor
from bot.i18n import catalog as i18n
from bot.i18n import formats

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
COOKIE = "floorbot_console"
MAX_NAME = 80
MAX_SESSIONS = 5000  # sign-ins kept in memory; the oldest is forgotten first

_TEMPLATE_KEY = re.compile(r"\{\{([a-z0-9_.\-]+)\}\}")


@dataclass(frozen=True)
class Identity:
    user_id: str
    name: str
    lang: str
    group: str
    person: str | None = None  # the schedule's person id, when signed in as one


class BadRequest(Exception):
    def __init__(self, key: str, status: int = 400) -> None:
        super().__init__(key)
        self.key = key
        self.status = status


@lru_cache(maxsize=4)
def console_strings(lang: str) -> dict[str, str]:
    """The page's own strings (the `console.*` keys) plus the language names, for live switching."""
    catalog = i18n.load_catalog(lang)
    return {k: v for k, v in catalog.items() if k.startswith(("console.", "common."))}


def wait_text(seconds: int, lang: str) -> str:
    """The console's short wording of the one wait rule (chat says the same in a sentence)."""
    return formats.wait(timedelta(seconds=seconds), lang, short=True)


@lru_cache(maxsize=4096)
def event_day(at: datetime, zone: ZoneInfo, lang: str) -> str:
    """A cue's day on the event's clock (cached: every chair's page shows the whole run of show each fetch)."""
    return formats.long_date(at.astimezone(zone).date(), lang)


@lru_cache(maxsize=4096)
def event_clock(at: datetime, zone: ZoneInfo, lang: str) -> str:
    return formats.clock(at.astimezone(zone), lang)


def best_language(header: str | None, languages: tuple[str, ...] = i18n.LANGUAGES) -> str:
    """The first language of an Accept-Language header that the console speaks, else English."""
    for part in (header or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in languages:
            return code
    return "en"


class WebConsole:
    """The console's routes over a LocalChat, a read model and the dispatcher's inbound handler."""

    def __init__(self, *, chat: LocalChat, model: ConsoleModel, handler: InboundHandler, clock: Clock) -> None:
        self.chat = chat
        self.model = model
        self.handler = handler
        self.clock = clock
        self._sessions: dict[str, Identity] = {}
        self.places = Places()  # each event's place in its pane's order, taken before any await
        self._floor_json_cache: dict[str, tuple[FloorView, str]] = {}

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/", self.page, methods=["GET"]),
            Route("/api/strings", self.strings, methods=["GET"]),
            Route("/api/state", self.state, methods=["GET"]),
            Route("/api/stream", self.stream, methods=["GET"]),
            Route("/api/join", self.join, methods=["POST"]),
            Route("/api/identity", self.set_identity, methods=["POST"]),
            Route("/api/leave", self.leave, methods=["POST"]),
            Route("/api/message", self.message, methods=["POST"]),
            Route("/api/floor", self.floor, methods=["POST"]),
            Mount("/console/static", app=StaticFiles(directory=STATIC_DIR), name="console-static"),
        ]

    # -- identity ------------------------------------------------------------------------------------------

    def identity(self, request: Request) -> Identity | None:
        token = request.cookies.get(COOKIE)
        return self._sessions.get(token) if token else None

    def _require(self, request: Request) -> Identity:
        who = self.identity(request)
        if who is None:
            raise BadRequest("console.error.not_signed_in", 401)
        return who

    async def _json_body(self, request: Request) -> dict[str, Any]:
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

    def _lang(self, request: Request, who: Identity | None = None) -> str:
        asked = request.query_params.get("lang")
        if asked in i18n.LANGUAGES:
            return asked
        if who is not None:
            return who.lang
        return best_language(request.headers.get("accept-language"))

    # -- pages ---------------------------------------------------------------------------------------------

    async def page(self, request: Request) -> Response:
        lang = self._lang(request, self.identity(request))
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
        return JSONResponse(console_strings(self._lang(request)))

    # -- state ---------------------------------------------------------------------------------------------

    async def state(self, request: Request) -> Response:
        who = self.identity(request)
        lang = self._lang(request, who)
        event = await self.model.event()
        powers = await self.model.powers(who.user_id) if who else Powers()
        floor = await self.model.floor_view(None)
        timer = await self.model.timer()
        question = await self.model.next_question()
        place = await self.model.position(who.user_id, lang) if who else None
        people = await self.model.people()
        state: dict[str, Any] = {
            "now": self.clock.now().isoformat(),
            "lang": lang,
            "me": to_json(who) | {"key": await self.model.person_key(who.user_id)} if who else None,
            "powers": to_json(powers),
            "event": self._event_json(event, lang),
            "people": [
                {"id": p.id, "name": p.name, "group": p.group, "group_name": pick(event.groups.get(p.group), lang),
                 "language": p.language, "role": pick(p.role, lang)}
                for p in sorted(people, key=lambda p: p.name.casefold())
            ],
            "timer": to_json(timer) | {"group_name": pick(event.groups.get(timer.group), lang)} if timer else None,
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
        }
        if powers.organizer or powers.chair:
            zone = ZoneInfo(event.timezone)
            # The event's clock is formatted here, as in chat; only the reader's own clock is left to the page.
            state["run_of_show"] = [
                {"at": cue.at.isoformat(), "id": cue.id, "kind": cue.kind, "item": cue.item,
                 "title": pick(cue.title, lang), "state": cue.state.value,
                 "day": event_day(cue.at, zone, lang), "time": event_clock(cue.at, zone, lang)}
                for cue in await self.model.run_of_show()
            ]
        # The list goes in as text encoded once per version and language: every page fetching after a change
        # shares it (at 1,000 waiting it is most of the body), and only the rest is encoded per page.
        rest = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
        body = rest[:-1] + ',"floor":' + self._floor_text_once(floor, event, lang) + "}"
        return Response(body, media_type="application/json")

    @staticmethod
    def _event_json(event: EventView, lang: str) -> dict[str, Any]:
        return {
            "id": event.id, "title": pick(event.title, lang), "timezone": event.timezone,
            "timezone_label": event.timezone_label, "languages": list(event.languages),
            "groups": [{"id": gid, "name": pick(name, lang)} for gid, name in event.groups.items()],
        }

    def _floor_text_once(self, floor: FloorView, event: EventView, lang: str) -> str:
        """The list's JSON text per view and language: the model's view is the same object until it changes."""
        held = self._floor_json_cache.get(lang)
        if held is None or held[0] is not floor:
            text = json.dumps(self._floor_json(floor, event, lang), ensure_ascii=False, separators=(",", ":"))
            held = (floor, text)
            self._floor_json_cache[lang] = held
        return held[1]

    @staticmethod
    def _floor_json(floor: FloorView, event: EventView, lang: str) -> dict[str, Any]:
        def request_json(r: RequestView) -> dict[str, Any]:
            data: dict[str, Any] = to_json(r)
            return data | {
                "group_name": pick(event.groups.get(r.group), lang),
                "wait_text": wait_text(r.estimated_wait_seconds, lang),
            }

        return {
            "discussion": floor.discussion, "title": pick(floor.title, lang), "is_open": floor.is_open,
            "speaking": to_json(floor.speaking) if floor.speaking else None,
            "queue": [request_json(r) for r in floor.queue],
            "next_language": floor.next_language, "version": floor.version,
        }

    # -- stream --------------------------------------------------------------------------------------------

    async def stream(self, request: Request) -> Response:
        try:
            who = self._require(request)
        except BadRequest as problem:
            return self._problem(problem, self._lang(request))
        lang = self._lang(request, who)
        chair = (await self.model.powers(who.user_id)).chair

        async def events() -> AsyncIterator[dict[str, str]]:
            with self.chat.subscribe(who.user_id, lang, chair=chair) as subscription:
                history = [self.chat.to_json(m) for m in self.chat.history(who.user_id, lang, chair=chair)]
                yield {"event": "history", "data": json.dumps(history)}
                async for event in subscription:
                    yield {"event": event.type, "data": json.dumps(dict(event.data))}

        return EventSourceResponse(events(), ping=15, headers={"Cache-Control": "no-store"})

    # -- actions -------------------------------------------------------------------------------------------

    async def join(self, request: Request) -> Response:
        try:
            body = await self._json_body(request)
            lang = body.get("lang")
            if lang not in i18n.LANGUAGES:
                raise BadRequest("console.error.bad_language")
            event = await self.model.event()
            person_id = body.get("person")
            if person_id:
                person = next((p for p in await self.model.people() if p.id == person_id), None)
                if person is None:
                    raise BadRequest("console.error.unknown_person")
                who = Identity(f"web:{person.id}", person.name, lang, person.group, person.id)
            else:
                name = " ".join(str(body.get("name") or "").split())
                if not name or len(name) > MAX_NAME:
                    raise BadRequest("console.error.bad_name")
                group = body.get("group") or "other"
                if group not in event.groups and group != "other":
                    raise BadRequest("console.error.bad_group")
                who = Identity(f"web:guest:{secrets.token_hex(6)}", name, lang, group)
        except BadRequest as problem:
            return self._problem(problem, self._lang(request))
        token = secrets.token_urlsafe(24)
        self._sessions[token] = who
        while len(self._sessions) > MAX_SESSIONS:
            del self._sessions[next(iter(self._sessions))]
        response = JSONResponse(to_json(who))
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/")
        return response

    async def set_identity(self, request: Request) -> Response:
        try:
            who = self._require(request)
            body = await self._json_body(request)
            lang = body.get("lang")
            if lang not in i18n.LANGUAGES:
                raise BadRequest("console.error.bad_language")
        except BadRequest as problem:
            return self._problem(problem, self._lang(request))
        token = request.cookies[COOKIE]
        self._sessions[token] = replace(who, lang=lang)
        return JSONResponse(to_json(self._sessions[token]))

    async def leave(self, request: Request) -> Response:
        token = request.cookies.get(COOKIE)
        if token:
            self._sessions.pop(token, None)
        response = JSONResponse({"ok": True})
        response.delete_cookie(COOKIE, path="/")
        return response

    async def message(self, request: Request) -> Response:
        try:
            who = self._require(request)
            body = await self._json_body(request)
            text = str(body.get("text") or "").strip()
            if not text or len(text) > MAX_MESSAGE:
                raise BadRequest("console.error.bad_message")
        except BadRequest as problem:
            return self._problem(problem, self._lang(request, self.identity(request)))
        ref = self.chat.record_inbound(who.user_id, who.name, who.lang, text)
        return await self._dispatch(who, InboundKind.MESSAGE, text, parse(text), ref=ref)

    async def floor(self, request: Request) -> Response:
        try:
            who = self._require(request)
            body = await self._json_body(request)
            kind, text, extra = self._floor_intent(body)
            # A button the bot attached to a post carries its verb line as its value (the board's "next").
            command = parse_floor(extra["value"] or text) if kind is InboundKind.ACTION else button_command(extra)
        except BadRequest as problem:
            return self._problem(problem, self._lang(request, self.identity(request)))
        return await self._dispatch(who, kind, text, command, extra=extra)

    @staticmethod
    def _floor_intent(body: Mapping[str, Any]) -> tuple[InboundKind, str, dict[str, str]]:
        try:
            return floor_intent(body)
        except InvalidButton as bad:
            raise BadRequest(bad.key) from None

    async def _dispatch(self, who: Identity, kind: InboundKind, text: str, command: Command | None, *,
                        ref: Any = None, extra: Mapping[str, str] | None = None) -> Response:
        # The console makes its own event ids (never redelivered: nothing to deduplicate) and takes the
        # event's place in its pane's order before any await.
        event = InboundEvent(
            source="web", event_id=f"web:{uuid.uuid4().hex}", kind=kind, user_id=who.user_id, at=self.clock.now(),
            text=text, display_name=who.name, language=who.lang, channel_language=who.lang, ref=ref,
            extra=dict(extra or {}) | {"group": who.group}, command=command,
            place=self.places.take("web", ref.channel if ref is not None else who.lang),
        )
        try:
            await self.handler(event)
        except Exception:
            log.exception("the dispatcher failed on a console event %s", event.event_id)
            return self._problem(BadRequest("console.error.failed", 500), who.lang)
        finally:
            if command is not None:
                # A command may change what the pages show beyond the list (the question, the language);
                # plain chat never does: its copies come down the stream. List changes come with their
                # version from the runtime's floor listener.
                self.chat.changed()
        return JSONResponse({"ok": True, "event_id": event.event_id})

    @staticmethod
    def _problem(problem: BadRequest, lang: str) -> Response:
        return JSONResponse({"ok": False, "error": problem.key, "message": i18n.render(problem.key, lang)},
                            status_code=problem.status)


def create_app(console: WebConsole) -> Starlette:
    """A Starlette app serving only the console (the runtime composes `console.routes()` with the rest)."""
    return Starlette(routes=console.routes())

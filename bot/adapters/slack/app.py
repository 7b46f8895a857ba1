"""Slack intake: the bolt AsyncApp and its listeners, mounted on Starlette (HTTP) or Socket Mode.

Listeners only convert Slack's payload into a small raw record, take its place in its channel's order
(before any await), record it in the durable inbox (which is also the one dedupe of a Slack event, on its
delivery id) and start a background task; only then is Slack answered (bolt acks events once the listener
returns, commands and actions are acked right after the record), so nothing acknowledged is lost and
nothing slow happens before the ack. The background task looks the user up (cached), decodes the text to
plain text, works out the user's language, parses the chat grammar once, hands one `InboundEvent` to the
dispatcher and marks the event done. On start, `resume` handles what was recorded and never done.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable, Coroutine
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.adapters.slack.authorize import BotTokenAuthorize
from bot.adapters.slack.escape import mentioned_users, to_plain
from bot.adapters.slack.home import AppHome
from bot.adapters.slack.identity import SlackDirectory, language_of_locale
from bot.adapters.slack.inbound import (
    RawInbound,
    action_inbound,
    command_inbound,
    message_inbound,
    reaction_inbound,
)
from bot.adapters.slack.inputs_modal import (
    CALLBACK,
    SharedFile,
    attach_shared,
    file_hosts,
    input_modal,
    is_input_command,
    shared_input_file,
    submit_modal,
)
from bot.adapters.slack.posting import SURFACE
from bot.adapters.slack.stores import LanguageChoices
from bot.adapters.slack.surface import SlackChat
from bot.app.inputs import InputsDesk
from bot.app.places import Place, Places, made_at
from bot.app.ports.chat import InboundEvent, InboundHandler, InboundKind, MessageRef
from bot.app.ports.store import Inbox
from bot.domain.floor.state import RequestKind
from bot.domain.grammar import Command, Verb, parse, parse_floor

log = logging.getLogger(__name__)

def malformed(body: bytes, content_type: str) -> str | None:
    """Why a body is not something Slack sends (None if it may be): bolt would fail on it with a traceback."""
    try:
        if content_type.startswith("application/json"):
            if not isinstance(json.loads(body), dict):
                return "a JSON body that is not an object"
        elif content_type.startswith("application/x-www-form-urlencoded"):
            payload = parse_qs(body.decode()).get("payload")
            if payload and not isinstance(json.loads(payload[0]), dict):
                return "a payload that is not a JSON object"
    except (ValueError, UnicodeDecodeError) as error:
        return f"unreadable body ({type(error).__name__})"
    return None


class _NoTokenNotice(logging.Filter):
    """bolt reads SLACK_BOT_TOKEN from the environment by itself, then warns on every start that it goes unused
    because we give it our client and `authorize`: exactly what we intend, and alarming in an operator's log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token`" not in record.getMessage()


def _quiet_bolt_token_notice() -> None:
    logger = logging.getLogger("slack_bolt.AsyncApp")
    if not any(isinstance(f, _NoTokenNotice) for f in logger.filters):
        logger.addFilter(_NoTokenNotice())


class SlackIntake:
    """The bolt app plus the background work behind it. `routes()` mounts it; `drain()` awaits the tasks."""

    def __init__(
        self,
        *,
        client: AsyncWebClient,
        signing_secret: str | None,
        handler: InboundHandler,
        chat: SlackChat,
        directory: SlackDirectory,
        inbox: Inbox,
        languages: LanguageChoices,
        home: AppHome,
        now: Callable[[], datetime],
        event_languages: tuple[str, ...] = ("en", "fr", "es"),
        to_agenda: Callable[[datetime], datetime] = lambda wall: wall,
        owner: str = "",
    ) -> None:
        self.owner = owner
        self.handler = handler
        self._chat = chat
        self._channels = chat.channels
        self._directory = directory
        self.inbox = self._inbox = inbox
        self._languages = languages
        self._home = home
        self._now = now
        self._to_agenda = to_agenda  # Slack's timestamps are wall time; the floor runs on agenda time
        self._event_languages = event_languages
        self._tasks: set[asyncio.Task[None]] = set()
        self.places = Places()  # each event's place in its channel's order, taken in the listener
        # An empty secret can never verify: without one, every HTTP request is refused (Socket Mode skips it).
        self.authorize = BotTokenAuthorize(client)  # never refuses an event because Slack's API is down
        _quiet_bolt_token_notice()
        # Listeners run before Slack is answered: each records its event first (see the module docstring).
        self.app = AsyncApp(client=client, signing_secret=signing_secret or "", process_before_response=True,
                            authorize=self.authorize)
        self.app.event("message")(self._on_message)
        self.app.event("reaction_added")(self._on_reaction)
        self.app.event("reaction_removed")(self._on_reaction)
        self.app.event("app_home_opened")(self._on_home)
        self.app.command("/floor")(self._on_command)
        self.inputs: InputsDesk | None = None  # `/floor input`, once the composition root gives the use case
        self.app.view(CALLBACK)(self._on_input)
        self.app.action(re.compile(".+"))(self._on_action)
        self._http = AsyncSlackRequestHandler(self.app)

    # -- transport ----------------------------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> Response:
        problem = malformed(await request.body(), request.headers.get("content-type", ""))
        if problem is None:
            try:
                return await self._http.handle(request)
            except (ValueError, TypeError, AttributeError, KeyError) as error:  # bolt parsing what it expected
                problem = f"{type(error).__name__}: {error}"[:200]
        log.warning("malformed Slack request refused with 400: %s", problem)
        return Response("malformed request", status_code=400)

    def routes(self, path: str = "/slack/events") -> list[Route]:
        return [Route(path, self._endpoint, methods=["POST"])]

    async def drain(self) -> None:
        """Wait for every background task started so far (tests, graceful shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- listeners: convert and schedule, nothing else -------------------------------------------------------

    async def _take_turn(self, raw: RawInbound) -> None:
        # The place first, synchronously, as bolt hands us the event: places follow arrival order whatever the
        # store and the lookups do. Then the record: an error here is not acknowledged (Slack retries).
        # The time it was made is Slack's own (a retry 60 s late keeps its place), never after its receipt; kept
        # in the record, so an event handled again after a crash keeps its place too.
        raw = replace(raw, at=made_at(self._to_agenda(raw.at) if raw.at else None, self._now()))
        place = self.places.take(SURFACE, raw.channel or raw.user_id)
        try:
            new = await self._inbox.record(SURFACE, raw.event_id, raw.record(), self._now(), owner=self.owner)
        except BaseException:
            place.release_all()
            raise
        if not new:
            log.debug("duplicate delivery %s ignored", raw.event_id)
            place.release_all()
            return
        self._spawn(self._ingest(raw, place))

    async def resume(self) -> int:
        """Handle, in the order they came, the events this instance recorded and did not finish before a crash
        (under a stable name, FLOORBOT_INSTANCE, a restart is the same instance). Returns how many."""
        return self.take_over(await self._inbox.unfinished(SURFACE, owner=self.owner))

    def take_over(self, unfinished: list[tuple[str, dict[str, Any]]]) -> int:
        """Handle recorded events (this instance's own after a crash, or a dead one's it has adopted)."""
        for _, record in unfinished:
            raw = RawInbound.from_record(record)
            self._spawn(self._ingest(raw, self.places.take(SURFACE, raw.channel or raw.user_id)))
        if unfinished:
            log.warning("Slack: handling %d events recorded and not handled before a restart", len(unfinished))
        return len(unfinished)

    async def _on_message(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        hosts = file_hosts(self.app.client.base_url)
        if self.inputs is not None and (shared := shared_input_file(event, hosts)) is not None:
            self._spawn(self._attach_input(self.inputs, shared, str(body.get("event_id", ""))))
            return
        raw = message_inbound(body, event, self._channels)
        if raw is not None:
            await self._take_turn(raw)

    async def _on_reaction(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        raw = reaction_inbound(body, event)
        if raw is not None:
            await self._take_turn(raw)

    async def _on_home(self, event: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home" and event.get("user"):
            self._spawn(self._publish_home(str(event["user"])))

    async def _on_command(self, ack: AsyncAck, command: dict[str, Any]) -> None:
        if self.inputs is not None and is_input_command(command.get("text")):
            await ack()  # a form to open, nothing to record: the submission is the input
            self._spawn(self._open_input(self.inputs, command))
            return
        await self._take_turn(command_inbound(command))
        await ack()

    async def _open_input(self, desk: InputsDesk, command: dict[str, Any]) -> None:
        user = str(command.get("user_id", ""))
        lang = await self._languages.get(user) or self._channels.language_of(str(command.get("channel_id", "")))
        person = await self._directory.person_key(user)
        group = desk.schedule.people[person].group if person in desk.schedule.people else None
        try:
            await self.app.client.views_open(trigger_id=command.get("trigger_id"),
                                             view=input_modal(desk, lang or self._event_languages[0], group))
        except Exception:
            log.exception("could not open the written-input form for %s", user)

    async def _attach_input(self, desk: InputsDesk, shared: SharedFile, event_id: str) -> None:
        try:
            if await self._inbox.seen_before(SURFACE, event_id or f"file:{shared.url}", self._now()):
                return
            submitter = await self._directory.person_key(shared.user) or f"{SURFACE}:{shared.user}"
            user = await self._directory.user(shared.user)
            lang = (await self._languages.get(shared.user)
                    or language_of_locale(user.locale if user else None, self._event_languages)
                    or self._event_languages[0])
            said = await attach_shared(desk, shared, submitter, str(self.app.client.token or ""), lang)
            await self._chat.reply_private(shared.user, said)
        except Exception:
            log.exception("could not attach the file %s shared by %s", shared.name, shared.user)

    async def _on_input(self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        if self.inputs is None:
            await ack()
            return
        user = str(body.get("user", {}).get("id", ""))
        submitter = await self._directory.person_key(user) or f"{SURFACE}:{user}"
        await ack(**await submit_modal(self.inputs, view, submitter))

    async def _on_action(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await self._take_turn(action_inbound(body, action))
        await ack()

    # -- background -----------------------------------------------------------------------------------------

    async def _publish_home(self, user_id: str) -> None:
        try:
            await self._home.publish(user_id)
        except Exception:
            log.exception("could not publish the App Home of %s", user_id)

    async def _ingest(self, raw: RawInbound, place: Place) -> None:
        """Enrich and handle concurrently with other events; the place keeps the channel's order downstream
        (an event dropped here gives its place up, so the ones behind it need not wait). Done once handled,
        or failed: an event that fails is not tried at every start; one cut short by a crash is."""
        try:
            await self._handle(raw, place)
        except Exception:
            log.exception("inbound Slack event %s (%s) failed", raw.event_id, raw.kind)
        finally:
            place.release_all()
        try:
            await self._inbox.done(SURFACE, raw.event_id, self._now())
        except Exception:  # handled all the same; a restart would handle it again, and its posts are keyed
            log.exception("could not mark inbound Slack event %s done", raw.event_id)

    async def _handle(self, raw: RawInbound, place: Place) -> None:
        event = await self._enrich(raw)
        if event is None:
            return
        command = _command_of(event)
        event = replace(event, command=command, place=place)
        chosen = _language_chosen(command, self._event_languages)
        if chosen is not None:
            # Remember the choice for this surface (App Home, later events' `language`); the dispatcher
            # still gets the command and answers it.
            await self._languages.set(event.user_id, chosen)
            event = replace(event, language=chosen)
        await self.handler(event)
        if chosen is not None or (command is not None and command.verb is Verb.GROUP):
            await self._publish_home(event.user_id)  # the Home shows the language and the group chosen

    async def _enrich(self, raw: RawInbound) -> InboundEvent | None:
        user = await self._directory.user(raw.user_id) if raw.user_id else None
        if user is not None and user.is_bot:
            return None
        mentions = mentioned_users(raw.text)
        if raw.kind is InboundKind.COMMAND:
            # `/floor give <@U0LENE|lene>`: the grammar gets who was mentioned, not a display name (names have
            # spaces and repeat), as the person key of that Slack user: `give @slack:U0LENE`.
            text = to_plain(raw.text, {user: f"{SURFACE}:{user}" for user in mentions})
        else:
            text = to_plain(raw.text, await self._directory.names(mentions))
        channel_language = self._channels.language_of(raw.channel) if raw.channel else None
        language = (await self._languages.get(raw.user_id) or channel_language
                    or language_of_locale(user.locale if user else None, self._event_languages))
        extra = dict(raw.extra)
        fallback_name = extra.pop("profile_name", "")
        fallback_image = extra.pop("profile_image", "")
        if avatar := (user.avatar_url if user else None) or fallback_image:
            extra["avatar_url"] = avatar
        ref = MessageRef(SURFACE, raw.channel, raw.ts) if raw.channel and raw.ts is not None else None
        if ref is not None and (response_url := extra.pop("response_url", "")):
            self._chat.prompts.note(ref, response_url)  # the answer replaces the pressed prompt
        if ref is not None and (root := extra.get("thread_ts")) and root != raw.ts:
            self._chat.note_thread(ref, root)
        if mentions:
            extra["mentions"] = ",".join(mentions)
        if raw.user_id and (person := await self._directory.person_key(raw.user_id)):
            extra["person"] = person
        return InboundEvent(
            source=SURFACE, event_id=raw.event_id, kind=raw.kind, user_id=raw.user_id,
            at=raw.at or self._now(), text=text, display_name=user.name if user else fallback_name,
            email=user.email if user else None, language=language, channel_language=channel_language,
            ref=ref, extra=extra,
        )


def _command_of(event: InboundEvent) -> Command | None:
    """The chat grammar, once: a message may be a command; `/floor` text is one; a button carries its own;
    a raised hand on a message is a request for the floor."""
    if event.kind is InboundKind.MESSAGE:
        return parse(event.text)
    if event.kind is InboundKind.COMMAND:
        return parse_floor(event.text)
    if event.kind is InboundKind.ACTION:
        return parse_floor(event.extra.get("value") or event.text)
    if event.kind is InboundKind.REACTION:  # only the floor reactions get this far (see `reaction_inbound`)
        return Command(Verb.WITHDRAW) if event.extra.get("removed") else Command(Verb.REQUEST, RequestKind.NEW)
    return None


def _language_chosen(command: Command | None, languages: tuple[str, ...]) -> str | None:
    """`/floor lang fr` (also `langue`, `idioma`, `language`, and the languages' names): the grammar's LANG."""
    if command is not None and command.verb is Verb.LANG and command.language in languages:
        return command.language
    return None


def slack_routes(intake: SlackIntake, path: str = "/slack/events") -> list[Route]:
    """`POST /slack/events` (events, slash commands, interactivity) for the web app to mount."""
    return intake.routes(path)

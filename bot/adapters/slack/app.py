"""Slack intake: the bolt AsyncApp and its listeners, mounted on Starlette (HTTP) or Socket Mode.

Listeners only convert Slack's payload into a small raw record, take its place in its channel's order
(before any await) and start a background task; bolt acks events itself and commands/actions are acked
first thing, so nothing slow happens before the ack. The background task deduplicates on Slack's delivery
id (the one dedupe of a Slack event), looks the user up (cached), decodes the text to plain text, works
out the user's language, parses the chat grammar once and hands one `InboundEvent` to the dispatcher.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.adapters.slack.authorize import BotTokenAuthorize
from bot.adapters.slack.blocks import action_of
from bot.adapters.slack.channels import SlackChannels
from bot.adapters.slack.escape import mentioned_users, to_plain
from bot.adapters.slack.home import AppHome
from bot.adapters.slack.identity import SlackDirectory, language_of_locale
from bot.adapters.slack.stores import LanguageChoices
from bot.adapters.slack.surface import SURFACE, SlackChat
from bot.app.places import Place, Places
from bot.app.ports.chat import InboundEvent, InboundHandler, InboundKind, MessageRef
from bot.app.ports.store import SeenEvents
from bot.domain.floor.state import RequestKind
from bot.domain.grammar import Command, Verb, parse, parse_floor

log = logging.getLogger(__name__)

# Reactions that mean "I request the floor": ✋ (and its alias), 🙋 (and its gendered forms), 🤚; skin tones are
# stripped first. Removing one withdraws the request.
FLOOR_REACTIONS = frozenset({"raised_hand", "hand", "raising_hand", "man-raising-hand", "woman-raising-hand",
                             "raised_back_of_hand"})
_PLAIN_MESSAGE_SUBTYPES = {None, "thread_broadcast", "file_share", "me_message"}


@dataclass(frozen=True)
class RawInbound:
    """What a listener extracts from Slack's payload, before any I/O."""

    kind: InboundKind
    event_id: str
    user_id: str
    text: str = ""  # still Slack-encoded
    channel: str | None = None
    ts: str | None = None
    at: datetime | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _at(ts: object) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(str(ts)), UTC)
    except (TypeError, ValueError):
        return None


def message_inbound(body: dict[str, Any], event: dict[str, Any], channels: SlackChannels) -> RawInbound | None:
    """A `message` event → raw inbound, or None when it must be ignored (bots, our own posts, joins...)."""
    subtype = event.get("subtype")
    if event.get("bot_id") or subtype == "bot_message":
        return None
    channel = str(event.get("channel", ""))
    if not channels.is_ours(channel) and event.get("channel_type") != "im":
        return None
    event_id = str(body.get("event_id") or f"{channel}:{event.get('ts')}:{subtype}")
    extra = {"channel": channel}
    if channel == channels.chairs:
        extra["audience"] = "chairs"
    elif event.get("channel_type") == "im":
        extra["audience"] = "direct"
    if subtype == "message_changed":
        message, previous = event.get("message") or {}, event.get("previous_message") or {}
        if message.get("bot_id") or message.get("subtype") == "bot_message":
            return None
        if message.get("text") == previous.get("text"):  # an unfurl or a reaction count, not an edit
            return None
        ts = str(message.get("ts"))
        if message.get("thread_ts"):
            extra["thread_ts"] = str(message["thread_ts"])
        return RawInbound(InboundKind.EDIT, event_id, str(message.get("user", "")), str(message.get("text", "")),
                          channel, ts, _at(event.get("event_ts") or event.get("ts")), extra)
    if subtype == "message_deleted":
        previous = event.get("previous_message") or {}
        if previous.get("bot_id") or previous.get("subtype") == "bot_message":
            return None
        return RawInbound(InboundKind.DELETE, event_id, str(previous.get("user", "")), "", channel,
                          str(event.get("deleted_ts")), _at(event.get("event_ts") or event.get("ts")), extra)
    if subtype not in _PLAIN_MESSAGE_SUBTYPES or not event.get("user"):
        return None
    if event.get("thread_ts"):
        extra["thread_ts"] = str(event["thread_ts"])
    # Slack often sends the author's profile along: a fallback when users.info is unavailable.
    profile = event.get("user_profile") or {}
    if name := profile.get("display_name") or profile.get("real_name"):
        extra["profile_name"] = str(name)
    if image := profile.get("image_72"):
        extra["profile_image"] = str(image)
    return RawInbound(InboundKind.MESSAGE, event_id, str(event["user"]), str(event.get("text", "")), channel,
                      str(event.get("ts")), _at(event.get("ts")), extra)


def reaction_inbound(body: dict[str, Any], event: dict[str, Any]) -> RawInbound | None:
    name = str(event.get("reaction", "")).split("::")[0]
    item = event.get("item") or {}
    if name not in FLOOR_REACTIONS or item.get("type") != "message":
        return None
    extra = {"channel": str(item.get("channel"))}
    if event.get("type") == "reaction_removed":
        extra["removed"] = "1"
    return RawInbound(InboundKind.REACTION, str(body.get("event_id") or f"reaction:{event.get('event_ts')}"),
                      str(event.get("user", "")), "raised_hand", str(item.get("channel")), str(item.get("ts")),
                      _at(event.get("event_ts")), extra)


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


def command_inbound(command: dict[str, Any]) -> RawInbound:
    channel = str(command.get("channel_id", ""))
    # No message behind a slash command: its ref is the channel with an empty id, so that private replies
    # (reply_private(context=event.ref)) are ephemeral where the command was typed, as Slack users expect.
    return RawInbound(InboundKind.COMMAND, f"command:{command.get('trigger_id')}", str(command.get("user_id")),
                      str(command.get("text", "")), channel, "", None,
                      {"channel": channel, "command": str(command.get("command", "/floor"))})


def action_inbound(body: dict[str, Any], action: dict[str, Any]) -> RawInbound:
    channel = str((body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id") or "")
    ts = (body.get("container") or {}).get("message_ts") or (body.get("message") or {}).get("ts")
    action_id = action_of(str(action.get("action_id", "")))
    value = str(action.get("value") or "")
    return RawInbound(InboundKind.ACTION, f"action:{body.get('trigger_id') or action.get('action_ts')}",
                      str((body.get("user") or {}).get("id", "")), f"{action_id} {value}".strip(), channel,
                      str(ts) if ts else None, _at(action.get("action_ts")),
                      {"channel": channel, "action_id": action_id, "value": value})


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
        dedupe: SeenEvents,
        languages: LanguageChoices,
        home: AppHome,
        now: Callable[[], datetime],
        event_languages: tuple[str, ...] = ("en", "fr", "es"),
    ) -> None:
        self.handler = handler
        self._chat = chat
        self._channels = chat.channels
        self._directory = directory
        self._dedupe = dedupe
        self._languages = languages
        self._home = home
        self._now = now
        self._event_languages = event_languages
        self._tasks: set[asyncio.Task[None]] = set()
        self.places = Places()  # each event's place in its channel's order, taken in the listener
        # An empty secret can never verify: without one, every HTTP request is refused (Socket Mode skips it).
        self.authorize = BotTokenAuthorize(client)  # never refuses an event because Slack's API is down
        _quiet_bolt_token_notice()
        self.app = AsyncApp(client=client, signing_secret=signing_secret or "", process_before_response=False,
                            authorize=self.authorize)
        self.app.event("message")(self._on_message)
        self.app.event("reaction_added")(self._on_reaction)
        self.app.event("reaction_removed")(self._on_reaction)
        self.app.event("app_home_opened")(self._on_home)
        self.app.command("/floor")(self._on_command)
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

    def _take_turn(self, raw: RawInbound) -> None:
        # Synchronously, as bolt hands us the event: places follow arrival order whatever the lookups do.
        self._spawn(self._ingest(raw, self.places.take(SURFACE, raw.channel or raw.user_id)))

    async def _on_message(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        raw = message_inbound(body, event, self._channels)
        if raw is not None:
            self._take_turn(raw)

    async def _on_reaction(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        raw = reaction_inbound(body, event)
        if raw is not None:
            self._take_turn(raw)

    async def _on_home(self, event: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home" and event.get("user"):
            self._spawn(self._publish_home(str(event["user"])))

    async def _on_command(self, ack: AsyncAck, command: dict[str, Any]) -> None:
        await ack()
        self._take_turn(command_inbound(command))

    async def _on_action(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        self._take_turn(action_inbound(body, action))

    # -- background -----------------------------------------------------------------------------------------

    async def _publish_home(self, user_id: str) -> None:
        try:
            await self._home.publish(user_id)
        except Exception:
            log.exception("could not publish the App Home of %s", user_id)

    async def _ingest(self, raw: RawInbound, place: Place) -> None:
        """Dedupe and enrich concurrently with other events; the place keeps the channel's order downstream
        (an event dropped here gives its place up, so the ones behind it need not wait)."""
        try:
            if await self._dedupe.seen_before(SURFACE, raw.event_id, self._now()):
                log.debug("duplicate delivery %s ignored", raw.event_id)
                return
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
            if chosen is not None:
                await self._publish_home(event.user_id)
        except Exception:
            log.exception("inbound Slack event %s (%s) failed", raw.event_id, raw.kind)
        finally:
            place.release_all()

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

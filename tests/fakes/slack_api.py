"""A loopback fake of the Slack Web API, speaking its real protocol so the real slack_sdk client can be used.

Serves `/api/<method>` on 127.0.0.1 (ephemeral port) with aiohttp.web, accepts arguments the way slack_sdk
sends them (JSON body, form body or query string), records every call, and can misbehave on demand:
answer 429 with Retry-After, answer 5xx (or be down: 500 to everything), hold responses until released (a
slow Slack), freeze (every request waits unanswered: what a crashing client leaves in flight never counts),
and enforce chat.postMessage's ~1/s per channel with its own clock. Channels keep their messages for
conversations.history, with metadata when asked for (`include_all_metadata`), newest first, paged.
Ephemeral messages and published App Home views are kept (their Block Kit checked as Slack checks it:
`invalid_blocks`), and `block_actions` builds the interaction payload Slack sends when a user presses one of
their buttons or picks an option of their menus.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None
    status: int
    at: float  # the fake's clock when answered


@dataclass
class Fault:
    method: str
    status: int
    times: int
    retry_after: int | None = None
    channel: str | None = None
    error: str | None = None  # with status 200: {"ok": false, "error": ...}


@dataclass
class _Bucket:
    tokens: float
    updated: float


@dataclass
class FakeSlack:
    """The fake's state. `users` maps user id → users.info "user" object."""

    clock: Callable[[], float] = field(default=lambda: 0.0)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    arrived: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # requests as they come in
    messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    down: bool = False  # an outage: every method answers HTTP 500 while set
    post_rate: tuple[float, int] | None = None  # (per second, burst) enforced per channel on chat.postMessage
    method_rates: dict[str, tuple[float, int]] = field(default_factory=dict)  # workspace-wide tiers, per method
    base_url: str = ""
    files: dict[str, bytes] = field(default_factory=dict)  # url_private downloads, by name
    # conversations.info: channel id -> {"name", "is_member", ...}; any other id is channel_not_found.
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    # What auth.test reports in its X-OAuth-Scopes header, as Slack does.
    scopes: tuple[str, ...] = ("chat:write", "chat:write.customize", "chat:write.public", "channels:history",
                               "groups:history", "im:history", "im:write", "reactions:read", "reactions:write",
                               "users:read", "users:read.email", "commands", "files:read")
    ephemerals: list[dict[str, Any]] = field(default_factory=list)  # as posted, with their "message_ts"
    homes: dict[str, dict[str, Any]] = field(default_factory=dict)  # user id -> the Home view last published
    # response_url: the bodies POSTed to the URL a block_actions payload gave (trigger -> bodies, accepted or
    # not), the ephemeral each URL answers, and the triggers whose URL has expired (Slack: 404 "Expired url").
    responses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    expired: set[str] = field(default_factory=set)
    _response_targets: dict[str, str] = field(default_factory=dict)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _buckets: dict[str, _Bucket] = field(default_factory=dict)
    _changed: asyncio.Condition | None = None
    _held: dict[str, asyncio.Event] = field(default_factory=dict)
    socket_acks: list[dict[str, Any]] = field(default_factory=list)  # Socket Mode: what the app acked
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _frozen: asyncio.Event | None = None
    frozen_waiting: dict[str, int] = field(default_factory=dict)  # method -> requests waiting while frozen

    # -- controlling the fake ---------------------------------------------------------------------------------

    def fail(self, method: str, status: int, times: int = 1, *, retry_after: int | None = None,
             channel: str | None = None, error: str | None = None) -> None:
        self.faults.append(Fault(method, status, times, retry_after, channel, error))

    def hold(self, method: str) -> asyncio.Event:
        """Responses to `method` wait until the returned event is set."""
        gate = asyncio.Event()
        self._held[method] = gate
        return gate

    def freeze(self) -> None:
        """From now on requests wait unanswered (and unrecorded) until `thaw`."""
        self._frozen = asyncio.Event()

    def thaw(self) -> None:
        """Requests that waited are answered 503 (their client is gone) and are not recorded as delivered."""
        if self._frozen is not None:
            self._frozen.set()
            self._frozen = None

    def add_user(self, user_id: str, name: str, *, email: str | None = None, tz: str = "Europe/Zurich",
                 locale: str = "en-US", is_bot: bool = False) -> None:
        self.users[user_id] = {
            "id": user_id, "name": name.lower().replace(" ", "."), "real_name": name, "tz": tz,
            "tz_offset": 3600, "locale": locale, "is_bot": is_bot,
            "profile": {"display_name": name, "real_name": name, "email": email,
                        "image_72": f"https://avatars.example/{user_id}.png"},
        }

    def of(self, method: str, *, ok_only: bool = True) -> list[Call]:
        return [c for c in self.calls if c.method == method and (c.status == 200 or not ok_only)]

    def posts(self, channel: str | None = None) -> list[dict[str, Any]]:
        return [c.args for c in self.of("chat.postMessage") if channel is None or c.args.get("channel") == channel]

    async def wait_for(self, predicate: Callable[[FakeSlack], bool]) -> None:
        """Wait (on events, not polling) until `predicate(self)` holds after some call (10 s at most)."""
        assert self._changed is not None
        async with asyncio.timeout(10), self._changed:
            await self._changed.wait_for(lambda: predicate(self))

    async def push(self, envelope: dict[str, Any]) -> None:
        """Socket Mode: deliver an envelope to every connected app."""
        for socket in self._sockets:
            await socket.send_json(envelope)

    async def _notify(self) -> None:
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json({"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"},
                                "connection_info": {"app_id": "A0FLOOR"}})
        await self._notify()
        async for message in socket:
            if message.type == web.WSMsgType.TEXT:
                self.socket_acks.append(json.loads(message.data))
                await self._notify()
        self._sockets.remove(socket)
        return socket

    # -- serving ----------------------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        body = await request.read()
        if body:
            if request.content_type == "application/json":
                args.update(json.loads(body))
            else:
                args.update((await request.post()).items())
        token = request.headers.get("Authorization", "").removeprefix("Bearer ") or args.pop("token", None)
        if (frozen := self._frozen) is not None:
            self.frozen_waiting[method] = self.frozen_waiting.get(method, 0) + 1
            try:
                await _until_thawed_or_gone(frozen, request)
            finally:
                self.frozen_waiting[method] -= 1
            return web.json_response({"ok": False, "error": "service_unavailable"}, status=503)
        self.arrived.append((method, args))
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()
        if (gate := self._held.get(method)) is not None:
            await gate.wait()
        status, headers, payload = self._answer(method, args)
        self.calls.append(Call(method, args, token, status, self.clock()))
        async with self._changed:
            self._changed.notify_all()
        return web.json_response(payload, status=status, headers=headers)

    def _answer(self, method: str, args: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any]]:
        if self.down:
            return 500, {}, {"ok": False, "error": "internal_error"}
        for fault in self.faults:
            if fault.times > 0 and fault.method == method and fault.channel in (None, args.get("channel")):
                fault.times -= 1
                headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
                if fault.status == 200:
                    return 200, {}, {"ok": False, "error": fault.error or "fatal_error"}
                error = fault.error or ("ratelimited" if fault.status == 429 else "internal_error")
                return fault.status, headers, {"ok": False, "error": error}
        if method == "chat.postMessage" and self.post_rate is not None:
            wait = self._take(f"channel:{args.get('channel')}", self.post_rate)
            if wait > 0:
                return 429, {"Retry-After": str(max(1, math.ceil(wait)))}, {"ok": False, "error": "ratelimited"}
        if method in self.method_rates:
            wait = self._take(f"method:{method}", self.method_rates[method])
            if wait > 0:
                return 429, {"Retry-After": str(max(1, math.ceil(wait)))}, {"ok": False, "error": "ratelimited"}
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return 200, {}, {"ok": False, "error": "unknown_method"}
        payload: dict[str, Any] = handler(args)
        if method == "auth.test" and payload.get("ok"):
            return 200, {"X-OAuth-Scopes": ",".join(self.scopes)}, payload
        return 200, {}, payload

    def _take(self, key: str, limit: tuple[float, int]) -> float:
        rate, burst = limit
        now = self.clock()
        bucket = self._buckets.setdefault(key, _Bucket(float(burst), now))
        bucket.tokens = min(float(burst), bucket.tokens + (now - bucket.updated) * rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / rate

    # -- the methods --------------------------------------------------------------------------------------------

    def _m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://fake.slack.test/", "team": "Fake", "user": "floorbot",
                "team_id": "T0FAKE", "user_id": "UBOT", "bot_id": "BBOT"}

    def _new_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel"))
        ts = self._new_ts()
        self.messages[(channel, ts)] = dict(args)
        return {"ok": True, "channel": channel, "ts": ts, "message": {"text": args.get("text"), "ts": ts}}

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        key = (str(args.get("channel")), str(args.get("ts")))
        if key not in self.messages:
            return {"ok": False, "error": "message_not_found"}
        self.messages[key].update(args)
        return {"ok": True, "channel": key[0], "ts": key[1], "text": args.get("text")}

    def _m_chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        key = (str(args.get("channel")), str(args.get("ts")))
        if self.messages.pop(key, None) is None:
            return {"ok": False, "error": "message_not_found"}
        return {"ok": True, "channel": key[0], "ts": key[1]}

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("channel") or not args.get("user"):
            return {"ok": False, "error": "invalid_arguments"}
        blocks = _blocks_of(args)
        if blocks is None:
            return {"ok": False, "error": "invalid_blocks"}
        if not args.get("text") and not blocks:
            return {"ok": False, "error": "no_text"}
        ts = self._new_ts()
        self.ephemerals.append({**args, "blocks": blocks, "message_ts": ts})
        return {"ok": True, "message_ts": ts}

    def _m_chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(args.get("channel")), str(args.get("message_ts"))
        return {"ok": True, "channel": channel,
                "permalink": f"https://fake.slack.test/archives/{channel}/p{ts.replace('.', '')}"}

    def _m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel"))
        with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        newest_first = [(ts, message) for (where, ts), message in reversed(self.messages.items()) if where == channel]
        start = int(args.get("cursor") or 0)
        limit = int(args.get("limit") or 100)
        page = newest_first[start:start + limit]
        messages = []
        for ts, message in page:
            shown = {"type": "message", "ts": ts, "text": message.get("text", "")}
            metadata = message.get("metadata")
            if with_metadata and metadata:
                shown["metadata"] = json.loads(metadata) if isinstance(metadata, str) else metadata
            messages.append(shown)
        more = start + limit < len(newest_first)
        return {"ok": True, "messages": messages, "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    def _m_reactions_add(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True}

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(args.get("user")))
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}

    def _m_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        users = sorted(self.users.values(), key=lambda u: u["id"])
        start = int(args.get("cursor") or 0)
        limit = int(args.get("limit") or 200)
        page = users[start:start + limit]
        next_cursor = str(start + limit) if start + limit < len(users) else ""
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": next_cursor}}

    def _m_users_lookupByEmail(self, args: dict[str, Any]) -> dict[str, Any]:
        for user in self.users.values():
            if user["profile"].get("email") == args.get("email"):
                return {"ok": True, "user": user}
        return {"ok": False, "error": "users_not_found"}

    def add_channel(self, channel: str, name: str, *, member: bool = True) -> None:
        self.channels[channel] = {"id": channel, "name": name, "is_member": member, "is_archived": False}

    def _m_conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(str(args.get("channel")))
        return {"ok": True, "channel": channel} if channel else {"ok": False, "error": "channel_not_found"}

    def _m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args.get("users", ""))
        return {"ok": True, "channel": {"id": "D" + users.split(",")[0]}}

    def _m_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": self.base_url.replace("http://", "ws://").replace("/api/", "/link/")}

    def file_url(self, name: str, content: bytes) -> str:
        """A private file URL, as Slack puts in a file_share message; it answers only with the bot token."""
        self.files[name] = content
        return self.base_url.replace("/api/", f"/files/{name}")

    async def _file(self, request: web.Request) -> web.Response:
        if not request.headers.get("Authorization", "").startswith("Bearer xoxb-"):
            return web.Response(status=403, text="not_authed")
        name = request.match_info["name"]
        if name not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[name], content_type="application/octet-stream")

    def _m_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args.get("view")
        if isinstance(view, str):
            view = json.loads(view)
        if not args.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        return {"ok": True, "view": {"id": "VMODAL", **(view or {})}}

    def _m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args.get("view")
        if isinstance(view, str):
            view = json.loads(view)
        if not isinstance(view, dict) or view.get("type") != "home" or _blocks_of(view, limit=100) is None:
            return {"ok": False, "error": "invalid_arguments"}
        self.homes[str(args.get("user_id"))] = view
        return {"ok": True, "view": {"id": f"VHOME{args.get('user_id')}", **view}}

    # -- what Slack sends back when a user interacts --------------------------------------------------------

    def block_actions(self, user: str, message: dict[str, Any] | None, action_id: str, value: str,
                      *, trigger: str = "trig-press") -> dict[str, Any]:
        """The `block_actions` payload of `user` pressing the button (or picking the option) whose value is
        `value` in the element `action_id` (as the bot named it, index suffix included or not) of an ephemeral
        message kept here (`message`), or of their App Home when `message` is None. Raises if no such element
        exists: a test must only press what was shown."""
        blocks = message["blocks"] if message is not None else self.homes[user]["blocks"]
        for block in blocks:
            elements = block.get("elements", []) if block.get("type") == "actions" else [block.get("accessory")]
            for element in elements:
                if not element or element.get("action_id", "").split("#")[0] != action_id.split("#")[0]:
                    continue
                base = {"type": element["type"], "action_id": element["action_id"],
                        "block_id": block.get("block_id", "b1"), "action_ts": "1700000099.000100"}
                if element["type"] == "button" and element.get("value") == value:
                    action = {**base, "value": value, "text": element["text"]}
                elif element["type"] == "static_select":
                    chosen = next((o for o in element["options"] if o["value"] == value), None)
                    if chosen is None:
                        continue
                    action = {**base, "selected_option": chosen,
                              "placeholder": element.get("placeholder")}
                else:
                    continue
                payload: dict[str, Any] = {
                    "type": "block_actions", "team": {"id": "T0FAKE"}, "user": {"id": user},
                    "api_app_id": "A0FLOOR", "trigger_id": trigger, "actions": [action],
                }
                if message is not None:  # an ephemeral message: no "message" object, Slack does not keep it
                    channel = str(message["channel"])
                    payload |= {"channel": {"id": channel},
                                "container": {"type": "message", "message_ts": message["message_ts"],
                                              "channel_id": channel, "is_ephemeral": True},
                                "response_url": self.base_url.removesuffix("/api/") + f"/actions/{trigger}"}
                    self._response_targets[trigger] = str(message["message_ts"])
                else:
                    payload |= {"container": {"type": "view", "view_id": f"VHOME{user}"},
                                "view": {"id": f"VHOME{user}", "type": "home", **self.homes[user]}}
                return payload
        raise AssertionError(f"no {action_id!r} element with the value {value!r} was shown to {user}")

    async def _response(self, request: web.Request) -> web.Response:
        """A POST to a response_url, as Slack takes it: JSON only, text or blocks (checked as Slack checks
        them); `replace_original: true` replaces the ephemeral the press came from. Slack answers in plain text."""
        trigger = request.match_info["trigger"]
        if trigger not in self._response_targets:
            return web.Response(status=404, text="invalid_token")
        if request.content_type != "application/json":
            return web.Response(status=400, text="invalid_payload")
        try:
            body = json.loads(await request.read())
        except ValueError:
            return web.Response(status=400, text="invalid_payload")
        self.responses.setdefault(trigger, []).append(body)
        status, answer = self._respond(trigger, body)
        await self._notify()
        return web.Response(status=status, text=answer)

    def _respond(self, trigger: str, body: Any) -> tuple[int, str]:
        if trigger in self.expired:
            return 404, "Expired url"
        if not isinstance(body, dict) or not isinstance(body.get("replace_original", False), bool):
            return 400, "invalid_payload"
        blocks = _blocks_of(body)
        if blocks is None:
            return 400, "invalid_blocks"
        if not body.get("text") and not blocks:
            return 400, "no_text"
        if body.get("replace_original"):
            shown = next(e for e in self.ephemerals if e["message_ts"] == self._response_targets[trigger])
            shown.update(text=body.get("text", ""), blocks=blocks)
        else:
            self.ephemerals.append({**body, "blocks": blocks, "message_ts": self._new_ts()})
        return 200, "ok"


def _blocks_of(args: dict[str, Any], *, limit: int = 50) -> list[dict[str, Any]] | None:
    """The blocks of a message or view (JSON text or a list), or None when Slack would answer invalid_blocks:
    too many blocks, a block without a type, an actions block of more than 25 elements, two interactive
    elements with one action_id, a menu with no options or more than 100, an initial option not among them."""
    blocks = args.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if not isinstance(blocks, list) or len(blocks) > limit:
        return None
    ids: set[str] = set()
    for block in blocks:
        if not isinstance(block, dict) or not block.get("type"):
            return None
        elements = block.get("elements", []) if block["type"] == "actions" else [block.get("accessory")]
        if len(elements) > 25:
            return None
        for element in (e for e in elements if isinstance(e, dict) and "action_id" in e):
            if element["action_id"] in ids:
                return None
            ids.add(element["action_id"])
            if element.get("type") == "static_select":
                options = element.get("options") or []
                if not 0 < len(options) <= 100:
                    return None
                if "initial_option" in element and element["initial_option"] not in options:
                    return None
    return blocks


async def _until_thawed_or_gone(frozen: asyncio.Event, request: web.Request) -> None:
    """Hold a request until `thaw`, or until its client gives up (its own timeout, or a killed process):
    such a request waits for nobody, so `frozen_waiting` must stop counting it (aiohttp does not cancel a
    handler whose client left). Polled: aiohttp offers no disconnect signal to await."""
    while request.transport is not None and not request.transport.is_closing():
        try:
            async with asyncio.timeout(0.05):
                await frozen.wait()
            return
        except TimeoutError:
            continue


class FakeSlackServer:
    """Runs a FakeSlack on 127.0.0.1:<ephemeral>; `fake.base_url` is what AsyncWebClient's base_url wants."""

    def __init__(self, fake: FakeSlack | None = None) -> None:
        self.fake = fake or FakeSlack()
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> FakeSlack:
        self.fake._changed = asyncio.Condition()
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self.fake._handle)
        app.router.add_get("/link/", self.fake._socket)
        app.router.add_get("/files/{name}", self.fake._file)
        app.router.add_post("/actions/{trigger}", self.fake._response)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.fake.base_url = f"http://127.0.0.1:{port}/api/"
        return self.fake

    async def __aexit__(self, *exc: object) -> None:
        for gate in self.fake._held.values():
            gate.set()
        for socket in list(self.fake._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

"""Slack's payloads as the intake's raw records: what a listener extracts before any I/O (and what the durable
inbox keeps, so an event handled again after a crash is the same event)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.adapters.slack.blocks import action_of
from bot.adapters.slack.channels import SlackChannels
from bot.app.ports.chat import InboundKind

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

    def record(self) -> dict[str, Any]:
        """As the inbox keeps it (JSON)."""
        return {"kind": self.kind.value, "event_id": self.event_id, "user_id": self.user_id, "text": self.text,
                "channel": self.channel, "ts": self.ts, "at": self.at.isoformat() if self.at else None,
                "extra": dict(self.extra)}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> RawInbound:
        at = record.get("at")
        return cls(InboundKind(record["kind"]), str(record["event_id"]), str(record["user_id"]),
                   str(record.get("text") or ""), record.get("channel"), record.get("ts"),
                   datetime.fromisoformat(at) if at else None, dict(record.get("extra") or {}))


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
    elif channels.interpreters is not None and channel == channels.interpreters:
        extra["audience"] = "interpreters"
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
    # A button carries its value; a menu (the App Home's group picker) the value of the option chosen.
    value = str(action.get("value") or (action.get("selected_option") or {}).get("value") or "")
    extra = {"channel": channel, "action_id": action_id, "value": value}
    if (body.get("container") or {}).get("is_ephemeral") and body.get("response_url"):
        # Slack keeps no ephemeral message to update: its response_url is how the answer replaces it.
        extra["response_url"] = str(body["response_url"])
    return RawInbound(InboundKind.ACTION, f"action:{body.get('trigger_id') or action.get('action_ts')}",
                      str((body.get("user") or {}).get("id", "")), f"{action_id} {value}".strip(), channel,
                      str(ts) if ts else None, _at(action.get("action_ts")), extra)

"""What `floorbot check` asks Slack before the day: does the token work, with which scopes, and for each
configured channel, does it exist and is the bot in it. Facts only; the command words them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

# The bot scopes of slack/manifest.yaml (a test keeps the two equal): what the code calls Slack with.
REQUIRED_SCOPES = ("chat:write", "chat:write.customize", "chat:write.public", "channels:history", "groups:history",
                   "im:history", "im:write", "reactions:read", "reactions:write", "users:read", "users:read.email",
                   "commands", "files:read")


@dataclass(frozen=True)
class ChannelFacts:
    where: str  # the schedule's key for it: chat.channels.fr, chat.chairs_channel
    channel: str
    error: str | None = None  # Slack's error code (channel_not_found, ...)
    name: str | None = None
    member: bool = False
    archived: bool = False


@dataclass
class SlackFacts:
    error: str | None = None  # auth.test's error (invalid_auth, ...), or why Slack could not be reached
    team: str | None = None
    bot_user: str | None = None
    missing_scopes: list[str] = field(default_factory=list)
    scopes_known: bool = False
    channels: list[ChannelFacts] = field(default_factory=list)


def _error(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or error.response.status_code)
    return f"{type(error).__name__}: {error}"[:200]


async def gather_facts(client: AsyncWebClient, channels: Mapping[str, str]) -> SlackFacts:
    """auth.test, then conversations.info for each of `channels` ({where: channel id})."""
    facts = SlackFacts()
    try:
        auth = await client.auth_test()
    except Exception as error:
        facts.error = _error(error)
        return facts
    facts.team, facts.bot_user = str(auth.get("team") or ""), str(auth.get("user") or "")
    granted = auth.headers.get("x-oauth-scopes") or auth.headers.get("X-OAuth-Scopes")
    if granted is not None:
        facts.scopes_known = True
        have = {scope.strip() for scope in str(granted).split(",")}
        facts.missing_scopes = [scope for scope in REQUIRED_SCOPES if scope not in have]
    for where, channel in channels.items():
        try:
            info = (await client.conversations_info(channel=channel)).get("channel") or {}
        except Exception as error:
            facts.channels.append(ChannelFacts(where, channel, error=_error(error)))
            continue
        facts.channels.append(ChannelFacts(where, channel, name=str(info.get("name") or channel),
                                           member=bool(info.get("is_member")), archived=bool(info.get("is_archived"))))
    return facts


__all__ = ["REQUIRED_SCOPES", "ChannelFacts", "SlackFacts", "gather_facts"]

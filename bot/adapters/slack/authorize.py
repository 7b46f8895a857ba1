"""Authorising inbound Slack requests without waiting for Slack: the bot token is known from the settings.

Bolt's default for one workspace calls `auth.test` on the first request and refuses the request (with a 200
that Slack takes as delivered) when that call fails, so an event arriving while the Slack API is down was
lost. Here `auth.test` is tried on the request path only while nothing is known and no attempt has failed
yet (bounded by a short timeout: the 3 s ack must not wait for it); otherwise the request is authorised with
the token alone and the bot's own ids stay unknown until `SlackRuntime.start` reaches Slack and `remember`s
them. Without those ids bolt cannot recognise the bot's own messages by user id; the intake still drops
them by `bot_id` / `subtype=bot_message`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

AUTH_TEST_TIMEOUT = 2.0  # seconds of the request path's 3 s ack budget auth.test may take


class BotTokenAuthorize(AsyncAuthorize):
    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client
        self._identity: dict[str, Any] | None = None
        self._failed = False

    def remember(self, auth_test: dict[str, Any]) -> None:
        self._identity = auth_test

    async def __call__(
        self, *, context: AsyncBoltContext, enterprise_id: str | None, team_id: str | None, user_id: str | None,
        actor_enterprise_id: str | None = None, actor_team_id: str | None = None, actor_user_id: str | None = None,
    ) -> AuthorizeResult:
        if self._identity is None and not self._failed:
            try:
                async with asyncio.timeout(AUTH_TEST_TIMEOUT):
                    self._identity = dict((await self._client.auth_test()).data)  # type: ignore[arg-type]
            except Exception as error:  # any failure: authorise with the token, never refuse the event
                self._failed = True
                log.warning("auth.test failed on an inbound request; authorising with the bot token: %s", error)
        identity = self._identity or {}
        return AuthorizeResult(
            enterprise_id=enterprise_id, team_id=team_id or identity.get("team_id"), user_id=user_id,
            bot_token=self._client.token, bot_id=identity.get("bot_id"), bot_user_id=identity.get("user_id"),
        )

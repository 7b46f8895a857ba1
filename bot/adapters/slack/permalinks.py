"""Links from a copy to its original message, built as Slack builds them rather than asked for.

`chat.getPermalink` per mirrored message would spend a Web API call (and its rate limit) on every copy;
a permalink is the workspace's URL (`auth.test`, once, at start) + archives/<channel>/p<ts without its
dot>, with the thread and channel as query parameters for a reply in a thread. Until `auth.test` has
answered, the link is asked of Slack, once per original.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import quote, urlencode

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.app.ports.chat import MessageRef

log = logging.getLogger(__name__)


def permalink(workspace_url: str, channel: str, ts: str, thread_ts: str | None = None) -> str:
    # Channel ids and timestamps come from Slack's signed events; quoted all the same, so no part of a link
    # can ever be markup.
    url = f"{workspace_url.rstrip('/')}/archives/{quote(channel, safe='')}/p{quote(ts.replace('.', ''), safe='')}"
    if thread_ts is not None and thread_ts != ts:
        url += f"?{urlencode({'thread_ts': thread_ts, 'cid': channel})}"
    return url


class Permalinks:
    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client
        self.workspace_url: str | None = None  # "https://<team>.slack.com/", from auth.test
        self._lookups: dict[tuple[str, str], asyncio.Future[str | None]] = {}

    async def of(self, original: MessageRef, thread_ts: str | None = None) -> str | None:
        if self.workspace_url is not None:
            return permalink(self.workspace_url, original.channel, original.id, thread_ts)
        # One lookup per original, shared by its concurrent copies (the future is cached, not just the URL).
        key = (original.channel, original.id)
        lookup = self._lookups.get(key)
        if lookup is None:
            lookup = asyncio.ensure_future(self._fetch(original))
            self._lookups[key] = lookup
        return await asyncio.shield(lookup)

    async def _fetch(self, original: MessageRef) -> str | None:
        try:
            response = await self._client.chat_getPermalink(channel=original.channel, message_ts=original.id)
        except (SlackApiError, OSError) as error:
            log.info("no permalink for %s: %s", original, error)
            self._lookups.pop((original.channel, original.id), None)
            return None
        return str(response["permalink"])

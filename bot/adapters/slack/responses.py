"""Answering a button of an ephemeral message in place: the group prompt becomes its confirmation.

Slack keeps no ephemeral message the bot could `chat.update`: the one way to change it is the `response_url` of
the `block_actions` payload its press sent, with `replace_original: true`. The intake notes that URL against the
prompt (channel + message_ts, the ref the press's event carries); the first private reply to that press replaces
the prompt, so its buttons cannot be pressed again. Slack honours a response_url for a limited time and number of
uses: when it refuses (an expired URL answers 404) or cannot be reached, the reply is posted as a new private
message, as before.
"""

from __future__ import annotations

import json
import logging

from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.adapters.slack.blocks import blocks_for, message_parts
from bot.adapters.slack.escape import TEXT_OBJECT_LIMIT, escape
from bot.app.ports.chat import MessageRef

log = logging.getLogger(__name__)
# slack_sdk logs the whole URL of a request at DEBUG, and a response_url lets whoever holds it answer the user:
# its client gets a logger that never logs below INFO, whatever the run's level.
_WEBHOOK_LOG = logging.getLogger(f"{__name__}.webhook")
_WEBHOOK_LOG.setLevel(logging.INFO)

_KEPT = 500  # prompts waiting for their answer; older ones are forgotten (their URLs expire anyway)


class PromptAnswers:
    """The response_urls of pressed ephemeral prompts, until their answer replaces them."""

    def __init__(self) -> None:
        self._urls: dict[tuple[str, str], str] = {}

    def note(self, ref: MessageRef, response_url: str) -> None:
        self._urls[(ref.channel, ref.id)] = response_url
        while len(self._urls) > _KEPT:
            del self._urls[next(iter(self._urls))]

    async def replace(self, context: MessageRef | None, text: str) -> bool:
        """Replace the pressed prompt `context` by `text`; False when there is none to replace or Slack refused
        (then the caller posts the reply as it would have)."""
        if context is None:
            return False
        url = self._urls.pop((context.channel, context.id), None)
        if url is None:
            return False
        if len(message_parts(text)) > 1:  # one message replaces one: a longer answer is posted instead
            return False
        try:
            response = await AsyncWebhookClient(url, timeout=10, logger=_WEBHOOK_LOG).send(
                text=escape(text)[:TEXT_OBJECT_LIMIT], blocks=blocks_for(text, ()), replace_original=True,
                unfurl_links=False, unfurl_media=False)
        except Exception as error:  # unreachable: the reply still reaches them, as a new message
            log.info("could not replace the prompt %s (%s): posting the answer instead", context, error)
            return False
        if response.status_code != 200 or not _accepted(response.body):
            log.info("Slack refused to replace the prompt %s (%s %s): posting the answer instead", context,
                     response.status_code, response.body[:100])
            return False
        return True


def _accepted(body: str) -> bool:
    """Slack answers a response_url "ok" (as incoming webhooks do) or `{"ok": true}`."""
    if body.strip().lower() == "ok":
        return True
    try:
        return bool(json.loads(body) == {"ok": True})
    except ValueError:
        return False

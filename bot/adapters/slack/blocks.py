"""Slack message payloads: escaped text, split under Slack's limits, Block Kit buttons for chair actions.

Every function here takes *plain* text (final, already in the reader's language) and escapes it; nothing
in bot/ builds Slack markup elsewhere. Links we add ourselves (a permalink to a Slack message) are the only
control sequences that can appear in an outgoing payload.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.adapters.slack.escape import (
    BUTTON_LABEL_LIMIT,
    MESSAGE_LIMIT,
    TEXT_OBJECT_LIMIT,
    escape,
    plain_label,
    split_text,
)
from bot.app.ports.chat import Button

# Slack allows 50 blocks per message and 25 elements per actions block.
_MAX_SECTIONS = 45
_MAX_BUTTONS = 25
ACTION_SEPARATOR = "#"


def _escaped_len(text: str) -> int:
    return len(escape(text))


def message_parts(text: str, *, limit: int = MESSAGE_LIMIT - 500) -> list[str]:
    """Plain text → plain parts whose escaped form fits one message (room left for a link), cut at
    paragraph, line, sentence or word boundaries."""
    return split_text(text, limit, _escaped_len)


def link(url: str, label: str) -> str:
    """A link to a Slack message (a permalink, permalinks.py), with a label from our own catalogs."""
    return f"<{escape(url).replace('|', '%7C')}|{escape(label).replace('|', '/')}>"


def button_id(action: Button, index: int) -> str:
    # action_id must be unique within a message: the same verb may appear twice with different values.
    return f"{action.id}{ACTION_SEPARATOR}{index}"


def action_of(action_id: str) -> str:
    head, sep, _ = action_id.rpartition(ACTION_SEPARATOR)
    return head if sep else action_id


def blocks_for(text: str, actions: Sequence[Button]) -> list[dict[str, Any]]:
    """Sections for the plain text (each ≤ 3,000 characters once escaped) and one actions block of buttons."""
    sections = split_text(text, TEXT_OBJECT_LIMIT, _escaped_len)[:_MAX_SECTIONS]
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": escape(section)}} for section in sections if section
    ]
    if actions:
        elements = []
        for index, action in enumerate(actions[:_MAX_BUTTONS]):
            button: dict[str, Any] = {
                "type": "button",
                "action_id": button_id(action, index),
                "text": {"type": "plain_text", "text": plain_label(action.label)[:BUTTON_LABEL_LIMIT] or "·",
                         "emoji": True},
                "value": action.value[:2000],
            }
            if action.style in ("primary", "danger"):
                button["style"] = action.style
            elements.append(button)
        blocks.append({"type": "actions", "elements": elements})
    return blocks


def message_payload(text: str, actions: Sequence[Button] = (), *, trailer: str = "") -> dict[str, Any]:
    """Arguments for chat.postMessage / chat.update carrying one plain part, escaped; `trailer` is markup we
    made ourselves (a permalink). Never link_names, never parse=full; no unfurling of anything."""
    escaped = escape(text) + trailer
    payload: dict[str, Any] = {"text": escaped, "unfurl_links": False, "unfurl_media": False}
    if actions:
        payload["blocks"] = blocks_for(text, actions)
        if trailer:
            payload["blocks"].insert(-1, {"type": "context", "elements": [{"type": "mrkdwn", "text": trailer}]})
        # With blocks, `text` is only the notification fallback.
        payload["text"] = escaped[:TEXT_OBJECT_LIMIT]
    return payload


def markup_payload(mrkdwn: str) -> dict[str, Any]:
    """Arguments for a message whose mrkdwn we composed ourselves from escaped parts (a bundle)."""
    return {"text": mrkdwn, "unfurl_links": False, "unfurl_media": False}

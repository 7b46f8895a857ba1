"""Bundled copies: when a language channel is backlogged (Slack allows ~1 post/s per channel), several
mirrored messages travel as one post, one line each, so a burst reaches readers in seconds, not minutes.

A bundle's lines are kept in the key-value store (channel/ts → lines) so an edit or deletion of one
original later changes only its own line, also after a restart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime

from bot.adapters.slack.blocks import link
from bot.adapters.slack.escape import escape
from bot.app.ports.chat import MessageRef
from bot.app.ports.store import KeyValues
from bot.i18n.catalog import render

BUNDLES_NAMESPACE = "slack.bundles"
# Only short copies are bundled: a long message reads better on its own.
MAX_BUNDLED_TEXT = 600


@dataclass(frozen=True)
class BundledLine:
    """One mirrored message inside a bundle (plain text; escaped when rendered)."""

    name: str
    text: str
    url: str | None
    original_channel: str
    original_id: str

    def is_copy_of(self, original: MessageRef) -> bool:
        return (self.original_channel, self.original_id) == (original.channel, original.id)


def render_bundle(lines: list[BundledLine], lang: str) -> str:
    """mrkdwn of a bundle; user-derived parts escaped, links are permalinks to Slack messages."""
    label = render("slack.original_link", lang)
    out = []
    for line in lines:
        target = link(line.url, label) if line.url else ""
        out.append(render("slack.bundle_line", lang, name=escape(line.name), text=escape(line.text),
                          link=target).rstrip(" ·"))
    return "\n".join(out)


class BundleIndex:
    def __init__(self, kv: KeyValues, now: Callable[[], datetime]) -> None:
        self._kv = kv
        self._now = now

    async def lines(self, ref: MessageRef) -> list[BundledLine] | None:
        stored = await self._kv.get(BUNDLES_NAMESPACE, f"{ref.channel}/{ref.id}")
        return [BundledLine(**line) for line in stored] if stored else None

    async def set(self, ref: MessageRef, lines: list[BundledLine]) -> None:
        await self._kv.set(BUNDLES_NAMESPACE, f"{ref.channel}/{ref.id}", [asdict(line) for line in lines],
                           self._now())

    async def forget(self, ref: MessageRef) -> None:
        await self._kv.delete(BUNDLES_NAMESPACE, f"{ref.channel}/{ref.id}")

"""What the Slack adapter keeps in the store's key-values (bot.app.ports.store.KeyValues): users' chosen
languages, copies of mirrored messages, the live boards; and what the App Home asks the floor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from bot.app.ports.chat import MessageRef
from bot.app.ports.store import KeyValues
from bot.config.model import NOT_STATED


class HomeFacts(Protocol):
    """What the App Home shows about the list of speakers (the floor service answers it)."""

    async def place_of(self, user_id: str, email: str | None) -> int | None:
        """1-based place of this Slack user in the open list, if they are on it. The implementation resolves
        the user to its canonical person key (bot.domain.identity) the same way the dispatcher does."""
        ...

    async def group_of(self, user_id: str, email: str | None) -> tuple[str, bool]:
        """The stakeholder group the user is counted under now, and whether it is the programme's (then it
        is not theirs to change)."""
        ...

    def group_choices(self, lang: str) -> list[tuple[str, str]]:
        """(value, label) of each group one may choose, in `lang` ("I prefer not to say" last); the value is
        the command that chooses it."""
        ...


class NoHomeFacts:
    async def place_of(self, user_id: str, email: str | None) -> int | None:
        return None

    async def group_of(self, user_id: str, email: str | None) -> tuple[str, bool]:
        return NOT_STATED, False

    def group_choices(self, lang: str) -> list[tuple[str, str]]:
        return []


LANGUAGE_NAMESPACE = "user.language"
COPIES_NAMESPACE = "slack.copies"
BOARD_NAMESPACE = "slack.board"


class LanguageChoices:
    """Each Slack user's chosen language (`/floor lang fr`), under `user.language` / `slack:<user id>`."""

    def __init__(self, kv: KeyValues, now: Callable[[], datetime]) -> None:
        self._kv = kv
        self._now = now

    async def get(self, user_id: str) -> str | None:
        value = await self._kv.get(LANGUAGE_NAMESPACE, f"slack:{user_id}")
        return value if isinstance(value, str) else None

    async def set(self, user_id: str, lang: str) -> None:
        await self._kv.set(LANGUAGE_NAMESPACE, f"slack:{user_id}", lang, self._now())


def _ref_key(ref: MessageRef) -> str:
    return f"{ref.channel}/{ref.id}"


class CopyIndex:
    """Original message → its copies per language, so edits and deletions of the original reach them."""

    def __init__(self, kv: KeyValues, now: Callable[[], datetime]) -> None:
        self._kv = kv
        self._now = now

    async def copies(self, original: MessageRef) -> dict[str, MessageRef]:
        stored = await self._kv.get(COPIES_NAMESPACE, _ref_key(original)) or {}
        return {lang: MessageRef(original.surface, channel, ts) for lang, (channel, ts) in stored.items()}

    async def add(self, original: MessageRef, lang: str, copy: MessageRef) -> None:
        stored = dict(await self._kv.get(COPIES_NAMESPACE, _ref_key(original)) or {})
        stored[lang] = [copy.channel, copy.id]
        await self._kv.set(COPIES_NAMESPACE, _ref_key(original), stored, self._now())

    async def forget(self, original: MessageRef) -> None:
        await self._kv.delete(COPIES_NAMESPACE, _ref_key(original))


class BoardIndex:
    """Where each live board message is (chairs' channel + ts), so a restart keeps updating the same one."""

    def __init__(self, kv: KeyValues, now: Callable[[], datetime]) -> None:
        self._kv = kv
        self._now = now

    async def get(self, key: str) -> tuple[str, str] | None:
        value = await self._kv.get(BOARD_NAMESPACE, key)
        return (str(value[0]), str(value[1])) if value else None

    async def set(self, key: str, channel: str, ts: str) -> None:
        await self._kv.set(BOARD_NAMESPACE, key, [channel, ts], self._now())

    async def forget(self, key: str) -> None:
        await self._kv.delete(BOARD_NAMESPACE, key)

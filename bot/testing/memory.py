"""In-memory stand-ins with the store's shapes (`KeyValues`, `InboundEvents`): the tests that need no
database. The real classes are
bot.adapters.store.key_values.SqlKeyValues and bot.adapters.store.intake.InboundEvents."""

from __future__ import annotations

from datetime import datetime
from typing import Any


class MemoryKeyValues:
    def __init__(self) -> None:
        self.data: dict[tuple[str, str], Any] = {}

    async def get(self, namespace: str, key: str, default: Any = None) -> Any:
        return self.data.get((namespace, key), default)

    async def set(self, namespace: str, key: str, value: Any, now: datetime) -> None:
        self.data[(namespace, key)] = value

    async def delete(self, namespace: str, key: str) -> bool:
        return self.data.pop((namespace, key), None) is not None

    async def items(self, namespace: str) -> dict[str, Any]:
        return {k: v for (ns, k), v in self.data.items() if ns == namespace}


class MemorySeenEvents:
    """Exactly-once intake in a set, and the inbox in a dict: `seen_before` records the id and says whether it
    was there; `record` keeps the payload until `done`."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, str]] = set()
        self.pending: dict[tuple[str, str], dict[str, Any]] = {}

    async def seen_before(self, source: str, event_id: str, now: datetime) -> bool:
        key = (source, event_id)
        if key in self.seen:
            return True
        self.seen.add(key)
        return False

    async def record(self, source: str, event_id: str, payload: dict[str, Any], now: datetime, *,
                     owner: str = "") -> bool:
        if await self.seen_before(source, event_id, now):
            return False
        self.pending[(source, event_id)] = payload
        return True

    async def done(self, source: str, event_id: str, now: datetime) -> None:
        self.pending.pop((source, event_id), None)

    async def unfinished(self, source: str, *, owner: str = "") -> list[tuple[str, dict[str, Any]]]:
        return [(event_id, payload) for (src, event_id), payload in self.pending.items() if src == source]

    async def owners_with_unfinished(self) -> list[str]:
        return []

    async def adopt(self, previous: str, owner: str) -> int:
        return 0

    async def purge(self, now: datetime) -> int:
        return 0

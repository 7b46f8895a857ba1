from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.key_values import SqlKeyValues

T0 = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)


async def test_set_get_overwrite_delete(engine: AsyncEngine) -> None:
    kv = SqlKeyValues(engine)
    assert await kv.get("user.language", "U1") is None
    assert await kv.get("user.language", "U1", "en") == "en"
    await kv.set("user.language", "U1", "fr", T0)
    await kv.set("user.language", "U2", "es", T0)
    await kv.set("user.language", "U1", "es", T0)
    await kv.set("zoom.meeting", "session-1", {"id": 81234567890, "uuid": "a/b=="}, T0)
    assert await kv.get("user.language", "U1") == "es"
    assert await kv.items("user.language") == {"U1": "es", "U2": "es"}
    assert await kv.get("zoom.meeting", "session-1") == {"id": 81234567890, "uuid": "a/b=="}
    assert await kv.delete("user.language", "U1")
    assert not await kv.delete("user.language", "U1")
    assert await kv.items("user.language") == {"U2": "es"}

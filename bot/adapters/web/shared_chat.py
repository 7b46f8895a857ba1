"""One console served by several instances: what any instance's `LocalChat` shows, every instance shows.

With PostgreSQL (the store several instances already share), each change of an instance's LocalChat (a post,
an edit, "refetch the floor") is sent with `pg_notify` on one channel, and every instance LISTENs on it and
applies the others' changes to its own LocalChat: an attendee connected to any instance sees what any
instance posted. Their actions need nothing more: every instance runs the same floor service on the same
store (the list's row lock serialises them), and only the leader posts the run of show. No new service.

Limits: NOTIFY carries at most 8000 bytes, so a message longer than that is shown only by the instance that
posted it (logged); an instance that (re)connects sees the others' posts from then on, not their history.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import secrets
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from bot.adapters.web.local_chat import LocalChat

log = logging.getLogger(__name__)

CHANNEL_PREFIX = "floorbot_console_"
MAX_PAYLOAD = 7900  # PostgreSQL refuses a NOTIFY payload of 8000 bytes or more
RECONNECT_SECONDS = 2.0


def new_origin() -> str:
    """A prefix for this instance's message ids, so two instances never give two messages one id."""
    return f"{secrets.token_hex(3)}-"


def libpq_url(database_url: str) -> str | None:
    """The database URL as psycopg takes it, or None when it is not PostgreSQL (nothing to share)."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return None
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class SharedConsole:
    """Joins one instance's LocalChat to the others' through LISTEN/NOTIFY; `run()` until cancelled."""

    def __init__(self, chat: LocalChat, conninfo: str, origin: str) -> None:
        self._chat = chat
        self._conninfo = conninfo
        self._origin = origin
        # NOTIFY channels are database-wide: deployments (or test schemas) sharing a database must not mix.
        self.channel = CHANNEL_PREFIX + hashlib.sha256(conninfo.encode()).hexdigest()[:16]
        self._outgoing: asyncio.Queue[str] = asyncio.Queue()
        self.listening = asyncio.Event()
        chat.publish = self._publish

    def _publish(self, change: dict[str, Any]) -> None:
        payload = json.dumps({"origin": self._origin, **change}, separators=(",", ":"), ensure_ascii=False)
        if len(payload.encode()) > MAX_PAYLOAD:
            log.warning("a console %s of %d bytes is too long for NOTIFY: other instances do not show it",
                        change.get("op"), len(payload))
            return
        self._outgoing.put_nowait(payload)

    async def run(self) -> None:
        while True:
            try:
                await asyncio.gather(self._listen(), self._send())
            except (OSError, psycopg.Error):
                self.listening.clear()
                log.warning("the shared console lost PostgreSQL; reconnecting", exc_info=True)
                await asyncio.sleep(RECONNECT_SECONDS)

    async def _listen(self) -> None:
        async with await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True) as connection:
            await connection.execute(f"LISTEN {self.channel}")
            self.listening.set()
            async for notice in connection.notifies():
                self._receive(notice.payload)

    def _receive(self, payload: str) -> None:
        try:
            change = json.loads(payload)
            if change.get("origin") != self._origin:
                self._chat.apply(change)
        except (ValueError, KeyError, TypeError):
            log.warning("a shared console change could not be read", exc_info=True)

    async def _send(self) -> None:
        async with await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True) as connection:
            while True:
                payload = await self._outgoing.get()
                try:
                    await connection.execute("SELECT pg_notify(%s, %s)", (self.channel, payload))
                except BaseException:
                    with contextlib.suppress(asyncio.QueueFull):
                        self._outgoing.put_nowait(payload)  # sent after reconnecting (order may differ)
                    raise

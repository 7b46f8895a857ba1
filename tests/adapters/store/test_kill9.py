"""Committed requests survive `kill -9` of the process that wrote them, and the database stays sound."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.store.engine import create_engine, reading
from bot.adapters.store.floor_lists import FloorLists
from bot.app.floor import FloorService, allow_everyone, request_op
from bot.domain.floor.state import Participant
from tests.conftest import ROOT

# Writes requests forever, printing each one only after its transaction committed.
WRITER = """
import asyncio, sys
from datetime import UTC, datetime, timedelta
from bot.domain.floor.state import Participant
from bot.app.floor import FloorService, allow_everyone, request_op
from bot.adapters.store.engine import create_engine
from bot.adapters.store.floor_lists import FloorLists

async def main(url):
    engine = create_engine(url)
    service = FloorService(FloorLists(engine), authorize=allow_everyone)
    t0 = datetime(2022, 3, 7, 10, 30, tzinfo=UTC)
    for i in range(100_000):
        who = Participant(f"p{i:05d}", f"Person {i}", "states", "en")
        await service.execute("session-1", request_op(who), f"U{i}", t0 + timedelta(seconds=i))
        sys.stdout.write(f"committed {who.person}\\n")
        sys.stdout.flush()

asyncio.run(main(sys.argv[1]))
"""

ACKNOWLEDGED_BEFORE_KILL = 40


async def test_committed_requests_survive_sigkill(db_url: str, engine: AsyncEngine) -> None:
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        WRITER,
        db_url,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert child.stdout is not None
    committed: list[str] = []
    try:
        while len(committed) < ACKNOWLEDGED_BEFORE_KILL:
            line = await asyncio.wait_for(child.stdout.readline(), timeout=60)
            if not line:
                stderr = await child.stderr.read() if child.stderr else b""
                await child.wait()  # it exited by itself: nothing to kill
                raise AssertionError(f"writer stopped early: {stderr.decode()[-2000:]}")
            committed.append(line.decode().split()[1])
        # Mid-way: the writer is in the middle of its next transactions.
    finally:
        if child.returncode is None:
            # One signal, through os.kill. `Process.send_signal`/`kill` go through `Popen.poll()` on Python
            # < 3.13, a second waitpid that races the child watcher's thread; when it reaps first, asyncio
            # logs "Unknown child process pid" and reports 255 instead of -9 (CPython gh-87744). The
            # watcher stays the only reaper.
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, signal.SIGKILL)
        # Drain and close the pipes too: a transport left to the garbage collector warns, and warnings fail.
        await child.communicate()
    assert child.returncode == -signal.SIGKILL

    # Reopen (a fresh engine, as a restarted process would) and check.
    reopened = create_engine(db_url)
    try:
        if db_url.startswith("sqlite"):
            async with reading(reopened) as connection:
                assert (await connection.scalar(text("PRAGMA integrity_check"))) == "ok"
        state = await FloorLists(reopened).state("session-1")
        assert state is not None
        listed = [r.person for r in state.pending]
        assert len(listed) == len(set(listed))
        assert set(committed) <= set(listed)
        # Whatever got in beyond the acknowledged ones is whole: the report rows match the snapshot.
        rows = await FloorLists(reopened).requests("session-1")
        assert sorted(r["participant_id"] for r in rows) == sorted(listed)
        # And the list keeps working after the restart.
        later = datetime(2022, 3, 7, 12, 0, tzinfo=UTC)
        after = await FloorService(FloorLists(reopened), authorize=allow_everyone).execute(
            "session-1", request_op(Participant("late", "Late", "un", "fr")), "U-late", later
        )
        assert after.changed
    finally:
        await reopened.dispose()

"""`floorbot serve` as a child process, for the tests that kill it: started on a store and a port, killed with
SIGKILL, restarted as the same instance; and a bounded wait on what another process makes true."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import ROOT

SCHEDULE = ROOT / "schedules" / "ungp-tech-2022.yaml"
BOUND = 240.0  # seconds any one wait may take before the test fails


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    """`floorbot serve` in a child process, restarted on the same store and port (the same instance)."""

    env: dict[str, str]
    port: int
    start_at: str
    schedule: Path = SCHEDULE
    process: asyncio.subprocess.Process | None = None
    up: asyncio.Event = field(default_factory=asyncio.Event)
    logs: list[str] = field(default_factory=list)
    _reader: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).parent / "floorbot"), "serve", str(self.schedule), "--start-at", self.start_at,
            cwd=ROOT, env=self.env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        self._reader = asyncio.create_task(self._read(self.process))
        async with asyncio.timeout(BOUND):
            await self.up.wait()

    async def _read(self, process: asyncio.subprocess.Process) -> None:
        assert process.stderr is not None
        async for line in process.stderr:
            text = line.decode(errors="replace").rstrip()
            self.logs.append(text)
            if "Uvicorn running on" in text:
                self.up.set()

    async def kill(self) -> None:
        assert self.process is not None
        self.up.clear()
        # One signal through os.kill (see tests/adapters/store/test_kill9.py for why not Process.kill).
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGKILL)
        assert await self.process.wait() == -signal.SIGKILL
        if self._reader is not None:
            await self._reader

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
            try:
                async with asyncio.timeout(30):
                    await self.process.wait()
            except TimeoutError:
                await self.kill()
        if self._reader is not None:
            await self._reader

    async def health(self, http: httpx.AsyncClient) -> dict[str, Any]:
        answer: dict[str, Any] = (await http.get(f"{self.url}/healthz")).json()
        return answer


async def until(check: Callable[[], Any], what: str, *, every: float = 0.05) -> None:
    """Wait, bounded, for a condition another process makes true (polled: it cannot notify us)."""
    deadline = time.monotonic() + BOUND
    while not await check():
        assert time.monotonic() < deadline, f"still not {what} after {BOUND:.0f} s"
        await asyncio.sleep(every)

"""A written input acknowledged with a 200 survives `kill -9` of `floorbot serve` right after the answer."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import signal
import sys
from pathlib import Path

import httpx

from bot.wiring import open_store
from tests.adapters.web.conftest import EVENT
from tests.conftest import ROOT

PDF = b"%PDF-1.4\n" + b"1 0 obj <<>> endobj\n" * 50 + b"%%EOF\n"


async def test_an_acknowledged_input_survives_sigkill(tmp_path: Path) -> None:
    database = tmp_path / "floorbot.sqlite"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DEEPL_", "ZOOM_", "FLOORBOT_"))}
    env |= {"PYTHONPATH": str(ROOT), "FLOORBOT_DATABASE_URL": f"sqlite:///{database}",
            "FLOORBOT_PORT": "0", "FLOORBOT_HOST": "127.0.0.1"}  # an ephemeral port, read from uvicorn's log
    # --start-now: the agenda (7 March 2022) starts now, so the deadline (27 March) is ahead.
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "from bot.cli.main import main; main()", "serve", str(EVENT), "--start-now",
        cwd=tmp_path, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )
    assert child.stderr is not None
    reference = None
    port = None
    try:
        while True:
            line = await asyncio.wait_for(child.stderr.readline(), timeout=60)
            assert line, "floorbot serve stopped before it started"
            if found := re.search(rb"Uvicorn running on http://127\.0\.0\.1:(\d+)", line):
                port = int(found.group(1))
                break
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            joined = await client.post("/api/join", json={"person": "ana-garcia", "lang": "es"})
            assert joined.status_code == 200, joined.text
            response = await client.post(
                "/api/inputs", data={"title": "Aporte", "organization": "", "group": "civil-society",
                                     "language": "es"}, files={"file": ("aporte.pdf", PDF, "application/pdf")})
            assert response.status_code == 200, response.text
            reference = response.json()["reference"]
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, signal.SIGKILL)  # at once, before anything else can run
    finally:
        if child.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, signal.SIGKILL)
        await child.communicate()
    assert child.returncode == -signal.SIGKILL

    store = await open_store(f"sqlite:///{database}")
    try:
        [record] = await store.inputs.all()
        assert record.reference == reference and record.sha256 == hashlib.sha256(PDF).hexdigest()
        assert await store.inputs.content(record) == PDF
        assert (tmp_path / "floorbot-inputs" / f"{record.sha256}.pdf").exists()  # beside the SQLite file
    finally:
        await store.close()

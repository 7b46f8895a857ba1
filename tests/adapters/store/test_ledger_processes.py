"""Exactly one claimant wins each cue, with the claimants in separate processes."""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.adapters.store.ledger_rows import ledger_rows
from tests.conftest import ROOT

CLAIMER = """
import asyncio, sys
from datetime import UTC, datetime
from bot.adapters.store.engine import create_engine
from bot.adapters.store.ledger import SqlCueLedger

async def main(url, owner, cues):
    engine = create_engine(url)
    ledger = SqlCueLedger(engine)
    sys.stdin.readline()  # start together
    now = datetime(2022, 3, 7, 10, 0, tzinfo=UTC)
    for i in range(cues):
        if await ledger.claim_cue(f"cue-{i}", owner, now):
            print(f"cue-{i}", flush=True)
    await engine.dispose()

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
"""

PROCESSES = 4
CUES = 40


async def test_each_cue_is_won_by_exactly_one_process(db_url: str, engine: AsyncEngine) -> None:
    children = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            CLAIMER,
            db_url,
            f"instance-{n}",
            str(CUES),
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for n in range(PROCESSES)
    ]
    results = await asyncio.wait_for(asyncio.gather(*(c.communicate(b"go\n") for c in children)), timeout=90)
    for child, (_, err) in zip(children, results, strict=True):
        assert child.returncode == 0, err.decode()[-2000:]
    wins = Counter(line for out, _ in results for line in out.decode().split())
    assert wins == Counter({f"cue-{i}": 1 for i in range(CUES)})
    # The ledger agrees with what the winners were told.
    owners = {cue: row.claimed_by for cue, row in (await ledger_rows(engine)).items()}
    for n, (out, _) in enumerate(results):
        for cue in out.decode().split():
            assert owners[cue] == f"instance-{n}"

"""What the probes read of a built Bot: `/readyz` (can this instance take traffic, and if not, why) and the
figures `/metrics` samples at scrape time. `/healthz` (liveness) stays with the Bot in bot/wiring.py."""

from __future__ import annotations

import asyncio
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse

from bot.domain.agenda.recovery import LedgerState

if TYPE_CHECKING:
    from bot.wiring import Bot

FAILING_TOO_LONG = 60.0  # seconds of failed deliveries, with no success between, before /readyz says 503
STORE_TIMEOUT = 2.0  # a store slower than this to answer `SELECT 1` counts as unreachable


def _version() -> str:
    try:
        return version("floorbot")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


VERSION = _version()


async def not_ready_because(bot: Bot) -> list[str]:
    """Every reason this instance should not take traffic; empty when it is ready."""
    reasons = [] if bot.ready else ["starting: the run of show has not started (see startup)"]
    try:
        async with asyncio.timeout(STORE_TIMEOUT), bot.store.db.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as error:
        reasons.append(f"store unreachable: {type(error).__name__}: {error}"[:300])
    failing = bot.delivery.failing_for() if bot.delivery is not None else 0.0
    if failing > FAILING_TOO_LONG:
        reasons.append(f"deliveries failing for {failing:.0f} s (see slack in /healthz)")
    return reasons


async def readyz(bot: Bot, _: Request) -> JSONResponse:
    """200 when ready; else 503 with the reasons ("starting" until started, then "unready")."""
    reasons = await not_ready_because(bot)
    status = "ok" if not reasons else "starting" if not bot.ready else "unready"
    body = {"status": status, "reasons": reasons,
            "startup": {name: step.describe() for name, step in bot.steps.items()}}
    return JSONResponse(body, status_code=503 if reasons else 200)


async def sample(bot: Bot) -> None:
    """Refresh what /metrics reads at scrape time: cues by ledger state, leadership, readiness, the console."""
    metrics = bot.metrics
    states = await bot.runner.ledger.cue_states()
    counts = {state.value: 0 for state in LedgerState}
    for state in states.values():
        counts[state.value] += 1
    counts["pending"] = max(0, len(bot.conductor.cues) - len(states))
    metrics.set_cues(counts)
    metrics.leader.set(1 if bot.leadership.leading else 0)
    metrics.ready.set(0 if await not_ready_because(bot) else 1)
    if bot.console is not None:
        for role, count in bot.console.chat.connections().items():
            metrics.console.labels(role).set(count)


__all__ = ["VERSION", "not_ready_because", "readyz", "sample"]

"""Start-up steps that depend on a neighbour (Slack, DeepL, the run of show's first posts), run in the
background and retried until they succeed, so the HTTP server, the scheduler and inbound traffic never wait
for an outside service to answer. Each step says how it is doing, for the log and for `/healthz`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum

from bot.app.ports.waits import Waits

log = logging.getLogger(__name__)

FIRST_DELAY = 1.0  # seconds before the first retry
MAX_DELAY = 30.0  # an outage of minutes is retried twice a minute, not hammered


class StepState(StrEnum):
    STARTING = "starting"  # first attempt under way
    RETRYING = "retrying"  # failed at least once, trying again after a pause
    OK = "ok"
    FAILED = "failed"  # a final error (a refused key): retrying would not help


@dataclass
class Step:
    name: str
    state: StepState = StepState.STARTING
    attempts: int = 0
    error: str | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def describe(self) -> dict[str, object]:
        return {"state": str(self.state), "attempts": self.attempts, "error": self.error}


async def run_step(step: Step, action: Callable[[], Awaitable[object]], waits: Waits, *,
                   final: tuple[type[BaseException], ...] = (), first_delay: float = FIRST_DELAY,
                   max_delay: float = MAX_DELAY) -> None:
    """Run `action` until it succeeds, backing off exponentially (on `waits`) between attempts. An error of a
    `final` type ends the step as failed; it is logged, never raised, so no neighbour can end the process."""
    delay = first_delay
    while True:
        step.attempts += 1
        try:
            await action()
        except asyncio.CancelledError:
            raise
        except final as error:
            step.state, step.error = StepState.FAILED, _describe(error)
            log.error("start-up step %s failed for good: %s", step.name, step.error)
            step.done.set()
            return
        except Exception as error:
            step.state, step.error = StepState.RETRYING, _describe(error)
            log.warning("start-up step %s failed (attempt %d), retrying in %.0fs: %s", step.name, step.attempts,
                        delay, step.error)
            await waits.sleep(delay)
            delay = min(max_delay, delay * 2)
            continue
        step.state, step.error = StepState.OK, None
        if step.attempts > 1:
            log.info("start-up step %s succeeded after %d attempts", step.name, step.attempts)
        step.done.set()
        return


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:300]


__all__ = ["Step", "StepState", "run_step"]

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

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    retry_if_not_exception_type,
    wait_exponential,
)

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

    def failed(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        step.state, step.error = StepState.RETRYING, _describe(error) if error is not None else None
        delay = state.next_action.sleep if state.next_action is not None else 0.0
        log.warning("start-up step %s failed (attempt %d), retrying in %.0fs: %s", step.name, step.attempts,
                    delay, step.error)

    # No stop: a neighbour is waited for as long as it takes (the step's state says so meanwhile).
    retrying = AsyncRetrying(
        retry=retry_if_exception_type(Exception) & retry_if_not_exception_type((asyncio.CancelledError, *final)),
        wait=wait_exponential(multiplier=first_delay, max=max_delay),
        sleep=waits.sleep,
        before_sleep=failed,
        reraise=True,
    )
    try:
        async for attempt in retrying:
            with attempt:
                step.attempts += 1
                await action()
    except final as error:
        step.state, step.error = StepState.FAILED, _describe(error)
        log.error("start-up step %s failed for good: %s", step.name, step.error)
        step.done.set()
        return
    step.state, step.error = StepState.OK, None
    if step.attempts > 1:
        log.info("start-up step %s succeeded after %d attempts", step.name, step.attempts)
    step.done.set()


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:300]


__all__ = ["Step", "StepState", "run_step"]

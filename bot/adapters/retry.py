"""One retry policy for the services Floorbot calls (Zoom, DeepL, meeting provisioning), run by tenacity.

The rule, the same everywhere: try at most `attempts` times; between tries wait what the service asked
for (a 429's Retry-After, carried by the error as `retry_after`) or else an exponential backoff from
`first_delay`, capped at `max_delay`; never wait longer than `max_wait` (e.g. Zoom's daily limit, which
resets at midnight UTC: the error is raised with the delay instead, so the caller can say when to try
again), nor past a total `budget` of seconds (a chat message's deadline). Which errors are worth another
try is the caller's to say (429 and 5xx are, other 4xx are not). The last error is raised as it is.

Sleeping and the time of the budget are injected, so tests run the policy on virtual time.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # the first try included
    first_delay: float = 1.0
    multiplier: float = 2.0
    max_delay: float = 30.0
    max_wait: float = 120.0  # a longer Retry-After is not waited out
    budget: float | None = None  # seconds for all the tries of one call, waits included

    def backoff(self, attempt: int) -> float:
        """The wait after the `attempt`-th try failed, when the service did not say how long."""
        return float(min(self.max_delay, self.first_delay * self.multiplier ** (attempt - 1)))

    def delay(self, error: BaseException | None, attempt: int) -> float:
        asked = getattr(error, "retry_after", None)
        return float(asked) if isinstance(asked, int | float) else self.backoff(attempt)

    def retrying(
        self,
        retry_on: Callable[[BaseException], bool],
        *,
        sleep: Sleep,
        now: Callable[[], float] | None = None,
        what: str = "call",
    ) -> AsyncRetrying:
        """A tenacity loop for one call: ``async for attempt in policy.retrying(...): with attempt: ...``."""
        started = now() if now is not None else 0.0

        def next_delay(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome is not None else None
            return self.delay(error, state.attempt_number)

        def stop(state: RetryCallState) -> bool:
            if state.attempt_number >= self.attempts:
                return True
            wait = next_delay(state)
            if wait > self.max_wait:
                return True
            spent = (now() - started) if now is not None else 0.0
            return self.budget is not None and spent + wait > self.budget

        def before_sleep(state: RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome is not None else None
            wait = state.next_action.sleep if state.next_action is not None else math.nan
            log.info("%s: try %d failed (%s); trying again in %.1f s", what, state.attempt_number, error, wait)

        return AsyncRetrying(
            stop=stop, wait=next_delay, retry=retry_if_exception(retry_on), sleep=sleep,
            before_sleep=before_sleep, reraise=True,
        )

"""The one retry policy (bot/adapters/retry.py) on virtual time: what it waits, when it gives up."""

import pytest

from bot.adapters.retry import RetryPolicy
from bot.testing.timing import VirtualWaits


class Busy(Exception):
    def __init__(self, retry_after: float | None = None) -> None:
        super().__init__("busy")
        self.retry_after = retry_after


class Refused(Exception):
    pass


async def run(policy: RetryPolicy, failures: list[Exception], time: VirtualWaits) -> int:
    tries = 0
    async for attempt in policy.retrying(lambda e: isinstance(e, Busy), sleep=time.sleep, now=time.now):
        with attempt:
            tries += 1
            if failures:
                raise failures.pop(0)
            return tries
    raise AssertionError("unreachable")


async def test_backoff_doubles_up_to_its_cap_and_retry_after_wins() -> None:
    time = VirtualWaits(instant=True)
    policy = RetryPolicy(attempts=6, first_delay=1.0, max_delay=4.0)
    assert await run(policy, [Busy(), Busy(), Busy(7.0), Busy(), Busy()], time) == 6
    assert time.slept == [1.0, 2.0, 7.0, 4.0, 4.0]


async def test_attempts_are_bounded_and_the_last_error_is_raised() -> None:
    time = VirtualWaits(instant=True)
    with pytest.raises(Busy):
        await run(RetryPolicy(attempts=3), [Busy() for _ in range(5)], time)
    assert len(time.slept) == 2


async def test_errors_not_worth_retrying_are_raised_at_once() -> None:
    time = VirtualWaits(instant=True)
    with pytest.raises(Refused):
        await run(RetryPolicy(), [Refused()], time)
    assert time.slept == []


async def test_a_long_retry_after_is_not_waited_out() -> None:
    time = VirtualWaits(instant=True)
    with pytest.raises(Busy) as caught:
        await run(RetryPolicy(max_wait=120.0), [Busy(36000.0)], time)
    assert caught.value.retry_after == 36000.0 and time.slept == []


async def test_the_budget_bounds_the_total_wait() -> None:
    time = VirtualWaits(instant=True)
    with pytest.raises(Busy):
        await run(RetryPolicy(attempts=10, first_delay=2.0, budget=5.0), [Busy() for _ in range(10)], time)
    assert time.slept == [2.0]  # 2 s, then 4 s more would pass the 5 s budget

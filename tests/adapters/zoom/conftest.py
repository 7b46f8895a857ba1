"""Fixtures for the Zoom area: a running fake Zoom API and clients pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.adapters.zoom.client import ZOOM_RETRY, ZoomClient
from bot.app.clock import SimulatedClock
from tests.fakes.zoom_api import FakeZoom, running_fake_zoom


class RecordingSleep:
    """Stands in for asyncio.sleep: records the delays and moves the simulated clock instead of waiting."""

    def __init__(self, clock: SimulatedClock) -> None:
        self.clock = clock
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        from datetime import timedelta

        self.delays.append(seconds)
        self.clock.advance(timedelta(seconds=seconds))


@pytest.fixture
def fake_zoom() -> Iterator[FakeZoom]:
    with running_fake_zoom() as fake:
        yield fake


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(datetime(2022, 2, 20, 9, 0, tzinfo=UTC))


@pytest.fixture
def sleeper(clock: SimulatedClock) -> RecordingSleep:
    return RecordingSleep(clock)


@pytest.fixture
def make_client(fake_zoom: FakeZoom, clock: SimulatedClock, sleeper: RecordingSleep) -> Callable[..., ZoomClient]:
    def make(**kwargs: Any) -> ZoomClient:
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("sleep", sleeper)
        kwargs.setdefault("retry", ZOOM_RETRY)
        kwargs.setdefault("timeout", 5.0)
        return ZoomClient(
            fake_zoom.client_id, fake_zoom.client_secret, fake_zoom.account_id,
            base_uri=fake_zoom.api_url, oauth_uri=fake_zoom.oauth_url, **kwargs,
        )

    return make

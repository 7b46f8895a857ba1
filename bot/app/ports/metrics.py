"""What the use cases count for the operator (`/metrics`): the port, and the meter that counts nothing.

The app only says what happened; which metrics system hears it (Prometheus, bot/adapters/metrics/) is the
composition root's choice. What the adapters can see for themselves (deliveries, translations, the outbox)
they count without the app.
"""

from __future__ import annotations

from typing import Protocol


class Meter(Protocol):
    def floor_operation(self, verb: str, result: str, discussion: str, waiting: int) -> None:
        """One operation on a list of speakers: its verb, its result (changed, noop, refused), and how many
        requests wait on that list after it."""
        ...

    def inbound_event(self, source: str) -> None:
        """One event from a surface (slack, web, zoom) reached the use cases."""
        ...


class NoMeter:
    """Counts nothing: the rehearsal, the tools and the tests that do not read metrics."""

    def floor_operation(self, verb: str, result: str, discussion: str, waiting: int) -> None:
        return None

    def inbound_event(self, source: str) -> None:
        return None


__all__ = ["Meter", "NoMeter"]

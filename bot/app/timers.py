"""Where the runtime arms one-off jobs (a speaker's warning and expiry): the live scheduler or a simulation."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from bot.app.run_of_show import Conductor
from bot.domain.agenda.timemap import TimeMap

Job = Callable[[], Awaitable[None]]


class Timers(Protocol):
    def arm(self, job_id: str, at: datetime, job: Job) -> None:
        """Run `job` at agenda time `at` (replacing a job of the same id)."""
        ...

    def disarm(self, prefix: str) -> None:
        """Cancel every armed job whose id starts with `prefix`."""
        ...


@dataclass
class SchedulerTimers:
    """Timers on the conductor's APScheduler, agenda time mapped to wall time."""

    conductor: Conductor
    timemap: TimeMap

    def arm(self, job_id: str, at: datetime, job: Job) -> None:
        self.conductor.schedule_call(job_id, self.timemap.to_wall(at), job)

    def disarm(self, prefix: str) -> None:
        # Job ids only: a job added before the scheduler started has no next_run_time yet (APScheduler 3).
        for job in self.conductor.scheduler.get_jobs():
            if job.id.startswith(prefix):
                self.conductor.cancel(job.id)


@dataclass
class SimulatedTimers:
    """Timers for a simulated clock: the rehearsal loop pops them in time order."""

    _heap: list[tuple[datetime, int, str]] = field(default_factory=list)
    _jobs: dict[str, tuple[datetime, Job]] = field(default_factory=dict)
    _seq: itertools.count[int] = field(default_factory=itertools.count)

    def arm(self, job_id: str, at: datetime, job: Job) -> None:
        self._jobs[job_id] = (at, job)
        heapq.heappush(self._heap, (at, next(self._seq), job_id))

    def disarm(self, prefix: str) -> None:
        for job_id in [j for j in self._jobs if j.startswith(prefix)]:
            del self._jobs[job_id]

    def next_at(self) -> datetime | None:
        while self._heap:
            at, _, job_id = self._heap[0]
            current = self._jobs.get(job_id)
            if current is not None and current[0] == at:
                return at
            heapq.heappop(self._heap)  # cancelled or re-armed elsewhere
        return None

    def pop_due(self, now: datetime) -> list[Job]:
        due: list[Job] = []
        while (at := self.next_at()) is not None and at <= now:
            _, _, job_id = heapq.heappop(self._heap)
            due.append(self._jobs.pop(job_id)[1])
        return due


def next_job(conductor: Conductor, prefix: str) -> tuple[str, datetime] | None:
    """The earliest job whose id starts with `prefix`, and its time. A job added before the scheduler started
    has no `next_run_time` attribute yet (APScheduler 3): its trigger says when instead."""
    upcoming = []
    for job in conductor.scheduler.get_jobs():
        if job.id.startswith(prefix):
            at = getattr(job, "next_run_time", None) or job.trigger.get_next_fire_time(
                None, conductor.runner.clock.now())
            if at is not None:
                upcoming.append((at, job.id))
    if not upcoming:
        return None
    at, job_id = min(upcoming)
    return job_id, at

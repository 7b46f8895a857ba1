"""One running Floorbot, as the composition root (`bot.wiring.build`) hands it over: its parts, its HTTP routes,
its start (the background steps, the election, the run of show) and its stop."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.adapters.metrics.metered import MeteredChat
from bot.adapters.metrics.prometheus import PrometheusMetrics, metrics_route
from bot.adapters.store.bundle import Store as Store  # re-exported: the commands open the store through the root
from bot.adapters.store.bundle import open_store as open_store
from bot.adapters.web.console import WebConsole
from bot.adapters.web.shared_chat import SharedConsole
from bot.app.clock import Clock, LoopWaits
from bot.app.housekeeping import keep_tidy
from bot.app.leader import Leadership
from bot.app.plan import offset_minutes
from bot.app.ports.chat import ChatPort
from bot.app.ports.waits import Waits
from bot.app.run_of_show import Conductor, CueRunner
from bot.app.runtime import EventRuntime
from bot.app.startup import Step, StepState, run_step
from bot.app.timers import next_job
from bot.app.translation.service import ChatTranslator
from bot.config.model import Schedule
from bot.config.settings import Settings
from bot.probes import VERSION, readyz, sample

log = logging.getLogger(__name__)


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


@dataclass
class Bot:
    """One running Floorbot: its parts, its HTTP routes, and its start and stop."""

    schedule: Schedule
    settings: Settings
    store: Store
    runtime: EventRuntime
    runner: CueRunner
    conductor: Conductor
    leadership: Leadership
    translator: ChatTranslator | None
    wall: Clock
    chat: ChatPort
    console: WebConsole | None = None
    slack: Any = None
    owns_store: bool = True
    extra_routes: list[BaseRoute] = field(default_factory=list)
    middleware: list[Middleware] = field(default_factory=list)  # the console's guard: Host, Origin, sizes, rates
    background: list[asyncio.Task[None]] = field(default_factory=list)
    started: bool = False
    waits: Waits = field(default_factory=LoopWaits)
    steps: dict[str, Step] = field(default_factory=dict)
    keeping: bool = False
    zoom: Any = None  # the Zoom webhook (its inbox is resumed on start)
    metrics: PrometheusMetrics = field(default_factory=lambda: PrometheusMetrics(VERSION))
    delivery: MeteredChat | None = None  # Slack's deliveries, timed: /readyz reads since when they fail
    born: float = field(default_factory=time.monotonic)
    _electing: asyncio.Lock = field(default_factory=asyncio.Lock)
    shared_console: SharedConsole | None = None  # the console shared with other instances (PostgreSQL)

    @property
    def db(self) -> AsyncEngine:
        return self.store.db

    def routes(self) -> list[BaseRoute]:
        console = self.console.routes() if self.console is not None else []
        return [Route("/healthz", self.healthz, methods=["GET"]), Route("/readyz", self.readyz, methods=["GET"]),
                metrics_route(self.metrics, lambda: sample(self)), *self.extra_routes, *console]

    @property
    def ready(self) -> bool:
        """Started: the run of show is running (leader) or standing by; the neighbours may still be retried."""
        step = self.steps.get("run_of_show")
        return step is not None and step.state is StepState.OK

    async def healthz(self, request: Request) -> JSONResponse:
        """Liveness: 200 while the process serves, "starting" until the run of show runs, then "ok" (a probe
        that restarts on failure must not kill a bot that waits for Slack). Never 500: a fact that cannot be
        read yet is left out; a store that cannot be read is a 503 that says why."""
        try:
            return JSONResponse(await self._health())
        except Exception as error:
            log.exception("/healthz could not read the bot's state")
            return JSONResponse({"status": "ok" if self.ready else "starting",
                                 "error": f"{type(error).__name__}: {error}"[:300]}, status_code=503)

    async def readyz(self, request: Request) -> JSONResponse:
        """Readiness (bot/probes.py): 503 while starting, the store is unreachable or deliveries have failed
        for over a minute, saying why."""
        return await readyz(self, request)

    async def _health(self) -> dict[str, Any]:
        next_cue = next_job(self.conductor, "cue:")
        states = await self.runner.ledger.cue_states()
        return {
            "status": "ok" if self.ready else "starting",
            "version": VERSION,
            "uptime_seconds": round(time.monotonic() - self.born, 1),
            "startup": {name: step.describe() for name, step in self.steps.items()},
            "event": self.schedule.event.id,
            "leader": self.leadership.leading,
            "last_post": {"cue": self.runner.posted[-1],
                          "at": _iso(self.runner.last_posted_at)} if self.runner.posted else None,
            "cues": {"total": len(self.conductor.cues), "done": len(states)},
            # How late the day runs by the chairs' changes (negative: early), the way a rundown shows it.
            "offset_minutes": offset_minutes(self.runtime.plan.offset_at(self.runtime.clock.now())),
            "next_cue": {"id": next_cue[0].removeprefix("cue:"), "at": next_cue[1].isoformat()} if next_cue else None,
            "translation": self.translator.describe() if self.translator is not None else None,
            "discussion": self.runtime.current,
            "slack": self.slack.health() if self.slack is not None else None,
        }

    async def start(self) -> None:
        """Start without waiting for any neighbour: the store is read here; reaching Slack, DeepL's glossary
        and quota, and the run of show (whose first posts need Slack) run in the background, retried until
        they succeed, each reported in `steps` (and /healthz). Returns at once, so the HTTP server serves."""
        await self.runtime.restore()
        if self.shared_console is not None:
            self.background.append(asyncio.create_task(self.shared_console.run(), name="shared-console"))
        if self.slack is not None:
            self.slack.hold()
            await self.slack.resume()  # before any new event: what a crash left goes first
            self._background_step("slack", self.slack.start)
        if self.zoom is not None:  # in the background: its replies may wait for Slack
            self.background.append(asyncio.create_task(self.zoom.resume(), name="zoom:resume"))
        if self.translator is not None:
            from bot.app.ports.translation import TranslatorAuthError

            self._background_step("translation", self.translator.start, final=(TranslatorAuthError,))
        self._background_step("run_of_show", self._start_run_of_show)
        self.background.append(asyncio.create_task(keep_tidy(self.store.seen, self.store.journal, self.runtime.clock),
                                                   name="housekeeping"))

    async def wait_started(self) -> None:
        """Until the run of show has started (or stands by): what a caller that drives the bot in-process waits
        for after `start`; Slack and translation may still be retrying."""
        step = self.steps.get("run_of_show")
        if step is not None:
            await step.done.wait()

    def _background_step(self, name: str, action: Callable[[], Awaitable[object]], *,
                         final: tuple[type[BaseException], ...] = ()) -> None:
        step = self.steps[name] = Step(name)
        self.background.append(asyncio.create_task(run_step(step, action, self.waits, final=final),
                                                   name=f"startup:{name}"))

    async def _start_run_of_show(self) -> None:
        if not self.keeping:
            leading = await self.leadership.try_lead()
            # Renewing from now on: the first posts may wait minutes for Slack, longer than the lease lives.
            self.keeping = True
            self.background.append(asyncio.create_task(self.leadership.keep(self._elected, self._deposed)))
            if not leading:
                return  # a standby: `keep` starts the run of show if it is elected
        elif self.started or not self.leadership.leading:
            return  # started by `keep` meanwhile, or no longer the leader: `keep` carries on
        await self._elected()

    async def _elected(self) -> None:
        if self.slack is not None:  # what instances that are gone left unsent or unhandled
            await self.slack.take_over_orphans(self.leadership.alive)
        async with self._electing:  # the start-up step and `keep` must not start the conductor twice
            if not self.started:
                await self.runtime.plan.load()  # a standby elected late: the chairs' changes made meanwhile
                report = await self.conductor.start()
                self.started = True
                self.background.append(asyncio.create_task(self.runtime.refresh_board(), name="board"))
                log.info("run of show: %d scheduled, %d posted late, %d missed, %d done before",
                         report.scheduled, len(report.posted_late), len(report.missed), report.already_done)
                return
            # A take-over: the floor as the plan (and the chairs' changes, made anywhere) says, whatever the
            # deposed leader left undone.
            try:
                await self.runtime.plan.load()
                await self.runtime.settle()
            except Exception:
                log.exception("could not bring the floor to the plan's state")
            self.conductor.scheduler.resume()
            self.background.append(asyncio.create_task(self.runtime.refresh_board(), name="board"))

    async def _deposed(self) -> None:
        if self.conductor.scheduler.running:
            self.conductor.scheduler.pause()

    async def stop(self) -> None:
        for task in self.background:
            task.cancel()
        await asyncio.gather(*self.background, return_exceptions=True)
        self.conductor.shutdown()
        await self.leadership.release()
        await self.close()

    async def close(self) -> None:
        """Let go of the outside world without starting anything (what `stop` ends with)."""
        if self.slack is not None:
            await self.slack.aclose()
        if self.translator is not None:
            await self.translator.aclose()
        if self.owns_store:
            await self.store.close()

    def app(self, *, lifespan: bool = True) -> Starlette:
        """The HTTP app; without `lifespan` nothing starts (a test drives the bot itself)."""
        if not lifespan:
            return Starlette(routes=self.routes(), middleware=self.middleware)

        @asynccontextmanager
        async def serving(_: Starlette) -> AsyncIterator[None]:
            await self.start()
            try:
                yield
            finally:
                await self.stop()

        return Starlette(routes=self.routes(), lifespan=serving, middleware=self.middleware)

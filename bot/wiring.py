"""The composition root: the one place where Floorbot's parts are chosen and connected.

`build(schedule, settings, clock=...)` returns the whole bot — store, floor service, runtime, run of show,
leadership, translation, the web console, Slack when configured, the Zoom webhook — for `floorbot serve`,
the rehearsals, the benchmarks and the tests alike. What differs between them is passed in (the clock, the
monotonic waits, the store, a chat surface of their own, the timers), never wired by hand elsewhere.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.adapters.metrics.metered import MeteredChat, MeteredTranslator
from bot.adapters.metrics.prometheus import PrometheusMetrics, metrics_route
from bot.adapters.store.audit import SqlAuditLog
from bot.adapters.store.engine import create_engine
from bot.adapters.store.floor_lists import FloorLists
from bot.adapters.store.intake import InboundEvents
from bot.adapters.store.key_values import SqlKeyValues
from bot.adapters.store.lease import LeaderLease
from bot.adapters.store.ledger import SqlCueLedger
from bot.adapters.store.migrate import upgrade_to_head
from bot.adapters.web.console import WebConsole
from bot.adapters.web.console_model import RuntimeConsoleModel
from bot.adapters.web.local_chat import LocalChat
from bot.adapters.zoom.meeting_links import with_meeting_links
from bot.app.agenda_clock import AgendaClock
from bot.app.clock import Clock, LoopWaits, SystemClock
from bot.app.fanout import FanoutChat
from bot.app.floor import FloorService, schedule_policy
from bot.app.leader import Leadership
from bot.app.ports.chat import AudienceKind, ChatPort, MessageRef
from bot.app.ports.metrics import Meter
from bot.app.ports.waits import Waits
from bot.app.run_of_show import Conductor, CueRunner
from bot.app.runtime import EventRuntime, runtime_authorizer
from bot.app.startup import Step, StepState, run_step
from bot.app.timers import SchedulerTimers, Timers, next_job
from bot.app.translation.service import ChatTranslator
from bot.config.model import Schedule
from bot.config.settings import Settings
from bot.domain.agenda.timeline import Cue, CueKind, plan
from bot.domain.agenda.timemap import TimeMap
from bot.i18n import catalog as i18n
from bot.i18n.cues import item_title, render_cue
from bot.i18n.texts import CatalogTexts
from bot.probes import VERSION, readyz, sample

log = logging.getLogger(__name__)

SCHEDULE_PATH_KEY = ("runtime", "schedule_path")  # where `floorbot report` finds the schedule of a store


@dataclass
class Store:
    """The store's adapters over one database, each behind its port (bot.app.ports.store)."""

    db: AsyncEngine
    floor: FloorLists
    kv: SqlKeyValues
    seen: InboundEvents
    ledger: SqlCueLedger
    audit: SqlAuditLog
    lease: LeaderLease

    async def close(self) -> None:
        await self.db.dispose()


async def open_store(url: str) -> Store:
    """The database at `url`, migrated to the latest schema."""
    db = create_engine(url)
    await upgrade_to_head(db)
    return Store(db, FloorLists(db), SqlKeyValues(db), InboundEvents(db), SqlCueLedger(db), SqlAuditLog(db),
                 LeaderLease(db))


def time_map(cues: list[Cue], *, start_now: bool, start_at: datetime | None, speed: float, now: datetime) -> TimeMap:
    """Agenda -> wall: unshifted for a live event; `--start-now`/`--start-at` put the first cue there."""
    first = cues[0].at if cues else now
    if start_at is not None:
        return TimeMap(first, start_at, speed)
    if start_now or speed != 1:
        return TimeMap(first, now, speed)
    return TimeMap.identity(first)


def _absolute(path: Path) -> str:
    return str(path.resolve())


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
    background: list[asyncio.Task[None]] = field(default_factory=list)
    started: bool = False
    waits: Waits = field(default_factory=LoopWaits)
    steps: dict[str, Step] = field(default_factory=dict)
    keeping: bool = False
    metrics: PrometheusMetrics = field(default_factory=lambda: PrometheusMetrics(VERSION))
    delivery: MeteredChat | None = None  # Slack's deliveries, timed: /readyz reads since when they fail
    born: float = field(default_factory=time.monotonic)
    _electing: asyncio.Lock = field(default_factory=asyncio.Lock)

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
        if self.slack is not None:
            self.slack.hold()
            self._background_step("slack", self.slack.start)
        if self.translator is not None:
            from bot.app.ports.translation import TranslatorAuthError

            self._background_step("translation", self.translator.start, final=(TranslatorAuthError,))
        self._background_step("run_of_show", self._start_run_of_show)

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
        async with self._electing:  # the start-up step and `keep` must not start the conductor twice
            if not self.started:
                report = await self.conductor.start()
                self.started = True
                log.info("run of show: %d scheduled, %d posted late, %d missed, %d done before",
                         report.scheduled, len(report.posted_late), len(report.missed), report.already_done)
                return
            # A take-over: the floor as the plan says, whatever the deposed leader left undone.
            try:
                await self.runtime.settle()
            except Exception:
                log.exception("could not bring the floor to the plan's state")
            self.conductor.scheduler.resume()

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

    def app(self) -> Starlette:
        @asynccontextmanager
        async def lifespan(_: Starlette) -> AsyncIterator[None]:
            await self.start()
            try:
                yield
            finally:
                await self.stop()

        return Starlette(routes=self.routes(), lifespan=lifespan)


def build_runtime(
    schedule: Schedule, chat: ChatPort, store: Store, clock: Clock, timers: Timers, *,
    translator: ChatTranslator | None, publish_board: bool, meter: Meter | None = None,
) -> EventRuntime:
    """The runtime and the floor service beneath it: the one place they are constructed."""
    floor = FloorService(store.floor, authorize=runtime_authorizer(schedule), policy_for=schedule_policy(schedule),
                         meter=meter)
    return EventRuntime(schedule, chat, floor, store.kv, clock, timers, CatalogTexts(schedule.group_names()),
                        translator=translator, audit=store.audit, publish_board=publish_board, meter=meter)


def _translator(settings: Settings, schedule: Schedule, chat: ChatPort, schedule_path: Path | None,
                waits: Waits, metrics: PrometheusMetrics) -> ChatTranslator:
    from bot.adapters.translation.factory import translator_from_settings
    from bot.adapters.translation.glossary import load_glossary

    async def notify_chairs(message_key: str, **values: object) -> None:
        texts = {str(lang): i18n.render(message_key, str(lang), **values) for lang in schedule.event.languages}
        await chat.announce(texts, audience=AudienceKind.CHAIRS, key=f"chairs:{message_key}")

    backend = MeteredTranslator(translator_from_settings(settings, glossary=load_glossary(schedule_path), waits=waits),
                                metrics, waits.now)
    return ChatTranslator(backend, notify_chairs=notify_chairs, waits=waits)


async def build(
    schedule: Schedule, settings: Settings, *, clock: Clock | None = None, store: Store | None = None,
    database_url: str | None = None, timemap: TimeMap | None = None, start_now: bool = False,
    start_at: datetime | None = None, speed: float = 1.0, surface: ChatPort | None = None,
    timers: Timers | None = None, translator: ChatTranslator | Literal["settings"] | None = "settings",
    schedule_path: Path | None = None, lead: bool = True, owner: str | None = None, waits: Waits | None = None,
) -> Bot:
    """The whole bot for `schedule`.

    `clock` is the wall clock (the system's by default; a simulated one in rehearsals and tests); the floor
    and the cues run on agenda time, which `timemap` (else `start_now`/`start_at`/`speed`) derives from it.
    `store` is opened from `database_url` (else the settings) unless given; a given one is the caller's to
    close. `surface` replaces the web console and Slack as the only chat (a rehearsal's transcript);
    `timers` replaces the scheduler's for the speakers' timers (a simulated clock's are popped by hand);
    `translator` None means no translation at all; `lead=False` posts cues without a leader lease (a
    rehearsal alone on its own store). `waits` is the monotonic time the Slack outbox paces on and the
    translation pipeline batches, backs off and gives up on (the loop's by default)."""
    wall = clock or SystemClock()
    waits = waits or LoopWaits()
    owns_store = store is None
    if store is None:
        store = await open_store(database_url or settings.floorbot_database_url)
    if schedule_path is not None:
        await store.kv.set(*SCHEDULE_PATH_KEY, _absolute(schedule_path), wall.now())
    schedule = await with_meeting_links(schedule, store.kv)
    cues = plan(schedule)
    timemap = timemap or time_map(cues, start_now=start_now, start_at=start_at, speed=speed, now=wall.now())
    agenda = AgendaClock(wall, timemap)

    local: LocalChat | None = None
    slack = delivery = None
    metrics = PrometheusMetrics(VERSION)
    if surface is not None:
        chat = surface
    else:
        local = LocalChat(agenda)
        chat = local
        if settings.slack_enabled:
            from bot.adapters.slack.runtime import build_slack

            slack = build_slack(settings, schedule, dedupe=store.seen, kv=store.kv, clock=agenda, waits=waits)
            delivery = MeteredChat(slack.chat, metrics, waits.now)
            chat = FanoutChat(delivery, local)
            metrics.watch_outbox(slack.health)

    chat_translator = (_translator(settings, schedule, chat, schedule_path, waits, metrics) if translator == "settings"
                       else translator)
    owner = owner or f"floorbot-{uuid.uuid4().hex[:10]}"
    leadership = Leadership(store.lease, f"event:{schedule.event.id}", owner, wall)
    # The runner and its conductor come first (the runtime's timers live on the conductor's scheduler); the
    # runtime's cue effects are attached once the runtime exists.
    runner = CueRunner(chat, store.ledger, lambda cue, lang: render_cue(cue, schedule, lang),  # type: ignore[arg-type]
                       [str(lang) for lang in schedule.event.languages], owner, wall, CatalogTexts(),
                       item_title=lambda item, lang: item_title(schedule.item(item), lang))
    if lead:
        runner.is_leader = leadership.check
    conductor = Conductor(runner, cues, timemap=timemap, zone=ZoneInfo(schedule.event.timezone))
    runtime = build_runtime(schedule, chat, store, agenda, timers or SchedulerTimers(conductor, timemap),
                            translator=chat_translator, publish_board=slack is not None, meter=metrics)

    runtime.commands.reposter = conductor.repost  # `/floor repost`: the chairs post what a late start skipped

    def on_posted(cue: Any, refs: list[MessageRef]) -> None:
        if cue.kind == CueKind.FLOOR_OPEN:
            runtime.remember_floor_posts(refs)

    runner.on_cue = runtime.on_cue
    conductor.settle = runtime.settle
    runner.on_posted = on_posted
    console = None
    if local is not None:
        console = WebConsole(chat=local, model=RuntimeConsoleModel(runtime, store.ledger, cues), handler=runtime.handle,
                             clock=agenda)

        async def refresh_console(_discussion: str, local: LocalChat = local) -> None:
            local.changed()

        runtime.listeners.append(refresh_console)
    bot = Bot(schedule, settings, store, runtime, runner, conductor, leadership, chat_translator, wall, chat, console,
              slack, owns_store, waits=waits, metrics=metrics, delivery=delivery)
    if slack is not None:
        slack.intake.handler = runtime.handle
        slack.home.facts = _SlackHomeFacts(runtime)  # the runtime exists only now
        bot.extra_routes += slack.routes()
    # Signature windows are about real time: the webhook checks them on the wall clock, not the agenda.
    bot.extra_routes.append(_zoom_route(settings, schedule, runtime, store, wall))
    return bot


@dataclass
class _SlackHomeFacts:
    runtime: EventRuntime

    async def place_of(self, user_id: str, email: str | None) -> int | None:
        return await self.runtime.place_of("slack", user_id, email)


def _zoom_route(settings: Settings, schedule: Schedule, runtime: EventRuntime, store: Store, clock: Clock) -> BaseRoute:
    """`POST /zoom/webhook`: refuses everything until ZOOM_WEBHOOK_SECRET_TOKEN is set. Presence feeds the
    floor's "present only" policy; chat requests go to the runtime like any other inbound event."""
    from bot.adapters.zoom.presence import PresenceRegistry
    from bot.adapters.zoom.runtime_bridge import RuntimeFloorRequests
    from bot.adapters.zoom.webhooks import ZoomWebhook

    presence = PresenceRegistry(runtime.people.identity.canonical)
    runtime.present = presence.present_or_none
    webhook = ZoomWebhook(settings.zoom_webhook_secret_token, store.seen, presence,
                          runtime.people.identity, floor=RuntimeFloorRequests(runtime.handle), schedule=schedule,
                          clock=clock)
    return webhook.route()


__all__ = ["SCHEDULE_PATH_KEY", "Bot", "Store", "build", "build_runtime", "open_store", "time_map"]

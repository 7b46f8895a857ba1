"""The composition root: the one place where Floorbot's parts are chosen and connected.

`build(schedule, settings, clock=...)` returns the whole bot — store, floor service, runtime, run of show,
leadership, translation, the web console, Slack when configured, the Zoom webhook — for `floorbot serve`,
the rehearsals, the benchmarks and the tests alike. What differs between them is passed in (the clock, the
monotonic waits, the store, a chat surface of their own, the timers), never wired by hand elsewhere.
"""

from __future__ import annotations

import asyncio
import logging
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
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.adapters.store.bundle import Store as Store  # re-exported: the commands open the store through the root
from bot.adapters.store.bundle import open_store as open_store
from bot.adapters.web.console import WebConsole
from bot.adapters.web.console_model import RuntimeConsoleModel
from bot.adapters.web.inputs import InputsPage, upload_limits
from bot.adapters.web.local_chat import LocalChat
from bot.adapters.web.setup import console_access
from bot.adapters.web.shared_chat import SharedConsole, libpq_url, new_origin
from bot.adapters.zoom.meeting_links import with_meeting_links
from bot.app.agenda_clock import AgendaClock
from bot.app.clock import Clock, LoopWaits, SystemClock
from bot.app.fanout import FanoutChat
from bot.app.floor import FloorService, schedule_policy
from bot.app.housekeeping import keep_tidy
from bot.app.inputs import InputsDesk
from bot.app.leader import Leadership
from bot.app.plan import LivePlan, offset_minutes
from bot.app.ports.chat import AudienceKind, ChatPort, MessageRef
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
from bot.domain.floor.state import FloorState
from bot.i18n import catalog as i18n
from bot.i18n.cues import item_title, render_cue
from bot.i18n.texts import CatalogTexts

log = logging.getLogger(__name__)

SCHEDULE_PATH_KEY = ("runtime", "schedule_path")  # where `floorbot report` finds the schedule of a store
TIMEMAP_KEY = ("runtime", "timemap")  # how the last run mapped agenda to wall time (the report maps back)


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
    middleware: list[Middleware] = field(default_factory=list)  # the console's guard: Host, Origin, sizes, rates
    background: list[asyncio.Task[None]] = field(default_factory=list)
    started: bool = False
    waits: Waits = field(default_factory=LoopWaits)
    steps: dict[str, Step] = field(default_factory=dict)
    keeping: bool = False
    zoom: Any = None  # the Zoom webhook (its inbox is resumed on start)
    _electing: asyncio.Lock = field(default_factory=asyncio.Lock)
    shared_console: SharedConsole | None = None  # the console shared with other instances (PostgreSQL)

    @property
    def db(self) -> AsyncEngine:
        return self.store.db

    def routes(self) -> list[BaseRoute]:
        console = self.console.routes() if self.console is not None else []
        return [Route("/healthz", self.healthz, methods=["GET"]), Route("/readyz", self.readyz, methods=["GET"]),
                *self.extra_routes, *console]

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
        """Readiness: 503 until started, then 200 (what load balancers and Kubernetes readiness probes read as
        "not ready yet, ask again": no traffic is routed to a standby still starting)."""
        body = {"status": "ok" if self.ready else "starting",
                "startup": {name: step.describe() for name, step in self.steps.items()}}
        return JSONResponse(body, status_code=200 if self.ready else 503)

    async def _health(self) -> dict[str, Any]:
        next_cue = next_job(self.conductor, "cue:")
        states = await self.runner.ledger.cue_states()
        return {
            "status": "ok" if self.ready else "starting",
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


def build_runtime(
    schedule: Schedule, chat: ChatPort, store: Store, clock: Clock, timers: Timers, *,
    translator: ChatTranslator | None, publish_board: bool, live: LivePlan | None = None,
) -> EventRuntime:
    """The runtime and the floor service beneath it: the one place they are constructed."""
    floor = FloorService(store.floor, authorize=runtime_authorizer(schedule), policy_for=schedule_policy(schedule))
    return EventRuntime(schedule, chat, floor, store.kv, clock, timers, CatalogTexts(schedule.group_names()),
                        translator=translator, audit=store.audit, publish_board=publish_board,
                        plan=live or LivePlan(plan(schedule), store.plan_changes))


def chat_translator(settings: Settings, schedule: Schedule, schedule_path: Path | None, waits: Waits,
                    chat: ChatPort | None = None) -> ChatTranslator:
    """The translator the settings configure (DeepL, LibreTranslate, or the stand-in that translates nothing),
    with the field's glossary and the schedule's own terms; its notices to the chairs go to `chat`."""
    from bot.adapters.translation.factory import translator_from_settings
    from bot.adapters.translation.glossary import load_glossary

    async def notify_chairs(message_key: str, **values: object) -> None:
        if chat is None:
            log.warning("chairs not told (no chat): %s %s", message_key, values)
            return
        texts = {str(lang): i18n.render(message_key, str(lang), **values) for lang in schedule.event.languages}
        await chat.announce(texts, audience=AudienceKind.CHAIRS, key=f"chairs:{message_key}")

    backend = translator_from_settings(settings, glossary=load_glossary(schedule_path), waits=waits)
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
        store = await open_store(database_url or settings.floorbot_database_url, settings.floorbot_inputs_dir)
    owner = owner or settings.floorbot_instance or f"floorbot-{uuid.uuid4().hex[:10]}"
    if schedule_path is not None:
        await store.kv.set(*SCHEDULE_PATH_KEY, _absolute(schedule_path), wall.now())
    schedule = await with_meeting_links(schedule, store.kv)
    cues = plan(schedule)
    timemap = timemap or time_map(cues, start_now=start_now, start_at=start_at, speed=speed, now=wall.now())
    await store.kv.set(*TIMEMAP_KEY, timemap.to_json(), wall.now())
    agenda = AgendaClock(wall, timemap)

    local: LocalChat | None = None
    conninfo: str | None = None
    slack = None
    if surface is not None:
        chat = surface
    else:
        # With PostgreSQL, instances share one console (LISTEN/NOTIFY): each names its own messages.
        conninfo = libpq_url(store.db.url.render_as_string(hide_password=False))
        local = LocalChat(agenda, origin=new_origin() if conninfo else "")
        chat = local
        if settings.slack_enabled:
            from bot.adapters.slack.runtime import build_slack

            slack = build_slack(settings, schedule, inbox=store.seen, kv=store.kv, clock=agenda, waits=waits,
                                journal=store.journal, owner=owner, to_agenda=timemap.to_agenda)
            chat = FanoutChat(slack.chat, local)

    the_translator = (chat_translator(settings, schedule, schedule_path, waits, chat) if translator == "settings"
                      else translator)
    leadership = Leadership(store.lease, f"event:{schedule.event.id}", owner, wall)
    # The runner and its conductor come first (the runtime's timers live on the conductor's scheduler); the
    # runtime's cue effects are attached once the runtime exists.
    runner = CueRunner(chat, store.ledger, lambda cue, lang: render_cue(cue, schedule, lang),  # type: ignore[arg-type]
                       [str(lang) for lang in schedule.event.languages], owner, wall, CatalogTexts(),
                       item_title=lambda item, lang: item_title(schedule.item(item), lang))
    if lead:
        runner.is_leader = leadership.check
    conductor = Conductor(runner, cues, timemap=timemap, zone=ZoneInfo(schedule.event.timezone))
    # The run of show as the chairs moved it: the conductor's jobs follow every change (loaded on start).
    live = LivePlan(cues, store.plan_changes, on_change=[lambda retimed: conductor.retime(retimed.cues)])
    runner.times_of = lambda cue: (timemap.to_wall(live.retimed.planned.get(cue.id, cue.at)), timemap.to_wall(cue.at))
    conductor.refresh = live.load
    runtime = build_runtime(schedule, chat, store, agenda, timers or SchedulerTimers(conductor, timemap),
                            translator=the_translator, publish_board=slack is not None, live=live)

    runtime.commands.reposter = conductor.repost  # `/floor repost`: the chairs post what a late start skipped

    def on_posted(cue: Any, refs: list[MessageRef]) -> None:
        if cue.kind == CueKind.FLOOR_OPEN:
            runtime.remember_floor_posts(refs)

    runner.on_cue = runtime.on_cue
    conductor.settle = runtime.settle
    runner.on_posted = on_posted
    console, middleware = None, []
    if local is not None:
        access = await console_access(settings, schedule, kv=store.kv, revocations=store.revocations,
                                      audit=store.audit, clock=wall)
        console = WebConsole(chat=local, model=RuntimeConsoleModel(runtime, store.ledger, live), handler=runtime.handle,
                             clock=agenda, access=access)
        middleware = access.middleware(upload_limits(schedule))

        async def refresh_console(discussion: str, state: FloorState, local: LocalChat = local) -> None:
            local.changed(discussion, state.version)

        runtime.listeners.append(refresh_console)
        page: LocalChat = local
        live.on_change.append(lambda _retimed: page.changed())  # every page's run of show follows a change
    bot = Bot(schedule, settings, store, runtime, runner, conductor, leadership, the_translator, wall, chat, console,
              slack, owns_store, waits=waits, middleware=middleware)
    inputs = InputsDesk(schedule, store.inputs, agenda)  # sent from the console's /inputs, Slack's /floor input
    if console is not None:
        bot.extra_routes += InputsPage(console, inputs).routes()
    if local is not None and conninfo:
        bot.shared_console = SharedConsole(local, conninfo, local.origin)
    if slack is not None:
        slack.intake.handler = runtime.handle
        slack.intake.inputs = inputs if schedule.event.written_inputs else None
        slack.home.facts = _SlackHomeFacts(runtime)  # the runtime exists only now
        bot.extra_routes += slack.routes()
    # Signature windows are about real time: the webhook checks them on the wall clock, not the agenda.
    bot.zoom = _zoom_webhook(settings, schedule, runtime, store, wall, agenda)
    bot.extra_routes.append(bot.zoom.route())
    return bot


@dataclass
class _SlackHomeFacts:
    runtime: EventRuntime

    async def place_of(self, user_id: str, email: str | None) -> int | None:
        return await self.runtime.place_of("slack", user_id, email)


def _zoom_webhook(settings: Settings, schedule: Schedule, runtime: EventRuntime, store: Store, clock: Clock,
                  agenda: AgendaClock) -> Any:
    """`POST /zoom/webhook`: refuses everything until ZOOM_WEBHOOK_SECRET_TOKEN is set. Presence feeds the
    floor's "present only" policy; chat requests go to the runtime like any other inbound event."""
    from bot.adapters.zoom.presence import PresenceRegistry
    from bot.adapters.zoom.runtime_bridge import RuntimeFloorRequests
    from bot.adapters.zoom.webhooks import ZoomWebhook

    presence = PresenceRegistry(runtime.people.identity.canonical)
    runtime.present = presence.present_or_none
    floor = RuntimeFloorRequests(runtime.handle, now=agenda.now, to_agenda=agenda.timemap.to_agenda)
    return ZoomWebhook(settings.zoom_webhook_secret_token, store.seen, presence, runtime.people.identity,
                       floor=floor, schedule=schedule, clock=clock)


__all__ = ["SCHEDULE_PATH_KEY", "TIMEMAP_KEY", "Bot", "Store", "build", "build_runtime", "open_store", "time_map"]

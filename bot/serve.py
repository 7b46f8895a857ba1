"""`floorbot serve`: the live bot — HTTP server, scheduler, chat — assembled from the settings.

Slack when its credentials are set, with the web console beside it as the chairs' dashboard; otherwise the
web console alone (the embedded default). Zoom webhooks when their secret is set. One leader per event
(a lease in the store) posts the cues; the others stand by.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.adapters.store.audit import AuditLog
from bot.adapters.store.engine import create_engine
from bot.adapters.store.intake import InboundEvents
from bot.adapters.store.key_values import KeyValues
from bot.adapters.store.lease import LeaderLease
from bot.adapters.store.ledger import CueLedger
from bot.adapters.store.migrate import upgrade_to_head
from bot.adapters.translation.factory import translator_from_settings
from bot.adapters.translation.glossary import load_glossary
from bot.adapters.web.console import WebConsole
from bot.adapters.web.console_model import RuntimeConsoleModel
from bot.adapters.web.local_chat import LocalChat
from bot.app.agenda_clock import AgendaClock
from bot.app.clock import Clock, SystemClock
from bot.app.engine import Engine, runtime_authorizer
from bot.app.fanout import FanoutChat
from bot.app.floor import FloorService, schedule_policy
from bot.app.leader import Leadership
from bot.app.meeting_links import with_meeting_links
from bot.app.ports.chat import AudienceKind, ChatPort, MessageRef
from bot.app.run_of_show import Conductor, CueRunner
from bot.app.timers import SchedulerTimers
from bot.app.translation.service import ChatTranslator
from bot.config.model import Schedule
from bot.config.settings import Settings
from bot.domain.agenda.timeline import Cue, CueKind, plan
from bot.domain.agenda.timemap import TimeMap
from bot.i18n import catalog as i18n
from bot.i18n.cues import render_cue

log = logging.getLogger(__name__)


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def time_map(cues: list[Cue], *, start_now: bool, start_at: datetime | None, speed: float, now: datetime) -> TimeMap:
    """Agenda -> wall: unshifted for a live event; `--start-now`/`--start-at` put the first cue there."""
    first = cues[0].at if cues else now
    if start_at is not None:
        return TimeMap(first, start_at, speed)
    if start_now or speed != 1:
        return TimeMap(first, now, speed)
    return TimeMap.identity(first)


@dataclass
class LiveBot:
    schedule: Schedule
    settings: Settings
    engine: Engine
    conductor: Conductor
    leadership: Leadership
    console: WebConsole
    translator: ChatTranslator
    db: Any
    wall: Clock
    extra_routes: list[BaseRoute] = field(default_factory=list)
    background: list[asyncio.Task[None]] = field(default_factory=list)
    started: bool = False
    slack: Any = None

    def routes(self) -> list[BaseRoute]:
        return [Route("/healthz", self.healthz, methods=["GET"]), *self.extra_routes, *self.console.routes()]

    async def healthz(self, request: Request) -> JSONResponse:
        pending = self.conductor.pending()
        next_cue = next(((job, at) for job, at in pending if job.startswith("cue:")), None)
        states = await self.conductor.runner.ledger.cue_states()
        return JSONResponse({
            "status": "ok",
            "event": self.schedule.event.id,
            "leader": self.leadership.leading,
            "last_post": {"cue": self.conductor.runner.posted[-1],
                          "at": _iso(self.conductor.runner.last_posted_at)} if self.conductor.runner.posted else None,
            "cues": {"total": len(self.conductor.cues), "done": len(states)},
            "next_cue": {"id": next_cue[0].removeprefix("cue:"), "at": next_cue[1].isoformat()} if next_cue else None,
            "translation": self.translator.describe(),
            "discussion": self.engine.current,
            "slack": self.slack.health() if self.slack is not None else None,
        })

    async def start(self) -> None:
        await self.engine.restore()
        await self.translator.start()
        if self.slack is not None:
            await self.slack.start()

        async def elected() -> None:
            if not self.started:
                self.started = True
                report = await self.conductor.start()
                log.info("run of show: %d scheduled, %d posted late, %d missed, %d done before",
                         report.scheduled, len(report.posted_late), len(report.missed), report.already_done)
            else:
                self.conductor.scheduler.resume()

        async def deposed() -> None:
            if self.conductor.scheduler.running:
                self.conductor.scheduler.pause()

        if await self.leadership.try_lead():
            await elected()
        self.background.append(asyncio.create_task(self.leadership.keep(elected, deposed)))

    async def stop(self) -> None:
        for task in self.background:
            task.cancel()
        await asyncio.gather(*self.background, return_exceptions=True)
        self.conductor.shutdown()
        await self.leadership.release()
        if self.slack is not None:
            await self.slack.aclose()
        await self.translator.aclose()
        await self.db.dispose()

    def app(self) -> Starlette:
        @asynccontextmanager
        async def lifespan(_: Starlette) -> AsyncIterator[None]:
            await self.start()
            try:
                yield
            finally:
                await self.stop()

        return Starlette(routes=self.routes(), lifespan=lifespan)


async def assemble(
    schedule: Schedule, settings: Settings, *, timemap: TimeMap | None = None, wall: Clock | None = None,
    database_url: str | None = None, start_now: bool = False, start_at: datetime | None = None, speed: float = 1.0,
    schedule_path: Path | None = None,
) -> LiveBot:
    wall = wall or SystemClock()
    db = create_engine(database_url or settings.floorbot_database_url)
    await upgrade_to_head(db)
    kv = KeyValues(db)
    schedule = await with_meeting_links(schedule, kv)
    cues = plan(schedule)
    timemap = timemap or time_map(cues, start_now=start_now, start_at=start_at, speed=speed, now=wall.now())
    agenda = AgendaClock(wall, timemap)
    dedupe = InboundEvents(db)
    local = LocalChat(agenda)
    chat: ChatPort = local
    slack = None
    if settings.slack_enabled:
        from bot.adapters.slack.runtime import build_slack

        slack = build_slack(settings, schedule, dedupe=dedupe, kv=kv, clock=agenda)
        chat = FanoutChat(slack.chat, local)
    glossary = load_glossary(schedule_path)

    async def notify_chairs(message_key: str, **values: object) -> None:
        texts = {str(lang): i18n.render(message_key, str(lang), **values) for lang in schedule.event.languages}
        await chat.announce(texts, audience=AudienceKind.CHAIRS, key=f"chairs:{message_key}")

    translator = ChatTranslator(translator_from_settings(settings, glossary=glossary), notify_chairs=notify_chairs)
    floor = FloorService(db, authorize=runtime_authorizer(schedule), policy_for=schedule_policy(schedule))
    zone = ZoneInfo(schedule.event.timezone)
    owner = f"floorbot-{uuid.uuid4().hex[:10]}"
    ledger = CueLedger(db)
    leadership = Leadership(LeaderLease(db), f"event:{schedule.event.id}", owner, wall)
    # The runner and its conductor come first (the engine's timers live on the conductor's scheduler); the
    # engine's cue effects are attached once the engine exists.
    runner = CueRunner(chat, ledger, lambda cue, lang: render_cue(cue, schedule, lang),  # type: ignore[arg-type]
                       [str(lang) for lang in schedule.event.languages], owner, wall, is_leader=leadership.check)
    conductor = Conductor(runner, cues, timemap=timemap, zone=zone)
    engine = Engine(schedule, chat, floor, kv, agenda, SchedulerTimers(conductor, timemap),
                    translator=translator, audit=AuditLog(db), publish_board=slack is not None)

    def on_posted(cue: Any, refs: list[MessageRef]) -> None:
        if cue.kind == CueKind.FLOOR_OPEN:
            engine.remember_floor_posts(refs)

    runner.on_cue = engine.on_cue
    runner.on_posted = on_posted
    model = RuntimeConsoleModel(engine, ledger, cues)
    console = WebConsole(chat=local, model=model, handler=engine.handle, clock=agenda)

    async def refresh_console(_discussion: str) -> None:
        local.changed()

    engine.listeners.append(refresh_console)
    bot = LiveBot(schedule, settings, engine, conductor, leadership, console, translator, db, wall, slack=slack)
    if slack is not None:
        slack.intake.handler = engine.handle
        slack.home.facts = _SlackHomeFacts(engine)  # the engine exists only now
        bot.extra_routes += slack.routes()
    # Signature windows are about real time: the webhook checks them on the wall clock, not the agenda.
    bot.extra_routes.append(_zoom_route(settings, schedule, engine, db, wall))
    return bot


@dataclass
class _SlackHomeFacts:
    engine: Engine

    async def place_of(self, user_id: str, email: str | None) -> int | None:
        return await self.engine.place_of("slack", user_id, email)


def _zoom_route(settings: Settings, schedule: Schedule, engine: Engine, db: Any, clock: Clock) -> BaseRoute:
    """`POST /zoom/webhook`: refuses everything until ZOOM_WEBHOOK_SECRET_TOKEN is set. Presence feeds the
    floor's "present only" policy; chat requests go to the engine like any other inbound event."""
    from bot.adapters.zoom.engine_bridge import EngineFloorRequests
    from bot.adapters.zoom.presence import PresenceRegistry
    from bot.adapters.zoom.webhooks import ZoomWebhook

    presence = PresenceRegistry(engine.people.identity.canonical)
    engine.present = presence.present_or_none
    webhook = ZoomWebhook(settings.zoom_webhook_secret_token, InboundEvents(db), presence,
                          engine.people.identity, floor=EngineFloorRequests(engine.handle), schedule=schedule,
                          clock=clock)
    return webhook.route()


def run_serve(
    file: Path, *, start_now: bool, start_at: datetime | None, speed: float, scenario: Path | None = None,
    rehearsal_out: Path | None = None,
) -> int:
    """Load, assemble and serve until interrupted. With `scenario`, simulated attendees join in (a
    rehearsal on the console at `speed`), on a store of its own."""
    import sys

    import uvicorn

    from bot.config.loader import load_schedule
    from bot.config.settings import load_settings

    result = load_schedule(file)
    for problem in result.problems:
        print(problem.format(), file=sys.stderr)
    if not result.ok or result.schedule is None:
        return 1
    settings = load_settings()
    schedule = result.schedule
    database_url = None
    if scenario is not None or rehearsal_out is not None:
        out = rehearsal_out or Path("rehearsal-out")
        out.mkdir(parents=True, exist_ok=True)
        for stale in out.glob("rehearsal.sqlite*"):
            stale.unlink()
        database_url = f"sqlite:///{out / 'rehearsal.sqlite'}"

    schedule_path = str(file.resolve())

    async def main() -> None:
        bot = await assemble(schedule, settings, start_now=start_now, start_at=start_at, speed=speed,
                             database_url=database_url, schedule_path=file)
        await bot.engine.kv.set("runtime", "schedule_path", schedule_path, bot.wall.now())
        if scenario is not None:
            from bot.rehearsal.live import attach_scenario

            attach_scenario(bot, scenario)
        config = uvicorn.Config(bot.app(), host=settings.floorbot_host, port=settings.floorbot_port,
                                log_level="info")
        url = f"http://{settings.floorbot_host}:{settings.floorbot_port}/"
        print(i18n.render("runtime.listening", "en", url=url), file=sys.stderr)
        await uvicorn.Server(config).serve()

    asyncio.run(main())
    return 0


__all__ = ["LiveBot", "assemble", "run_serve", "time_map", "timedelta"]

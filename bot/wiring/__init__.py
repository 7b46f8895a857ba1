"""The composition root: the one place where Floorbot's parts are chosen and connected.

`build(schedule, settings, clock=...)` returns the whole bot — store, floor service, runtime, run of show,
leadership, translation, the web console, Slack when configured, the Zoom webhook — for `floorbot serve`,
the rehearsals, the benchmarks and the tests alike. What differs between them is passed in (the clock, the
monotonic waits, the store, a chat surface of their own, the timers), never wired by hand elsewhere.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.adapters.metrics.metered import MeteredChat, MeteredTranslator
from bot.adapters.metrics.prometheus import PrometheusMetrics
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
from bot.app.inputs import InputsDesk
from bot.app.leader import Leadership
from bot.app.plan import LivePlan
from bot.app.ports.chat import AudienceKind, ChatPort, MessageRef
from bot.app.ports.metrics import Meter
from bot.app.ports.waits import Waits
from bot.app.run_of_show import Conductor, CueRunner
from bot.app.runtime import EventRuntime, runtime_authorizer
from bot.app.timers import SchedulerTimers, Timers
from bot.app.translation.service import ChatTranslator
from bot.config.model import Schedule
from bot.config.settings import Settings
from bot.domain.agenda.timeline import Cue, CueKind, plan
from bot.domain.agenda.timemap import TimeMap
from bot.domain.floor.state import FloorState
from bot.i18n import catalog as i18n
from bot.i18n.cues import item_title, render_cue
from bot.i18n.texts import CatalogTexts
from bot.probes import VERSION
from bot.wiring.bot import Bot

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


def build_runtime(
    schedule: Schedule, chat: ChatPort, store: Store, clock: Clock, timers: Timers, *,
    translator: ChatTranslator | None, publish_board: bool, live: LivePlan | None = None, meter: Meter | None = None,
) -> EventRuntime:
    """The runtime and the floor service beneath it: the one place they are constructed."""
    floor = FloorService(store.floor, authorize=runtime_authorizer(schedule), policy_for=schedule_policy(schedule),
                         meter=meter)
    return EventRuntime(schedule, chat, floor, store.kv, clock, timers, CatalogTexts(schedule.group_names()),
                        translator=translator, audit=store.audit, publish_board=publish_board, meter=meter,
                        plan=live or LivePlan(plan(schedule), store.plan_changes))


def chat_translator(settings: Settings, schedule: Schedule, schedule_path: Path | None, waits: Waits,
                    chat: ChatPort | None = None, metrics: PrometheusMetrics | None = None) -> ChatTranslator:
    """The translator the settings configure (DeepL, LibreTranslate, or the stand-in that translates nothing),
    with the field's glossary and the schedule's own terms; its notices to the chairs go to `chat`; `metrics`
    times its requests."""
    from bot.adapters.translation.factory import event_translator

    async def notify_chairs(message_key: str, **values: object) -> None:
        if chat is None:
            log.warning("chairs not told (no chat): %s %s", message_key, values)
            return
        texts = {str(lang): i18n.render(message_key, str(lang), **values) for lang in schedule.event.languages}
        await chat.announce(texts, audience=AudienceKind.CHAIRS, key=f"chairs:{message_key}")

    backend = event_translator(settings, schedule_path, waits=waits)
    if metrics is not None:
        backend = MeteredTranslator(backend, metrics, waits.now)
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
    slack = delivery = None
    metrics = PrometheusMetrics(VERSION)
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
            delivery = MeteredChat(slack.chat, metrics, waits.now)
            chat = FanoutChat(delivery, local)
            metrics.watch_outbox(slack.health)

    the_translator = (chat_translator(settings, schedule, schedule_path, waits, chat, metrics)
                      if translator == "settings" else translator)
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
                            translator=the_translator, publish_board=slack is not None, live=live,
                            meter=metrics)

    runtime.commands.reposter = conductor.repost  # `/floor repost`: the chairs post what a late start skipped

    def on_posted(cue: Any, refs: list[MessageRef]) -> None:
        if cue.kind == CueKind.FLOOR_OPEN:
            runtime.remember_floor_posts(refs)

    runner.on_cue = runtime.on_cue
    runner.agenda = agenda
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
        # The booths' card follows each new next speaker, the chairs' tab each signal (from Slack too).
        runtime.booths.on_change.append(page.changed)
        runtime.signals.on_change.append(page.changed)
    bot = Bot(schedule, settings, store, runtime, runner, conductor, leadership, the_translator, wall, chat, console,
              slack, owns_store, waits=waits, middleware=middleware, metrics=metrics, delivery=delivery)
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

    async def group_of(self, user_id: str, email: str | None) -> tuple[str, bool]:
        people = self.runtime.people
        key = people.key_for("slack", user_id, email)
        return await people.group_of(key), key in people.schedule.people

    def group_choices(self, lang: str) -> list[tuple[str, str]]:
        return self.runtime.commands.groups.choices(lang)


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

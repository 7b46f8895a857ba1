"""Wiring: Settings + schedule + the store's protocols → a running Slack surface (ChatPort + intake routes).

    slack = build_slack(settings, schedule, inbox=InboundEvents(engine), kv=SqlKeyValues(engine),
                        home_facts=floor_service)
    slack.intake.handler = dispatcher.handle        # InboundEvent -> floor / translation -> slack.chat
    routes = slack.routes()                         # POST /slack/events, for the Starlette app
    await slack.resume()                            # what a crash left: unconfirmed posts, unhandled events
    await slack.start()                             # resolves people by e-mail; Socket Mode if an app token
    ...
    await slack.aclose()
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.web.async_client import AsyncWebClient
from starlette.routing import Route

from bot.adapters.slack.app import SlackIntake
from bot.adapters.slack.bundles import BundleIndex
from bot.adapters.slack.channels import SlackChannels, classify_slack_error
from bot.adapters.slack.home import AppHome
from bot.adapters.slack.identity import SlackDirectory
from bot.adapters.slack.outbox import Journal, Outbox
from bot.adapters.slack.posting import SURFACE, summarize
from bot.adapters.slack.stores import (
    BoardIndex,
    CopyIndex,
    HomeFacts,
    LanguageChoices,
    NoHomeFacts,
)
from bot.adapters.slack.surface import SlackChat
from bot.app.clock import Clock, LoopWaits, SystemClock
from bot.app.ports.chat import InboundEvent
from bot.app.ports.store import Inbox, KeyValues, PostJournal
from bot.app.ports.waits import Waits
from bot.config.model import Schedule
from bot.config.settings import Settings

log = logging.getLogger(__name__)


async def _no_handler(event: InboundEvent) -> None:
    log.warning("Slack event %s arrived before a handler was set", event.event_id)


@dataclass
class SlackRuntime:
    client: AsyncWebClient
    outbox: Outbox
    chat: SlackChat
    directory: SlackDirectory
    home: AppHome
    intake: SlackIntake
    waits: Waits
    app_token: str | None = None
    journal: Journal | None = None
    socket: AsyncSocketModeHandler | None = field(default=None, init=False)

    def routes(self) -> list[Route]:
        return self.intake.routes()

    def health(self) -> dict[str, object]:
        """For /healthz: what the outbox holds and has done, and how long ago it last delivered something."""
        stats = self.outbox.stats
        since = None if stats.last_delivered_at is None else round(self.waits.now() - stats.last_delivered_at, 1)
        return {"mode": "socket" if self.app_token else "http", "queued": self.outbox.queued,
                "delivered": stats.delivered, "rate_limited": stats.rate_limited, "retried": stats.retried,
                "failed": stats.failed, "bundled": stats.bundled, "coalesced": stats.coalesced,
                "resent": stats.resent, "found_sent": stats.found_sent, "unsettled": stats.unsettled,
                "seconds_since_last_delivery": since, "waiting_for_slack": not self.outbox.open.is_set()}

    async def resume(self) -> None:
        """What a crash left undone, before any new event is taken in: the posts recorded and not confirmed
        are queued first (sent once Slack answers, unless its history shows them), then the events recorded
        and not handled are handled. Reads the store only: never waits for Slack."""
        if self.journal is not None:
            self.chat.resume(await self.journal.records.unsent(self.journal.owner))
        await self.intake.resume()

    async def adopt(self, previous: str) -> int:
        """Take over what an instance that is gone left: its unconfirmed posts and its unhandled events (the
        leader does it on election, for instances whose heartbeat has expired). Returns how many."""
        if self.journal is None or previous == self.journal.owner:
            return 0
        entries = await self.journal.records.unsent(previous)
        events = await self.intake.inbox.unfinished(SURFACE, owner=previous)
        await self.journal.records.adopt(previous, self.journal.owner)
        await self.intake.inbox.adopt(previous, self.journal.owner)
        self.chat.resume(entries)
        self.intake.take_over(events)
        if entries or events:
            log.warning("Slack: took over %d posts and %d events of %s", len(entries), len(events), previous)
        return len(entries) + len(events)

    async def orphans(self) -> set[str]:
        """The instances with work left in the store, other than this one."""
        if self.journal is None:
            return set()
        owners = {*await self.journal.records.owners_with_unsent(), *await self.intake.inbox.owners_with_unfinished()}
        return owners - {self.journal.owner}

    async def take_over_orphans(self, alive: Callable[[str], Awaitable[bool]]) -> None:
        """The leader's duty: adopt the work of every instance that is not `alive` (heartbeat expired)."""
        try:
            for owner in await self.orphans():
                if not await alive(owner):
                    await self.adopt(owner)
        except Exception:
            log.exception("could not take over the work of instances that are gone")

    def hold(self) -> None:
        """Posts made before Slack has answered once (the run of show's first cues, the board) wait in the
        outbox for `start` to reach it, rather than spend their retries on an outage at start-up."""
        self.outbox.open.clear()

    async def start(self) -> None:
        """Reach Slack (auth.test), let the outbox send, warm the profile cache, connect Socket Mode. Raises
        while Slack does not answer: the caller retries it in the background (bot.app.startup)."""
        identity = await self.client.auth_test()
        self.intake.authorize.remember(dict(identity.data))  # type: ignore[arg-type]
        if url := identity.get("url"):
            self.chat.permalinks.workspace_url = str(url)
        self.outbox.open.set()
        cached = await self.directory.warm()
        found = await self.directory.resolve_people()
        log.info("Slack: %d profiles cached, %d schedule people found by e-mail", cached, found)
        if self.app_token and self.socket is None:
            self.socket = AsyncSocketModeHandler(self.intake.app, self.app_token)
            await self.socket.connect_async()  # type: ignore[no-untyped-call]

    async def aclose(self) -> None:
        if self.socket is not None:
            await self.socket.close_async()  # type: ignore[no-untyped-call]
        await self.intake.drain()
        self.outbox.open.set()  # what waited for Slack gets its tries now (and fails loudly) rather than hang
        await self.outbox.drain()
        await self.outbox.aclose()


def build_slack(
    settings: Settings,
    schedule: Schedule,
    *,
    inbox: Inbox,
    kv: KeyValues,
    home_facts: HomeFacts | None = None,
    clock: Clock | None = None,
    waits: Waits | None = None,
    client: AsyncWebClient | None = None,
    bundle_copies: bool = True,
    journal: PostJournal | None = None,
    owner: str = "floorbot",
    to_agenda: Callable[[datetime], datetime] = lambda wall: wall,
) -> SlackRuntime:
    """Everything Slack, from settings. Requires `settings.slack_enabled`. `clock` is the clock the indexes
    stamp (the agenda clock, as wiring passes it); `to_agenda` maps Slack's (wall) timestamps to the floor's
    agenda time; `waits` the monotonic time of the outbox's pacing and the profile cache (real by default);
    `journal` makes the outbox durable, `owner` naming this instance in it."""
    if settings.slack_bot_token is None:
        raise ValueError("SLACK_BOT_TOKEN is not set")
    clock = clock or SystemClock()
    waits = waits or LoopWaits()
    client = client or AsyncWebClient(token=settings.slack_bot_token.get_secret_value(),
                                      base_url=settings.slack_api_url)
    records = Journal(journal, owner, clock.now, summarize) if journal is not None else None
    outbox = Outbox(classify_slack_error, waits=waits, journal=records)
    channels = SlackChannels.from_schedule(schedule)
    chat = SlackChat(client, outbox, channels, copies=CopyIndex(kv, clock.now), boards=BoardIndex(kv, clock.now),
                     chairs_language=schedule.event.languages[0],
                     bundles=BundleIndex(kv, clock.now) if bundle_copies else None)
    directory = SlackDirectory(client, schedule, waits=waits)
    languages = LanguageChoices(kv, clock.now)
    home = AppHome(client, outbox, schedule, directory, languages, home_facts or NoHomeFacts())
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    intake = SlackIntake(client=client, signing_secret=secret, handler=_no_handler, chat=chat, directory=directory,
                         inbox=inbox, languages=languages, home=home, now=clock.now,
                         event_languages=tuple(schedule.event.languages), owner=owner,
                         to_agenda=to_agenda)
    app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else None
    return SlackRuntime(client, outbox, chat, directory, home, intake, waits, app_token, records)

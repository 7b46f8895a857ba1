"""The App Home tab: the user's language, their place on the list of speakers, and the agenda in both the
event's zone and their own (Slack profile tz). Rendering is pure; `AppHome.publish` does the I/O."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.escape import escape, plain_label
from bot.adapters.slack.identity import SlackDirectory, language_of_locale
from bot.adapters.slack.outbox import Outbox
from bot.adapters.slack.stores import HomeFacts, LanguageChoices
from bot.config.model import Schedule, text_in
from bot.domain.agenda.wall_time import agenda_time
from bot.i18n import formats
from bot.i18n.catalog import render

log = logging.getLogger(__name__)

_MAX_BLOCKS = 100  # Slack's limit for a Home view


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def home_view(schedule: Schedule, lang: str, *, user_tz: str | None, place: int | None) -> dict[str, Any]:
    """The Home tab's view for one reader. Schedule text is user-derived as far as Slack is concerned: escaped."""
    event_zone = ZoneInfo(schedule.event.timezone)
    zone_label = schedule.event.timezone_label or schedule.event.timezone
    local_zone = _zone(user_tz)
    title = text_in(schedule.event.title, lang)

    def section(text: str) -> dict[str, Any]:
        return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}

    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": plain_label(title)[:150] or "Floorbot"}},
        section(render("slack.home.language", lang, language=render(f"slack.endonym.{lang}", lang))),
        section(render("slack.home.place", lang, place=formats.ordinal(place, lang)) if place
                else render("slack.home.not_listed", lang)),
        {"type": "divider"},
        {"type": "header", "text": {"type": "plain_text", "text": render("slack.home.agenda", lang)}},
    ]
    for day in schedule.days:
        blocks.append(section(render("slack.home.day", lang, date=formats.long_date(day.date, lang))))
        for item in day.items:
            start, end = agenda_time(day.date, item.start, event_zone), agenda_time(day.date, item.end, event_zone)
            item_title = escape(text_in(item.title, lang)) or render("slack.home.no_title", lang)
            values = {"start": formats.clock(start, lang), "end": formats.clock(end, lang), "zone": escape(zone_label),
                      "title": item_title}
            if local_zone is not None and start.astimezone(local_zone).utcoffset() != start.utcoffset():
                local_start, local_end = start.astimezone(local_zone), end.astimezone(local_zone)
                line = render("slack.home.item_local", lang, **values, local_start=formats.clock(local_start, lang),
                              local_end=formats.clock(local_end, lang), local_zone=escape(str(user_tz)))
            else:
                line = render("slack.home.item", lang, **values)
            blocks.append(section(line))
    if len(blocks) > _MAX_BLOCKS:
        blocks = blocks[:_MAX_BLOCKS]
    return {"type": "home", "blocks": blocks}


class AppHome:
    """Publishes a user's Home tab when they open it (and whenever asked, e.g. after `/floor lang`)."""

    def __init__(self, client: AsyncWebClient, outbox: Outbox, schedule: Schedule, directory: SlackDirectory,
                 languages: LanguageChoices, facts: HomeFacts) -> None:
        self._client = client
        self._outbox = outbox
        self._schedule = schedule
        self._directory = directory
        self._languages = languages
        self.facts = facts

    async def language_for(self, user_id: str) -> str:
        chosen = await self._languages.get(user_id)
        if chosen:
            return chosen
        user = await self._directory.user(user_id)
        from_locale = language_of_locale(user.locale if user else None, self._schedule.event.languages)
        return from_locale or self._schedule.event.languages[0]

    async def publish(self, user_id: str) -> None:
        lang = await self.language_for(user_id)
        user = await self._directory.user(user_id)
        place = await self.facts.place_of(user_id, user.email if user else None)
        view = home_view(self._schedule, lang, user_tz=user.tz if user else None, place=place)
        await self._outbox.submit(
            "views.publish", partial(self._client.views_publish, user_id=user_id, view=view),
            channel=f"home:{user_id}", key=f"home:{user_id}",
        )

"""The App Home tab: the user's language, their stakeholder group (a picker, unless the programme gives it), their
place on the list of speakers, and the agenda in both the event's zone and their own (Slack profile tz).
Rendering is pure; `AppHome.publish` does the I/O.

Choosing a group in the picker is a block action whose option value is the `/floor group <id>` command: it
goes the way of every button (app.py) to the one use case (bot.app.group_choice)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.escape import escape, plain_label
from bot.adapters.slack.identity import SlackDirectory, language_of_locale
from bot.adapters.slack.outbox import Outbox
from bot.adapters.slack.stores import HomeFacts, LanguageChoices
from bot.app.group_choice import GROUP_ACTION, group_value
from bot.config.model import Schedule, text_in
from bot.domain.agenda.wall_time import agenda_time
from bot.i18n import formats
from bot.i18n.catalog import render

log = logging.getLogger(__name__)

_MAX_BLOCKS = 100  # Slack's limit for a Home view
_MAX_OPTIONS = 100  # a static_select's options
_OPTION_TEXT_LIMIT = 75
_OPTION_VALUE_LIMIT = 150


@dataclass(frozen=True)
class GroupPicker:
    """What the Home shows of the reader's group: the group they are counted under, whether the programme
    gives it (then it is only shown), and the choices (value, label) in their language."""

    group: str
    from_schedule: bool
    choices: Sequence[tuple[str, str]] = ()


def _group_blocks(schedule: Schedule, lang: str, picker: GroupPicker | None) -> list[dict[str, Any]]:
    if picker is None or (not picker.from_schedule and not picker.choices):
        return []  # nothing to show or to choose from (Slack refuses a menu without options)
    return [_group_block(schedule, lang, picker)]


def _group_block(schedule: Schedule, lang: str, picker: GroupPicker) -> dict[str, Any]:
    if picker.from_schedule:
        name = escape(text_in(schedule.group_names().get(picker.group), lang) or picker.group)
        return {"type": "section", "text": {"type": "mrkdwn",
                                            "text": render("group_prompt.home_from_schedule", lang, group=name)}}
    options = [{"text": {"type": "plain_text", "text": plain_label(label)[:_OPTION_TEXT_LIMIT] or "·"},
                "value": value[:_OPTION_VALUE_LIMIT]} for value, label in picker.choices[:_MAX_OPTIONS]]
    menu: dict[str, Any] = {
        "type": "static_select", "action_id": GROUP_ACTION, "options": options,
        "placeholder": {"type": "plain_text", "text": render("group_prompt.home_placeholder", lang)},
    }
    current = next((o for o in options if o["value"] == group_value(picker.group)), None)
    if current is not None:  # Slack refuses an initial option that is not one of the options
        menu["initial_option"] = current
    return {"type": "section", "block_id": GROUP_ACTION,
            "text": {"type": "mrkdwn", "text": render("group_prompt.home_label", lang)}, "accessory": menu}


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def home_view(schedule: Schedule, lang: str, *, user_tz: str | None, place: int | None,
              group: GroupPicker | None = None) -> dict[str, Any]:
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
        *_group_blocks(schedule, lang, group),
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
        email = user.email if user else None
        place = await self.facts.place_of(user_id, email)
        group, from_schedule = await self.facts.group_of(user_id, email)
        picker = GroupPicker(group, from_schedule, self.facts.group_choices(lang))
        view = home_view(self._schedule, lang, user_tz=user.tz if user else None, place=place, group=picker)
        await self._outbox.submit(
            "views.publish", partial(self._client.views_publish, user_id=user_id, view=view),
            channel=f"home:{user_id}", key=f"home:{user_id}",
        )

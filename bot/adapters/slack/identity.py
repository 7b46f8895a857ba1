"""Who a Slack user is: profile (users.info, cached with a TTL) and which schedule person they are.

Chairs and speakers are matched by the Slack id written in the schedule, else by e-mail
(users.lookupByEmail once per person, or the e-mail in the user's profile); everyone else is an attendee
known only by their Slack profile. Authorisation uses the resulting person key, never a display name.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.app.ports.waits import Waits
from bot.config.model import Schedule

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SlackUser:
    id: str
    name: str
    email: str | None = None
    tz: str | None = None
    locale: str | None = None
    avatar_url: str | None = None
    is_bot: bool = False


def language_of_locale(locale: str | None, languages: Sequence[str]) -> str | None:
    """'fr-FR' → 'fr' when the event offers French; None when Slack's locale is not one of ours."""
    if not locale:
        return None
    prefix = locale.replace("_", "-").split("-")[0].lower()
    return prefix if prefix in languages else None


def _user_from(data: dict[str, Any]) -> SlackUser:
    profile = data.get("profile") or {}
    name = (profile.get("display_name") or profile.get("real_name") or data.get("real_name")
            or data.get("name") or data.get("id") or "?")
    return SlackUser(
        id=str(data.get("id")), name=str(name), email=profile.get("email"), tz=data.get("tz"),
        locale=data.get("locale"), avatar_url=profile.get("image_72"), is_bot=bool(data.get("is_bot")),
    )


class SlackDirectory:
    """Cached Slack profiles and the Slack-id → person-key map; a profile is kept `ttl` seconds of
    `waits.now()`."""

    def __init__(self, client: AsyncWebClient, schedule: Schedule, *, waits: Waits, ttl: float = 3600.0) -> None:
        self._client = client
        self._waits = waits
        self._ttl = ttl
        self._users: dict[str, tuple[float, SlackUser | None]] = {}
        self._people_by_slack = {p.slack: key for key, p in schedule.people.items() if p.slack}
        self._people_by_email = {p.email.lower(): key for key, p in schedule.people.items() if p.email}
        self._schedule = schedule

    async def resolve_people(self) -> int:
        """Look up by e-mail every schedule person who has no Slack id yet; returns how many were found."""
        found = 0
        for key, person in self._schedule.people.items():
            if person.slack or not person.email or key in self._people_by_slack.values():
                continue
            try:
                response = await self._client.users_lookupByEmail(email=person.email)
            except SlackApiError as error:
                log.info("no Slack account for person %s (%s)", key, error.response.get("error"))
                continue
            user = _user_from(response["user"])
            self._people_by_slack[user.id] = key
            self._users[user.id] = (self._waits.now(), user)
            found += 1
        return found

    async def warm(self, max_pages: int = 50) -> int:
        """Cache the whole workspace with users.list (200 a page, Tier 2) so a burst of first-time posters
        does not become a burst of users.info calls (Tier 4). Returns how many profiles were cached."""
        cursor: str | None = None
        count = 0
        for _ in range(max_pages):
            try:
                response = await self._client.users_list(limit=200, include_locale=True, cursor=cursor)
            except (SlackApiError, OSError) as error:
                log.warning("users.list failed; profiles will be looked up one by one: %s", error)
                break
            now = self._waits.now()
            for member in response.get("members") or []:
                user = _user_from(member)
                self._users[user.id] = (now, user)
                count += 1
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
        return count

    async def user(self, user_id: str) -> SlackUser | None:
        cached = self._users.get(user_id)
        if cached is not None and self._waits.now() - cached[0] < self._ttl:
            return cached[1]
        user: SlackUser | None
        try:
            response = await self._client.users_info(user=user_id, include_locale=True)
            user = _user_from(response["user"])
        except SlackApiError as error:
            log.info("users.info %s failed: %s", user_id, error.response.get("error"))
            if error.response.status_code == 429 or error.response.status_code >= 500:
                return cached[1] if cached else None  # transient: do not remember the failure
            user = None
        except OSError as error:  # connection trouble: an unknown profile must not stop the intake
            log.warning("users.info %s failed: %s", user_id, error)
            return cached[1] if cached else None
        self._users[user_id] = (self._waits.now(), user)
        return user

    async def person_key(self, user_id: str) -> str | None:
        """The schedule person this Slack user is, if any."""
        if (key := self._people_by_slack.get(user_id)) is not None:
            return key
        user = await self.user(user_id)
        if user is not None and user.email and (key := self._people_by_email.get(user.email.lower())):
            self._people_by_slack[user_id] = key
            return key
        return None

    async def names(self, user_ids: Sequence[str]) -> dict[str, str]:
        out = {}
        for user_id in user_ids:
            user = await self.user(user_id)
            if user is not None:
                out[user_id] = user.name
        return out

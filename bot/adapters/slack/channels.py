"""Where each audience reads on Slack, and how the outbox treats what slack_sdk raised."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError

from bot.adapters.slack.outbox import Verdict
from bot.config.model import ChatMode, Schedule


def classify_slack_error(error: BaseException) -> tuple[Verdict, float]:
    """How the outbox should treat what slack_sdk raised."""
    if isinstance(error, SlackApiError):
        status = error.response.status_code
        if status == 429:
            retry_after = error.response.headers.get("Retry-After") or error.response.headers.get("retry-after")
            try:
                return Verdict.RATE_LIMITED, float(retry_after or 1)
            except ValueError:
                return Verdict.RATE_LIMITED, 1.0
        if status >= 500 or error.response.get("error") in ("internal_error", "fatal_error", "service_unavailable"):
            return Verdict.RETRY, 0.0
        return Verdict.FAIL, 0.0
    if isinstance(error, OSError | asyncio.TimeoutError):
        return Verdict.RETRY, 0.0
    # aiohttp's ClientError is an OSError for connection trouble; anything else is a bug: report it.
    if type(error).__module__.startswith("aiohttp"):
        return Verdict.RETRY, 0.0
    return Verdict.FAIL, 0.0


@dataclass(frozen=True)
class SlackChannels:
    """Where each audience reads: one channel per language (mirror) or one shared channel (thread)."""

    mode: ChatMode
    by_language: Mapping[str, str]
    chairs: str | None = None
    languages: tuple[str, ...] = ("en", "fr", "es")
    interpreters: str | None = None  # the booths' channel (the next speaker's floor language, their signals)

    @classmethod
    def from_schedule(cls, schedule: Schedule) -> SlackChannels:
        channels = {str(lang): channel for lang, channel in schedule.chat.channels.items()}
        return cls(schedule.chat.mode, channels, schedule.chat.chairs_channel, tuple(schedule.event.languages),
                   schedule.chat.interpreters_channel)

    @property
    def shared(self) -> str:
        """Thread mode's one channel."""
        return next(iter(self.by_language.values()))

    def for_language(self, lang: str) -> str:
        if self.mode is ChatMode.THREAD:
            return self.shared
        return self.by_language.get(lang) or self.by_language[self.languages[0]]

    def language_of(self, channel: str) -> str | None:
        """The language a channel is read in (mirror mode only: thread mode's channel has all three)."""
        if self.mode is ChatMode.THREAD:
            return None
        for lang, known in self.by_language.items():
            if known == channel:
                return lang
        return None

    def is_ours(self, channel: str) -> bool:
        return channel in self.by_language.values() or channel in (self.chairs, self.interpreters)

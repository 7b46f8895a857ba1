"""What a schedule must say for the surfaces the settings turn on: `floorbot check` reports it, `floorbot serve`
refuses to start without it (exit 1), both with these one-line `FILE:LINE:COL` messages."""

from __future__ import annotations

from bot.config.model import ChatMode, Schedule
from bot.config.problems import Problem, SourceMap
from bot.config.settings import Settings


def surface_problems(schedule: Schedule, source: SourceMap | None, settings: Settings, file: str) -> list[Problem]:
    """Every thing missing from `schedule` for the surfaces `settings` configure (none: nothing is needed)."""
    where = source or SourceMap(file)
    problems: list[Problem] = []
    if settings.slack_bot_token is not None:
        channels = schedule.chat.channels
        if not channels:
            problems.append(where.problem(("chat",), "Slack is configured (SLACK_BOT_TOKEN) but the schedule names no "
                                          "channel: add chat: channels: with a Slack channel id per language, e.g. "
                                          f"{schedule.event.languages[0]}: C0123ABCD"))
        elif schedule.chat.mode is ChatMode.MIRROR:
            for lang in schedule.event.languages:
                if lang not in channels:
                    problems.append(where.problem(("chat", "channels"), f"Slack mirrors each language to its own "
                                                  f"channel and {lang} has none: add {lang}: <channel id> under "
                                                  "chat: channels:, or set chat: mode: thread"))
    return problems


__all__ = ["surface_problems"]

"""The body of `floorbot check FILE`, the pre-flight: every check one line of a table, with its fix.

The schedule (and what the configured surfaces need of it), Slack (token, scopes, each channel: exists, the
bot is in it), Zoom (credentials), translation (key, quota against the event's expected volume, DeepL's
glossary against the one the bot would use), the database (reachable, migrated). Read-only: it creates no
database and changes nothing anywhere. Exit 0 when no check fails (a service that is not configured is
skipped, a warning is shown and does not fail), 1 otherwise.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy.engine import make_url

from bot.app.translation.volume import expected_characters
from bot.config.loader import load_schedule
from bot.config.model import Schedule
from bot.config.needs import surface_problems
from bot.config.settings import Settings
from bot.domain.agenda.timeline import plan
from bot.i18n.catalog import render

if TYPE_CHECKING:
    from bot.adapters.zoom.client import ZoomClient
    from bot.app.ports.translation import Translator, Usage

LANG = "en"  # the operator's console


def _t(key: str, **values: object) -> str:
    return render(f"check.{key}", LANG, **values)


class Result(StrEnum):
    OK = "ok"
    WARN = "warn"  # worth knowing, not a reason to stop: the exit status stays 0
    FAIL = "fail"
    SKIP = "skip"


@dataclass(frozen=True)
class Check:
    name: str
    result: Result
    found: str
    fix: str = ""
    position: bool = False  # `found` is a FILE:LINE:COL message: printed whole below the table too, for editors


def _schedule_checks(path: Path, settings: Settings) -> tuple[Schedule | None, list[Check]]:
    result = load_schedule(path)
    errors = [p for p in result.problems if p.severity == "error"]
    if result.schedule is None or errors:
        first = (errors or result.problems)[0].format() if result.problems else str(path)
        more = _t("schedule.more", count=len(errors) - 1) if len(errors) > 1 else ""
        return None, [Check(_t("schedule.name"), Result.FAIL, first + more, _t("schedule.fix", file=path), True)]
    schedule = result.schedule
    items = sum(len(day.items) for day in schedule.days)
    checks = [Check(_t("schedule.name"), Result.OK, _t("schedule.ok", items=items, cues=len(plan(schedule))))]
    for problem in surface_problems(schedule, result.source, settings, str(path)):
        checks.append(Check(_t("surface.name"), Result.FAIL, problem.format(), _t("surface.fix"), True))
    return schedule, checks


def _configured_channels(schedule: Schedule) -> dict[str, str]:
    channels = {f"chat.channels.{lang}": channel for lang, channel in schedule.chat.channels.items()}
    if schedule.chat.chairs_channel:
        channels["chat.chairs_channel"] = schedule.chat.chairs_channel
    if schedule.chat.interpreters_channel:
        channels["chat.interpreters_channel"] = schedule.chat.interpreters_channel
    return channels


async def _slack_checks(schedule: Schedule | None, settings: Settings) -> list[Check]:
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.adapters.slack.preflight import gather_facts

    if settings.slack_bot_token is None:
        return [Check(_t("slack.token"), Result.SKIP, _t("slack.not_configured"))]
    checks = []
    if not settings.slack_enabled:
        checks.append(Check(_t("slack.mode"), Result.FAIL, _t("slack.mode_missing"), _t("slack.mode_fix")))
    client = AsyncWebClient(token=settings.slack_bot_token.get_secret_value(), base_url=settings.slack_api_url)
    facts = await gather_facts(client, _configured_channels(schedule) if schedule is not None else {})
    if facts.error is not None:
        return [*checks, Check(_t("slack.token"), Result.FAIL, _t("slack.token_failed", error=facts.error),
                               _t("slack.token_fix"))]
    checks.append(Check(_t("slack.token"), Result.OK, _t("slack.token_ok", team=facts.team, user=facts.bot_user)))
    if not facts.scopes_known:
        checks.append(Check(_t("slack.scopes"), Result.SKIP, _t("slack.scopes_unknown")))
    elif facts.missing_scopes:
        checks.append(Check(_t("slack.scopes"), Result.FAIL,
                            _t("slack.scopes_missing", scopes=", ".join(facts.missing_scopes)), _t("slack.scopes_fix")))
    else:
        checks.append(Check(_t("slack.scopes"), Result.OK, _t("slack.scopes_ok")))
    for channel in facts.channels:
        name = _t("slack.channel", where=channel.where)
        if channel.error is not None:
            checks.append(Check(name, Result.FAIL, _t("slack.channel_missing", channel=channel.channel,
                                                      error=channel.error),
                                _t("slack.channel_missing_fix", where=channel.where)))
        elif channel.archived or not channel.member:
            checks.append(Check(name, Result.FAIL, _t("slack.channel_not_member", channel=channel.channel,
                                                      name=channel.name),
                                _t("slack.channel_not_member_fix", name=channel.name)))
        else:
            checks.append(Check(name, Result.OK, _t("slack.channel_ok", channel=channel.channel, name=channel.name)))
    return checks


async def _zoom_checks(schedule: Schedule | None, settings: Settings, path: Path) -> list[Check]:
    from bot.adapters.zoom.client import ZoomClient

    if not settings.zoom_enabled:
        return [Check(_t("zoom.name"), Result.SKIP, _t("zoom.not_configured"))]
    client = ZoomClient.from_settings(settings)
    try:
        await client.connect()
    except Exception as error:
        return [Check(_t("zoom.name"), Result.FAIL, _t("zoom.failed", error=str(error)[:200]), _t("zoom.fix"))]
    checks = [Check(_t("zoom.name"), Result.OK, _t("zoom.ok"))]
    if schedule is not None:
        checks.append(await _zoom_meetings(schedule, settings, client, path))
    return checks


async def _zoom_meetings(schedule: Schedule, settings: Settings, client: ZoomClient, path: Path) -> Check:
    """The provisioned meetings against the schedule: what `floorbot provision --dry-run` would change."""
    from bot.adapters.zoom.provision import Provisioner
    from bot.app.clock import SystemClock
    from bot.cli.provision import open_meeting_store

    store, engine = await open_meeting_store(settings, dry_run=True)
    try:
        outcomes = await Provisioner(schedule, store, client, SystemClock()).run(dry_run=True)
    except Exception as error:
        return Check(_t("zoom.meetings"), Result.FAIL, _t("zoom.failed", error=str(error)[:200]), _t("zoom.fix"))
    finally:
        await engine.dispose()
    differ = [o.plan.key for o in outcomes if o.action != "unchanged"]
    if differ:
        return Check(_t("zoom.meetings"), Result.FAIL, _t("zoom.meetings_differ", count=len(differ),
                                                          meetings=", ".join(differ)[:200]),
                     _t("zoom.meetings_fix", file=path))
    return Check(_t("zoom.meetings"), Result.OK, _t("zoom.meetings_ok", count=len(outcomes)))


async def _translation_checks(schedule: Schedule | None, settings: Settings, path: Path) -> list[Check]:
    from bot.adapters.translation.factory import event_translator
    from bot.adapters.translation.glossary import GlossaryError

    name = _t("translation.name")
    try:
        backend = event_translator(settings, path if schedule is not None else None)
    except GlossaryError as error:
        return [Check(_t("glossary.name"), Result.FAIL, str(error)[:300], _t("glossary.invalid_fix"))]
    if backend.name == "none":
        return [Check(name, Result.SKIP, _t("translation.not_configured"))]
    expected = expected_characters(schedule) if schedule is not None else 0
    try:
        usage = await backend.usage()
        glossary = await _glossary_check(backend)
    except Exception as error:
        return [Check(name, Result.FAIL, _t("translation.failed", backend=backend.name, error=str(error)[:200]),
                      _t("translation.fix"))]
    finally:
        await backend.aclose()
    return [_quota_check(backend.name, usage, expected), *glossary]


async def _glossary_check(backend: Translator) -> list[Check]:
    """DeepL's glossary: missing or out of date is a warning, because the bot creates or replaces it when it
    starts; a bot already running keeps the one it found until it restarts (docs/operations.md)."""
    from bot.adapters.translation.deepl import DeepLTranslator

    state = await backend.glossary_state() if isinstance(backend, DeepLTranslator) else None
    if state is None:
        return []
    name = _t("glossary.name")
    if state.name is None:
        return [Check(name, Result.WARN, _t("glossary.missing", wanted=state.wanted), _t("glossary.missing_fix"))]
    if not state.in_sync:
        return [Check(name, Result.WARN, _t("glossary.differ", count=state.differing, name=state.name),
                      _t("glossary.differ_fix"))]
    return [Check(name, Result.OK, _t("glossary.ok", name=state.name))]


def _quota_check(backend: str, usage: Usage | None, expected: int) -> Check:
    name = _t("translation.name")
    if usage is None or usage.remaining is None:
        return Check(name, Result.OK, _t("translation.unlimited", backend=backend, expected=expected))
    values = {"backend": backend, "remaining": usage.remaining, "limit": usage.characters_limit,
              "expected": expected}
    if usage.remaining < expected:
        return Check(name, Result.FAIL, _t("translation.low", **values), _t("translation.low_fix"))
    return Check(name, Result.OK, _t("translation.ok", **values))


async def _database_checks(settings: Settings) -> list[Check]:
    from bot.adapters.store.migrate import current_revision, head_revision
    from bot.adapters.store.urls import missing_sqlite_file

    url = make_url(settings.floorbot_database_url)
    shown = url.render_as_string(hide_password=True)
    name = _t("database.name")
    if missing_sqlite_file(settings.floorbot_database_url):
        return [Check(name, Result.OK, _t("database.missing", url=shown), _t("database.fix"))]
    try:
        async with asyncio.timeout(10):
            revision = await current_revision(settings.floorbot_database_url)
    except Exception as error:
        return [Check(name, Result.FAIL, _t("database.failed", url=shown, error=f"{type(error).__name__}")[:300],
                      _t("database.failed_fix"))]
    head = head_revision()
    if revision != head:
        return [Check(name, Result.FAIL, _t("database.behind", url=shown, revision=revision or "-", head=head),
                      _t("database.fix"))]
    return [Check(name, Result.OK, _t("database.ok", url=shown, revision=revision))]


async def run_checks(path: Path, settings: Settings) -> list[Check]:
    schedule, checks = _schedule_checks(path, settings)
    for group in (_slack_checks(schedule, settings), _zoom_checks(schedule, settings, path),
                  _translation_checks(schedule, settings, path), _database_checks(settings)):
        checks += await group
    return checks


def print_checks(checks: list[Check], path: Path, out: TextIO) -> int:
    table = Table(title=_t("title", file=path))
    for column in ("check", "result", "found", "fix"):
        table.add_column(_t(f"column.{column}"), overflow="fold")
    styles = {Result.OK: "green", Result.WARN: "yellow", Result.FAIL: "bold red", Result.SKIP: "dim"}
    for check in checks:
        # What Slack or a file says is shown as it is, never read as Rich markup.
        table.add_row(Text(check.name), Text(_t("result." + check.result.value), style=styles[check.result]),
                      Text(check.found), Text(check.fix))
    console = Console(file=out, width=160)
    console.print(table)
    for check in checks:
        if check.position:
            console.print(check.found, markup=False, highlight=False, soft_wrap=True)
    failed = sum(1 for check in checks if check.result is Result.FAIL)
    console.print(_t("summary_failed", failed=failed, count=len(checks)) if failed
                  else _t("summary_ok", count=len(checks)), markup=False, highlight=False)
    return 1 if failed else 0


def check_command(path: Path, settings: Settings, out: TextIO) -> int:
    return print_checks(asyncio.run(run_checks(path, settings)), path, out)


__all__ = ["Check", "Result", "check_command", "run_checks"]

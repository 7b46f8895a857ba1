"""`floorbot check FILE` against the fakes (the real slack_sdk, deepl and Zoom clients), and `serve` refusing a
schedule that lacks what the configured surfaces need, with the same messages and exit 1."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pydantic import SecretStr
from rich.console import Console
from typer.testing import CliRunner

from bot.adapters.store.migrate import upgrade_to_head
from bot.adapters.translation.deepl import DeepLTranslator
from bot.adapters.translation.factory import event_translator
from bot.adapters.translation.glossary import Glossary, Term, load_glossary
from bot.app.translation.volume import expected_characters
from bot.cli.check import Check, Result, print_checks, run_checks
from bot.cli.main import app
from bot.cli.provision import provision_command
from bot.config.loader import load_schedule
from bot.config.settings import Settings
from tests.conftest import ROOT
from tests.fakes.deepl_server import FakeDeepL, running_fake_deepl
from tests.fakes.slack_api import FakeSlack, FakeSlackServer
from tests.fakes.zoom_api import FakeZoom, running_fake_zoom

REFERENCE = ROOT / "schedules" / "ungp-tech-2022.yaml"
MINIMAL = ROOT / "schedules" / "minimal.yaml"
CHANNELS = {"C0EN0000001": "ungp-en", "C0FR0000001": "ungp-fr", "C0ES0000001": "ungp-es", "C0CH0000001": "chairs"}


@contextmanager
def deepl_and_zoom() -> Iterator[tuple[FakeDeepL, FakeZoom]]:
    with running_fake_deepl(FakeDeepL()) as deepl, running_fake_zoom() as zoom:
        yield deepl, zoom


def settings_for(slack: FakeSlack, deepl: FakeDeepL, zoom: FakeZoom, database: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, slack_bot_token=SecretStr("xoxb-check"), slack_signing_secret=SecretStr("check-secret"),
        slack_api_url=slack.base_url, deepl_auth_key=SecretStr(deepl.auth_key), deepl_server_url=deepl.url,
        zoom_account_id=zoom.account_id, zoom_client_id=zoom.client_id,
        zoom_client_secret=SecretStr(zoom.client_secret), zoom_api_url=zoom.api_url, zoom_oauth_url=zoom.oauth_url,
        floorbot_database_url=database)


async def bot_started(settings: Settings) -> None:
    """What `floorbot serve` does to the DeepL account when it starts: sync the event's glossary."""
    await event_translator(settings, REFERENCE).start()


async def checked(tmp_path: Path, fake: FakeSlack, *, migrate: bool = True,
                  before: Callable[[Settings], Awaitable[None]] | None = bot_started,
                  schedule: Path = REFERENCE) -> tuple[int, str, list[Check]]:
    """`migrate`: the database exists and the event's Zoom meetings were provisioned, as before the day;
    `before`: what happened to the DeepL account first (by default the bot started once)."""
    database = f"sqlite:///{tmp_path / 'check.sqlite'}"
    if migrate:
        await upgrade_to_head(database)
    async with FakeSlackServer(fake) as slack:
        with deepl_and_zoom() as (deepl, zoom):
            settings = settings_for(slack, deepl, zoom, database)
            if before is not None:
                await before(settings)
            if migrate:
                assert await provision_command(REFERENCE, dry_run=False, settings=settings,
                                               console=Console(file=io.StringIO())) == 0
            checks = await run_checks(schedule, settings)
    out = io.StringIO()
    status = print_checks(checks, schedule, out)
    return status, out.getvalue(), checks


def with_channels(*, leave_out: str | None = None, outsider: str | None = None) -> FakeSlack:
    fake = FakeSlack()
    for channel, name in CHANNELS.items():
        if channel != leave_out:
            fake.add_channel(channel, name, member=channel != outsider)
    return fake


async def test_everything_in_place_passes(tmp_path: Path) -> None:
    status, out, checks = await checked(tmp_path, with_channels())
    assert status == 0, out
    # The schedule, Slack's token and scopes, its four channels, Zoom and its meetings, translation, the
    # glossary the bot synced at its start, the database.
    assert [check.result for check in checks] == [Result.OK] * 12
    assert "DeepL glossary" in out and "in sync with prompts/glossary.csv and the schedule's terms" in out
    assert "the 4 meetings match the schedule" in out
    assert "#ungp-fr (C0FR0000001): the bot is a member" in out and "All checks passed" in out


async def test_one_missing_channel_fails_naming_the_channel_and_the_fix(tmp_path: Path) -> None:
    status, out, checks = await checked(tmp_path, with_channels(leave_out="C0FR0000001"))
    assert status == 1 and [check.result for check in checks].count(Result.FAIL) == 1
    line = next(line for line in out.splitlines() if "C0FR0000001" in line)
    assert "Slack channel chat.channels.fr" in line and "channel_not_found" in line
    assert "create the channel, or put its id in chat.channels.fr" in out
    assert "1 of 12 checks failed" in out


async def test_a_channel_without_the_bot_and_a_missing_scope_say_how_to_fix_them(tmp_path: Path) -> None:
    fake = with_channels(outsider="C0CH0000001")
    fake.scopes = tuple(scope for scope in fake.scopes if scope != "users:read.email")
    status, out, checks = await checked(tmp_path, fake, migrate=False)
    failed = {check.name: check for check in checks if check.result is Result.FAIL}
    assert status == 1 and set(failed) == {"Slack channel chat.chairs_channel", "Slack scopes", "Zoom meetings"}
    assert failed["Zoom meetings"].found.startswith("4 differ from the schedule: session-1, session-2")
    assert failed["Zoom meetings"].fix == f"run floorbot provision {REFERENCE} (add --dry-run to see what changes)"
    assert failed["Slack channel chat.chairs_channel"].found == "#chairs (C0CH0000001): the bot is not a member"
    assert failed["Slack channel chat.chairs_channel"].fix == "type /invite @Floorbot in #chairs"
    assert failed["Slack scopes"].found == "missing: users:read.email"
    assert checks[-1].found.endswith("no database yet; floorbot serve creates it")
    assert not (tmp_path / "check.sqlite").exists(), "a check creates nothing"


async def test_the_interpreters_channel_is_checked_like_the_others(tmp_path: Path) -> None:
    text = REFERENCE.read_text(encoding="utf-8").replace(
        "  chairs_channel: C0CH0000001\n", "  chairs_channel: C0CH0000001\n  interpreters_channel: C0IN0000001\n", 1)
    assert "interpreters_channel" in text
    schedule = tmp_path / "event.yaml"
    schedule.write_text(text, encoding="utf-8")
    status, out, checks = await checked(tmp_path, with_channels(), migrate=False, schedule=schedule)
    failed = {check.name: check for check in checks if check.result is Result.FAIL}
    assert status == 1 and "Slack channel chat.interpreters_channel" in failed
    assert "C0IN0000001" in failed["Slack channel chat.interpreters_channel"].found
    assert "channel_not_found" in failed["Slack channel chat.interpreters_channel"].found


async def test_refused_credentials_and_a_short_quota_fail(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'check.sqlite'}"
    async with FakeSlackServer(with_channels()) as slack:
        with running_fake_deepl(FakeDeepL(character_limit=1000)) as deepl, running_fake_zoom() as zoom:
            settings = settings_for(slack, deepl, zoom, database).model_copy(
                update={"zoom_client_secret": SecretStr("wrong"), "slack_bot_token": SecretStr("xoxb-check")})
            slack.fail("auth.test", 200, error="invalid_auth")
            checks = await run_checks(REFERENCE, settings)
    failed = {check.name: check for check in checks if check.result is Result.FAIL}
    assert set(failed) == {"Slack token", "Zoom credentials", "Translation"}
    assert "invalid_auth" in failed["Slack token"].found and "SLACK_BOT_TOKEN" in failed["Slack token"].fix
    expected = expected_characters(load_schedule(REFERENCE).schedule)  # type: ignore[arg-type]
    assert f"only 1000 characters left of 1000; the event needs about {expected}" in failed["Translation"].found


def test_the_command_exits_1_on_a_schedule_lacking_slack_channels(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-nowhere")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret-nowhere")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")  # nothing listens: Slack is unreachable
    result = CliRunner().invoke(app, ["check", str(MINIMAL)], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "Slack is configured (SLACK_BOT_TOKEN) but the schedule names no channel" in result.stdout
    assert list(tmp_path.iterdir()) == [], "nothing created"


def test_serve_refuses_the_same_schedule_with_the_same_message_and_exit_1(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """schedules/minimal.yaml with Slack configured: was KeyError 'en' and exit 3."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-nowhere")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret-nowhere")
    result = CliRunner().invoke(app, ["serve", str(MINIMAL)])
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"{MINIMAL}:") and "the schedule names no channel: add chat: channels:" in line
    assert list(tmp_path.iterdir()) == [], "refused before opening the store"


async def test_a_fresh_deepl_account_warns_that_the_bot_creates_the_glossary_and_passes(tmp_path: Path) -> None:
    status, out, checks = await checked(tmp_path, with_channels(), before=None)
    glossary = next(check for check in checks if check.name == "DeepL glossary")
    assert glossary.result is Result.WARN and glossary.fix == "nothing to do: the bot creates it at start"
    wanted = f"floorbot-{load_glossary(REFERENCE).content_hash}"
    assert glossary.found == f"none on the account yet (the bot would use {wanted})"
    assert status == 0 and "All checks passed" in out, "a warning is not a failure"


async def test_a_glossary_synced_before_the_last_edit_is_out_of_date_by_the_entries_that_differ(
        tmp_path: Path) -> None:
    async def synced_before_a_row_was_added(settings: Settings) -> None:
        earlier = Glossary(load_glossary(REFERENCE).terms[:-1])  # without "concept note": one entry per pair
        assert settings.deepl_auth_key is not None
        await DeepLTranslator(settings.deepl_auth_key, server_url=settings.deepl_server_url,
                              glossary=earlier).start()

    status, _out, checks = await checked(tmp_path, with_channels(), before=synced_before_a_row_was_added)
    glossary = next(check for check in checks if check.name == "DeepL glossary")
    assert glossary.result is Result.WARN and glossary.found.startswith("out of date: 6 entries differ (floorbot-")
    assert glossary.fix == "restart the bot: it replaces the glossary at start"
    assert status == 0


async def test_the_glossary_is_in_sync_again_once_the_bot_restarts(tmp_path: Path) -> None:
    async def edited_then_restarted(settings: Settings) -> None:
        assert settings.deepl_auth_key is not None
        first, *rest = load_glossary(REFERENCE).terms
        before_the_edit = Glossary((Term(first.en, "autre chose", first.es), *rest))
        await DeepLTranslator(settings.deepl_auth_key, server_url=settings.deepl_server_url,
                              glossary=before_the_edit).start()
        await bot_started(settings)

    _status, _out, checks = await checked(tmp_path, with_channels(), before=edited_then_restarted)
    glossary = next(check for check in checks if check.name == "DeepL glossary")
    assert glossary.result is Result.OK, glossary


async def test_a_refused_glossary_listing_fails_the_translation_line(tmp_path: Path) -> None:
    async with FakeSlackServer(with_channels()) as slack:
        with running_fake_deepl(FakeDeepL()) as deepl, running_fake_zoom() as zoom:
            settings = settings_for(slack, deepl, zoom, f"sqlite:///{tmp_path / 'check.sqlite'}")
            deepl.fail_next(400, path="/v3/glossaries")  # a client error: not retried
            checks = await run_checks(REFERENCE, settings)
    translation = next(check for check in checks if check.name == "Translation")
    assert translation.result is Result.FAIL and translation.found.startswith("deepl refused")
    assert "DeepL glossary" not in [check.name for check in checks]

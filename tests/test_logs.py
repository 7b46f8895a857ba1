"""Logs an operator can read, and that keep every secret: one timestamped line per cue posted, JSON on
request, and a whole run at DEBUG against the fakes with canary secrets that appear nowhere."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from bot.adapters.slack.outbox import DeliveryFailed
from bot.cli.logs import RedactingFormatter, configure_logging, make_formatter
from bot.cli.main import app
from bot.config.settings import Settings
from bot.wiring import build
from tests.adapters.slack.conftest import add_people, event_body, signed
from tests.conftest import ROOT
from tests.fakes.deepl_server import FakeDeepL, running_fake_deepl
from tests.fakes.slack_api import FakeSlack, FakeSlackServer
from tests.test_startup import EN, ES, reference

REFERENCE = str(ROOT / "schedules" / "ungp-tech-2022.yaml")
STAMPED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (INFO|WARNING|ERROR|DEBUG) [\w.]+: ")

# Each ends in a fragment no log line can hold by chance (digits could match a timestamp's microseconds).
CANARY_TOKEN = "xoxb-canary-1111-2222-slacktoken"
CANARY_SIGNING = "canary-signing-secret-qxsignq"
CANARY_DEEPL = "canary-deepl-key-qxdeeplq:fx"
CANARY_ZOOM = "canary-zoom-client-secret-qxzoomq"
CANARY_ZOOM_HOOK = "canary-zoom-webhook-secret-qxhookq"
CANARIES = (CANARY_TOKEN, CANARY_SIGNING, CANARY_DEEPL, CANARY_ZOOM, CANARY_ZOOM_HOOK)


def test_a_posted_cue_writes_one_timestamped_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLOORBOT_LOG_LEVEL", "INFO")
    result = CliRunner().invoke(app, ["rehearse", REFERENCE, "--instant"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if "cue opening/start " in line]
    assert len(lines) == 1, result.stderr[-2000:]
    assert STAMPED.match(lines[0]) and lines[0].endswith("posted"), lines[0]
    assert "INFO bot.app.run_of_show: " in lines[0]


def test_the_json_format_is_one_object_per_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLOORBOT_LOG_LEVEL", "INFO")
    monkeypatch.setenv("FLOORBOT_LOG_FORMAT", "json")
    result = CliRunner().invoke(app, ["rehearse", REFERENCE, "--instant"])
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    posted = [r for r in records if r["message"].startswith("cue opening/start ")]
    assert len(posted) == 1
    assert posted[0]["level"] == "INFO" and posted[0]["logger"] == "bot.app.run_of_show"
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", posted[0]["timestamp"])


def test_the_default_level_keeps_an_offline_command_quiet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FLOORBOT_LOG_LEVEL", raising=False)
    result = CliRunner().invoke(app, ["rehearse", REFERENCE, "--instant"])
    assert result.exit_code == 0 and "posted" not in result.stderr


def test_the_redacting_formatter_masks_secrets_in_messages_and_tracebacks() -> None:
    formatter = RedactingFormatter(logging.Formatter("%(message)s"), [CANARY_DEEPL, "short"])
    try:
        raise RuntimeError(f"bad key {CANARY_DEEPL}")
    except RuntimeError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "token %s and %s", (CANARY_TOKEN, "short"),
                                   sys.exc_info())
    line = formatter.format(record)
    assert CANARY_DEEPL not in line and CANARY_TOKEN not in line and "RuntimeError: bad key [redacted]" in line
    assert "short" in line, "too short to be a secret: ordinary words stay"
    assert CANARY_TOKEN not in make_formatter(True, []).format(record), "a token's shape is enough"


async def test_a_run_at_debug_logs_no_secret(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """The live bot against the fake Slack and DeepL, at DEBUG: a cue posted, a message translated, a signed
    request with a wrong signature, a Zoom webhook, a failed delivery. Asserted on the raw records (not
    through the redacting formatter): the code itself never logs a secret."""
    caplog.set_level(logging.DEBUG)
    configure_logging("DEBUG", secrets=[])
    async with FakeSlackServer(FakeSlack()) as fake:
        add_people(fake)
        with running_fake_deepl(FakeDeepL(auth_key=CANARY_DEEPL)) as deepl:
            settings = Settings(  # type: ignore[call-arg]
                _env_file=None, slack_bot_token=SecretStr(CANARY_TOKEN), slack_signing_secret=SecretStr(CANARY_SIGNING),
                slack_api_url=fake.base_url, deepl_auth_key=SecretStr(CANARY_DEEPL), deepl_server_url=deepl.url,
                zoom_account_id="acct", zoom_client_id="client", zoom_client_secret=SecretStr(CANARY_ZOOM),
                zoom_webhook_secret_token=SecretStr(CANARY_ZOOM_HOOK))
            bot = await build(reference(), settings, database_url=f"sqlite:///{tmp_path / 's.sqlite'}",
                              start_now=True)
            await bot.start()
            try:
                await asyncio.wait_for(bot.wait_started(), timeout=20)
                await fake.wait_for(lambda f: bool(f.posts()))
                transport = httpx.ASGITransport(app=bot.app())
                async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
                    body = event_body({"type": "message", "user": "UANA", "channel": ES, "text": "Hola a todos",
                                       "ts": "1646643600.000001", "channel_type": "channel"}, "EvCanary1")
                    assert (await http.post("/slack/events", content=body,
                                            headers=signed(body, secret=CANARY_SIGNING))).status_code == 200
                    assert (await http.post("/slack/events", content=body,
                                            headers=signed(body, secret="wrong"))).status_code == 401
                    hook = json.dumps({"event": "endpoint.url_validation", "payload": {"plainToken": "abc"}})
                    await http.post("/zoom/webhook", content=hook, headers={"content-type": "application/json"})
                    await fake.wait_for(lambda f: any(p.get("username") == "Ana García" for p in f.posts(EN)))
                    fake.fail("chat.postMessage", 200, times=3, error="channel_not_found")  # not retried
                    with pytest.raises(DeliveryFailed):
                        await bot.chat.announce({"en": "lost", "fr": "perdu", "es": "perdido"}, key="canary")
            finally:
                await bot.stop()
    captured = capsys.readouterr()
    everything = caplog.text + captured.out + captured.err
    assert "chat.postMessage" in caplog.text and "Hola a todos" in caplog.text, "DEBUG did log the traffic"
    assert "giving up on chat.postMessage" in caplog.text, "the failed delivery was logged"
    assert not [r for r in caplog.records if r.name.startswith("aiosqlite") and r.levelno < logging.INFO], \
        "the store's driver never logs the rows it writes (payloads, response URLs)"
    for secret in CANARIES:
        assert secret not in everything, secret
        assert secret.split("-")[-1] not in everything, f"part of {secret}"

"""Which console mode the settings allow, decided before anything starts, and the one line that says no."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.adapters.web.access import AccessRefused, AuthMode, decide_access, host_name
from bot.cli.main import app as cli
from bot.config.settings import Settings
from tests.conftest import ROOT


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_local_is_the_default_only_on_loopback_with_no_platform_credentials() -> None:
    assert decide_access(settings()).mode is AuthMode.LOCAL
    assert decide_access(settings(floorbot_host="::1")).mode is AuthMode.LOCAL
    for signed in (settings(slack_bot_token="xoxb-1", slack_signing_secret="s"),
                   settings(zoom_webhook_secret_token="z"),
                   settings(slack_client_id="1.2", slack_client_secret="c"),
                   settings(floorbot_public_url="https://floorbot.example.org"),  # a proxy in front
                   settings(floorbot_host="0.0.0.0", floorbot_public_url="https://floorbot.example.org")):
        assert decide_access(signed).mode is AuthMode.SIGNED


@pytest.mark.parametrize(("values", "key"), [
    ({"floorbot_console_auth": "local", "slack_bot_token": "xoxb-1", "slack_signing_secret": "s"},
     "access.start.local_refused"),
    ({"floorbot_console_auth": "local", "floorbot_host": "0.0.0.0",
      "floorbot_public_url": "https://floorbot.example.org"}, "access.start.local_refused"),
    ({"floorbot_host": "0.0.0.0"}, "access.start.public_url_needed"),
    ({"floorbot_public_url": "floorbot.example.org"}, "access.start.bad_public_url"),
])
def test_unsafe_settings_are_refused(values: dict[str, object], key: str) -> None:
    with pytest.raises(AccessRefused) as refused:
        decide_access(settings(**values))
    assert refused.value.key == key


def test_hosts_and_origins_follow_the_public_url() -> None:
    access = decide_access(settings(floorbot_public_url="https://floorbot.example.org"))
    assert access.secure and access.base_url == "https://floorbot.example.org"
    assert access.allows_host("floorbot.example.org") and access.allows_host("FLOORBOT.example.org:443")
    assert access.allows_host("127.0.0.1:3000") and not access.allows_host("attacker.example")
    assert access.allows_origin("https://floorbot.example.org")
    assert not access.allows_origin("http://floorbot.example.org") and not access.allows_origin("null")
    assert host_name("[::1]:3000") == "::1"


def test_serve_refuses_local_mode_with_slack_credentials_in_one_line() -> None:
    result = CliRunner().invoke(cli, ["serve", str(ROOT / "schedules" / "ungp-tech-2022.yaml")], env={
        "FLOORBOT_CONSOLE_AUTH": "local", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"})
    assert result.exit_code == 1
    # The schedule's own warnings (the reference event lists no interpreter) come first; the refusal is one line.
    lines = [line for line in result.output.strip().splitlines() if ": warning: " not in line]
    assert len(lines) == 1 and lines[0].startswith("FLOORBOT_CONSOLE_AUTH=local is refused")
    assert "xoxb" not in result.output

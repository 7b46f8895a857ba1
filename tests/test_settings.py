import re

from bot.config.settings import Settings
from tests.conftest import ROOT


def test_env_example_lists_every_setting() -> None:
    keys = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert keys == {name.upper() for name in Settings.model_fields}


def test_secrets_never_print(monkeypatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-canary-123")
    settings = Settings(_env_file=None)
    assert "xoxb-canary-123" not in repr(settings)
    assert "xoxb-canary-123" not in str(settings.model_dump())


def test_empty_values_mean_unset(monkeypatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "")
    assert Settings(_env_file=None).slack_enabled is False

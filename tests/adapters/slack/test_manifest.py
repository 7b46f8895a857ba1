"""The Slack app manifest asks for what the code uses, and points Slack at the route we serve."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from tests.conftest import ROOT


def test_manifest_matches_the_app() -> None:
    manifest = YAML(typ="safe").load(Path(ROOT / "slack" / "manifest.yaml").read_text(encoding="utf-8"))
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"chat:write", "chat:write.customize", "chat:write.public", "channels:history", "reactions:read",
            "users:read", "users:read.email", "im:write", "commands"} <= scopes
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert {"message.channels", "reaction_added", "app_home_opened"} <= events
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/floor" and command["should_escape"] is True
    urls = {command["url"], manifest["settings"]["event_subscriptions"]["request_url"],
            manifest["settings"]["interactivity"]["request_url"]}
    assert {url.rsplit("/", 2)[-2:] == ["slack", "events"] for url in urls} == {True}
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True

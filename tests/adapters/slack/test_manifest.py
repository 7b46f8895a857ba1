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
    # "where am i" by DM is documented: the Messages tab must be writable.
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_read_only_enabled"] is False
    assert "reaction_removed" in events  # removing ✋ withdraws


def test_the_preflight_asks_for_exactly_the_manifests_scopes() -> None:
    from bot.adapters.slack.preflight import REQUIRED_SCOPES

    manifest = YAML(typ="safe").load(Path(ROOT / "slack" / "manifest.yaml").read_text(encoding="utf-8"))
    assert set(REQUIRED_SCOPES) == set(manifest["oauth_config"]["scopes"]["bot"])

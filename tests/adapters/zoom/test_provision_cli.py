"""`floorbot provision FILE [--dry-run]` end to end: settings from the environment, a SQLite store,
the fake Zoom on the wire."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from tests.fakes.zoom_api import FakeZoom

HERE = Path(__file__).parent
SCHEDULE = str(HERE / "schedule_zoom.yaml")


@pytest.fixture
def zoom_env(fake_zoom: FakeZoom, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeZoom:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("FLOORBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'state.sqlite'}")
    monkeypatch.setenv("ZOOM_ACCOUNT_ID", fake_zoom.account_id)
    monkeypatch.setenv("ZOOM_CLIENT_ID", fake_zoom.client_id)
    monkeypatch.setenv("ZOOM_CLIENT_SECRET", fake_zoom.client_secret)
    monkeypatch.setenv("ZOOM_API_URL", fake_zoom.api_url)
    monkeypatch.setenv("ZOOM_OAUTH_URL", fake_zoom.oauth_url)
    monkeypatch.setenv("COLUMNS", "250")
    return fake_zoom


def test_provision_then_again_then_dry_run(zoom_env: FakeZoom) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["provision", SCHEDULE])
    assert first.exit_code == 0, first.output
    join_urls = sorted(m["join_url"] for m in zoom_env.meetings.values())
    for url in join_urls:
        assert url in first.output
    assert "https://zoom.us/meeting/register/" in first.output
    assert "2022-03-07 10:00" in first.output  # shown in the event's zone
    assert "98 of 100" in first.output

    second = runner.invoke(app, ["provision", SCHEDULE])
    assert second.exit_code == 0, second.output
    assert "unchanged" in second.output
    assert "98 of 100" in second.output  # the day's count is kept in the store between runs
    assert len(zoom_env.meetings) == 2 and zoom_env.api_requests("PATCH", r"/meetings/\d+$") == []

    dry = runner.invoke(app, ["provision", SCHEDULE, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Everything is already up to date." in dry.output


def test_dry_run_before_anything_exists_shows_the_diff(zoom_env: FakeZoom) -> None:
    result = CliRunner().invoke(app, ["provision", SCHEDULE, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "create" in result.output and "start_time" in result.output
    assert "2022-03-07T09:00:00Z" in result.output
    assert zoom_env.api_requests("POST") == [] and zoom_env.meetings == {}


def test_without_credentials_provisioning_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLOORBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'state.sqlite'}")
    monkeypatch.setenv("COLUMNS", "250")
    for key in ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET"):
        monkeypatch.delenv(key, raising=False)
    result = CliRunner().invoke(app, ["provision", SCHEDULE])
    assert result.exit_code == 1
    assert "ZOOM_ACCOUNT_ID" in result.output
    offline = CliRunner().invoke(app, ["provision", SCHEDULE, "--dry-run"])
    assert offline.exit_code == 0, offline.output
    assert "without comparing with Zoom" in offline.output


def test_an_invalid_schedule_is_reported_with_positions(zoom_env: FakeZoom, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text((HERE / "schedule_zoom.yaml").read_text().replace("kind: meeting", "kind: meting"))
    result = CliRunner().invoke(app, ["provision", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:" in result.output
    assert zoom_env.requests == []


def test_zoom_refusal_is_exit_1_with_zoom_message(zoom_env: FakeZoom) -> None:
    zoom_env.client_secret = "rotated"  # our configured secret is now wrong
    result = CliRunner().invoke(app, ["provision", SCHEDULE])
    assert result.exit_code == 1
    assert "Invalid client_id or client_secret" in result.output
    assert "fake-secret" not in result.output

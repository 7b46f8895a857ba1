"""The read-only commands leave nothing behind where they run: no `floorbot.sqlite`, no other file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from tests.conftest import ROOT

REFERENCE = str(ROOT / "schedules" / "ungp-tech-2022.yaml")


@pytest.mark.parametrize(("args", "status"), [
    (["validate", REFERENCE], 0),
    (["plan", REFERENCE], 0),
    (["provision", REFERENCE, "--dry-run"], 0),
    (["check", REFERENCE], 0),
    (["report"], 1),  # nothing has run here: said so, and no empty database is left behind
    (["db", "current"], 1),
], ids=lambda value: value[0] if isinstance(value, list) else str(value))
def test_a_read_only_command_creates_nothing(args: list[str], status: int, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for key in ("FLOORBOT_DATABASE_URL", "SLACK_BOT_TOKEN", "DEEPL_AUTH_KEY", "ZOOM_CLIENT_SECRET"):
        monkeypatch.delenv(key, raising=False)
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == status, result.output
    assert list(tmp_path.iterdir()) == []
    if args == ["report"]:
        assert "Nothing has run here: there is no store at" in result.stderr


def test_db_upgrade_then_current_and_the_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgraded = CliRunner().invoke(app, ["db", "upgrade", "--database", url])
    assert upgraded.exit_code == 0 and upgraded.stdout.startswith(f"{url}: at ")
    current = CliRunner().invoke(app, ["db", "current", "--database", url])
    assert current.exit_code == 0 and current.stdout.startswith(f"{url}: at ")
    assert "this version needs" in current.stdout
    version = CliRunner().invoke(app, ["--version"])
    assert version.exit_code == 0 and version.stdout == "floorbot 0.1.0\n"


def test_the_help_lists_the_commands_in_the_order_of_the_day() -> None:
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert "<bool>" not in result.stdout
    listed = [line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines() if line.strip()]
    day = ["validate", "plan", "check", "rehearse", "provision", "registrants", "serve", "report"]
    assert [name for name in listed if name in day] == day

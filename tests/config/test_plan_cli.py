"""`floorbot plan`: the run of show as a table or as JSON."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from typer.testing import CliRunner

from bot.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = str(ROOT / "schedules" / "ungp-tech-2022.yaml")


def test_json_lists_every_cue_with_offsets() -> None:
    result = CliRunner().invoke(app, ["plan", REFERENCE, "--json"])
    assert result.exit_code == 0
    cues = json.loads(result.stdout)
    assert {"id", "at", "kind", "item", "data"} <= set(cues[0])
    by_id = {cue["id"]: cue for cue in cues}
    assert by_id["session-1/open"]["at"] == "2022-03-07T10:00:00+01:00"
    assert by_id["closing/start"]["at"] == "2022-03-08T16:50:00+01:00"
    assert all(datetime.fromisoformat(cue["at"]).utcoffset() is not None for cue in cues)
    assert by_id["session-3/question/2"]["data"] == {"index": 2, "of": 5}


def test_table_shows_both_zones() -> None:
    result = CliRunner().invoke(app, ["plan", REFERENCE, "--tz", "America/New_York"])
    assert result.exit_code == 0
    assert "time (America/New_York)" in result.stdout
    assert "Mon 2022-03-07 10:00:00" in result.stdout
    assert "Mon 2022-03-07 04:00 EST" in result.stdout
    assert "session-open" in result.stdout and "Guiding question 1 of 4" in result.stdout


def test_bad_zone_is_a_usage_error() -> None:
    assert CliRunner().invoke(app, ["plan", REFERENCE, "--tz", "Mars/Olympus"]).exit_code == 2


def test_invalid_file_prints_its_problems_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("event:\n  id: x\n  id: y\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["plan", str(bad), "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f'{bad}:3:3: duplicate key "id": a key may appear only once in a mapping\n'

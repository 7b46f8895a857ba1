"""The published JSON Schema: committed copy up to date, and it accepts the real schedule files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.config.jsonschema import render_schema, schedule_json_schema
from bot.config.loader import read_document

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "docs" / "schedule.schema.json"  # the copy editors read (the modeline in schedules/)
SAMPLES = sorted((ROOT / "schedules").glob("*.yaml")) + [Path(__file__).parent / "fixtures" / "good.yaml"]


def _json_like(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _json_like(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_json_like(v) for v in node]
    return node.isoformat() if isinstance(node, date) else node


def test_committed_schema_equals_the_generated_one() -> None:
    committed = SCHEMA_FILE.read_text(encoding="utf-8")
    assert committed == render_schema(), "run: floorbot schema > docs/schedule.schema.json"


def test_schema_command_prints_it() -> None:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == schedule_json_schema()


def test_schema_has_identity() -> None:
    schema = schedule_json_schema()
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["$id"] and schema["title"] and schema["description"]
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_samples_validate_against_the_schema_and_carry_the_modeline(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("# yaml-language-server: $schema=")
    doc = read_document(text, str(path))
    jsonschema.validate(_json_like(doc.data), schedule_json_schema())


def test_schema_rejects_an_unknown_key() -> None:
    data = {
        "event": {"id": "x", "title": "t", "timezone": "UTC", "languages": ["en"], "colour": "red"},
        "days": [{"date": "2022-03-07", "items": [{"id": "a", "kind": "break", "start": "10:00", "end": "11:00"}]}],
    }
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schedule_json_schema())

"""The JSON Schema of schedule files, from the pydantic model, for editors and other tools.

Editors (VS Code's YAML extension and others using yaml-language-server) pick it up from the modeline
`# yaml-language-server: $schema=../docs/schedule.schema.json` at the top of a schedule file.
"""

from __future__ import annotations

import json
from typing import Any

from bot.config.model import Schedule

SCHEMA_ID = "urn:floorbot:schedule:1"


def schedule_json_schema() -> dict[str, Any]:
    """The schema as a dict: pydantic's, with the draft, $id, title and description set."""
    body = Schedule.model_json_schema(mode="validation")
    body.pop("title", None)
    body.pop("description", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Floorbot schedule",
        "description": (
            "One virtual consultation: the event, its people, chat channels, floor rules and the agenda "
            "(days of items on the event's clock). See docs/schedule-format.md."
        ),
        **body,
    }


def render_schema() -> str:
    """The schema as the exact text committed in docs/schedule.schema.json."""
    return json.dumps(schedule_json_schema(), indent=2, ensure_ascii=False) + "\n"

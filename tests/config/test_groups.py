"""Stakeholder groups: the defaults and the schedule's own, merged in one place (Schedule.group_names)."""

from pathlib import Path

from bot.config.loader import load_schedule
from bot.config.model import DEFAULT_GROUPS, Group, text_in

ROOT = Path(__file__).resolve().parents[2]


def test_group_names_are_the_defaults_then_the_schedules_own() -> None:
    schedule = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml").schedule
    assert schedule is not None
    schedule = schedule.model_copy(update={"groups": {
        "youth": Group(name={"en": "Youth", "fr": "Jeunesse", "es": "Juventud"}),
        "business": Group(name="Business and industry"),
    }})
    names = schedule.group_names()
    assert set(names) == set(DEFAULT_GROUPS) | {"youth"}
    assert text_in(names["youth"], "fr") == "Jeunesse"
    assert text_in(names["business"], "es") == "Business and industry"  # the schedule renames a default
    assert text_in(names["states"], "fr") == "États"
    assert "youth" not in DEFAULT_GROUPS  # merging never changes the defaults

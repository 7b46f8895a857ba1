"""The one estimate of what an event's chat bills (bot/app/translation/volume.py): `floorbot check` holds the
quota against it, `floorbot rehearse` prints it, from a scenario's messages or else the sessions' minutes."""

from __future__ import annotations

import io
from pathlib import Path

from pydantic import SecretStr

from bot.app.translation.volume import CHARACTERS_PER_MINUTE, expected_characters, session_minutes
from bot.cli.rehearse import run_rehearsal
from bot.config.loader import load_schedule
from bot.config.model import Schedule
from bot.config.settings import Settings
from tests.conftest import ROOT
from tests.fakes.deepl_server import running_fake_deepl

REFERENCE = ROOT / "schedules" / "ungp-tech-2022.yaml"
MINIMAL = ROOT / "schedules" / "minimal.yaml"


def _schedule(path: Path = REFERENCE) -> Schedule:
    schedule = load_schedule(path).schedule
    assert schedule is not None
    return schedule


def test_messages_bill_their_characters_once_per_other_language_and_trivial_ones_nothing() -> None:
    reference = _schedule()
    others = len(reference.event.languages) - 1
    assert others == 2
    said = ["Human rights due diligence is the question.", "Merci.", "👍", "https://example.org/a", ""]
    assert expected_characters(reference, said) == (len(said[0]) + len(said[1])) * others


def test_without_messages_the_sessions_minutes_give_the_volume_and_breaks_count_nothing() -> None:
    reference = _schedule()
    minutes = session_minutes(reference)
    every_item = sum((i.end.hour * 60 + i.end.minute) - (i.start.hour * 60 + i.start.minute)
                     for day in reference.days for i in day.items)
    assert 0 < minutes < every_item, "the reference schedule has breaks, and they are left out"
    assert expected_characters(reference) == minutes * CHARACTERS_PER_MINUTE * 2
    assert expected_characters(_schedule(MINIMAL)) == 0, "one language: nothing to translate"


def test_a_rehearsal_without_a_scenario_prints_the_estimate_the_check_holds_the_quota_against() -> None:
    with running_fake_deepl() as fake:
        settings = Settings(_env_file=None, deepl_auth_key=SecretStr(fake.auth_key),  # type: ignore[call-arg]
                            deepl_server_url=fake.url)
        out, err = io.StringIO(), io.StringIO()
        code = run_rehearsal(REFERENCE, None, None, out, err, color=False, translate=False, settings=settings)
    assert code == 0, err.getvalue()
    assert f"about {expected_characters(_schedule()):,} characters billed" in out.getvalue()

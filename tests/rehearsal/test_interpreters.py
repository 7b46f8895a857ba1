"""The booths told the next speaker's floor language before every turn of a whole rehearsal."""

from __future__ import annotations

import asyncio
import re

import pytest

from bot.config.loader import load_schedule
from bot.config.model import Schedule
from bot.rehearsal.run import RehearsalResult, rehearse
from bot.rehearsal.scenario import load_scenario
from bot.rehearsal.transcript import TranscriptLine
from tests.conftest import ROOT

REFERENCE = ROOT / "schedules" / "ungp-tech-2022.yaml"
SCENARIO = ROOT / "schedules" / "scenarios" / "ungp-tech-2022.yaml"


@pytest.fixture(scope="module")
def schedule() -> Schedule:
    result = load_schedule(REFERENCE)
    assert result.ok and result.schedule is not None
    return result.schedule.model_copy(
        update={"chat": result.schedule.chat.model_copy(update={"interpreters_channel": "C0INTERP01"})})


@pytest.fixture(scope="module")
def result(schedule: Schedule, tmp_path_factory: pytest.TempPathFactory) -> RehearsalResult:
    db = tmp_path_factory.mktemp("rehearsal") / "r.sqlite"
    return asyncio.run(rehearse(schedule, scenario=load_scenario(SCENARIO, schedule), database_url=f"sqlite:///{db}"))


def _notices(lines: list[TranscriptLine]) -> list[tuple[int, TranscriptLine]]:
    return [(n, line) for n, line in enumerate(lines) if line.audience == "interpreters" and line.lang == "en"]


def test_each_panel_turn_is_told_to_the_booths_before_it_starts(result: RehearsalResult, schedule: Schedule) -> None:
    lines = result.chat.lines
    notices = _notices(lines)
    turns = [(n, line) for n, line in enumerate(lines)
             if line.lang == "en" and line.key and re.fullmatch(r"cue:[^/]+/panel/\d+", line.key)]
    assert len(turns) > 10, "the reference event has panels in every session"
    for at, turn in turns:
        item, index = turn.key.removeprefix("cue:").split("/panel/")  # type: ignore[union-attr]
        told = [(n, line) for n, line in notices if line.key and line.key.endswith(f":panel:{item}:{index}")]
        assert told, f"no notice for {turn.key}"
        assert told[0][0] < at, f"the notice of {turn.key} came after the turn"
    sebastian = next(line.text for _, line in notices if "Sebastián Smart Larraín" in line.text)
    assert "floor language: Spanish" in sebastian
    imane = next(line for _, line in notices if "Imane Bello" in line.text)
    assert imane.text.startswith("Next: Imane Bello (Paris Bar), floor language: French (panel, turn 3 of 6)")
    assert "⚠️ Language change: next speaker in French" in imane.text  # after an English-speaking panellist
    fr = next(line.text for line in lines if line.audience == "interpreters" and line.lang == "fr"
              and "Imane Bello" in line.text)
    assert "langue d'intervention\u00a0: français" in fr


def test_each_floor_turn_is_told_to_the_booths_before_the_floor_is_given(result: RehearsalResult) -> None:
    lines = result.chat.lines
    notices = _notices(lines)
    given = [(n, line) for n, line in enumerate(lines)
             if line.lang == "en" and line.audience == "participants" and line.key
             and line.key.startswith("floor:")]
    assert len(given) > 5, "the scenario gives the floor to attendees in several sessions"
    for at, turn in given:
        _, discussion, request = turn.key.split(":", 2)  # type: ignore[union-attr]
        told = [n for n, line in notices if line.key and line.key.endswith(f":floor:{discussion}:{request}")]
        assert told and told[0] < at, f"the booths were not told before {turn.text!r}"


def test_no_notice_is_repeated(result: RehearsalResult) -> None:
    keys = [line.key for _, line in _notices(result.chat.lines)]
    assert len(keys) == len(set(keys))
    texts = [line.text for _, line in _notices(result.chat.lines)]
    assert all(a != b for a, b in zip(texts, texts[1:], strict=False)), "the same notice twice in a row"
    assert not any(line.audience == "interpreters" and line.lang == "en" and line.text.startswith("Next") is False
                   for line in result.chat.lines)


def test_the_written_transcript_shows_what_the_booths_were_told(
    result: RehearsalResult, schedule: Schedule, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from bot.cli.rehearse import write_outputs

    out = tmp_path_factory.mktemp("out")
    write_outputs(result, schedule, out)
    markdown = (out / "transcript.md").read_text(encoding="utf-8")
    head, booths = markdown.split("## What the interpretation booths were told\n", 1)
    told = [line for line in booths.splitlines() if line.startswith("- ")]
    assert len(told) == len(_notices(result.chat.lines)) > 20
    assert "floor language: French" in booths and "Next:" in booths
    assert "Prochaine intervention" not in booths, "the booths' section is in the event's first language"
    english = head.split("## Transcript — as read in English")[1].split("## Transcription")[0]
    assert "floor language:" not in english, "the booths' notices never appear in the participants' conversation"

"""Whole sessions on the simulated clock: the reference event with its realistic scenario."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config.loader import load_schedule
from bot.config.model import Schedule
from bot.domain.agenda.recovery import LedgerState
from bot.i18n import catalog as i18n
from bot.rehearsal.run import RehearsalResult, rehearse
from bot.rehearsal.scenario import ScenarioError, ScenarioFile, build_scenario, load_scenario
from tests.conftest import ROOT

REFERENCE = ROOT / "schedules" / "ungp-tech-2022.yaml"
SCENARIO = ROOT / "schedules" / "scenarios" / "ungp-tech-2022.yaml"


@pytest.fixture(scope="module")
def schedule() -> Schedule:
    result = load_schedule(REFERENCE)
    assert result.ok and result.schedule is not None
    return result.schedule


@pytest.fixture(scope="module")
def result(schedule: Schedule, tmp_path_factory: pytest.TempPathFactory) -> RehearsalResult:
    db = tmp_path_factory.mktemp("rehearsal") / "r.sqlite"
    scenario = load_scenario(SCENARIO, schedule)
    # One run of the whole two days, shared by the assertions below (it takes about a second).
    return asyncio.run(rehearse(schedule, scenario=scenario, database_url=f"sqlite:///{db}"))


def texts(result: RehearsalResult, lang: str) -> list[str]:
    return [line.text for line in result.chat.for_language(lang)]


def test_every_cue_posted_once_on_time_in_three_languages(result: RehearsalResult) -> None:
    assert result.ledger and set(result.ledger.values()) == {LedgerState.POSTED}
    assert set(result.ledger) == {cue.id for cue in result.cues}
    for lang in ("en", "fr", "es"):
        keys = [line.key for line in result.chat.lines if line.op == "announce" and line.lang == lang
                and line.key and line.key.startswith("cue:")]
        assert len(keys) == len(result.cues) == len(set(keys))


def test_guiding_questions_reach_each_language_as_written(result: RehearsalResult) -> None:
    en, fr, es = (" ".join(texts(result, lang)) for lang in ("en", "fr", "es"))
    assert "How does the State duty to protect human rights apply in the technology sector?" in en
    assert "diligence raisonnable en matière de droits de l'homme" in fr
    assert "debida diligencia en materia de derechos humanos" in es
    assert "Policy commitment, and Governance" in en  # session 3, question 2, point a


def test_floor_requests_in_three_languages_are_served_in_priority_order(result: RehearsalResult) -> None:
    session2 = next(d for d in result.report.discussions if d.discussion == "session-2")
    order = [i.name for i in session2.interventions]
    # Kwame's point of order (15:46) goes before Marc's new contribution (15:45:40).
    assert order.index("Kwame Mensah") < order.index("Marc Lefèvre")
    assert session2.interventions[order.index("Kwame Mensah")].kind.value == "point-of-order"
    assert "🎙️ La parole est donnée à Lucía Fernández (Institutions nationales des droits de l'homme), " \
           "qui s'exprimera en espagnol." in texts(result, "fr")


def test_withdrawn_and_unserved_requests_are_counted_not_lost(result: RehearsalResult) -> None:
    by_id = {d.discussion: d for d in result.report.discussions}
    assert by_id["session-1"].requests["withdrawn"] == 1
    assert by_id["session-4"].requests["unserved"] == 1
    assert by_id["session-4"].requests["withdrawn"] == 1
    for d in by_id.values():
        r = d.requests
        assert r["requested"] == r["served"] + r["withdrawn"] + r["removed"] + r["unserved"]
    told = [line.text for line in result.chat.lines if line.op == "private" and line.user_id == "sim:jose"]
    assert told[-1] == i18n.render("floor.notice.unserved", "es"), "the unserved speaker is told, in Spanish"


def test_speakers_are_told_privately_in_their_language(result: RehearsalResult) -> None:
    amina = [line.text for line in result.chat.lines if line.op == "private" and line.user_id == "sim:amina"]
    assert any("Vous avez la parole" in text for text in amina)
    jose = [line.text for line in result.chat.lines if line.op == "private" and line.user_id == "sim:jose"]
    assert any("Tiene usted la palabra" in text for text in jose)


def test_chat_is_mirrored_to_the_other_languages_marked_untranslated(result: RehearsalResult) -> None:
    original = "La diligence raisonnable en matière de droits de l'homme doit couvrir l'utilisation des produits."
    en = [line for line in result.chat.for_language("en") if line.text.startswith(original)]
    es = [line for line in result.chat.for_language("es") if line.text.startswith(original)]
    assert len(en) == 1 and "(untranslated)" in en[0].text and en[0].author == "Amina Diallo"
    assert len(es) == 1 and "(sin traducir)" in es[0].text
    # Commands are never mirrored.
    assert not [line for line in result.chat.for_language("en") if line.op == "post" and line.text == "main"]


def test_speaking_times_follow_the_scenario(result: RehearsalResult) -> None:
    s1 = {i.name: i for i in next(d for d in result.report.discussions if d.discussion == "session-1").interventions}
    assert s1["Amina Diallo"].duration == timedelta(minutes=2, seconds=40)
    assert s1["Priya Raman"].duration in (timedelta(minutes=1), timedelta(minutes=2))


def test_scenario_errors_are_clear(schedule: Schedule, tmp_path: Path) -> None:
    bad = ScenarioFile.model_validate({"attendees": {"x": {"name": "X"}}, "actions": []})
    with pytest.raises(ScenarioError, match="needs name, group and language"):
        build_scenario(bad, schedule)
    path = tmp_path / "s.yaml"
    path.write_text("actions:\n  - {at: '2022-03-07 10:00', who: nobody, do: request}\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="unknown attendee 'nobody'"):
        load_scenario(path, schedule)
    path.write_text("actions: [{at: soon, who: x, do: fly}]\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="actions.0.do"):
        load_scenario(path, schedule)

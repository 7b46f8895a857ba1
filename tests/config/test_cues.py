"""Cue texts: every cue of the reference event, in en, fr and es, fully filled in."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.config.loader import load_schedule
from bot.config.model import Schedule
from bot.domain.agenda.timeline import Cue, CueKind, plan
from bot.i18n import formats
from bot.i18n.catalog import LANGUAGES
from bot.i18n.cues import render_cue

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def reference() -> Schedule:
    schedule = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml").schedule
    assert schedule is not None
    return schedule


@pytest.fixture(scope="module")
def cues(reference: Schedule) -> dict[str, Cue]:
    return {cue.id: cue for cue in plan(reference)}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_cue_renders_without_leftover_placeholders(reference: Schedule, lang: str) -> None:
    texts = [render_cue(cue, reference, lang) for cue in plan(reference)]
    assert all(text.strip() for text in texts)
    leftovers = [t for t in texts if re.search(r"\{[a-z_]*\}", t)]
    assert leftovers == []


def test_languages_really_differ(reference: Schedule, cues: dict[str, Cue]) -> None:
    for cue in cues.values():
        texts = {lang: render_cue(cue, reference, lang) for lang in LANGUAGES}
        assert len(set(texts.values())) == 3, (cue.id, texts)


def test_times_are_shown_with_the_zone_label(reference: Schedule, cues: dict[str, Cue]) -> None:
    assert "15:00 CET" in render_cue(cues["lunch-1/start"], reference, "en")
    assert "a las 15:00 CET" in render_cue(cues["lunch-1/start"], reference, "es")
    assert "à 12\u00a0h\u00a000 CET" in render_cue(cues["session-1/last-call"], reference, "fr")


def test_question_shows_the_schedules_translation_and_sub_points(reference: Schedule, cues: dict[str, Cue]) -> None:
    en = render_cue(cues["session-3/question/2"], reference, "en")
    assert en.startswith("Guiding question 2 of 5:\n")
    assert "    a) Policy commitment, and Governance" in en
    assert "    e) Delivering or enabling remedy" in en
    fr = render_cue(cues["session-3/question/2"], reference, "fr")
    assert fr.startswith("Question directrice 2 sur 5\u00a0:\n")
    es = render_cue(cues["session-3/question/2"], reference, "es")
    assert es.startswith("Pregunta orientadora 2 de 5:\n")
    question = reference.item("session-3").discussion.questions[1]  # type: ignore[union-attr]
    assert question.text["es"] in es  # type: ignore[union-attr,index]


def test_session_open_names_the_chair_panel_and_documents(reference: Schedule, cues: dict[str, Cue]) -> None:
    en = render_cue(cues["session-1/open"], reference, "en")
    assert "Chair: Lene Wendland, Chief, Business and Human Rights Unit, OHCHR." in en
    assert "• Ambassador Ulrike Butschek" in en
    assert "Background documents:" in en
    fr = render_cue(cues["session-1/open"], reference, "fr")
    assert "Séance 1\u00a0: L'obligation de protéger incombant à l'État" in fr
    assert "HCDH" in fr


def test_reminder_mentions_the_join_link_when_there_is_one(reference: Schedule, cues: dict[str, Cue]) -> None:
    text = render_cue(cues["session-1/reminder"], reference, "en")
    assert text.startswith("Starting in 10 minutes, at 10:00 CET:\nSession 1: ")
    schedule = reference.model_copy(
        update={"event": reference.event.model_copy(update={"join_url": "https://zoom.example/j/9"})}
    )
    cue = next(c for c in plan(schedule) if c.id == "session-1/reminder")
    assert render_cue(cue, schedule, "es").endswith(
        "Inscríbase o únase a la reunión aquí: https://zoom.example/j/9; luego elija su idioma en Interpretación."
    )


def test_day_end_previews_the_next_day(reference: Schedule, cues: dict[str, Cue]) -> None:
    assert "martes 8 de marzo de 2022 a las 10:00 CET" in render_cue(cues["day/2022-03-07/end"], reference, "es")
    assert "le mardi 8 mars 2022 à 10\u00a0h\u00a000 CET" in render_cue(cues["day/2022-03-07/end"], reference, "fr")


def test_event_close_thanks_everyone(reference: Schedule, cues: dict[str, Cue]) -> None:
    cue = cues["closing/start"]
    assert cue.kind is CueKind.EVENT_CLOSE
    assert render_cue(cue, reference, "en").startswith("Next steps and closing.")


def test_formatting_helpers() -> None:
    # Cues format through bot.i18n.formats (tests/i18n/test_formats.py covers the rules).
    assert formats.duration(timedelta(minutes=1, seconds=30), "en") == "1 minute and 30 seconds"
    assert formats.duration(timedelta(seconds=30), "fr") == "30 secondes"
    assert formats.duration(timedelta(minutes=7), "es") == "7 minutos"
    assert formats.long_date(date(2022, 3, 7), "en") == "Monday 7 March 2022"
    assert formats.long_date(date(2022, 3, 7), "fr") == "lundi 7 mars 2022"
    assert formats.long_date(date(2022, 3, 7), "es") == "lunes 7 de marzo de 2022"


def test_a_panel_turn_says_the_panellists_floor_language_in_the_readers_language(
    reference: Schedule, cues: dict[str, Cue]
) -> None:
    turns = {c.data["speaker"]: c for c in cues.values() if c.kind is CueKind.PANEL_TURN and c.item == "session-2"}
    imane, sebastian = turns["imane-bello"], turns["sebastian-smart-larrain"]
    assert "now has the floor (7 minutes, in French):\nImane Bello" in render_cue(imane, reference, "en")
    assert "du panel (7 minutes, en français)\u00a0:\nImane Bello" in render_cue(imane, reference, "fr")
    assert "del panel (7 minutos, en francés):\nImane Bello" in render_cue(imane, reference, "es")
    assert "(7 minutes, in Spanish):\nSebastián Smart Larraín" in render_cue(sebastian, reference, "en")
    assert "(7 minutes, en espagnol)\u00a0:" in render_cue(sebastian, reference, "fr")
    assert "(7 minutos, en español):" in render_cue(sebastian, reference, "es")
    english = next(c for c in turns.values() if c.data["speaker"] == "anita-ramasastry")
    assert "in English" in render_cue(english, reference, "en")

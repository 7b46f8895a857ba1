"""Every French and Spanish text a reader sees, checked against the UN's typography and epicene wording:
each catalog message rendered with sample values, each fr/es text of the schedules, and each cue and
calendar entry of the reference event (where the catalog's words and the schedule's meet on one line)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from ruamel.yaml import YAML

from bot.config.loader import load_schedule
from bot.config.model import Schedule, text_in
from bot.domain.agenda.timeline import plan
from bot.i18n import catalog, formats
from bot.i18n.cues import question_text, render_cue
from bot.i18n.ics import agenda_ics
from tests.conftest import ROOT
from tests.i18n import typography

LANGS = ("fr", "es")
REFERENCE = ROOT / "schedules" / "ungp-tech-2022.yaml"


def _reference() -> Schedule:
    schedule = load_schedule(REFERENCE).schedule
    assert schedule is not None
    return schedule


def _samples(lang: str) -> dict[str, object]:
    """A plausible value for every placeholder, localized the way the bot localizes it."""
    schedule = _reference()
    session = next(i for d in schedule.days for i in d.items if i.discussion and i.discussion.questions)
    assert session.discussion is not None
    title = text_in(session.title, lang)
    question = question_text(session.discussion.questions[0], lang)
    clock = formats.clock(time(15, 30), lang)
    values: dict[str, object] = {
        "place": formats.ordinal(2, lang), "wait": formats.wait(timedelta(minutes=4), lang),
        "duration": formats.duration(timedelta(minutes=3), lang), "date": formats.long_date(date(2022, 3, 7), lang),
        "next_date": formats.long_date(date(2022, 3, 8), lang), "title": title, "event": title,
        "question": question, "text": "Ana", "kind": catalog.render("floor.kind.reply", lang),
        "language": catalog.render("common.language_name.en", lang), "letter": "a", "note": "",
        "minutes": formats.unit(2, "minute", lang), "seconds": formats.unit(30, "second", lang),
    }
    for name in ("time", "until", "closes", "next_time", "start", "end", "local_start", "local_end"):
        values[name] = clock
    for name in ("count", "number", "total", "index", "of", "turn", "turns", "n", "remaining", "limit",
                 "expected", "attempts", "filled", "kept", "failed", "requested", "served", "withdrawn",
                 "removed", "unserved", "questions", "posted", "late", "missed", "pending", "cues",
                 "interventions", "steps"):
        values[name] = formats.number(3, lang)
    return values


def _rendered_catalog(lang: str) -> Iterator[tuple[str, str]]:
    samples = _samples(lang)
    for key, template in catalog.load_catalog(lang).items():
        values = {name: samples.get(name, "Ana Pérez") for name in catalog.placeholders(template)}
        yield key, catalog.render(key, lang, **values)
    groups = {k.rpartition(".")[0] for k in catalog.load_catalog(lang) if k.endswith(".other")}
    for key in sorted(g for g in groups if ".ordinal" not in g):
        for count in (0, 1, 2, 1_000_000):
            others = {n: "Ana" for n in catalog.placeholders(catalog.load_catalog(lang)[f"{key}.other"])}
            others.pop("count", None)
            yield f"{key}[{count}]", formats.message(key, lang, count=count, **others)


def _schedule_texts(node: Any, path: str = "") -> Iterator[tuple[str, str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in LANGS and isinstance(value, str):
                yield str(key), f"{path}.{key}", value
            else:
                yield from _schedule_texts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _schedule_texts(value, f"{path}[{i}]")


def _report(found: list[str]) -> str:
    return "\n".join(found[:60]) + (f"\n… and {len(found) - 60} more" if len(found) > 60 else "")


@pytest.mark.parametrize("lang", LANGS)
def test_every_catalog_message_follows_the_typography(lang: str) -> None:
    found = [f"{key}: {p} in {text!r}" for key, text in _rendered_catalog(lang)
             for p in typography.problems(text, lang)]
    assert not found, _report(found)


@pytest.mark.parametrize("path", sorted((ROOT / "schedules").glob("*.yaml")), ids=lambda p: p.name)
def test_every_schedule_text_follows_the_typography(path: Path) -> None:
    data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    found = [f"{where}: {p} in {text!r}" for lang, where, text in _schedule_texts(data)
             for p in typography.problems(text, lang)]
    assert not found, _report(found)


@pytest.mark.parametrize("lang", LANGS)
def test_every_cue_and_calendar_entry_of_the_reference_event_follows_the_typography(lang: str) -> None:
    schedule = _reference()
    texts = [render_cue(cue, schedule, lang) for cue in plan(schedule)]
    calendar = Calendar.from_ical(agenda_ics(schedule, datetime(2022, 2, 1, tzinfo=UTC), lang))
    texts += [str(event[field]) for event in calendar.walk("VEVENT") for field in ("SUMMARY", "DESCRIPTION")
              if field in event]
    found = [f"{p} in {text!r}" for text in texts for p in typography.problems(text, lang)]
    assert not found, _report(found)


def test_french_zero_is_singular() -> None:
    assert formats.unit(0, "minute", "fr") == "0 minute"
    assert formats.message("format.wait_short.minutes", "fr", count=0) == "environ 0 min"
    assert formats.message("floor.why.budget_left", "fr", count=0, group="X").startswith("Il reste environ 0 minute ")


@pytest.mark.parametrize(
    ("lang", "text", "problem"),
    [("fr", "Présidence : Ana", "':' needs U+00A0"), ("fr", "Où en suis-je ?", "'?' needs U+202F"),
     ("fr", "Où en suis-je?", "'?' needs U+202F"), ("fr", "le groupe « X »", "'«' needs U+00A0"),
     ("fr", 'le "cadre"', "French quotes"), ("fr", "Vous êtes inscrit(e)", "not epicene"),
     ("fr", "Merci à toutes et à tous", "not epicene"), ("fr", "Merci à toutes et tous", "not epicene"),
     ("es", "Conectado/a como Ana", "not epicene"), ("es", "Orador(a)", "not epicene"),
     ("es", "Cuál es mi turno?", "'¿'"), ("es", "Presidencia : Ana", "no space"),
     ("es", "el grupo «X»", "Spanish quotes"), ("es", "Gracias a todos y todas", "not epicene")],
)  # fmt: skip
def test_the_checker_catches_each_slip(lang: str, text: str, problem: str) -> None:
    found = typography.problems(text, lang)
    assert any(problem in p for p in found), found


@pytest.mark.parametrize(
    ("lang", "text"),
    [("fr", "Présidence\u00a0: Ana\u202f; «\u00a0X\u00a0»\u202f!"), ("fr", "écrivez `q?` ou q+ à 10:30, https://x.org/a?b"),
     ("es", "¿Cuál es mi turno? Presidencia: Ana; “X”"), ("es", "escriba q? o `/floor lang es`")],
)  # fmt: skip
def test_the_checker_accepts_good_typography(lang: str, text: str) -> None:
    assert typography.problems(text, lang) == []

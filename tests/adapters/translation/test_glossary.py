"""The glossary of the field's terms, and an event's own additions."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.adapters.translation.glossary import Glossary, GlossaryError, Term, event_glossary, load_glossary

# Every English term of TERMINOLOGY.md (design docs) plus those the brief asks for.
REQUIRED_EN = [
    "UN Guiding Principles on Business and Human Rights", "UNGPs", "Protect, Respect and Remedy Framework",
    "State duty to protect human rights", "corporate responsibility to respect human rights", "access to remedy",
    "State-based judicial mechanisms", "State-based non-judicial grievance mechanisms",
    "non-State-based grievance mechanisms", "human rights due diligence", "operational-level grievance mechanism",
    "human rights impact assessment", "National Action Plan on business and human rights", "smart mix of measures",
    "State-business nexus", "policy coherence", "rights-holders", "mandatory human rights due diligence",
    "Working Group on Business and Human Rights", "Human Rights Council", "OHCHR", "Chair of the session",
    "give the floor", "request the floor", "point of order", "guiding questions", "open discussion",
    "written inputs", "State duty to protect", "corporate responsibility to respect", "grievance mechanism",
    "State-based non-judicial mechanism", "National Action Plan", "smart mix", "remedy", "business enterprises",
    "affected stakeholders",
]


def test_the_glossary_has_every_required_term_in_three_languages() -> None:
    glossary = load_glossary()
    english = {term.en for term in glossary.terms}
    assert [t for t in REQUIRED_EN if t not in english] == []
    assert len({t.en for t in glossary.terms}) == len(glossary)  # no English term twice
    for term in glossary.terms:
        assert term.fr.strip() and term.es.strip() and "\t" not in term.en + term.fr + term.es


def test_official_renderings_checked_in_the_un_texts() -> None:
    by_en = {term.en: term for term in load_glossary().terms}
    assert by_en["human rights due diligence"] == Term(
        "human rights due diligence", "diligence raisonnable en matière de droits de l'homme",
        "debida diligencia en materia de derechos humanos")
    assert by_en["access to remedy"].fr == "accès à des voies de recours"
    assert by_en["State duty to protect human rights"].es == "deber del Estado de proteger los derechos humanos"


def test_pairs_give_six_dictionaries_and_the_first_row_wins_a_shared_term() -> None:
    glossary = Glossary((Term("remedy", "réparation", "reparación"), Term("remediation", "réparation", "reparación")))
    pairs = glossary.pairs()
    assert len(pairs) == 6
    assert pairs[("en", "fr")] == {"remedy": "réparation", "remediation": "réparation"}
    assert pairs[("fr", "en")] == {"réparation": "remedy"}


def test_event_glossary_comes_first_and_changes_the_hash(tmp_path: Path) -> None:
    schedule = tmp_path / "event.yaml"
    schedule.write_text(
        "event: {id: x}\nglossary:\n  - {en: 'B-Tech', fr: 'B-Tech', es: 'B-Tech'}\n"
        "  - {en: remedy, fr: recours, es: recurso}\n", encoding="utf-8")
    base = load_glossary()
    merged = load_glossary(schedule)
    assert merged.terms[:2] == event_glossary(schedule).terms
    assert merged.pairs()[("en", "fr")]["remedy"] == "recours"
    assert merged.content_hash != base.content_hash
    assert load_glossary(schedule).content_hash == merged.content_hash  # stable


def test_an_incomplete_event_entry_is_an_error(tmp_path: Path) -> None:
    schedule = tmp_path / "event.yaml"
    schedule.write_text("glossary:\n  - {en: remedy, fr: recours}\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match="entry 1"):
        event_glossary(schedule)
    schedule.write_text("glossary: {en: remedy}\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match="list"):
        event_glossary(schedule)


def test_a_schedule_without_glossary_adds_nothing(tmp_path: Path) -> None:
    schedule = tmp_path / "event.yaml"
    schedule.write_text("event: {id: x}\n", encoding="utf-8")
    assert len(event_glossary(schedule)) == 0

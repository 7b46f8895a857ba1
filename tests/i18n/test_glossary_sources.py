"""prompts/glossary.csv says, for every term, whether it was checked against the UN's official texts and where."""

from __future__ import annotations

import csv

from bot.adapters.translation.glossary import GLOSSARY_CSV, Glossary
from tests.i18n.typography import epicene_problems

REQUIRED = ("leverage", "business model", "business models", "accountability", "multi-stakeholder",
            "State-owned enterprises", "stakeholder engagement", "salient human rights issues")


def _rows() -> list[dict[str, str]]:
    with GLOSSARY_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_term_says_whether_it_was_checked_and_against_what() -> None:
    for row in _rows():
        assert row["checked"] in ("yes", "fr", "es", "no"), row  # fr / es: only that language was read
        assert row["source"].strip(), row


def test_the_consultations_terms_are_in_the_glossary() -> None:
    english = {row["en"] for row in _rows()}
    assert not [term for term in REQUIRED if term not in english]


def test_the_glossary_still_loads_for_deepl() -> None:
    glossary = Glossary.from_csv()
    assert glossary.pairs()[("en", "fr")]["policy commitment"] == "engagement politique"
    assert glossary.pairs()[("en", "es")]["Guiding Principles on Business and Human Rights"] == (
        "Principios Rectores sobre las Empresas y los Derechos Humanos")


def test_no_glossary_entry_uses_a_parenthesised_or_slashed_ending() -> None:
    assert [r["en"] for r in _rows() if epicene_problems(r["fr"]) or epicene_problems(r["es"])] == []

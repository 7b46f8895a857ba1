"""The field's terms in en/fr/es (prompts/glossary.csv) plus an event's own additions.

One row is one concept in the three languages; DeepL wants one dictionary per ordered language pair,
so each row yields six entries. When two rows share a term in one language (e.g. two English terms
both rendered "réparation"), the first row wins in the direction that starts from that term: put the
preferred, longer rows first.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from bot.app.ports.translation import LANGS, Lang
from bot.i18n.catalog import PROMPTS_DIR

GLOSSARY_CSV = PROMPTS_DIR / "glossary.csv"


class GlossaryError(ValueError):
    """A glossary row is incomplete or malformed."""


@dataclass(frozen=True, slots=True)
class Term:
    en: str
    fr: str
    es: str

    def in_lang(self, lang: Lang) -> str:
        return {"en": self.en, "fr": self.fr, "es": self.es}[lang]


def _clean(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise GlossaryError(f"{where}: every term needs en, fr and es")
    text = " ".join(value.split())  # DeepL rejects tabs/newlines and edge whitespace in entries
    return text


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...]

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]], origin: str = "glossary") -> Glossary:
        terms = []
        for number, row in enumerate(rows, start=1):
            where = f"{origin}: entry {number}"
            terms.append(Term(*(_clean(row.get(lang), where) for lang in LANGS)))
        return cls(tuple(terms))

    @classmethod
    def from_csv(cls, path: Path = GLOSSARY_CSV) -> Glossary:
        with path.open(encoding="utf-8", newline="") as handle:
            return cls.from_rows(csv.DictReader(handle), origin=str(path))

    def extended(self, extra: Glossary) -> Glossary:
        """This glossary with an event's rows placed first, so they win any overlap."""
        return Glossary(extra.terms + self.terms)

    def pairs(self) -> dict[tuple[Lang, Lang], dict[str, str]]:
        """Entries per ordered (source, target) pair; the first row wins a shared source term."""
        out: dict[tuple[Lang, Lang], dict[str, str]] = {}
        for source in LANGS:
            for target in LANGS:
                if source == target:
                    continue
                entries: dict[str, str] = {}
                for term in self.terms:
                    entries.setdefault(term.in_lang(source), term.in_lang(target))
                out[(source, target)] = entries
        return out

    @property
    def content_hash(self) -> str:
        """Short stable digest of the entries: names the DeepL glossary so a change is noticed."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for term in self.terms:
            writer.writerow([term.en, term.fr, term.es])
        return hashlib.sha256(buffer.getvalue().encode("utf-8")).hexdigest()[:16]

    def __len__(self) -> int:
        return len(self.terms)


def event_glossary(schedule_path: Path) -> Glossary:
    """The optional top-level `glossary:` list of {en, fr, es} maps in a schedule file.

    Read from the raw YAML because the Schedule model has no such field yet.
    """
    yaml = YAML(typ="safe", pure=True)
    data = yaml.load(schedule_path.read_text(encoding="utf-8")) or {}
    rows = data.get("glossary") if isinstance(data, Mapping) else None
    if rows is None:
        return Glossary(())
    if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
        raise GlossaryError(f"{schedule_path}: glossary must be a list of {{en, fr, es}} maps")
    return Glossary.from_rows(rows, origin=f"{schedule_path}: glossary")


def load_glossary(schedule_path: Path | None = None, base: Path = GLOSSARY_CSV) -> Glossary:
    glossary = Glossary.from_csv(base)
    if schedule_path is not None:
        glossary = glossary.extended(event_glossary(schedule_path))
    return glossary

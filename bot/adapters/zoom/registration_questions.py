"""The registration questions Floorbot asks (stakeholder group, floor language), and reading answers back.

Both directions live here so that the text Zoom shows and the text `floorbot registrants` recognises are
one: a title or an answer is every event language's wording joined by " / " ("Civil society / Société
civile / Sociedad civil"). An answer is recognised whole or by any one of its parts, case- and
space-insensitively, so an answer typed or exported in one language only still maps back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from bot.config.model import NOT_STATED, MeetingKind, Schedule, text_in
from bot.i18n.catalog import render

SEPARATOR = " / "
# Zoom's single-choice type is "single" for meetings, "single_radio" (or a dropdown) for webinars.
SINGLE_CHOICE = {MeetingKind.MEETING: "single", MeetingKind.WEBINAR: "single_radio"}
GROUP_QUESTION = "registration.question.group"
LANGUAGE_QUESTION = "registration.question.language"
NOT_STATED_ANSWER = "console.join.group_not_stated"  # the console's own words for the same choice
AUTONYM = "console.language.autonym.{lang}"


@dataclass(frozen=True)
class Question:
    """One required single-choice question; `choices` maps each answer's text to its value."""

    title: str
    choices: tuple[tuple[str, str], ...]  # (answer text, group id or language code)

    def body(self, kind: MeetingKind) -> dict[str, Any]:
        return {"title": self.title, "type": SINGLE_CHOICE[kind], "required": True,
                "answers": [text for text, _ in self.choices]}


def _joined(languages: Sequence[str], wording: Callable[[str], str]) -> str:
    parts: list[str] = []
    for lang in languages:
        text = wording(lang).strip()
        if text and text not in parts:
            parts.append(text)
    return SEPARATOR.join(parts)


def group_question(schedule: Schedule) -> Question:
    languages = schedule.event.languages
    choices = [(_joined(languages, partial(text_in, name)), gid) for gid, name in schedule.group_names().items()]
    choices.append((_joined(languages, lambda lang: render(NOT_STATED_ANSWER, lang)), NOT_STATED))
    return Question(_joined(languages, lambda lang: render(GROUP_QUESTION, lang)), tuple(choices))


def language_question(schedule: Schedule) -> Question:
    languages = schedule.event.languages
    # Each language named in its own language: whoever reads it finds their own.
    choices = tuple((render(AUTONYM.format(lang=lang), lang), str(lang)) for lang in languages)
    return Question(_joined(languages, lambda lang: render(LANGUAGE_QUESTION, lang)), choices)


def registration_questions(schedule: Schedule) -> tuple[Question, ...]:
    """What registration asks, or nothing when the event has no registration."""
    registration = schedule.event.registration
    if registration is None or not registration.required:
        return ()
    return (group_question(schedule), language_question(schedule))


def merged_questions(current: Iterable[Mapping[str, Any]], ours: Sequence[Question],
                     kind: MeetingKind) -> list[dict[str, Any]]:
    """The full custom-question list to PATCH: the organizer's own questions kept, ours replaced."""
    titles = {question.title for question in ours}
    kept = [dict(q) for q in current if str(q.get("title", "")) not in titles]
    return kept + [question.body(kind) for question in ours]


def comparable(questions: Iterable[Mapping[str, Any]]) -> list[tuple[str, str, bool, tuple[str, ...]]]:
    return [(str(q.get("title", "")), str(q.get("type", "")), bool(q.get("required")),
             tuple(str(a) for a in q.get("answers") or [])) for q in questions]


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def match_answer(question: Question, answer: str) -> str | None:
    """The value of an answer (the whole joined text, or any one language's part), else None."""
    wanted = _fold(answer)
    if not wanted:
        return None
    for text, value in question.choices:
        if wanted == _fold(text) or wanted in {_fold(part) for part in text.split(SEPARATOR.strip())}:
            return value
    return None


def find_answer(question: Question, answers: Mapping[str, str]) -> str | None:
    """The answer given to this question, found by its title (whole, or any one language's part)."""
    titles = {_fold(question.title)} | {_fold(part) for part in question.title.split(SEPARATOR.strip())}
    for title, answer in answers.items():
        if _fold(title) in titles:
            return answer
    return None

"""Zoom's registrants as Floorbot's: read from the API (the event's provisioned meetings or webinars) or from
the registrants CSV Zoom exports, answers mapped back to group ids and language codes.

An answer that is not one of the event's (a question edited by hand in Zoom, an export from another event)
counts as not stated and is reported, never guessed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.adapters.zoom.client import JSON, ZoomClient
from bot.adapters.zoom.provision import NS_MEETING
from bot.adapters.zoom.registration_questions import find_answer, group_question, language_question, match_answer
from bot.app.ports.store import KeyValues
from bot.app.registrants import Registrant
from bot.config.model import NOT_STATED, Schedule

# Zoom's registration export: these columns, then one per question (titled as the question is).
FIRST_NAME, LAST_NAME, EMAIL, APPROVAL = "first name", "last name", "email", "approval status"
STANDARD_COLUMNS = frozenset({FIRST_NAME, LAST_NAME, EMAIL, APPROVAL, "registration time", "join url"})


class RegistrantsFileError(ValueError):
    """The file is not Zoom's registrants export (or cannot be read)."""


@dataclass(frozen=True)
class UnknownAnswer:
    email: str
    question: str
    answer: str


@dataclass
class Read:
    registrants: list[Registrant] = field(default_factory=list)
    unknown: list[UnknownAnswer] = field(default_factory=list)


def registrant_of(schedule: Schedule, first: str, last: str, email: str, answers: Mapping[str, str],
                  read: Read) -> None:
    """One registrant, their answers mapped (unknown answers noted in `read`)."""
    group_q, language_q = group_question(schedule), language_question(schedule)
    group_answer = find_answer(group_q, answers)
    group = match_answer(group_q, group_answer) if group_answer else None
    if group_answer and group is None:
        read.unknown.append(UnknownAnswer(email, group_q.title, group_answer))
    language_answer = find_answer(language_q, answers)
    language = match_answer(language_q, language_answer) if language_answer else None
    if language_answer and language is None:
        read.unknown.append(UnknownAnswer(email, language_q.title, language_answer))
    name = " ".join(part.strip() for part in (first, last) if part and part.strip())
    read.registrants.append(Registrant(name, email.strip(), group or NOT_STATED, language))


def _answers(record: JSON) -> dict[str, str]:
    return {str(q.get("title", "")): str(q.get("value", "")) for q in record.get("custom_questions") or []
            if isinstance(q, dict)}


async def read_from_zoom(schedule: Schedule, store: KeyValues, client: ZoomClient) -> tuple[Read, int]:
    """The approved registrants of every meeting `provision` stored for this event; and how many meetings."""
    read = Read()
    meetings = 0
    for key, record in sorted((await store.items(NS_MEETING)).items()):
        if not key.startswith(f"{schedule.event.id}/") or not isinstance(record, dict) or not record.get("id"):
            continue
        meetings += 1
        kind = str(record.get("kind") or "meeting")
        for registrant in await client.list_registrants(kind, str(record["id"]), "approved"):
            registrant_of(schedule, str(registrant.get("first_name") or ""), str(registrant.get("last_name") or ""),
                          str(registrant.get("email") or ""), _answers(registrant), read)
    return read, meetings


def _header_row(rows: Iterable[list[str]]) -> tuple[list[str], list[list[str]]]:
    """Zoom's reports open with a few lines about the meeting; the registrants start under their header."""
    rows = list(rows)
    for number, row in enumerate(rows):
        names = [cell.strip().lstrip("\ufeff").casefold() for cell in row]
        if FIRST_NAME in names and EMAIL in names:
            return [cell.strip().lstrip("\ufeff") for cell in row], rows[number + 1:]
    raise RegistrantsFileError("no header row with “First Name” and “Email”")


def read_from_csv(schedule: Schedule, path: Path) -> Read:
    """Zoom's registrants export (Registration report, or the meeting's Manage Registrants > Export)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise RegistrantsFileError("not UTF-8 text") from None
    try:
        header, rows = _header_row(csv.reader(text.splitlines()))
    except csv.Error as error:
        raise RegistrantsFileError(str(error)) from None
    folded = [name.casefold() for name in header]
    read = Read()
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(folded, row, strict=False))
        if cells.get(APPROVAL, "approved").strip().casefold() not in ("approved", ""):
            continue  # pending or denied: not coming
        email = cells.get(EMAIL, "").strip()
        if "@" not in email:
            raise RegistrantsFileError(f"a row without an e-mail address: {', '.join(row)[:80]}")
        answers = {title: value for title, value in zip(header, row, strict=False)
                   if title.casefold() not in STANDARD_COLUMNS}
        registrant_of(schedule, cells.get(FIRST_NAME, ""), cells.get(LAST_NAME, ""), email, answers, read)
    return read

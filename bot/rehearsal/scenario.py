"""Scenario files: simulated attendees for a rehearsal — who requests the floor when, in which language,
how long each speaks, who withdraws, what they say in chat.

```yaml
attendees:
  amina: {name: Amina Diallo, group: civil-society, language: fr}
  lene-wendland: {}                 # a schedule person: name, group and language come from the schedule
actions:
  - {at: "2022-03-07 11:02", who: amina, do: request, speaks: 2m30s, note: "sur les recours"}
  - {at: "2022-03-07 11:03", who: amina, do: say, text: "Bonjour à toutes et à tous"}
  - {at: "2022-03-07 11:20", who: amina, do: withdraw}
generate: {attendees: 500, seed: 7}  # optional: add synthetic attendees and actions for load rehearsals
```
Times are agenda times in the event's zone. `do` is one of request, clarify, reply, point-of-order,
withdraw, where, say. A speaker speaks for `speaks` (default: the speaking time minus 20 s) once given the
floor; the simulated chair gives the floor to the next speaker whenever it is free.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.config.model import Duration, Identifier, LanguageCode, Schedule
from bot.domain.agenda.wall_time import agenda_time


class Do(StrEnum):
    REQUEST = "request"
    CLARIFY = "clarify"
    REPLY = "reply"
    POINT_OF_ORDER = "point-of-order"
    WITHDRAW = "withdraw"
    WHERE = "where"
    SAY = "say"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Attendee(_Strict):
    name: str | None = None
    group: Identifier | None = None
    language: LanguageCode | None = None


class Step(_Strict):
    at: str = Field(description="agenda time 'YYYY-MM-DD HH:MM[:SS]' in the event's zone")
    who: Identifier
    do: Do
    text: str | None = None
    note: str | None = None
    speaks: Duration | None = None


class Generate(_Strict):
    attendees: int = Field(ge=0, le=100_000)
    seed: int = 0
    requests_per_discussion: int = Field(default=40, ge=0)
    messages_per_discussion: int = Field(default=60, ge=0)


class ScenarioFile(_Strict):
    attendees: dict[Identifier, Attendee] = Field(default_factory=dict)
    actions: list[Step] = Field(default_factory=list)
    generate: Generate | None = None


class ScenarioError(Exception):
    """A scenario file is wrong; the message says where."""


@dataclass(frozen=True)
class SimAttendee:
    id: str
    name: str
    group: str
    language: str


@dataclass(frozen=True)
class SimStep:
    at: datetime
    who: SimAttendee
    do: Do
    text: str | None = None
    note: str | None = None
    speaks: timedelta | None = None


@dataclass(frozen=True)
class Scenario:
    attendees: dict[str, SimAttendee]
    actions: list[SimStep]


def _parse_at(value: str, zone: ZoneInfo) -> datetime:
    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        raise ScenarioError(f"{value!r} is not a time; write it as 'YYYY-MM-DD HH:MM'") from None
    if naive.tzinfo is not None:
        return naive
    return agenda_time(naive.date(), naive.time(), zone)


def load_scenario(path: Path, schedule: Schedule) -> Scenario:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    yaml = YAML(typ="safe", pure=True)
    yaml.version = (1, 2)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8")) or {}
        data = ScenarioFile.model_validate(raw)
    except (YAMLError, OSError) as error:
        raise ScenarioError(f"{path}: {error}") from None
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise ScenarioError(f"{path}: {problems}") from None
    return build_scenario(data, schedule, str(path))


def build_scenario(data: ScenarioFile, schedule: Schedule, origin: str = "scenario") -> Scenario:
    zone = ZoneInfo(schedule.event.timezone)
    attendees: dict[str, SimAttendee] = {}
    for key, spec in data.attendees.items():
        person = schedule.people.get(key)
        name = spec.name or (person.name if person else None)
        group = spec.group or (person.group if person else None)
        language = spec.language or (person.language if person else None)
        if not (name and group and language):
            raise ScenarioError(f"{origin}: attendee {key!r} needs name, group and language (or be a schedule person)")
        attendees[key] = SimAttendee(key, name, group, language)
    actions = []
    for index, action in enumerate(data.actions):
        if action.who not in attendees:
            raise ScenarioError(f"{origin}: actions[{index}]: unknown attendee {action.who!r}")
        if action.do is Do.SAY and not action.text:
            raise ScenarioError(f"{origin}: actions[{index}]: 'say' needs a text")
        actions.append(
            SimStep(_parse_at(action.at, zone), attendees[action.who], action.do, action.text, action.note,
                    action.speaks)
        )
    if data.generate is not None:
        extra_attendees, extra_actions = generate(schedule, data.generate)
        attendees.update({a.id: a for a in extra_attendees})
        actions.extend(extra_actions)
    actions.sort(key=lambda a: a.at)
    return Scenario(attendees, actions)


_GENERATED_LINES = {
    "en": ["Thank you, Chair.", "I agree with the previous speaker.", "Could the panel say more about remedy?",
           "Human rights due diligence must cover the use of products.", "Thanks for the link."],
    "fr": ["Merci, Madame la Présidente.", "Je partage l'avis de l'intervenant précédent.",
           "La diligence raisonnable en matière de droits de l'homme est essentielle.", "Merci pour le lien."],
    "es": ["Gracias, señora presidenta.", "Coincido con el orador anterior.",
           "La debida diligencia en materia de derechos humanos es clave.", "Gracias por el enlace."],
}


def generate(schedule: Schedule, spec: Generate) -> tuple[list[SimAttendee], list[SimStep]]:
    """Synthetic attendees and their actions, deterministic for a seed (load rehearsals, benchmarks)."""
    rng = random.Random(spec.seed)  # noqa: S311 - simulation, not security
    groups = sorted(set(schedule.groups) | {"states", "civil-society", "business", "academia", "nhri", "un"})
    languages = list(schedule.event.languages)
    attendees = [
        SimAttendee(f"sim-{n:05d}", f"Attendee {n}", rng.choice(groups), rng.choice(languages))
        for n in range(spec.attendees)
    ]
    actions: list[SimStep] = []
    if not attendees:
        return attendees, actions
    zone = ZoneInfo(schedule.event.timezone)
    for day in schedule.days:
        for item in day.items:
            if item.kind != "session":
                continue
            start = agenda_time(day.date, item.start, zone) + timedelta(minutes=30)
            end = agenda_time(day.date, item.end, zone) - timedelta(minutes=15)
            span = max((end - start).total_seconds(), 60.0)
            for _ in range(spec.requests_per_discussion):
                who = rng.choice(attendees)
                when = start + timedelta(seconds=rng.uniform(0, span))
                do = rng.choices([Do.REQUEST, Do.CLARIFY, Do.REPLY, Do.POINT_OF_ORDER], [80, 10, 8, 2])[0]
                actions.append(SimStep(when, who, do, speaks=timedelta(seconds=rng.randint(60, 200))))
                if rng.random() < 0.1:
                    actions.append(SimStep(when + timedelta(minutes=rng.randint(1, 20)), who, Do.WITHDRAW))
            for _ in range(spec.messages_per_discussion):
                who = rng.choice(attendees)
                when = start + timedelta(seconds=rng.uniform(0, span))
                actions.append(SimStep(when, who, Do.SAY, text=rng.choice(_GENERATED_LINES[who.language])))
    return attendees, actions



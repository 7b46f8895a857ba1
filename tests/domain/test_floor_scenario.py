"""A discussion from chat text to replies, on a simulated clock: grammar -> authorization -> floor -> explain.
This is the pure half of what the runtime does (no store, no chat platform)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app.clock import SimulatedClock
from bot.config.model import Schedule
from bot.domain.authz import authorize, person_for
from bot.domain.floor import explain, timer
from bot.domain.floor import rules as f
from bot.domain.floor.events import Outcome
from bot.domain.floor.policy import FloorPolicy
from bot.domain.floor.state import FloorState, Participant, Surface
from bot.domain.grammar import Verb, parse
from bot.i18n.messages import render

SCHEDULE = Schedule.model_validate(
    {
        "event": {"id": "t", "title": "T", "timezone": "Europe/Zurich", "languages": ["en", "fr", "es"]},
        "floor": {"speaking_time": "3m", "warn_before": "30s", "order": "balanced"},
        "people": {
            "lene": {"name": "Lene Wendland", "group": "un", "slack": "U0LENE"},
            "marie": {"name": "Marie Dupont", "group": "civil-society", "slack": "U0MARIE", "language": "fr"},
            "diego": {"name": "Diego Ruiz", "group": "states", "slack": "U0DIEGO", "language": "es"},
            "ann": {"name": "Ann Smith", "group": "business", "slack": "U0ANN"},
        },
        "days": [{"date": "2022-03-07", "items": [
            {"id": "session-1", "kind": "session", "start": "10:00", "end": "12:00", "chair": "lene"},
        ]}],
    }
)  # fmt: skip
POLICY = FloorPolicy.from_schedule(SCHEDULE.floor)
ITEM = SCHEDULE.item("session-1")


class Room:
    """Applies chat messages the way the runtime does, keeping the replies each person would read."""

    def __init__(self) -> None:
        self.clock = SimulatedClock(datetime(2022, 3, 7, 10, 45, tzinfo=UTC))
        self.state = FloorState("session-1")
        self.read: list[tuple[str, str]] = []

    def participant(self, person_id: str) -> Participant:
        p = SCHEDULE.people[person_id]
        return Participant(person_id, p.name, p.group, p.language)

    def say(self, slack_id: str, text: str) -> None:
        command = parse(text)
        if command is None:
            return  # plain chat: the translator's business, not the list's
        person = person_for(slack_id, SCHEDULE)
        assert person is not None
        decision = authorize(slack_id, command.verb, ITEM, SCHEDULE)
        now = self.clock.now()
        if not decision.allowed:
            self.tell(person, explain.Message(decision.reason_key))
            return
        if command.verb is Verb.REQUEST:
            assert command.kind is not None
            out = f.request(self.state, self.participant(person), command.kind, now, POLICY, note=command.note,
                            source=Surface.SLACK)
        elif command.verb is Verb.WITHDRAW:
            out = f.withdraw(self.state, person, now, POLICY)
        elif command.verb is Verb.POSITION:
            out = Outcome(self.state)
        elif command.verb is Verb.NEXT:
            out = f.next_speaker(self.state, now, POLICY)
        elif command.verb is Verb.CLOSE:
            out = f.close(self.state, now, POLICY)
        elif command.verb is Verb.EXTEND:
            assert command.duration is not None
            out = f.extend(self.state, command.duration, now, POLICY)
        else:
            raise AssertionError(command)
        if not command.is_chair:
            self.tell(person, explain.reply(out, person, now, POLICY))
        self.apply(out)

    def apply(self, out: Outcome) -> None:
        for notice in explain.notices(out, self.clock.now(), POLICY):
            self.tell(notice.person, notice.message)
        self.state = out.state

    def tell(self, person: str, message: explain.Message) -> None:
        self.read.append((person, render(message, SCHEDULE.people[person].language)))

    def run_timers_until(self, until: datetime) -> None:
        while (upcoming := timer.deadlines(self.state, POLICY)) and upcoming[0].at <= until:
            self.clock.set(upcoming[0].at)
            self.apply(f.tick(self.state, self.clock.now(), POLICY))
        self.clock.set(until)

    def take(self) -> list[tuple[str, str]]:
        read, self.read = self.read, []
        return read


def test_a_discussion_in_three_languages() -> None:
    room = Room()
    room.say("U0MARIE", "Je demande la parole")
    room.say("U0DIEGO", "¡Pido la palabra!")
    room.say("U0ANN", "q+ to ask about remedy")
    assert room.take() == [
        ("marie", "Votre nom figure sur la liste des orateurs, en 1re position (d'un instant à l'autre)."),
        ("diego", "Su nombre figura en la lista de oradores; su turno es el 2.º (dentro de unos 3 minutos)."),
        ("ann", "You are 3rd on the list of speakers (in about 6 minutes)."),
    ]
    assert room.state.pending[2].note == "ask about remedy"

    room.say("U0ANN", "next")  # plain chat "next" is not a command: parse() returns None
    assert room.take() == []
    room.say("U0ANN", "/floor next")
    assert room.take() == [("ann", "Only the Chair of this session or the event's organizers can do this.")]

    room.say("U0LENE", "/floor next")
    assert room.take() == [
        ("marie", "Vous avez la parole\u00a0: 3 minutes."),
        ("diego", "Le toca a usted a continuación en la lista de oradores. Prepárese para activar el micrófono "
                  "cuando la Presidencia le conceda la palabra."),
    ]
    room.run_timers_until(room.clock.now() + timedelta(minutes=2, seconds=40))
    assert room.take() == [("marie", "Il vous reste 30 secondes.")]
    room.say("U0LENE", "/floor prolonger 1")
    room.run_timers_until(room.clock.now() + timedelta(minutes=5))
    assert room.take() == [
        ("marie", "La présidence vous accorde 1 minute de plus."),
        ("marie", "Il vous reste 30 secondes."),
        ("marie", "Votre temps de parole est écoulé. Veuillez conclure."),
    ]

    room.say("U0LENE", "/floor cerrar")
    room.say("U0MARIE", "main")
    room.say("U0MARIE", "motion d'ordre")
    room.say("U0ANN", "Where am I?")
    assert room.take() == [
        ("marie", "La liste des orateurs est close\u202f; seules les motions d'ordre sont encore acceptées."),
        ("marie", "La liste des orateurs est close, mais les motions d'ordre sont toujours acceptées\u00a0: vous êtes "
                  "en 1re position (d'un instant à l'autre)."),
        ("ann", "You are 3rd on the list of speakers (in about 6 minutes).\nWhy:\n"
                "• One request of a higher priority (a point of order, a clarifying question or a direct reply) "
                "is ahead of you.\n"
                "• In the balanced order the stakeholder groups take turns, those heard least recently first: the "
                "“Business” group has not been heard yet."),
    ]
    room.say("U0DIEGO", "q-")
    assert room.take() == [("diego", "Se ha retirado su solicitud de uso de la palabra.")]
    assert [r.person for r in f.queue(room.state, POLICY)] == ["marie", "ann"]

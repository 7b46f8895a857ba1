"""A small, honest in-memory floor for the console tests: a real list (ordered by kind, then time), a
timer on the injected clock, chair powers from a tiny schedule, and a dispatcher that answers through the
LocalChat exactly as the real one would (private notices, mirrored copies marked untranslated).

It stands in for the runtime until the real one can be started in tests; it is not a mock of our code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.adapters.web.local_chat import LocalChat
from bot.adapters.web.views import (
    CueView,
    EventView,
    FloorView,
    LedgerState,
    PersonView,
    PlaceView,
    Powers,
    QuestionView,
    RequestView,
    TimerView,
)
from bot.app.clock import SimulatedClock
from bot.app.ports.chat import Action, AudienceKind, Author, InboundEvent, InboundKind, Post

KIND_ORDER = {"point-of-order": 0, "clarifying": 1, "reply": 2, "new": 3}
GROUPS = {
    "un": {"en": "United Nations", "fr": "Organisation des Nations Unies", "es": "Naciones Unidas"},
    "states": {"en": "States", "fr": "États", "es": "Estados"},
    "civil-society": {"en": "Civil society", "fr": "Société civile", "es": "Sociedad civil"},
    "business": {"en": "Business", "fr": "Entreprises", "es": "Empresas"},
    "other": {"en": "Other", "fr": "Autres", "es": "Otros"},
}
PEOPLE = [
    PersonView("lene-wendland", "Lene Wendland", "un", "en", {"en": "Chief, Business and Human Rights Unit, OHCHR"}),
    PersonView("ana-garcia", "Ana García", "civil-society", "es"),
    PersonView("marc-dubois", "Marc Dubois", "business", "fr"),
    PersonView("kwame-mensah", "Kwame Mensah", "states", "en"),
]
QUESTIONS = [
    {"en": "How can States use the smart mix of measures for technology companies?",
     "fr": "Comment les États peuvent-ils appliquer une combinaison judicieuse de mesures aux entreprises "
           "technologiques ?",
     "es": "¿Cómo pueden los Estados aplicar una combinación inteligente de medidas a las empresas tecnológicas?"},
    {"en": "What does human rights due diligence require of technology companies?",
     "fr": "Qu'exige la diligence raisonnable en matière de droits de l'homme des entreprises technologiques ?",
     "es": "¿Qué exige la debida diligencia en materia de derechos humanos a las empresas tecnológicas?"},
]
REQUEST_WORDS = {"hand", "raise hand", "main", "mano", "q+"}
WITHDRAW_WORDS = {"q-", "withdraw", "lower hand", "retirer", "retirar"}


@dataclass
class Pending:
    request_id: str
    person: str
    name: str
    group: str
    language: str
    kind: str
    note: str | None
    at: datetime


@dataclass
class MemoryFloor:
    """The console's model and the dispatcher's inbound handler, over one discussion."""

    chat: LocalChat
    clock: SimulatedClock
    speaking_time: timedelta = timedelta(minutes=3)
    warn_before: timedelta = timedelta(seconds=30)
    chairs: frozenset[str] = frozenset({"lene-wendland"})
    discussion: str | None = "session-1"
    is_open: bool = True
    queue: list[Pending] = field(default_factory=list)
    speaking: tuple[Pending, datetime, datetime] | None = None  # request, started, ends
    question_index: int = 0
    seen: set[str] = field(default_factory=set)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (user, verb): the audit trail
    _ids: int = 0

    # -- ConsoleModel --------------------------------------------------------------------------------------

    async def event(self) -> EventView:
        return EventView(
            id="ungp-tech-2022",
            title={"en": "UNGPs and technology companies — multi-stakeholder consultation",
                   "fr": "Les Principes directeurs et les entreprises technologiques — consultation multipartite",
                   "es": "Los Principios Rectores y las empresas tecnológicas — consulta de múltiples partes "
                         "interesadas"},
            timezone="Europe/Zurich", timezone_label="CET", groups=GROUPS,
        )

    async def people(self) -> Sequence[PersonView]:
        return PEOPLE

    async def person_key(self, user_id: str) -> str:
        candidate = user_id.removeprefix("web:")
        return candidate if any(p.id == candidate for p in PEOPLE) else f"web:{user_id}"

    async def powers(self, user_id: str) -> Powers:
        chair = await self.person_key(user_id) in self.chairs
        return Powers(chair=chair, organizer=chair)

    def _ordered(self) -> list[Pending]:
        # Stable: within a kind, the order of `queue` (arrival, or as the chair rearranged it).
        return sorted(self.queue, key=lambda r: KIND_ORDER[r.kind])

    def _remaining(self) -> timedelta:
        if self.speaking is None:
            return timedelta(0)
        return max(timedelta(0), self.speaking[2] - self.clock.now())

    async def floor_view(self, discussion: str | None = None) -> FloorView:
        views = []
        for index, r in enumerate(self._ordered()):
            wait = self._remaining() + index * self.speaking_time
            views.append(RequestView(r.request_id, r.person, r.name, r.group, r.language, r.kind, r.note, r.at,
                                     index + 1, int(wait.total_seconds())))
        return FloorView(self.discussion, {"en": "Session 1 — open discussion", "fr": "Séance 1 — débat ouvert",
                                           "es": "Sesión 1 — debate abierto"},
                         self.is_open, await self.timer(), views)

    async def position(self, user_id: str, lang: str) -> PlaceView | None:
        key = await self.person_key(user_id)
        for index, r in enumerate(self._ordered()):
            if r.person == key:
                wait = self._remaining() + index * self.speaking_time
                return PlaceView(index + 1, int(wait.total_seconds()), r.kind)
        return None

    async def timer(self) -> TimerView | None:
        if self.speaking is None:
            return None
        r, started, ends = self.speaking
        return TimerView(r.person, r.name, r.group, r.language, r.kind, started, ends, ends - self.warn_before)

    async def next_question(self) -> QuestionView | None:
        if self.question_index >= len(QUESTIONS):
            return None
        return QuestionView(self.question_index + 1, len(QUESTIONS), QUESTIONS[self.question_index])

    async def run_of_show(self) -> Sequence[CueView]:
        start = datetime.fromisoformat("2022-03-07T09:00:00+00:00")
        rows = [
            (-10, "session-reminder", "session-1", {"en": "Session 1 starts in 10 minutes",
                                                    "fr": "La séance 1 commence dans 10 minutes",
                                                    "es": "La sesión 1 comienza en 10 minutos"}, LedgerState.MISSED),
            (0, "opening", "opening", {"en": "Opening", "fr": "Ouverture", "es": "Apertura"}, LedgerState.POSTED),
            (15, "floor-open", "session-1", {"en": "Session 1 — the floor is open",
                                             "fr": "Séance 1 — la liste des orateurs est ouverte",
                                             "es": "Sesión 1 — la lista de oradores está abierta"}, LedgerState.LATE),
            (30, "question", "session-1", {"en": "Guiding question 1", "fr": "Question directrice 1",
                                           "es": "Pregunta orientadora 1"}, LedgerState.PENDING),
            (45, "question", "session-1", {"en": "Guiding question 2", "fr": "Question directrice 2",
                                           "es": "Pregunta orientadora 2"}, LedgerState.PENDING),
            (120, "session-close", "session-1", {"en": "Session 1 closes", "fr": "Clôture de la séance 1",
                                              "es": "Cierre de la sesión 1"}, LedgerState.PENDING),
        ]
        return [CueView(start + timedelta(minutes=m), kind, item, title, state)
                for m, kind, item, title, state in rows]

    # -- the dispatcher's side -----------------------------------------------------------------------------

    async def handle(self, event: InboundEvent) -> None:
        if event.event_id in self.seen:
            return
        self.seen.add(event.event_id)
        key = await self.person_key(event.user_id)
        text = event.text.strip().lower()
        if event.kind is InboundKind.MESSAGE:
            if text in REQUEST_WORDS:
                await self._request(event, key, "new", None)
            elif text in WITHDRAW_WORDS:
                await self._withdraw(event.user_id, key)
            else:
                for lang in ("en", "fr", "es"):
                    if lang != event.channel_language:
                        await self.chat.post(lang, Post(event.text, author=Author(event.display_name),
                                                        reply_to=event.ref))
            return
        verb = event.extra.get("verb", "")
        if event.kind is InboundKind.ACTION and event.extra.get("action_id") == "floor.request":
            verb = "request"
        if verb == "request":
            await self._request(event, key, event.extra.get("kind", "new"), event.extra.get("note"))
        elif verb == "point-of-order":
            await self._request(event, key, "point-of-order", None)
        elif verb == "withdraw":
            await self._withdraw(event.user_id, key)
        elif verb == "position":
            place = await self.position(event.user_id, event.language or "en")
            await self.chat.reply_private(event.user_id, f"You are number {place.place}." if place else
                                          "You are not on the list.")
        elif not (await self.powers(event.user_id)).chair:
            self.refused.append((event.user_id, verb))
            await self.chat.reply_private(event.user_id, "Only the chair can do that.")
        else:
            await self._chair(verb, event)

    async def _request(self, event: InboundEvent, key: str, kind: str, note: str | None) -> None:
        if any(r.person == key for r in self.queue):
            await self.chat.reply_private(event.user_id, "You are already on the list.")
            return
        if not self.is_open and kind != "point-of-order":
            await self.chat.reply_private(event.user_id, "The list is closed.")
            return
        person = next((p for p in PEOPLE if p.id == key), None)
        self._ids += 1
        self.queue.append(Pending(
            str(self._ids), key, person.name if person else event.display_name,
            person.group if person else event.extra.get("group", "other"),
            person.language if person else (event.language or "en"), kind, note, self.clock.now(),
        ))
        place = await self.position(event.user_id, event.language or "en")
        assert place is not None
        await self.chat.reply_private(event.user_id, f"You are number {place.place} on the list.")

    async def _withdraw(self, user_id: str, key: str) -> None:
        before = len(self.queue)
        self.queue = [r for r in self.queue if r.person != key]
        await self.chat.reply_private(user_id, "Your request is withdrawn." if len(self.queue) < before else
                                      "You are not on the list.")

    async def _give(self, request: Pending) -> None:
        self.queue.remove(request)
        now = self.clock.now()
        self.speaking = (request, now, now + self.speaking_time)
        user = f"web:{request.person}" if not request.person.startswith("web:") else request.person[4:]
        await self.chat.reply_private(user, "You have the floor: 3 minutes.")
        await self.chat.announce({lang: f"{request.name} has the floor." for lang in ("en", "fr", "es")})
        ordered = self._ordered()
        if ordered:
            nxt = ordered[0]
            nxt_user = f"web:{nxt.person}" if not nxt.person.startswith("web:") else nxt.person[4:]
            await self.chat.reply_private(nxt_user, "You are next.")

    async def _chair(self, verb: str, event: InboundEvent) -> None:
        target = event.extra.get("target")
        ordered = self._ordered()
        chosen = next((r for r in ordered if r.person == target), None)
        if verb == "next" and ordered:
            await self._give(ordered[0])
        elif verb == "give" and chosen:
            await self._give(chosen)
        elif verb == "skip" and len(ordered) > 1:
            ordered[0], ordered[1] = ordered[1], ordered[0]
            self.queue = ordered
        elif verb == "remove" and chosen:
            self.queue.remove(chosen)
        elif verb == "move" and chosen:
            place = int(event.extra.get("value", "0")) - 1
            if 0 <= place < len(ordered):
                ordered.remove(chosen)
                ordered.insert(place, chosen)
                self.queue = ordered
        elif verb == "close":
            self.is_open = False
        elif verb == "open":
            self.is_open = True
        elif verb == "stop":
            self.speaking = None
        elif verb == "extend" and self.speaking:
            request, started, ends = self.speaking
            self.speaking = (request, started, ends + timedelta(minutes=int(event.extra.get("value") or 1)))
        elif verb == "question":
            number = int(event.extra.get("value") or self.question_index + 1)
            texts = QUESTIONS[number - 1]
            await self.chat.announce(texts, key=f"cue:session-1/question/{number}",
                                     actions=(Action("floor.request", "✋", style="primary"),))
            self.question_index = number
        elif verb == "announce":
            text = event.extra.get("text", "")
            await self.chat.announce({lang: text for lang in ("en", "fr", "es")})
            await self.chat.announce({lang: f"Announcement sent: {text}" for lang in ("en", "fr", "es")},
                                     audience=AudienceKind.CHAIRS)

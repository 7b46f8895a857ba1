"""Chat grammar: turn a whole chat message (or the text after ``/floor``) into a `Command`.

Only whole messages are commands: "I have a question about the main issue" is chat, "main" is a
request for the floor. Matching ignores case, accents, curly quotes, runs of spaces and punctuation
around the message, and a polite "please"/"s'il vous plaît"/"por favor". Anything else is `None`
(plain chat), never a guess. docs/chat-grammar.md lists every form.

- `parse(text)`: a chat message. Attendee intents only, unless the message starts with ``/floor``
  (chat surfaces without slash commands, such as Zoom's in-meeting chat or the web console).
- `parse_floor(args)`: the text after the ``/floor`` slash command: empty means "request the floor";
  chair verbs (next, give @x, ...) and attendee intents are both recognised.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from bot.domain.durations import parse_duration
from bot.domain.floor.state import RequestKind
from bot.domain.signals import SIGNAL_TEXT, signal_kind

DEFAULT_EXTENSION = timedelta(minutes=1)
MAX_NOTE_LENGTH = 300


class Verb(StrEnum):
    REQUEST = "request"
    WITHDRAW = "withdraw"
    POSITION = "position"
    LANG = "lang"
    GROUP = "group"  # the stakeholder group one says one belongs to, named as written (`text`)
    HELP = "help"
    NEXT = "next"
    GIVE = "give"
    SKIP = "skip"
    REMOVE = "remove"
    MOVE = "move"
    CLOSE = "close"
    OPEN = "open"
    QUESTION = "question"
    EXTEND = "extend"
    STOP = "stop"
    ANNOUNCE = "announce"
    REPOST = "repost"  # post an announcement of the run of show that a late start skipped
    # The chair moves the plan live (bot.domain.agenda.adjustments): `number` holds the minutes.
    DELAY = "delay"  # the rest of the day, N minutes later (negative: pulled forward)
    EXTEND_DISCUSSION = "extend-discussion"  # the running discussion, N minutes longer
    NEXT_PANELLIST = "next-panellist"  # the current panel turn ends: the next starts now
    START_DISCUSSION = "start-discussion"  # the panel ends: the discussion opens now
    SIGNAL = "signal"  # an interpreter's signal to the chair: `signal` holds its kind, `text` free words


CHAIR_VERBS: frozenset[Verb] = frozenset(
    {
        Verb.NEXT,
        Verb.GIVE,
        Verb.SKIP,
        Verb.REMOVE,
        Verb.MOVE,
        Verb.CLOSE,
        Verb.OPEN,
        Verb.QUESTION,
        Verb.EXTEND,
        Verb.STOP,
        Verb.ANNOUNCE,
        Verb.REPOST,
        Verb.DELAY,
        Verb.EXTEND_DISCUSSION,
        Verb.NEXT_PANELLIST,
        Verb.START_DISCUSSION,
    }
)


@dataclass(frozen=True)
class Target:
    """Who a chair verb is about, as written: ``@handle``, a person key (``@ana-garcia``, ``@web:guest:x``,
    ``@slack:U0LENE`` as the Slack adapter writes a mention) or a one-word name. Resolving it to a person
    is the caller's job (against the schedule and the list)."""

    raw: str

    @property
    def handle(self) -> str:
        return self.raw.lstrip("@")


@dataclass(frozen=True)
class Command:
    verb: Verb
    kind: RequestKind | None = None  # REQUEST
    note: str | None = None  # REQUEST: the text after "q+ to"
    target: Target | None = None  # GIVE, REMOVE, MOVE
    number: int | None = None  # QUESTION (None = the next one), MOVE (the 1-based position), DELAY & co (minutes)
    duration: timedelta | None = None  # EXTEND
    text: str | None = None  # ANNOUNCE, verbatim; GROUP, the group as named
    language: str | None = None  # LANG
    cue: str | None = None  # REPOST: the cue's id, as the chairs' summary lists it
    signal: str | None = None  # SIGNAL: one of SIGNALS, or "text" (the words are in `text`)

    @property
    def is_chair(self) -> bool:
        return self.verb in CHAIR_VERBS


# ------------------------------------------------------------------ normalisation

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
_EDGE_PUNCT = " .,!?;:¡¿\"'«»()[]…*_~"
_POLITE = ("please", "pls", "plz", "svp", "s'il vous plait", "s'il te plait", "stp", "por favor", "porfa")


def normalize(text: str) -> str:
    """Lower case, no accents, straight quotes, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def _core(normalized: str) -> str:
    """Without surrounding punctuation and a polite word before or after."""
    text = normalized.strip(_EDGE_PUNCT)
    for word in _POLITE:
        if text.endswith(" " + word) or text.endswith("," + word):
            text = text[: -len(word)].strip(_EDGE_PUNCT + ",")
        if text.startswith(word + " ") or text.startswith(word + ","):
            text = text[len(word) :].strip(_EDGE_PUNCT + ",")
    return text


# ------------------------------------------------------------------ attendee phrases (normalised forms)

_REQUEST = {
    # en
    "hand", "raise hand", "raised hand", "hand up", "raise my hand", "i raise my hand",
    "i'd like the floor", "i would like the floor", "may i have the floor", "can i have the floor",
    "could i have the floor", "i request the floor", "request the floor", "requesting the floor",
    "i'd like to speak", "i would like to speak", "i wish to speak", "i'd like to take the floor",
    "i would like to take the floor",
    # fr
    "main", "main levee", "lever la main", "je leve la main", "je demande la parole", "demande de parole",
    "la parole", "je voudrais la parole", "je souhaite la parole", "je voudrais prendre la parole",
    "je souhaite prendre la parole", "je souhaiterais prendre la parole", "je voudrais intervenir",
    "je souhaite intervenir", "je souhaiterais intervenir",
    # es
    "mano", "mano levantada", "levantar la mano", "levanto la mano", "pido la palabra", "quiero la palabra",
    "solicito la palabra", "quisiera la palabra", "quisiera tomar la palabra", "quiero tomar la palabra",
    "quiero hablar", "quisiera hablar", "quisiera intervenir", "deseo intervenir", "quiero intervenir",
    "deseo hacer uso de la palabra", "la palabra",
}  # fmt: skip

_POINT_OF_ORDER = {
    "point of order", "on a point of order", "i rise on a point of order",
    "motion d'ordre", "point d'ordre", "rappel au reglement", "une motion d'ordre",
    "cuestion de orden", "mocion de orden", "punto de orden", "una cuestion de orden",
}  # fmt: skip

_CLARIFYING = {
    "clarifying question", "point of clarification", "question of clarification", "clarification",
    "request for clarification",
    "question de clarification", "demande de clarification", "demande de precision", "point de clarification",
    "pregunta aclaratoria", "pregunta de aclaracion", "solicitud de aclaracion", "aclaracion",
}  # fmt: skip

_REPLY = {
    "direct reply", "reply directly", "i'd like to reply", "i would like to reply",
    "reponse directe", "je voudrais repondre", "je souhaite repondre",
    "respuesta directa", "quisiera responder", "quiero responder",
}  # fmt: skip

_WITHDRAW = {
    "lower hand", "lower my hand", "hand down", "withdraw", "withdraw my request", "i withdraw",
    "i withdraw my request", "cancel my request", "take me off the list", "remove me from the list",
    "baisser la main", "je baisse la main", "main baissee", "retirer", "retirer ma demande",
    "je retire ma demande", "annuler ma demande",
    "bajar la mano", "bajo la mano", "mano abajo", "retirar", "retiro mi solicitud", "retirar mi solicitud",
    "retiro mi peticion", "cancelar mi solicitud",
}  # fmt: skip

_POSITION = {
    "where am i", "where am i in the list", "where am i on the list", "where am i in the queue",
    "my position", "what is my position", "what's my position", "my place",
    "ma place", "ma position", "quelle est ma place", "ou en suis-je", "ou suis-je", "mon tour",
    "c'est quand mon tour",
    "mi turno", "mi lugar", "mi posicion", "cuando me toca", "cual es mi turno", "en que lugar estoy",
}  # fmt: skip

_PHRASES: dict[str, tuple[Verb, RequestKind | None]] = {
    **{p: (Verb.REQUEST, RequestKind.NEW) for p in _REQUEST},
    **{p: (Verb.REQUEST, RequestKind.POINT_OF_ORDER) for p in _POINT_OF_ORDER},
    **{p: (Verb.REQUEST, RequestKind.CLARIFYING) for p in _CLARIFYING},
    **{p: (Verb.REQUEST, RequestKind.REPLY) for p in _REPLY},
    **{p: (Verb.WITHDRAW, None) for p in _WITHDRAW},
    **{p: (Verb.POSITION, None) for p in _POSITION},
}

# Kind words accepted after "q+" (first word(s) of what follows), then an optional note.
_Q_KINDS: dict[str, RequestKind] = {
    "point of order": RequestKind.POINT_OF_ORDER, "motion d'ordre": RequestKind.POINT_OF_ORDER,
    "point d'ordre": RequestKind.POINT_OF_ORDER, "cuestion de orden": RequestKind.POINT_OF_ORDER,
    "mocion de orden": RequestKind.POINT_OF_ORDER,
    "clarify": RequestKind.CLARIFYING, "clarifying": RequestKind.CLARIFYING,
    "clarification": RequestKind.CLARIFYING, "precision": RequestKind.CLARIFYING,
    "aclaracion": RequestKind.CLARIFYING, "aclarar": RequestKind.CLARIFYING,
    "reply": RequestKind.REPLY, "direct reply": RequestKind.REPLY, "reponse": RequestKind.REPLY,
    "reponse directe": RequestKind.REPLY, "respuesta": RequestKind.REPLY,
    "respuesta directa": RequestKind.REPLY,
}  # fmt: skip
# Short kind words only count alone: "q+ order" is a point of order, "q+ order of business" a note.
_Q_KINDS_ALONE: dict[str, RequestKind] = {
    "order": RequestKind.POINT_OF_ORDER, "ordre": RequestKind.POINT_OF_ORDER, "orden": RequestKind.POINT_OF_ORDER,
}  # fmt: skip
_NOTE_LEADS = ("to", "pour", "para", "sur", "about", "on", "sobre", ":", "-")

_Q_PLUS = re.compile(r"^\s*q\s*\+(?:\s+(?P<rest>.*?))?\s*$", re.IGNORECASE | re.DOTALL)
_Q_MINUS = re.compile(r"^\s*q\s*-\s*[.!]?\s*$", re.IGNORECASE)
_Q_WHERE = re.compile(r"^\s*q\s*\?\s*$", re.IGNORECASE)
_FLOOR_PREFIX = re.compile(r"^\s*/floor(?:\s+(?P<rest>.*?))?\s*$", re.IGNORECASE | re.DOTALL)

_HAND_EMOJI = {"\u270b", "\U0001f64b", "\U0001f91a"}  # ✋ 🙋 🤚
_EMOJI_NOISE = re.compile("[\ufe0f\u200d\u2640\u2642\U0001f3fb-\U0001f3ff]")
_HAND_CODES = re.compile(
    r"^(?::(?:hand|raised_hand|raising_hand|raised_back_of_hand|(?:wo)?man-raising-hand):"
    r"(?::skin-tone-[2-6]:)?\s*)+$"
)


def parse(text: str) -> Command | None:
    """A chat message as an attendee command, or None when it is ordinary chat."""
    if not text or len(text) > 2000:
        return None
    prefixed = _FLOOR_PREFIX.match(text)
    if prefixed:
        return parse_floor(prefixed.group("rest") or "")
    return _attendee(text)


def parse_floor(args: str) -> Command | None:
    """The text after ``/floor``: empty = request the floor; chair verbs; or an attendee intent."""
    if not args.strip():
        return Command(Verb.REQUEST, RequestKind.NEW)
    return _chair(args) or _attendee(args)


def _attendee(text: str) -> Command | None:
    if _is_hand_emoji(text):
        return Command(Verb.REQUEST, RequestKind.NEW)
    if _Q_MINUS.match(text):
        return Command(Verb.WITHDRAW)
    if _Q_WHERE.match(text):
        return Command(Verb.POSITION)
    q_plus = _Q_PLUS.match(text)
    if q_plus:
        return _q_plus(q_plus.group("rest") or "")
    core = _core(normalize(text))
    found = _PHRASES.get(core)
    if found is None:
        first = core.split(maxsplit=1)[0] if core else ""
        return _chair(text) if _CHAIR_WORDS.get(first) is Verb.LANG else None
    verb, kind = found
    return Command(verb, kind)


def _is_hand_emoji(text: str) -> bool:
    stripped = _EMOJI_NOISE.sub("", text).strip(_EDGE_PUNCT + "\n\t")
    if stripped and all(c in _HAND_EMOJI for c in stripped.replace(" ", "")):
        return True
    return bool(_HAND_CODES.match(text.strip(" .,!?;¡¿\n\t").casefold()))


def _q_plus(rest: str) -> Command:
    """``q+``, ``q+ to <note>``, ``q+ <kind> [to <note>]``, ``q+ <note>``."""
    alone = _Q_KINDS_ALONE.get(normalize(rest).strip(_EDGE_PUNCT))
    if alone is not None:
        return Command(Verb.REQUEST, alone)
    words = rest.split()
    kind = RequestKind.NEW
    norm_words = [normalize(w) for w in words]
    for key in sorted(_Q_KINDS, key=lambda k: -len(k.split())):
        size = len(key.split())
        head = " ".join(norm_words[:size]).rstrip(":,.-")
        if head == key:
            kind = _Q_KINDS[key]
            words = words[size:]
            break
    note = " ".join(words).strip()
    for lead in _NOTE_LEADS:
        if normalize(note).startswith(lead + " ") or (not lead.isalpha() and note.startswith(lead)):
            note = note[len(lead) :].strip()
            break
    note = note.strip(" :-")[:MAX_NOTE_LENGTH]
    if not any(c.isalnum() for c in note):
        note = ""  # "q+ ." or "q+ !" carry no note
    return Command(Verb.REQUEST, kind, note or None)


# ------------------------------------------------------------------ chair verbs

_CHAIR_WORDS: dict[str, Verb] = {
    "next": Verb.NEXT, "next speaker": Verb.NEXT, "suivant": Verb.NEXT, "orateur suivant": Verb.NEXT,
    "siguiente": Verb.NEXT, "siguiente orador": Verb.NEXT,
    "give": Verb.GIVE, "give the floor to": Verb.GIVE, "give floor to": Verb.GIVE, "donner": Verb.GIVE,
    "donner la parole a": Verb.GIVE, "dar": Verb.GIVE, "dar la palabra a": Verb.GIVE,
    "conceder la palabra a": Verb.GIVE, "conceder": Verb.GIVE,
    "skip": Verb.SKIP, "passer": Verb.SKIP, "sauter": Verb.SKIP, "saltar": Verb.SKIP, "omitir": Verb.SKIP,
    "remove": Verb.REMOVE, "retirer": Verb.REMOVE, "supprimer": Verb.REMOVE, "enlever": Verb.REMOVE,
    "quitar": Verb.REMOVE, "eliminar": Verb.REMOVE, "retirar": Verb.REMOVE,
    "move": Verb.MOVE, "deplacer": Verb.MOVE, "mover": Verb.MOVE,
    "close": Verb.CLOSE, "close the list": Verb.CLOSE, "fermer": Verb.CLOSE, "fermer la liste": Verb.CLOSE,
    "clore": Verb.CLOSE, "clore la liste": Verb.CLOSE, "cerrar": Verb.CLOSE, "cerrar la lista": Verb.CLOSE,
    "open": Verb.OPEN, "reopen": Verb.OPEN, "open the list": Verb.OPEN, "reopen the list": Verb.OPEN,
    "ouvrir": Verb.OPEN, "rouvrir": Verb.OPEN, "ouvrir la liste": Verb.OPEN, "rouvrir la liste": Verb.OPEN,
    "abrir": Verb.OPEN, "reabrir": Verb.OPEN, "abrir la lista": Verb.OPEN, "reabrir la lista": Verb.OPEN,
    "question": Verb.QUESTION, "next question": Verb.QUESTION, "question suivante": Verb.QUESTION,
    "pregunta": Verb.QUESTION, "siguiente pregunta": Verb.QUESTION,
    "extend": Verb.EXTEND, "prolonger": Verb.EXTEND, "prorrogar": Verb.EXTEND, "extender": Verb.EXTEND,
    "stop": Verb.STOP, "arreter": Verb.STOP, "detener": Verb.STOP, "parar": Verb.STOP,
    "announce": Verb.ANNOUNCE, "annoncer": Verb.ANNOUNCE, "anunciar": Verb.ANNOUNCE,
    "repost": Verb.REPOST, "republier": Verb.REPOST, "republicar": Verb.REPOST,
    "volver a publicar": Verb.REPOST,
    "delay": Verb.DELAY, "retarder": Verb.DELAY, "decaler": Verb.DELAY, "retrasar": Verb.DELAY,
    "aplazar": Verb.DELAY,
    "extend-discussion": Verb.EXTEND_DISCUSSION, "extend discussion": Verb.EXTEND_DISCUSSION,
    "extend the discussion": Verb.EXTEND_DISCUSSION, "prolonger-debat": Verb.EXTEND_DISCUSSION,
    "prolonger le debat": Verb.EXTEND_DISCUSSION, "prorrogar-debate": Verb.EXTEND_DISCUSSION,
    "prorrogar el debate": Verb.EXTEND_DISCUSSION, "extender-debate": Verb.EXTEND_DISCUSSION,
    "next-panellist": Verb.NEXT_PANELLIST, "next-panelist": Verb.NEXT_PANELLIST,
    "next panellist": Verb.NEXT_PANELLIST, "next panelist": Verb.NEXT_PANELLIST,
    "paneliste-suivant": Verb.NEXT_PANELLIST, "paneliste suivant": Verb.NEXT_PANELLIST,
    "siguiente-panelista": Verb.NEXT_PANELLIST, "siguiente panelista": Verb.NEXT_PANELLIST,
    "start-discussion": Verb.START_DISCUSSION, "start discussion": Verb.START_DISCUSSION,
    "start the discussion": Verb.START_DISCUSSION, "ouvrir-debat": Verb.START_DISCUSSION,
    "ouvrir le debat": Verb.START_DISCUSSION, "abrir-debate": Verb.START_DISCUSSION,
    "abrir el debate": Verb.START_DISCUSSION,
    "help": Verb.HELP, "aide": Verb.HELP, "ayuda": Verb.HELP,
    "signal": Verb.SIGNAL, "signaler": Verb.SIGNAL, "senal": Verb.SIGNAL, "senalar": Verb.SIGNAL,
    "lang": Verb.LANG, "language": Verb.LANG, "langue": Verb.LANG, "idioma": Verb.LANG,
    "lengua": Verb.LANG, "group": Verb.GROUP, "groupe": Verb.GROUP, "grupo": Verb.GROUP,
}  # fmt: skip
_LANGS = {
    "en": "en", "english": "en", "anglais": "en", "ingles": "en",
    "fr": "fr", "french": "fr", "francais": "fr", "frances": "fr",
    "es": "es", "spanish": "es", "espagnol": "es", "espanol": "es",
}  # fmt: skip
_UNITS = re.compile(r"(min(?:ute)?s?|minutos?|sec(?:ond)?s?|secondes?|segundos?)\b")
_MINUTES = re.compile(r"^([+-]?)\s*(\d{1,3})\s*(?:m|mn|min|mins|minutes?|minutos?)?$")
_HANDLE = re.compile(r"^@[\w.\-:]+$", re.UNICODE)  # ":" for keys such as web:guest:x


def _chair(args: str) -> Command | None:
    words = args.split()
    norm = [normalize(w) for w in words]
    for key in sorted(_CHAIR_WORDS, key=lambda k: -len(k.split())):
        size = len(key.split())
        if " ".join(norm[:size]).strip(_EDGE_PUNCT) == key and len(norm) >= size:
            return _chair_args(_CHAIR_WORDS[key], words[size:], args)
    return None


def _chair_args(verb: Verb, rest: list[str], original: str) -> Command | None:
    if verb is Verb.GROUP:  # which groups exist is the schedule's to say (bot.app.groups)
        return Command(verb, text=" ".join(rest)) if rest else None
    if verb is Verb.ANNOUNCE:
        # Verbatim, line breaks included: cut the verb off the original text.
        text = original.strip()
        text = text[len(text.split(maxsplit=1)[0]) :].strip() if rest else ""
        return Command(verb, text=text) if text else None
    if verb in (Verb.GIVE, Verb.REMOVE):
        if len(rest) != 1:
            return None
        target = _target(rest[0])
        return Command(verb, target=target) if target else None
    if verb is Verb.MOVE:
        if len(rest) != 2 or not rest[1].isdigit():
            return None
        target = _target(rest[0])
        return Command(verb, target=target, number=int(rest[1])) if target else None
    if verb is Verb.QUESTION:
        if not rest:
            return Command(verb)
        return Command(verb, number=int(rest[0])) if len(rest) == 1 and rest[0].isdigit() else None
    if verb is Verb.EXTEND:
        if not rest:
            return Command(verb, duration=DEFAULT_EXTENSION)
        try:
            spoken = _UNITS.sub(lambda m: m.group(1)[0], normalize(" ".join(rest)))
            duration = parse_duration(int(spoken) if spoken.isdigit() else spoken)
        except ValueError:
            return None
        return Command(verb, duration=duration) if duration > timedelta(0) else None
    if verb is Verb.REPOST:
        cue = rest[0].strip("`'\"<>") if len(rest) == 1 else ""
        return Command(verb, cue=cue) if cue else None
    if verb in (Verb.DELAY, Verb.EXTEND_DISCUSSION):
        found = _MINUTES.match(normalize(" ".join(rest)).replace("\u2212", "-"))
        if found is None or int(found.group(2)) == 0 or (verb is Verb.EXTEND_DISCUSSION and found.group(1) == "-"):
            return None
        return Command(verb, number=-int(found.group(2)) if found.group(1) == "-" else int(found.group(2)))
    if verb is Verb.SIGNAL:
        if not rest:
            return None
        said = " ".join(rest).strip()
        kind = signal_kind(_core(normalize(said)))
        return Command(verb, signal=kind) if kind else Command(verb, signal=SIGNAL_TEXT, text=said[:MAX_NOTE_LENGTH])
    if verb is Verb.LANG:
        lang = _LANGS.get(normalize(" ".join(rest)).strip(_EDGE_PUNCT)) if len(rest) == 1 else None
        return Command(verb, language=lang) if lang else None
    return Command(verb) if not rest else None


def _target(token: str) -> Target | None:
    token = token.strip(",.;")
    if _HANDLE.match(token):
        return Target(token)
    return None

"""The chat grammar in English, French and Spanish; chair verbs; no false positives."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.domain.floor.state import RequestKind
from bot.domain.grammar import CHAIR_VERBS, Command, Target, Verb, parse, parse_floor
from tests.conftest import ROOT

K = RequestKind
REQUEST = Command(Verb.REQUEST, K.NEW)
WITHDRAW = Command(Verb.WITHDRAW)
POSITION = Command(Verb.POSITION)
ORDER = Command(Verb.REQUEST, K.POINT_OF_ORDER)
CLARIFY = Command(Verb.REQUEST, K.CLARIFYING)
REPLY = Command(Verb.REQUEST, K.REPLY)

# The forms INTERFACES.md promises, then the extra phrasings, per language.
CASES: list[tuple[str, Command]] = [
    # en
    ("hand", REQUEST), ("raise hand", REQUEST), ("Raise hand.", REQUEST), ("HAND!", REQUEST),
    ("I'd like the floor", REQUEST), ("I’d like the floor, please", REQUEST), ("may I have the floor?", REQUEST),
    ("lower hand", WITHDRAW), ("withdraw", WITHDRAW), ("Withdraw my request", WITHDRAW),
    ("point of order", ORDER), ("Point of order!", ORDER), ("where am i", POSITION), ("Where am I?", POSITION),
    ("clarifying question", CLARIFY), ("point of clarification", CLARIFY), ("direct reply", REPLY),
    # fr
    ("main", REQUEST), ("main levée", REQUEST), ("Main levee", REQUEST), ("je demande la parole", REQUEST),
    ("Je demande la parole.", REQUEST), ("JE DEMANDE LA PAROLE !", REQUEST), ("la parole, svp", REQUEST),
    ("je souhaite prendre la parole", REQUEST), ("baisser la main", WITHDRAW), ("retirer", WITHDRAW),
    ("je retire ma demande", WITHDRAW), ("motion d'ordre", ORDER), ("Motion d’ordre", ORDER),
    ("point d'ordre", ORDER), ("ma place", POSITION), ("Où en suis-je ?", POSITION),
    ("question de clarification", CLARIFY), ("demande de précision", CLARIFY), ("réponse directe", REPLY),
    # es
    ("mano", REQUEST), ("levanto la mano", REQUEST), ("pido la palabra", REQUEST), ("¡Pido la palabra!", REQUEST),
    ("quiero la palabra", REQUEST), ("quisiera tomar la palabra, por favor", REQUEST), ("bajar la mano", WITHDRAW),
    ("retirar", WITHDRAW), ("retiro mi solicitud", WITHDRAW), ("cuestión de orden", ORDER),
    ("cuestion de orden", ORDER), ("moción de orden", ORDER), ("mi turno", POSITION), ("¿Mi turno?", POSITION),
    ("¿cuándo me toca?", POSITION), ("pregunta aclaratoria", CLARIFY), ("respuesta directa", REPLY),
    # any
    ("q+", REQUEST), ("Q+", REQUEST), ("  q +  ", REQUEST), ("q-", WITHDRAW), ("Q -", WITHDRAW),
    ("q?", POSITION), ("✋", REQUEST), ("✋🏽", REQUEST), ("🙋‍♀️", REQUEST), (":hand:", REQUEST),
    (":raised_hand::skin-tone-4:", REQUEST), ("/floor", REQUEST),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_attendee_phrases(text: str, expected: Command) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "kind", "note"),
    [
        ("q+ to ask about remedy", K.NEW, "ask about remedy"),
        ("Q+ to ask about Remedy in Tech", K.NEW, "ask about Remedy in Tech"),
        ("q+ pour parler des voies de recours", K.NEW, "parler des voies de recours"),
        ("q+ para hablar de la reparación", K.NEW, "hablar de la reparación"),
        ("q+ human rights due diligence", K.NEW, "human rights due diligence"),
        ("q+ clarify", K.CLARIFYING, None),
        ("q+ clarifying: what does 'nexus' mean?", K.CLARIFYING, "what does 'nexus' mean?"),
        ("q+ précision sur le point 2", K.CLARIFYING, "le point 2"),
        ("q+ aclaración", K.CLARIFYING, None),
        ("q+ reply to Ms. Wendland", K.REPLY, "Ms. Wendland"),
        ("q+ réponse", K.REPLY, None),
        ("q+ respuesta directa para la Sra. Hicks", K.REPLY, "la Sra. Hicks"),
        ("q+ point of order", K.POINT_OF_ORDER, None),
        ("q+ motion d'ordre", K.POINT_OF_ORDER, None),
        ("q+ cuestión de orden", K.POINT_OF_ORDER, None),
    ],
)
def test_q_plus_with_kinds_and_notes(text: str, kind: RequestKind, note: str | None) -> None:
    assert parse(text) == Command(Verb.REQUEST, kind, note)


def test_long_notes_are_cut() -> None:
    command = parse("q+ to " + "x" * 1000)
    assert command is not None and command.note is not None and len(command.note) == 300


CHAIR_CASES: list[tuple[str, Command]] = [
    ("next", Command(Verb.NEXT)), ("suivant", Command(Verb.NEXT)), ("Siguiente", Command(Verb.NEXT)),
    ("orateur suivant", Command(Verb.NEXT)),
    ("give @lene-wendland", Command(Verb.GIVE, target=Target("@lene-wendland"))),
    ("give @slack:U0LENE", Command(Verb.GIVE, target=Target("@slack:U0LENE"))),  # a Slack mention
    ("donner @web:guest:amina", Command(Verb.GIVE, target=Target("@web:guest:amina"))),
    ("donner la parole à @peggy", Command(Verb.GIVE, target=Target("@peggy"))),
    ("dar la palabra a @peggy", Command(Verb.GIVE, target=Target("@peggy"))),
    ("dar @peggy", Command(Verb.GIVE, target=Target("@peggy"))),
    ("skip", Command(Verb.SKIP)), ("passer", Command(Verb.SKIP)), ("saltar", Command(Verb.SKIP)),
    ("remove @bob", Command(Verb.REMOVE, target=Target("@bob"))),
    ("retirer @bob", Command(Verb.REMOVE, target=Target("@bob"))),
    ("quitar @bob", Command(Verb.REMOVE, target=Target("@bob"))),
    ("move @bob 2", Command(Verb.MOVE, target=Target("@bob"), number=2)),
    ("déplacer @bob 1", Command(Verb.MOVE, target=Target("@bob"), number=1)),
    ("close", Command(Verb.CLOSE)), ("fermer", Command(Verb.CLOSE)), ("cerrar la lista", Command(Verb.CLOSE)),
    ("open", Command(Verb.OPEN)), ("reopen", Command(Verb.OPEN)), ("ouvrir", Command(Verb.OPEN)),
    ("rouvrir la liste", Command(Verb.OPEN)), ("abrir", Command(Verb.OPEN)),
    ("question", Command(Verb.QUESTION)), ("question 2", Command(Verb.QUESTION, number=2)),
    ("pregunta 3", Command(Verb.QUESTION, number=3)),
    ("extend", Command(Verb.EXTEND, duration=timedelta(minutes=1))),
    ("extend 2", Command(Verb.EXTEND, duration=timedelta(minutes=2))),
    ("prolonger 30s", Command(Verb.EXTEND, duration=timedelta(seconds=30))),
    ("prorrogar 2 minutos", Command(Verb.EXTEND, duration=timedelta(minutes=2))),
    ("extend 1 min", Command(Verb.EXTEND, duration=timedelta(minutes=1))),
    ("stop", Command(Verb.STOP)), ("arrêter", Command(Verb.STOP)), ("detener", Command(Verb.STOP)),
    ("announce The session resumes at 15:00.", Command(Verb.ANNOUNCE, text="The session resumes at 15:00.")),
    ("annoncer Reprise à 15 h", Command(Verb.ANNOUNCE, text="Reprise à 15 h")),
    ("anunciar Se reanuda a las 15:00\nGracias", Command(Verb.ANNOUNCE, text="Se reanuda a las 15:00\nGracias")),
    ("repost session-1/question/2", Command(Verb.REPOST, cue="session-1/question/2")),
    ("republier `session-1/floor`", Command(Verb.REPOST, cue="session-1/floor")),
    ("republicar session-2/panel/1", Command(Verb.REPOST, cue="session-2/panel/1")),
    ("volver a publicar session-2/floor", Command(Verb.REPOST, cue="session-2/floor")),
    ("lang fr", Command(Verb.LANG, language="fr")), ("langue espagnol", Command(Verb.LANG, language="es")),
    ("idioma inglés", Command(Verb.LANG, language="en")),
    # The chair moves the plan live: minutes in `number`, negative to pull forward.
    ("delay 10", Command(Verb.DELAY, number=10)), ("delay -5", Command(Verb.DELAY, number=-5)),
    ("delay 15 min", Command(Verb.DELAY, number=15)), ("retarder 10 minutes", Command(Verb.DELAY, number=10)),
    ("décaler −5", Command(Verb.DELAY, number=-5)), ("retrasar 5 minutos", Command(Verb.DELAY, number=5)),
    ("extend-discussion 10", Command(Verb.EXTEND_DISCUSSION, number=10)),
    ("extend discussion 5m", Command(Verb.EXTEND_DISCUSSION, number=5)),
    ("prolonger-débat 10", Command(Verb.EXTEND_DISCUSSION, number=10)),
    ("prorrogar el debate 10", Command(Verb.EXTEND_DISCUSSION, number=10)),
    ("next-panellist", Command(Verb.NEXT_PANELLIST)), ("next panelist", Command(Verb.NEXT_PANELLIST)),
    ("panéliste suivant", Command(Verb.NEXT_PANELLIST)), ("siguiente-panelista", Command(Verb.NEXT_PANELLIST)),
    ("start-discussion", Command(Verb.START_DISCUSSION)), ("ouvrir le débat", Command(Verb.START_DISCUSSION)),
    ("abrir-debate", Command(Verb.START_DISCUSSION)),
]  # fmt: skip


@pytest.mark.parametrize(("args", "expected"), CHAIR_CASES)
def test_chair_verbs_after_slash_floor(args: str, expected: Command) -> None:
    assert parse_floor(args) == expected
    # Typed in a chat without slash commands (Zoom chat, the console), with the prefix.
    assert parse("/floor " + args) == expected


@pytest.mark.parametrize(
    "args",
    ["give", "give bob", "give @a @b", "remove", "move @bob", "move @bob x", "question two", "extend forever",
     "extend 0", "announce", "lang de", "next now", "close it", "stop talking", "skip me please",
     "give <@U0LENE|lene>",  # Slack's own syntax is the Slack adapter's to translate
     "repost", "repost a b", "delay", "delay 0", "delay soon", "delay 10 hours",
     "extend-discussion -5", "extend-discussion", "next-panellist now", "start-discussion 5"],
)
def test_malformed_chair_verbs_are_not_commands(args: str) -> None:
    assert parse_floor(args) is None


def test_chair_verbs_in_plain_chat_are_plain_chat() -> None:
    for text in ["next", "give @bob", "close", "stop", "announce hello", "question 2", "skip"]:
        assert parse(text) is None, text


def test_attendee_intents_also_work_after_slash_floor() -> None:
    assert parse_floor("point of order") == ORDER
    assert parse_floor("q+ to ask about remedy") == Command(Verb.REQUEST, K.NEW, "ask about remedy")
    assert parse_floor("retirer") == WITHDRAW  # without a target it is the attendee's own withdrawal


def test_chair_flag() -> None:
    assert {c.verb for _, c in CHAIR_CASES if c.is_chair} == set(CHAIR_VERBS)
    assert not REQUEST.is_chair and not Command(Verb.LANG, language="fr").is_chair


ORDINARY = [
    "I have a question about the main issue", "la main d'oeuvre", "la mano de obra", "hand in the report",
    "main", "Can you hand me the report?", "the main point", "main levée de la séance ?", "handout",
    "Q+A session tomorrow", "q+a", "point of order was raised yesterday", "where am i supposed to go",
    "je demande la parole à la présidence pour demain", "la parole est à vous", "mano a mano",
    "¿Dónde está la mano de obra?", "my turn to host", "mi turno de noche", "raise hand signals",
    "withdrawal symptoms", "retirer de l'argent", "retirar el informe", "✋ stop", "hand-in",
    "next", "/floorplan", "/floor give", "hands", "manos", "mains", "questions?", "close the door",
]  # fmt: skip


@pytest.mark.parametrize("text", [t for t in ORDINARY if t != "main"])
def test_ordinary_sentences_are_plain_chat(text: str) -> None:
    assert parse(text) is None


# Words that never appear in any command form: a sentence containing one is never a command.
ANCHORS = ["report", "issue", "d'oeuvre", "obra", "working", "travail", "trabajo", "meeting", "today",
           "aujourd'hui", "hoy", "remedy", "recours"]  # fmt: skip
WORDS = ANCHORS + [
    "I", "have", "a", "question", "about", "the", "main", "hand", "in", "la", "mano", "de", "main", "levée",
    "point", "of", "order", "ordre", "orden", "motion", "cuestión", "parole", "palabra", "raise", "lower",
    "withdraw", "retirer", "retirar", "where", "am", "ma", "place", "mi", "turno", "q+", "q-", "q?", "✋",
    "next", "give", "close", "open", "stop", "please", "por", "favor", "svp", "!", "?", ".", ",", "je",
    "demande", "pido", "levanto", "baisser", "bajar", "clarification", "reply", "réponse", "respuesta",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=12),
    anchor=st.sampled_from(ANCHORS),
    at=st.integers(0, 12),
)
@example(words=["I", "have", "a", "question", "about", "the", "main"], anchor="issue", at=7)
@example(words=["la", "main"], anchor="d'oeuvre", at=2)
@example(words=["hand", "in", "the"], anchor="report", at=3)
def test_no_false_positives_on_ordinary_sentences(words: list[str], anchor: str, at: int) -> None:
    sentence = [*words]
    sentence.insert(min(at, len(sentence)), anchor)
    text = " ".join(sentence)
    if text.split()[0] in {"q+", "/floor"}:
        return  # "q+ <anything>" is a request with a note, by design
    assert parse(text) is None, text


@settings(max_examples=1000, deadline=None)
@given(st.text())
def test_never_crashes_on_any_text(text: str) -> None:
    result = parse(text)
    assert result is None or isinstance(result, Command)
    result = parse_floor(text)
    assert result is None or isinstance(result, Command)


@settings(max_examples=300, deadline=None)
@given(
    phrase=st.sampled_from([t for t, _ in CASES if not t.startswith("/")]),
    left=st.sampled_from(["", " ", "  ", "\n", "\t"]),
    right=st.sampled_from(["", " ", "\n", ".", "!", " !", "?", "..."]),
    upper=st.booleans(),
)
def test_case_spacing_and_trailing_punctuation_do_not_matter(phrase: str, left: str, right: str,
                                                             upper: bool) -> None:
    expected = parse(phrase)
    if phrase.strip().lower().startswith("q") and right in {"?", "!", " !", "...", "."}:
        return  # q+/q-/q? take no trailing punctuation other than their own
    text = left + (phrase.upper() if upper else phrase) + right
    assert parse(text) == expected, text


def test_every_attendee_form_in_the_documentation_parses() -> None:
    doc = (ROOT / "docs" / "chat-grammar.md").read_text(encoding="utf-8")
    table = doc.split("## Attendees", 1)[1].split("Notes after", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]
    forms = [f for row in rows for f in re.findall(r"`([^`]+)`", row)]
    assert len(forms) > 100
    for form in forms:
        text = form.replace("<note>", "remedy")
        if form in {"en", "fr", "es"}:
            text = f"lang {form}"
        assert parse(text) is not None, form


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_every_form_the_help_shows_works(lang: str) -> None:
    from bot.i18n import catalog as i18n

    assert parse_floor("help") == parse_floor("aide") == parse_floor("Ayuda") == Command(Verb.HELP)
    assert parse("help") is None  # "help" in chat is addressed to people
    shown = re.findall(r"`([^`]+)`", i18n.render("floor.help.attendee", lang) + i18n.render("floor.help.chair", lang))
    assert len(shown) > 20
    for form in shown:
        text = re.sub(r"@\w+", "@lene", form).replace(" [N]", " 2").replace(" [1m]", " 1m")
        text = re.sub(r"<\w+>", "hello", text)
        assert parse(text) is not None, form

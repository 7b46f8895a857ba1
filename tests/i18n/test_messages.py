"""Replies and explanations, rendered in the three languages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.domain.floor import explain as e
from bot.domain.floor import rules as f
from bot.domain.floor.events import Outcome
from bot.domain.floor.policy import FloorPolicy, OrderPolicy
from bot.domain.floor.state import FloorState, RequestKind
from bot.i18n import catalog as i18n
from bot.i18n import formats
from bot.i18n.messages import render
from tests.conftest import ROOT
from tests.domain.helpers import ask, at, person, policy

K = RequestKind
ANA, BEN, CHO, DEV = person("ana"), person("ben", "business"), person("cho", "civil-society"), person("dev")


@pytest.mark.parametrize(
    ("n", "en", "fr", "es"),
    [(1, "1st", "1re", "1.º"), (2, "2nd", "2e", "2.º"), (3, "3rd", "3e", "3.º"), (4, "4th", "4e", "4.º"),
     (11, "11th", "11e", "11.º"), (12, "12th", "12e", "12.º"), (13, "13th", "13e", "13.º"),
     (21, "21st", "21e", "21.º"), (22, "22nd", "22e", "22.º"), (101, "101st", "101e", "101.º"),
     (111, "111th", "111e", "111.º")],
)  # fmt: skip
def test_ordinals(n: int, en: str, fr: str, es: str) -> None:
    assert (formats.ordinal(n, "en"), formats.ordinal(n, "fr"), formats.ordinal(n, "es")) == (en, fr, es)


def test_waits_and_durations() -> None:
    assert formats.wait(timedelta(0), "en") == "any moment now"
    assert formats.wait(timedelta(seconds=30), "fr") == "dans moins d'une minute"
    assert formats.wait(timedelta(seconds=70), "es") == "dentro de un minuto aproximadamente"
    assert formats.wait(timedelta(minutes=9, seconds=10), "en") == "in about 9 minutes"
    assert formats.duration(timedelta(minutes=3), "fr", short=True) == "3 minutes"
    assert formats.duration(timedelta(seconds=150), "en", short=True) == "2 min 30 s"
    assert formats.duration(timedelta(seconds=30), "es", short=True) == "30 segundos"
    assert formats.duration(timedelta(minutes=1), "es", short=True) == "1 minuto"


def three_ahead() -> tuple[FloorState, FloorPolicy]:
    """Ana speaks (3 minutes left), Ben and Cho wait: a newcomer is 3rd, about 9 minutes away."""
    pol = policy()
    s = ask(ask(ask(FloorState("s1"), ANA, at(0), pol), BEN, at(1), pol), CHO, at(2), pol)
    return f.next_speaker(s, at(5), pol).state, pol


def test_request_accepted_with_place_and_wait_in_three_languages() -> None:
    s, pol = three_ahead()
    s = ask(s, ANA, at(5), pol)
    out = f.request(s, DEV, K.NEW, at(5), pol)
    message = e.reply(out, "dev", at(5), pol)
    assert render(message, "en") == "You are 4th on the list of speakers (in about 12 minutes)."
    out = f.request(f.withdraw(s, "ana", at(5), pol).state, DEV, K.NEW, at(5), pol)
    message = e.reply(out, "dev", at(5), pol)
    assert render(message, "en") == "You are 3rd on the list of speakers (in about 9 minutes)."
    assert render(message, "fr") == (
        "Votre nom figure sur la liste des orateurs, en 3e position (dans 9 minutes environ)."
    )
    assert render(message, "es") == (
        "Su nombre figura en la lista de oradores; su turno es el 3.º (dentro de unos 9 minutos)."
    )


def test_other_replies() -> None:
    s, pol = three_ahead()
    again = f.request(s, BEN, K.NEW, at(6), pol)
    assert render(e.reply(again, "ben", at(6), pol), "en") == (
        "You are already on the list of speakers: 1st (in about 2 minutes)."
    )
    assert render(e.reply(again, "ben", at(6), pol), "fr") == (
        "Votre nom figure déjà sur la liste des orateurs, en 1re position (dans 2 minutes environ)."
    )
    gone = f.withdraw(s, "ben", at(6), pol)
    assert render(e.reply(gone, "ben", at(6), pol), "es") == "Se ha retirado su solicitud de uso de la palabra."
    nothing = f.withdraw(gone.state, "ben", at(6), pol)
    assert render(e.reply(nothing, "ben", at(6), pol), "fr") == "Votre nom ne figure pas sur la liste des orateurs."
    clarifying = f.request(s, DEV, K.CLARIFYING, at(6), pol)
    assert render(e.reply(clarifying, "dev", at(6), pol), "en") == (
        "Your clarifying question is noted: you are 1st on the list of speakers (in about 2 minutes)."
    )
    closed = f.close(s, at(6), pol).state
    refused = f.request(closed, DEV, K.NEW, at(6), pol)
    assert render(e.reply(refused, "dev", at(6), pol), "es") == (
        "La lista de oradores está cerrada; ahora solo se admiten cuestiones de orden."
    )
    order = f.request(closed, DEV, K.POINT_OF_ORDER, at(6), pol)
    assert render(e.reply(order, "dev", at(6), pol), "en") == (
        "The list of speakers is closed, but points of order are always accepted: you are 1st "
        "(in about 2 minutes)."
    )
    where = Outcome(s)
    assert render(e.reply(where, "ana", at(6), pol), "fr") == "Vous avez la parole."


def test_where_am_i_explains_the_balanced_order() -> None:
    pol = policy(OrderPolicy.BALANCED, group_budgets={"civil-society": timedelta(minutes=10)})
    s = ask(ask(ask(FloorState("s1"), ANA, at(0), pol), DEV, at(1), pol), CHO, at(2), pol)
    s = f.next_speaker(s, at(3), pol).state  # ana (States) speaks
    s = ask(s, BEN, at(4), pol, K.REPLY)
    pos = f.position(s, "dev", at(4), pol)
    assert pos.place == 3
    message = e.position_message(pos)
    assert render(message, "en").splitlines() == [
        "You are 3rd on the list of speakers (in about 8 minutes).",
        "Why:",
        "• One request of a higher priority (a point of order, a clarifying question or a direct reply) is ahead "
        "of you.",
        "• In the balanced order the stakeholder groups take turns, those heard least recently first: the "
        "“States” group has already been heard, so groups heard less recently go first.",
    ]
    cho = e.position_message(f.position(s, "cho", at(4), pol))
    assert render(cho, "fr").splitlines()[2:] == [
        "• Une demande prioritaire (motion d'ordre, question de clarification ou réponse directe) passe avant vous.",
        "• Il reste environ 10 minutes de temps de parole pour le groupe «\u00a0Société civile\u00a0».",
        "• Dans l'ordre équilibré, les groupes de parties prenantes parlent à tour de rôle, en commençant par ceux "
        "entendus le moins récemment\u00a0: le groupe «\u00a0Société civile\u00a0» n'a pas encore été entendu.",
    ]
    assert render(cho, "es").splitlines()[3] == (
        "• El grupo “Sociedad civil” dispone todavía de unos 10 minutos de tiempo de palabra."
    )
    # The schedule's own group names win over the defaults.
    assert "“CSOs”" in render(cho, "en", {"civil-society": {"en": "CSOs", "fr": "OSC"}})


def test_where_am_i_under_first_time_first_and_absence() -> None:
    pol = policy(OrderPolicy.FIRST_TIME_FIRST, present_only=True)
    s = ask(FloorState("s1"), ANA, at(0), pol)
    s = f.stop(f.next_speaker(s, at(1), pol).state, at(2), pol).state
    s = ask(ask(ask(s, ANA, at(3), pol), BEN, at(4), pol), CHO, at(5), pol)
    present = frozenset({"ana", "cho"})
    ana = f.position(s, "ana", at(5), pol, present)
    assert ana.place == 3 and ana.wait == timedelta(minutes=3)  # ben is absent: only cho counts
    lines = render(e.position_message(ana), "en").splitlines()
    assert lines[2:] == [
        "• You have already spoken once in this session; those who have not spoken yet go first.",
        "• One person ahead of you is not in the meeting and will be passed over.",
    ]
    ben = render(e.position_message(f.position(s, "ben", at(5), pol, present)), "es").splitlines()
    assert ben[0] == (
        "Su turno en la lista de oradores es el 1.º, pero se le pasará por alto mientras no se conecte a la reunión."
    )
    assert ben[2:] == [
        "• Aún no ha hecho uso de la palabra en esta sesión, así que va antes de quienes ya lo han hecho.",
        "• En este momento no está en la reunión.",
    ]


def test_notices_for_the_speaker_and_the_next_one() -> None:
    pol = policy()
    s = ask(ask(FloorState("s1"), ANA, at(0), pol), BEN, at(1), pol)
    given = f.next_speaker(s, at(2), pol)
    notes = e.notices(given, at(2), pol)
    assert [(n.person, render(n.message, "en")) for n in notes] == [
        ("ana", "You have the floor: 3 minutes."),
        ("ben", "You are next on the list of speakers. Please be ready to unmute when the Chair gives you the floor."),
    ]
    warned = f.tick(given.state, at(4, 30), pol)
    assert [(n.person, render(n.message, "fr")) for n in e.notices(warned, at(4, 30), pol)] == [
        ("ana", "Il vous reste 30 secondes.")
    ]
    expired = f.tick(warned.state, at(5), pol)
    assert [render(n.message, "es") for n in e.notices(expired, at(5), pol)] == [
        "Se ha agotado su tiempo de palabra. Le ruego que concluya."
    ]
    longer = f.extend(expired.state, timedelta(minutes=1), at(5), pol)
    assert [render(n.message, "en") for n in e.notices(longer, at(5), pol)] == [
        "The Chair has given you 1 minute more."
    ]
    s3 = ask(longer.state, CHO, at(5), pol)
    skipped = f.skip(s3, at(5), pol)
    assert [(n.person, render(n.message, "en")) for n in e.notices(skipped, at(5), pol)] == [
        ("ben", "The Chair has passed over you for now; you keep your place on the list, now 2nd."),
        ("cho", "You are next on the list of speakers. Please be ready to unmute when the Chair gives you the floor."),
    ]
    removed = f.remove(skipped.state, "ben", at(6), pol)
    assert [n.message.key for n in e.notices(removed, at(6), pol)] == ["floor.notice.removed", "floor.notice.next"]
    carried = f.carry(FloorState("s2"), removed.state, at(7), policy(carry_over=True))
    assert [render(n.message, "fr") for n in e.notices(carried, at(7), pol)] == [
        "Le débat est terminé\u202f; votre demande de parole est reportée à la séance suivante."
    ]


def test_every_message_key_in_the_floor_code_exists() -> None:
    sources = [ROOT / "bot" / "domain" / name for name in
               ("floor/rules.py", "floor/order.py", "authz.py", "floor/explain.py")]
    keys = set()
    for path in sources:
        keys |= set(re.findall(r'"(floor\.[a-z_]+\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    assert len(keys) > 40
    for key in keys:
        if not i18n.has(key):
            assert i18n.has(f"{key}.one") and i18n.has(f"{key}.other"), key
    for lang in i18n.LANGUAGES:
        for kind in K:
            assert i18n.render(f"floor.kind.{kind.value}", lang)


def test_balanced_explains_a_second_request_from_the_same_group() -> None:
    pol = policy(OrderPolicy.BALANCED)
    amy = person("amy")  # States, like Ana
    s = ask(ask(ask(FloorState("s1"), ANA, at(0), pol), amy, at(1), pol), CHO, at(2), pol)
    assert [r.person for r in f.queue(s, pol)] == ["ana", "cho", "amy"]
    lines = render(e.position_message(f.position(s, "amy", at(2), pol)), "es").splitlines()
    assert lines == [
        "Su turno en la lista de oradores es el 3.º (dentro de unos 6 minutos).",
        "Por qué:",
        "• En el orden equilibrado, los grupos de partes interesadas se turnan: el grupo “Estados” ya tiene una "
        "solicitud antes de la suya, así que entre tanto intervendrán otros grupos.",
    ]


@pytest.mark.parametrize(("left", "en", "fr"), [
    (timedelta(minutes=1), "The “Civil society” group has about 1 minute of speaking time left.",
     "Il reste environ 1 minute de temps de parole pour le groupe «\u00a0Société civile\u00a0»."),
    (timedelta(minutes=5), "The “Civil society” group has about 5 minutes of speaking time left.",
     "Il reste environ 5 minutes de temps de parole pour le groupe «\u00a0Société civile\u00a0»."),
])
def test_a_groups_remaining_budget_agrees_with_its_number(left: timedelta, en: str, fr: str) -> None:
    pol = policy(group_budgets={"civil-society": left})
    s = ask(FloorState("s1"), CHO, at(0), pol)
    why = [line for line in e.position_message(f.position(s, "cho", at(0), pol)).lines
           if line.key == "floor.why.budget_left"]
    assert len(why) == 1
    assert (render(why[0], "en"), render(why[0], "fr")) == (en, fr)

"""A group named in chat means the schedule's group whatever the language, case, accents or hyphens; the
grammar hands the name over as written and says nothing of which groups exist."""

from __future__ import annotations

import pytest

from bot.app.groups import group_named
from bot.app.ports.chat import Button
from bot.config.model import Schedule
from bot.domain.floor.explain import GroupName, Message
from bot.domain.grammar import Command, Verb, parse_floor
from bot.i18n.messages import group_name, render
from bot.rehearsal.recording import RecordingChat


@pytest.mark.parametrize(("said", "group"), [
    ("société civile", "civil-society"), ("SOCIETE CIVILE", "civil-society"), ("Civil society", "civil-society"),
    ("sociedad civil", "civil-society"), ("civil-society", "civil-society"), ("Etats", "states"),
    ("Estados.", "states"), ("nhri", "nhri"), ("Institutions nationales des droits de l’homme", "nhri"),
    ("círculos académicos", "academia"), ("empresas", "business"),
])
def test_a_group_is_found_by_id_or_name_in_any_language(schedule: Schedule, said: str, group: str) -> None:
    assert group_named(schedule, said) == group


@pytest.mark.parametrize("said", ["", "martians", "civil", "société civile et entreprises"])
def test_anything_else_names_no_group(schedule: Schedule, said: str) -> None:
    assert group_named(schedule, said) is None


def test_the_grammar_takes_the_name_as_written() -> None:
    assert parse_floor("groupe Société civile") == Command(Verb.GROUP, text="Société civile")
    assert parse_floor("grupo sociedad civil") == Command(Verb.GROUP, text="sociedad civil")
    assert parse_floor("group") is None
    assert not Command(Verb.GROUP, text="x").is_chair


def test_a_guest_who_did_not_say_is_shown_as_not_stated(schedule: Schedule) -> None:
    assert group_name("not-stated", "fr", schedule.group_names()) == "groupe non précisé"
    assert group_name("not-stated", "en") == "group not stated"
    assert group_name("civil-society", "es", schedule.group_names()) == "Sociedad civil"


def test_an_explanation_names_not_stated_as_such_in_every_language(schedule: Schedule) -> None:
    why = Message("floor.why.balanced_not_heard", {"group": GroupName("not-stated")})
    assert "“group not stated” has not been heard yet" in render(why, "en", schedule.group_names())
    assert "«\u00a0groupe non précisé\u00a0»" in render(why, "fr", schedule.group_names())
    assert "“grupo no indicado”" in render(why, "es", schedule.group_names())
    named = render(Message("floor.why.balanced_not_heard", {"group": GroupName("civil-society")}), "fr",
                   schedule.group_names())
    assert "Société civile" in named and "non précisé" not in named


async def test_the_rehearsals_recording_chat_keeps_the_buttons_of_a_private_reply() -> None:
    chat = RecordingChat()
    buttons = [Button("group", "States", "group states"), Button("group", "I prefer not to say", "group not-stated")]
    await chat.reply_private("U1", "Which group?", actions=buttons)
    (entry,) = chat.transcript
    assert (entry.op, entry.user_id, entry.actions) == ("private", "U1", tuple(buttons))

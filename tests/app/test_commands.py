"""Commands: floor verbs through the FloorService, chair verbs outside the list authorised and audited."""

from __future__ import annotations

from bot.app.ports.chat import InboundKind
from bot.i18n import catalog as i18n
from tests.app.conftest import Rig


async def test_a_non_chair_next_changes_nothing_and_is_audited(rig: Rig) -> None:
    await rig.say("web:guest:amina", "main", lang="fr", name="Amina")
    await rig.say("web:guest:mallory", "next", kind=InboundKind.COMMAND, lang="en", name="Lene Wendland")
    state = await rig.runtime.floor.state("session-1")
    assert state.speaking is None and len(state.pending) == 1
    [refusal] = rig.private("web:guest:mallory")
    assert refusal == i18n.render("floor.authz.unknown_person", "en")
    entries = await rig.audit.entries("session-1")
    assert any(e.actor == "web:guest:mallory" and e.verb == "next" and not e.allowed for e in entries)


async def test_give_to_a_named_guest_and_help(rig: Rig) -> None:
    await rig.say("web:guest:amina", "bonjour à tous", lang="fr", name="Amina")
    await rig.say("web:lene-wendland", "give @web:guest:amina", kind=InboundKind.COMMAND)
    state = await rig.runtime.floor.state("session-1")
    assert state.speaking is not None and state.speaking.request.person == "web:guest:amina"
    await rig.say("web:lene-wendland", "help", kind=InboundKind.COMMAND)
    assert rig.private("web:lene-wendland")[-4:] == [
        i18n.render("floor.help.attendee", "en"), i18n.render("floor.help.chair", "en"),
        i18n.render("plan.help.chair", "en"), i18n.render("interpreters.help", "en"),  # a chair may signal too
    ]


async def test_a_question_from_a_non_chair_is_refused_and_audited(rig: Rig) -> None:
    await rig.say("web:guest:mallory", "question 1", kind=InboundKind.COMMAND, lang="en", name="Mallory")
    assert [e for e in rig.chat.transcript if e.op == "announce"] == []
    assert rig.private("web:guest:mallory") == [i18n.render("floor.authz.unknown_person", "en")]
    entries = await rig.audit.entries("session-1")
    assert any(e.actor == "web:guest:mallory" and e.verb == "question" and not e.allowed for e in entries)

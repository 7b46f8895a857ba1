"""Dispatch: each inbound event to its use case, on the command the edge parsed (never parsed again)."""

from __future__ import annotations

from bot.app.ports.chat import InboundEvent, InboundKind, MessageRef
from bot.domain.floor.state import RequestKind
from bot.domain.grammar import Command, Verb, parse_floor
from bot.i18n import catalog as i18n
from tests.app.conftest import Rig, edge_command


async def test_requests_in_three_languages(rig: Rig) -> None:
    await rig.say("web:guest:amina", "Je demande la parole", lang="fr", name="Amina")
    await rig.say("web:guest:jose", "¡Pido la palabra!", lang="es", name="José")
    await rig.say("web:guest:ann", "raise hand", lang="en", name="Ann")
    state = await rig.runtime.floor.state("session-1")
    assert [r.participant.name for r in state.pending] == ["Amina", "José", "Ann"]
    assert rig.private("web:guest:amina")[0].startswith("Votre nom figure sur la liste des orateurs, en 1re")
    assert len(rig.private("web:guest:jose")) == 1
    await rig.say("web:guest:jose", "mi turno", lang="es")
    assert rig.private("web:guest:jose")[-1].startswith("Su turno")

async def test_a_button_press_carries_its_command_in_its_value(rig: Rig) -> None:
    await rig.say("web:guest:amina", "main", lang="fr", name="Amina")
    rig.n += 1
    await rig.runtime.handle(InboundEvent("slack", "act-1", InboundKind.ACTION, "web:lene-wendland",
                                          rig.clock.now(), "floor:next next", extra={"value": "next"},
                                          command=parse_floor("next")))
    state = await rig.runtime.floor.state("session-1")
    assert state.speaking is not None and state.speaking.request.participant.name == "Amina"

async def test_replies_follow_the_channel_then_an_explicit_choice(rig: Rig) -> None:
    async def slack(text: str, channel_lang: str | None, kind: InboundKind = InboundKind.MESSAGE) -> None:
        rig.n += 1
        await rig.runtime.handle(InboundEvent("slack", f"s{rig.n}", kind, "U0MARIE", rig.clock.now(), text,
                                              display_name="Marie", language="en", channel_language=channel_lang,
                                              command=edge_command(kind, text)))

    await slack("main", "fr")  # Slack locale English, but she writes in the French channel
    listed, asked = rig.private("U0MARIE")[-2:]  # her place, then the group prompt (she never gave a group)
    assert listed.startswith("Votre nom figure") and asked.startswith("Votre demande de parole est inscrite")
    await slack("lang es", None, InboundKind.COMMAND)
    await slack("ma place", "fr")
    assert rig.private("U0MARIE")[-1].startswith("Su turno"), "an explicit choice wins"


async def test_the_dispatcher_never_parses_what_the_edge_did_not(rig: Rig) -> None:
    rig.n += 1
    # "main" is a request in the grammar, but the edge found no command: it is chat, copied, not a request.
    await rig.runtime.handle(InboundEvent("web", "plain-1", InboundKind.MESSAGE, "web:guest:amina", rig.clock.now(),
                                          "main", display_name="Amina", language="fr"))
    assert (await rig.runtime.floor.state("session-1")).pending == ()
    assert {e.lang for e in rig.chat.transcript if e.op == "post"} == {"en", "es"}


async def test_a_command_the_edge_did_not_understand_is_answered(rig: Rig) -> None:
    await rig.say("web:lene-wendland", "frobnicate", kind=InboundKind.COMMAND)
    assert rig.private("web:lene-wendland") == [
        i18n.render("runtime.unknown_command", "en", text="frobnicate")
    ]


async def test_a_raised_hand_on_the_floor_post_is_a_request(rig: Rig) -> None:
    floor_post = MessageRef("slack", "CFR", "1646643000.000001")
    rig.runtime.remember_floor_posts([floor_post])
    for n, ref in enumerate([MessageRef("slack", "CFR", "1646643000.000099"), floor_post]):
        await rig.runtime.handle(InboundEvent("slack", f"react-{n}", InboundKind.REACTION, "UJULES", rig.clock.now(),
                                              "raised_hand", display_name="Jules", language="fr", ref=ref,
                                              command=Command(Verb.REQUEST, RequestKind.NEW)))
    state = await rig.runtime.floor.state("session-1")
    assert [r.participant.name for r in state.pending] == ["Jules"]  # the hand on another post counted for nothing

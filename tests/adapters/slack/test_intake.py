"""Signed Slack requests to the real bolt app on uvicorn → InboundEvents (fake Web API behind it)."""

from __future__ import annotations

import asyncio
import json
import time

from bot.app.ports.chat import Author, InboundEvent, InboundKind, MessageRef, Post
from bot.domain.floor.state import RequestKind
from bot.domain.grammar import Command, Verb, parse_floor
from tests.adapters.slack.conftest import SECRET, SlackRig, action_body, command_body, event_body, signed


def message(user: str, channel: str, text: str, ts: str, **more: object) -> dict[str, object]:
    return {"type": "message", "user": user, "channel": channel, "text": text, "ts": ts,
            "channel_type": "channel", "event_ts": ts, **more}


async def test_messages_in_three_languages_become_inbound_events(rig: SlackRig) -> None:
    for event_id, (user, channel, text) in enumerate([
        ("UANA", "CES", "mano"), ("UJULES", "CFR", "je demande la parole"),
        ("UPEGGY", "CEN", "q+ to ask about <@ULENE>"),
    ]):
        response = await rig.event(message(user, channel, text, f"1646643600.00010{event_id}"), f"Ev{event_id}")
        assert response.status_code == 200
    events = await rig.inbox.wait_for(3)
    by_user = {e.user_id: e for e in events}
    assert by_user["UANA"].kind is InboundKind.MESSAGE
    assert (by_user["UANA"].channel_language, by_user["UANA"].language) == ("es", "es")
    assert by_user["UJULES"].text == "je demande la parole" and by_user["UJULES"].channel_language == "fr"
    peggy = by_user["UPEGGY"]
    assert peggy.text == "q+ to ask about @Lene Wendland"  # decoded to plain text
    assert peggy.extra["mentions"] == "ULENE"
    assert peggy.extra["person"] == "peggy"  # matched to the schedule by e-mail
    assert peggy.display_name == "Peggy Hicks" and peggy.email == "peggy@ohchr.example"
    assert peggy.ref == MessageRef("slack", "CEN", "1646643600.000102")
    assert peggy.at.year == 2022 and peggy.source == "slack"


async def test_edits_and_deletions_of_an_original(rig: SlackRig) -> None:
    original = message("UJULES", "CFR", "bonjour", "1646643600.000100")
    await rig.event({"type": "message", "subtype": "message_changed", "channel": "CFR", "ts": "1646643700.0",
                     "event_ts": "1646643700.0", "channel_type": "channel",
                     "message": {**original, "text": "bonjour à tous"}, "previous_message": original}, "EvEdit")
    # An unfurl re-sends the message unchanged: not an edit.
    await rig.event({"type": "message", "subtype": "message_changed", "channel": "CFR", "ts": "1646643701.0",
                     "channel_type": "channel", "message": original, "previous_message": original}, "EvUnfurl")
    await rig.event({"type": "message", "subtype": "message_deleted", "channel": "CFR", "ts": "1646643800.0",
                     "deleted_ts": "1646643600.000100", "channel_type": "channel", "previous_message": original},
                    "EvDel")
    await rig.settle()
    kinds = [(e.kind, e.text, e.ref) for e in rig.inbox.events]
    ref = MessageRef("slack", "CFR", "1646643600.000100")
    assert kinds == [(InboundKind.EDIT, "bonjour à tous", ref), (InboundKind.DELETE, "", ref)]


async def test_bots_and_foreign_channels_are_ignored(rig: SlackRig) -> None:
    await rig.event({**message("UBOT", "CEN", "our own copy", "1.1"), "bot_id": "BBOT"}, "EvOwn")
    await rig.event({**message("UX", "CEN", "classic bot", "1.2"), "subtype": "bot_message", "bot_id": "BX"}, "EvB")
    await rig.event(message("UOTHERBOT", "CEN", "a bot user", "1.3"), "EvBotUser")
    await rig.event(message("UANA", "CRANDOM", "elsewhere", "1.4"), "EvElsewhere")
    await rig.event({**message("UANA", "CEN", "", "1.5"), "subtype": "channel_join"}, "EvJoin")
    await rig.event(message("UANA", "CEN", "hand", "1.6"), "EvReal")
    await rig.settle()
    assert [e.event_id for e in rig.inbox.events] == ["EvReal"]


async def test_a_redelivery_four_times_gives_one_event(rig: SlackRig) -> None:
    body = event_body(message("UANA", "CES", "mano", "1646643600.000200"), "EvRetry")
    headers = [{}] + [{"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"} for n in (1, 2, 3)]
    responses = await asyncio.gather(*(rig.send(body, {**signed(body), **h}) for h in headers))
    assert [r.status_code for r in responses] == [200] * 4
    await rig.settle()
    assert len(rig.inbox.events) == 1


async def test_a_retry_whose_original_was_never_seen_is_processed_once(rig: SlackRig) -> None:
    body = event_body(message("UANA", "CES", "mano", "1646643600.000300"), "EvLost")
    for n in (2, 3):
        await rig.send(body, {**signed(body), "X-Slack-Retry-Num": str(n)})
    await rig.settle()
    assert [e.event_id for e in rig.inbox.events] == ["EvLost"]


async def test_bad_signatures_get_401_and_change_nothing(rig: SlackRig) -> None:
    body = event_body(message("UANA", "CES", "mano", "1646643600.000400"), "EvBad")
    good = signed(body)
    tampered_body = body.replace("mano", "mana")
    cases = [
        {"Content-Type": "application/json"},  # unsigned
        signed(body, timestamp=int(time.time()) - 301),  # stale
        signed(body, secret=SECRET + "x"),  # wrong secret
        {**good, "X-Slack-Signature": good["X-Slack-Signature"][:-1]
         + ("0" if good["X-Slack-Signature"][-1] != "0" else "1")},  # tampered signature
    ]
    for headers in cases:
        assert (await rig.send(body, headers)).status_code == 401
    assert (await rig.send(tampered_body, good)).status_code == 401  # one byte of the body changed
    await rig.settle()
    assert rig.inbox.events == []
    assert [c.method for c in rig.fake.calls if c.method != "auth.test"] == []


async def test_reaction_slash_command_and_button(rig: SlackRig) -> None:
    await rig.event({"type": "reaction_added", "user": "UJULES", "reaction": "raised_hand::skin-tone-3",
                     "item": {"type": "message", "channel": "CFR", "ts": "1646643000.000001"},
                     "event_ts": "1646643601.000001"}, "EvReact")
    await rig.event({"type": "reaction_added", "user": "UJULES", "reaction": "thumbsup",
                     "item": {"type": "message", "channel": "CFR", "ts": "1646643000.000001"},
                     "event_ts": "1646643601.000002"}, "EvThumbs")
    body = command_body("q+ to ask about remedy", user="UANA", channel="CES")
    response = await rig.send(body, signed(body, content_type="application/x-www-form-urlencoded"))
    assert response.status_code == 200 and response.text == ""  # acked silently; replies come privately
    body = action_body("floor.next#0", "session-1")
    response = await rig.send(body, signed(body, content_type="application/x-www-form-urlencoded"))
    assert response.status_code == 200
    events = await rig.inbox.wait_for(3)
    await rig.settle()
    by_kind = {e.kind: e for e in events}
    assert len(events) == 3
    reaction = by_kind[InboundKind.REACTION]
    assert (reaction.text, reaction.language) == ("raised_hand", "fr")
    assert reaction.ref == MessageRef("slack", "CFR", "1646643000.000001")
    command = by_kind[InboundKind.COMMAND]
    assert (command.text, command.user_id, command.language) == ("q+ to ask about remedy", "UANA", "es")
    assert command.command == parse_floor("q+ to ask about remedy")  # parsed once, here at the edge
    assert reaction.command == Command(Verb.REQUEST, RequestKind.NEW)
    assert command.ref == MessageRef("slack", "CES", "")  # so that replies are ephemeral in that channel
    action = by_kind[InboundKind.ACTION]
    assert (action.text, action.user_id, action.extra["person"]) == ("floor.next session-1", "ULENE", "lene")
    assert action.extra["action_id"] == "floor.next"
    assert action.ref == MessageRef("slack", "CCHAIRS", "1700000000.000001")
    assert action.command is None  # "session-1" is no verb line


async def test_a_mention_in_a_slash_command_names_the_slack_user(rig: SlackRig) -> None:
    """`/floor give @Lene` arrives as `give <@ULENE|lene>`: the grammar gets Lene's person key, never her
    display name (it has a space, and names repeat); a mention in a chat message stays readable."""
    body = command_body("give <@ULENE|lene>", user="ULENE", channel="CEN", trigger="trig-give")
    response = await rig.send(body, signed(body, content_type="application/x-www-form-urlencoded"))
    assert response.status_code == 200
    await rig.event(message("UPEGGY", "CEN", "thanks <@ULENE>", "1646643600.000900"), "EvThanks")
    events = await rig.inbox.wait_for(2)
    texts = {e.kind: e.text for e in events}
    assert texts == {InboundKind.COMMAND: "give @slack:ULENE", InboundKind.MESSAGE: "thanks @Lene Wendland"}


async def test_ack_does_not_wait_for_the_handler(rig: SlackRig) -> None:
    release = asyncio.Event()
    started = asyncio.Event()

    async def slow(event: object) -> None:  # e.g. DeepL hanging
        started.set()
        await release.wait()

    rig.inbox.react = slow
    body = command_body("hand", trigger="trig-slow")
    response = await rig.send(body, signed(body, content_type="application/x-www-form-urlencoded"))
    assert response.status_code == 200
    response = await rig.event(message("UANA", "CES", "mano", "1646643600.000500"), "EvSlow")
    assert response.status_code == 200
    await started.wait()
    assert not release.is_set()  # both requests were answered while the handler was still blocked
    release.set()
    await rig.settle()
    assert len(rig.inbox.events) == 2


async def test_floor_lang_is_remembered_and_passed_on(rig: SlackRig) -> None:
    body = command_body("lang fr", user="UANA", channel="CES", trigger="trig-lang")
    await rig.send(body, signed(body, content_type="application/x-www-form-urlencoded"))
    (command,) = await rig.inbox.wait_for(1)
    await rig.settle()
    # The dispatcher answers the command; the event already carries the new language.
    assert (command.kind, command.text, command.language) == (InboundKind.COMMAND, "lang fr", "fr")
    (home,) = rig.fake.of("views.publish")  # the App Home follows the choice
    assert "Votre langue\u00a0: *Français*" in json.dumps(home.args["view"], ensure_ascii=False)
    await rig.event(message("UANA", "CES", "mano", "1646643600.000600"), "EvAfterLang")
    events = await rig.inbox.wait_for(2)
    assert (events[1].language, events[1].channel_language) == ("fr", "es")
    body = command_body("lang de", user="UANA", channel="CES", trigger="trig-lang2")
    await rig.send(body, signed(body, content_type="application/x-www-form-urlencoded"))
    events = await rig.inbox.wait_for(3)
    assert (events[2].text, events[2].language) == ("lang de", "fr")  # not a language of the event


async def test_app_home_shows_language_place_and_agenda_in_both_zones(rig: SlackRig) -> None:
    await rig.event({"type": "app_home_opened", "user": "UANA", "channel": "DANA", "tab": "home",
                     "event_ts": "1646643600.000700"}, "EvHome")
    await rig.settle()
    (call,) = rig.fake.of("views.publish")
    assert call.args["user_id"] == "UANA"
    view = call.args["view"] if isinstance(call.args["view"], dict) else json.loads(call.args["view"])
    text = json.dumps(view, ensure_ascii=False)
    assert "Los Principios Rectores y la tecnología" in text and "Su idioma: *Español*" in text
    assert "No figura en la lista de oradores" in text
    # 10:00 CET is 04:00 in Bogotá.
    assert "10:00–12:00 CET · Sesión 1: el deber del Estado de proteger" in text
    assert "Su hora: 04:00–06:00 (America/Bogota)" in text


async def test_a_channel_keeps_arrival_order_through_its_places(rig: SlackRig) -> None:
    passed: list[str] = []
    second_arrived = asyncio.Event()

    async def stage(event: InboundEvent) -> None:  # a stage that keeps order, as the relay's languages do
        assert event.place is not None
        if event.text == "segundo":
            second_arrived.set()
        await event.place.turn("stage")
        passed.append(event.text)
        event.place.release("stage")

    rig.inbox.react = stage
    await rig.event(message("UANA", "CES", "hola", "1646643600.000800"), "EvWarm")  # Ana's profile is cached
    await rig.inbox.wait_for(1)
    gate = rig.fake.hold("users.info")  # Jules's lookup is slow
    await rig.event(message("UJULES", "CES", "premier", "1646643600.000801"), "EvFirst")
    await rig.fake.wait_for(lambda fake: ("users.info", {"user": "UJULES", "include_locale": "1"}) in fake.arrived)
    await rig.event(message("UANA", "CES", "segundo", "1646643600.000802"), "EvSecond")
    await second_arrived.wait()  # "segundo" reaches the dispatcher while "premier" is still looked up...
    await rig.time.settle()
    assert passed == ["hola"]  # ...but waits for it at the stage where order matters
    gate.set()
    events = await rig.inbox.wait_for(3)
    await rig.settle()
    assert [e.text for e in events] == ["hola", "segundo", "premier"]
    assert passed == ["hola", "premier", "segundo"]
    assert [e.place.n for e in events if e.place is not None] == [0, 2, 1]  # places are taken on arrival


async def test_replies_in_a_thread_are_copied_into_the_copies_thread(rig: SlackRig) -> None:
    copies: list[MessageRef] = []

    async def mirror(event: InboundEvent) -> None:
        assert event.ref is not None
        post = Post(f"EN: {event.text}", author=Author(event.display_name), reply_to=event.ref)
        copies.append(await rig.slack.chat.post("en", post))

    rig.inbox.react = mirror
    await rig.event(message("UJULES", "CFR", "question", "1646643600.000900"), "EvRoot")
    await rig.settle()
    await rig.event(message("UANA", "CFR", "réponse", "1646643600.000901", thread_ts="1646643600.000900"),
                    "EvReply")
    await rig.settle()
    root_copy, reply_copy = rig.fake.posts("CEN")
    assert "thread_ts" not in root_copy
    assert reply_copy["thread_ts"] == copies[0].id


async def test_profile_from_the_event_when_users_info_is_rate_limited(rig: SlackRig) -> None:
    rig.fake.add_user("UNEW", "New Person", email="new@example.org")
    rig.fake.fail("users.info", 429, times=2, retry_after=30)  # the lookups of the first event
    await rig.event(message("UNEW", "CEN", "hello", "1646643600.001000",
                            user_profile={"display_name": "New Person", "image_72": "https://img.example/new.png"}),
                    "EvNew")
    (event,) = await rig.inbox.wait_for(1)
    assert (event.display_name, event.extra["avatar_url"]) == ("New Person", "https://img.example/new.png")
    assert "profile_name" not in event.extra
    assert event.email is None
    # The failure was not remembered: the next event asks again.
    await rig.event(message("UNEW", "CEN", "again", "1646643600.001001"), "EvNew2")
    events = await rig.inbox.wait_for(2)
    assert events[1].email == "new@example.org"

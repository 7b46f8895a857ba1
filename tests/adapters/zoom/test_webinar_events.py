"""Webinars: Zoom's webinar.* webhooks move presence and reach the floor as meeting.* ones do (signed as Zoom
signs them, through the real endpoint). The report's attendance from past webinar participants is tested in
test_report_attendance.py."""

from __future__ import annotations

import asyncio

from bot.adapters.zoom.webhooks import meeting_event
from bot.domain.grammar import Verb
from tests.adapters.zoom.test_webhooks import Harness, chat, harness, joined  # noqa: F401 - the fixture


def test_webinar_event_names_map_to_meeting_ones() -> None:
    assert meeting_event("webinar.participant_joined") == "meeting.participant_joined"
    assert meeting_event("webinar.chat_message_sent") == "meeting.chat_message_sent"
    assert meeting_event("meeting.ended") == "meeting.ended"
    assert meeting_event("recording.completed") == "recording.completed"


async def test_webinar_joins_and_leaves_move_presence(harness: Harness) -> None:  # noqa: F811
    response = await harness.send(joined(event="webinar.participant_joined"))
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert harness.presence.present() == {"chair-one"}
    redelivered = await harness.send(joined(event="webinar.participant_joined"))
    assert redelivered.json() == {"status": "duplicate"}
    left = await harness.send(joined(event="webinar.participant_left", event_ts=1646647500000))
    assert left.status_code == 200 and left.json() == {"status": "ok"}
    assert harness.presence.present() == frozenset()


async def test_a_webinar_start_and_end_close_the_room(harness: Harness) -> None:  # noqa: F811
    await harness.send(joined(event="webinar.participant_joined"))
    ended = {"event": "webinar.ended", "event_ts": 1646650000000,
             "payload": {"account_id": "acc", "object": {"id": "81234567890", "uuid": "inst-uuid==",
                                                         "end_time": "2022-03-07T11:00:00Z"}}}
    response = await harness.send(ended)
    assert response.json() == {"status": "ok"} and harness.presence.present() == frozenset()


async def test_webinar_chat_requests_reach_the_floor(harness: Harness) -> None:  # noqa: F811
    body = chat("main levée")
    body["event"] = "webinar.chat_message_sent"
    response = await harness.send(body)
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    [request] = harness.floor.received
    assert request.command.verb is Verb.REQUEST and request.person == "chair-two" and request.source == "zoom"
    await asyncio.wait_for(harness.notifier.arrived.wait(), 5)
    assert harness.notifier.sent[0][2] == "Floorbot a bien reçu votre demande envoyée dans le chat Zoom."


async def test_an_unsigned_webinar_event_is_refused(harness: Harness) -> None:  # noqa: F811
    response = await harness.send(joined(event="webinar.participant_joined"), signed=False)
    assert response.status_code == 401 and harness.presence.present() == frozenset()


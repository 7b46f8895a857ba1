"""Socket Mode (SLACK_APP_TOKEN): the same listeners, reached over the fake's WebSocket instead of HTTP."""

from __future__ import annotations

import json

from bot.app.ports.chat import InboundKind
from tests.adapters.slack.conftest import event_body, slack_rig

APP_TOKEN = "xapp-1-test-app-token"


async def test_events_arrive_over_socket_mode_and_are_acked() -> None:
    async with slack_rig(app_token=APP_TOKEN) as rig:
        await rig.slack.start()
        (opened,) = rig.fake.of("apps.connections.open")
        assert opened.token == APP_TOKEN  # the app-level token, not the bot token
        payload = json.loads(event_body({"type": "message", "user": "UJULES", "channel": "CFR", "text": "main",
                                         "ts": "1646643600.000100", "channel_type": "channel"}, "EvSocket"))
        await rig.fake.push({"envelope_id": "env-1", "type": "events_api", "payload": payload,
                             "accepts_response_payload": False, "retry_attempt": 0, "retry_reason": ""})
        events = await rig.inbox.wait_for(1)
        await rig.fake.wait_for(lambda fake: any(a.get("envelope_id") == "env-1" for a in fake.socket_acks))
        assert (events[0].kind, events[0].text, events[0].language) == (InboundKind.MESSAGE, "main", "fr")

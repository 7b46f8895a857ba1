"""Over a real uvicorn, a signed console's event stream: a revoked session loses it at once."""

from __future__ import annotations

import json

import httpx

from bot.domain.authz import Role
from tests.adapters.web.conftest import LiveServer, invitation_link
from tests.adapters.web.test_stream import sse_events


def test_a_revoked_session_loses_its_stream_at_once(signed_server: LiveServer) -> None:
    server = signed_server
    with httpx.Client(base_url=server.url, timeout=10, headers={"Origin": server.url}, follow_redirects=True) as client:
        signed_in = client.get(invitation_link(server, "ana-garcia", Role.ATTENDEE))
        assert signed_in.status_code == 200  # followed to the page
        with client.stream("GET", "/api/stream") as stream:
            events = sse_events(stream.iter_lines())
            assert next(events)[0] == "history"
            server.call(lambda: server.stack.chat.reply_private("web:ana-garcia", "Hola"))
            kind, data = next(events)
            assert kind == "message" and json.loads(data)["text"] == "Hola"
            revocations = server.stack.bot.store.revocations
            server.call(lambda: revocations.revoke("person:ana-garcia", server.stack.clock.now()))
            server.call(lambda: server.stack.chat.reply_private("web:ana-garcia", "not after the revocation"))
            assert next(events)[0] == "signed_out"
            assert next(events, None) is None  # the server ended the stream
        assert client.get("/api/state").status_code == 401

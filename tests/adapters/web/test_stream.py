"""The event stream over a real uvicorn: history first, then live messages and state changes."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx

from tests.adapters.web.conftest import LiveServer


def sse_events(lines: Iterator[str]) -> Iterator[tuple[str, str]]:
    event, data = "", []
    for line in lines:
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            data.append(line.split(":", 1)[1].strip())
        elif line == "" and event:
            yield event, "\n".join(data)
            event, data = "", []


def test_the_stream_sends_history_then_live_messages_for_the_readers_language(live_server: LiveServer) -> None:
    chat = live_server.stack.chat
    live_server.call(lambda: chat.announce({"en": "Welcome", "fr": "Bienvenue", "es": "Bienvenida"}))
    with httpx.Client(base_url=live_server.url, timeout=10) as client:
        assert client.post("/api/join", json={"person": "marc-dubois", "lang": "fr"}).status_code == 200
        with client.stream("GET", "/api/stream") as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            events = sse_events(stream.iter_lines())
            kind, data = next(events)
            assert kind == "history" and [m["text"] for m in json.loads(data)] == ["Bienvenue"]
            live_server.call(lambda: chat.reply_private("web:marc-dubois", "Vous êtes le prochain."))
            live_server.call(lambda: chat.reply_private("web:ana-garcia", "not for Marc"))
            live_server.call(lambda: chat.announce({"en": "Question 1", "fr": "Question 1 (fr)"}))
            kind, data = next(events)
            assert kind == "message" and json.loads(data)["text"] == "Vous êtes le prochain."
            assert json.loads(data)["private"] is True
            kind, data = next(events)
            assert kind == "message" and json.loads(data)["text"] == "Question 1 (fr)"
            client.post("/api/floor", json={"action": "request"})
            kinds = [next(events)[0] for _ in range(2)]
            assert kinds == ["message", "state"]  # the dispatcher's private reply, then "refetch the floor"

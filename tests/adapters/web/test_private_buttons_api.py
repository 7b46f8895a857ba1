"""A private notice's buttons on the console API (the group prompt): a press names the notice it answers, which must
be the presser's own and still offer that button; a group button says only `group <id>` (never a chair's verb);
an answered notice loses its buttons, so a second press is refused. Refusals have the console's error shape."""

from __future__ import annotations

import httpx

from bot.app.ports.chat import Button, InboundKind
from bot.domain.grammar import Verb
from tests.adapters.web.conftest import Stack

CHOICES = [Button("group", "Civil society", "group civil-society"), Button("group", "Business", "group business")]


async def signed_in(client: httpx.AsyncClient, name: str) -> str:
    response = await client.post("/api/join", json={"name": name, "group": "not-stated", "lang": "en"})
    assert response.status_code == 200, response.text
    return str(response.json()["user_id"])


async def notice_for(stack: Stack, user_id: str) -> str:
    await stack.chat.reply_private(user_id, "Which group?", actions=CHOICES)
    (notice,) = [m for m in stack.chat.history(user_id, "en") if m.kind == "private" and m.actions]
    assert [(b.label, b.value) for b in notice.actions] == [("Civil society", "group civil-society"),
                                                           ("Business", "group business")]
    return notice.id


def press(notice: str | None, value: str, action_id: str = "group") -> dict[str, str]:
    body = {"action": "post-action", "action_id": action_id, "value": value}
    return body | ({"message_id": notice} if notice is not None else {})


async def refused(client: httpx.AsyncClient, body: dict[str, str]) -> None:
    response = await client.post("/api/floor", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["ok"] is False and response.json()["error"] == "console.error.bad_request"


async def test_a_press_answers_the_notice_once(client: httpx.AsyncClient, stack: Stack) -> None:
    user_id = await signed_in(client, "Kofi Boateng")
    notice = await notice_for(stack, user_id)
    response = await client.post("/api/floor", json=press(notice, "group civil-society"))
    assert response.status_code == 200, response.text
    (event,) = stack.events
    assert event.kind is InboundKind.ACTION and event.user_id == user_id
    assert event.command is not None and (event.command.verb, event.command.text) == (Verb.GROUP, "civil-society")
    message = stack.chat.message(notice)
    assert message is not None and message.actions == (), "answered: no button left to press"
    await refused(client, press(notice, "group business"))  # pressed again (a second tab, a replay)
    assert len(stack.events) == 1


async def test_forged_and_foreign_presses_are_refused(client: httpx.AsyncClient, stack: Stack) -> None:
    other = await notice_for(stack, "web:guest:someone-else")
    await signed_in(client, "Kofi Boateng")
    await refused(client, press(other, "group civil-society"))  # somebody else's prompt
    await refused(client, press(None, "group civil-society"))  # no notice named
    await refused(client, press("no-such-notice", "group civil-society"))
    mine = await notice_for(stack, (await client.get("/api/state")).json()["me"]["user_id"])
    await refused(client, press(mine, "next"))  # a chair's verb dressed as a group button
    await refused(client, press(mine, "group"))  # no group named
    await refused(client, press(mine, "group states"))  # a group this notice does not offer
    assert stack.events == []
    assert stack.chat.message(mine) is not None and len(stack.chat.message(mine).actions) == 2  # type: ignore[union-attr]

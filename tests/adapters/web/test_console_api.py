"""The console's HTTP API on the real runtime (bot.wiring): pages, identity, messages, floor buttons, state."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from bot.adapters.web.console import STATIC_DIR, best_language
from bot.app.ports.chat import InboundKind
from bot.domain.agenda.recovery import LedgerState
from tests.adapters.web.conftest import Stack

JSON = {"Content-Type": "application/json"}


async def join(client: httpx.AsyncClient, **body: str) -> dict[str, str]:
    response = await client.post("/api/join", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_the_page_is_served_in_the_browsers_language_with_a_strict_policy(client: httpx.AsyncClient) -> None:
    fr = await client.get("/", headers={"Accept-Language": "fr-CH, en;q=0.5"})
    assert fr.status_code == 200
    assert '<html lang="fr">' in fr.text
    assert "Rejoindre la consultation" in fr.text and "Demander la parole" in fr.text
    assert "{{" not in fr.text
    assert "default-src 'self'" in fr.headers["content-security-policy"]
    es = await client.get("/?lang=es")
    assert "Pedir la palabra" in es.text and "Cuestión de orden" in es.text
    assert (await client.get("/console/static/console.js")).status_code == 200


def test_nothing_is_fetched_from_the_internet() -> None:
    for path in STATIC_DIR.iterdir():
        text = path.read_text(encoding="utf-8").replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert not re.search(r"(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text), path.name


def test_every_string_the_page_uses_is_in_the_catalog() -> None:
    from bot.adapters.web.buttons import REQUEST_KINDS
    from bot.adapters.web.console import console_strings
    from bot.adapters.web.views import CueStatus

    html = (STATIC_DIR / "console.html").read_text(encoding="utf-8")
    js = (STATIC_DIR / "console.js").read_text(encoding="utf-8")
    used = set(re.findall(r"console\.[a-z_]+(?:\.[a-z_\-]+)+", html + js)) - {"console.cue"}
    for lang in ("en", "fr", "es"):
        strings = console_strings(lang)
        # A key built at run time ("console.run.state." + state) must at least be a known prefix.
        missing = {k for k in used if k not in strings and not any(s.startswith(k + ".") for s in strings)}
        assert not missing, (lang, missing)
        dynamic = [f"console.kind.{k}" for k in (*REQUEST_KINDS, "point-of-order")]
        dynamic += [f"console.run.state.{s.value}" for s in CueStatus]
        dynamic += [f"common.language_name.{code}" for code in ("en", "fr", "es")]
        assert all(key in strings for key in dynamic), lang


def test_every_cue_kind_of_the_run_of_show_has_a_label() -> None:
    from bot.adapters.web.console import console_strings
    from bot.domain.agenda.timeline import CueKind

    for lang in ("en", "fr", "es"):
        assert all(f"console.cue.{kind.value}" in console_strings(lang) for kind in CueKind), lang


def test_accept_language() -> None:
    # The console's ordinals are the chat's (bot.i18n.formats): tests/i18n/test_formats.py.
    assert best_language("de-CH, es;q=0.8") == "es"
    assert best_language(None) == "en"


async def test_state_before_joining_offers_the_schedule_people_and_groups(client: httpx.AsyncClient) -> None:
    state = (await client.get("/api/state?lang=fr")).json()
    assert state["me"] is None
    assert state["powers"] == {"chair": False, "organizer": False}
    assert state["run_of_show"] is None
    assert [p["name"] for p in state["people"]][:2] == ["Ana García", "Kwame Mensah"]
    assert {"id": "civil-society", "name": "Société civile"} in state["event"]["groups"]
    assert state["event"]["title"].startswith("Les Principes directeurs")
    assert (await client.get("/api/stream")).status_code == 401


async def test_joining_as_a_schedule_person_or_a_free_name(client: httpx.AsyncClient, stack: Stack) -> None:
    who = await join(client, person="ana-garcia", lang="es")
    assert who["user_id"] == "web:ana-garcia" and who["group"] == "civil-society"
    state = (await client.get("/api/state")).json()
    assert state["lang"] == "es" and state["me"]["key"] == "ana-garcia"
    assert state["powers"]["chair"] is False

    guest = httpx.AsyncClient(transport=httpx.ASGITransport(app=stack.app), base_url="http://127.0.0.1")
    async with guest:
        free = await join(guest, name="  Jo   Doe ", group="business", lang="fr")
        assert free["name"] == "Jo Doe" and free["user_id"].startswith("web:guest:")
        assert (await guest.post("/api/join", json={"name": "x", "group": "nope", "lang": "fr"})).status_code == 400
        silent = await guest.post("/api/join?lang=fr", json={"name": "x", "lang": "fr"})  # no default group
        assert silent.status_code == 400 and silent.json()["error"] == "console.error.bad_group"
        assert silent.json()["message"] == "Choisissez un groupe de parties prenantes dans la liste."
        bad = await guest.post("/api/join", json={"name": "x", "lang": "de"})
        assert bad.status_code == 400 and bad.json()["error"] == "console.error.bad_language"
        unknown = await guest.post("/api/join?lang=es", json={"person": "nobody", "lang": "es"})
        assert unknown.json()["message"] == "Esta persona no figura en el programa."
        form = await guest.post("/api/join", content="name=x&lang=en",
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert form.status_code == 415


async def test_a_message_goes_to_the_dispatcher_and_is_mirrored(client: httpx.AsyncClient, stack: Stack) -> None:
    await join(client, person="ana-garcia", lang="es")
    response = await client.post("/api/message", json={"text": "¿Quién vigila los algoritmos?"})
    assert response.status_code == 200
    event = stack.events[-1]
    assert (event.source, event.kind, event.user_id) == ("web", InboundKind.MESSAGE, "web:ana-garcia")
    assert event.language == event.channel_language == "es" and event.display_name == "Ana García"
    assert event.ref is not None and event.ref.channel == "participants:es"
    es = stack.chat.history("web:ana-garcia", "es")
    assert [(m.kind, m.text) for m in es] == [("inbound", "¿Quién vigila los algoritmos?")]
    fr = [stack.chat.to_json(m) for m in stack.chat.history("web:marc-dubois", "fr")]
    assert fr[0]["untranslated"] is True and fr[0]["original"]["lang"] == "es"
    assert (await client.post("/api/message", json={"text": "   "})).status_code == 400
    assert (await client.post("/api/message", json={"text": "x" * 2001})).status_code == 400


async def test_requesting_the_floor_shows_the_place_and_wait_in_the_readers_language(
    client: httpx.AsyncClient, stack: Stack
) -> None:
    await join(client, person="marc-dubois", lang="fr")
    response = await client.post("/api/floor", json={"action": "request", "kind": "clarifying",
                                                     "note": "sur la  diligence raisonnable"})
    assert response.status_code == 200
    event = stack.events[-1]
    assert event.kind is InboundKind.COMMAND and event.text == "q+ clarify to sur la diligence raisonnable"
    assert dict(event.extra) == {"verb": "request", "kind": "clarifying", "note": "sur la diligence raisonnable",
                                 "group": "business"}
    state = (await client.get("/api/state")).json()
    assert state["place"]["place_text"] == "Vous êtes en 1re position sur la liste."
    assert state["place"]["wait_text"] == "d'un instant à l'autre"
    assert state["floor"]["queue"][0]["name"] == "Marc Dubois"
    assert state["floor"]["queue"][0]["kind"] == "clarifying"
    assert state["floor"]["next_language"] == "fr"
    # The event runtime's own reply, in his language, through the local chat.
    replies = [m.text for m in stack.chat.history("web:marc-dubois", "fr") if m.kind == "private"]
    assert len(replies) == 1
    assert replies[0].startswith("Votre demande (question de clarification) est enregistrée"), replies


async def test_chair_verbs_from_an_attendee_are_refused_by_their_role_and_audited(
    client: httpx.AsyncClient, stack: Stack
) -> None:
    await join(client, person="ana-garcia", lang="es")
    state = (await client.get("/api/state")).json()
    assert state["powers"]["chair"] is False and state["me"]["role"] == "attendee"
    response = await client.post("/api/floor", json={"action": "close"})
    assert response.status_code == 403
    assert response.json()["error"] == "access.refused.role"
    typed = await client.post("/api/message", json={"text": "/floor close"})
    assert typed.status_code == 403
    # Refused before the dispatcher, from the credential's role; audited; the list stays open.
    assert stack.events == []
    audit = await stack.bot.store.audit.entries(target="console")
    assert [(e.actor, e.verb, e.allowed, e.reason) for e in audit if not e.allowed] == [
        ("web:ana-garcia", "close", False, "access.refused.role")] * 2
    assert (await stack.bot.runtime.floor.state("session-1")).is_open


async def test_the_chair_gives_the_floor_and_the_timer_follows_the_servers_clock(
    client: httpx.AsyncClient, stack: Stack
) -> None:
    guest = httpx.AsyncClient(transport=httpx.ASGITransport(app=stack.app), base_url="http://127.0.0.1")
    async with guest:
        await join(guest, person="ana-garcia", lang="es")
        await guest.post("/api/floor", json={"action": "request"})
        await join(client, person="lene-wendland", lang="en")
        chair_state = (await client.get("/api/state")).json()
        assert chair_state["powers"] == {"chair": True, "organizer": True}
        states = [c["state"] for c in chair_state["run_of_show"]]
        # The real run of show of console_event.yaml, with the ledger the fixture left.
        assert states == ["pending", "missed", "posted", "pending", "late", "pending", "pending", "pending",
                          "pending", "pending"]
        first = chair_state["run_of_show"][0]  # the event's clock, formatted as chat formats it
        assert first["day"] == "Monday 7 March 2022" and first["time"].count(":") == 1
        assert (await client.post("/api/floor", json={"action": "give"})).status_code == 400  # needs a target
        response = await client.post("/api/floor", json={"action": "give", "target": "ana-garcia"})
        assert response.status_code == 200
        assert stack.events[-1].text == "give @ana-garcia"
        ana = (await guest.get("/api/state")).json()
        assert ana["timer"]["person"] == ana["me"]["key"] == "ana-garcia"
        assert ana["timer"]["ends_at"] == (stack.clock.now() + timedelta(minutes=3)).isoformat()
        assert ana["place"] is None
        stack.clock.advance(timedelta(seconds=40))
        later = (await guest.get("/api/state")).json()
        assert later["now"] == stack.clock.now().isoformat()
        assert "Tiene usted la palabra: 3 minutos." in [m.text for m in stack.chat.history("web:ana-garcia", "es")]
        await client.post("/api/floor", json={"action": "extend", "value": "2"})
        assert (await guest.get("/api/state")).json()["timer"]["ends_at"] == (
            stack.clock.now() - timedelta(seconds=40) + timedelta(minutes=5)).isoformat()
        assert (await client.post("/api/floor", json={"action": "extend", "value": "two"})).status_code == 400


@pytest.mark.parametrize(("body", "line"), [
    ({"action": "next"}, "next"),
    ({"action": "skip"}, "skip"),
    ({"action": "remove", "target": "ana-garcia"}, "remove @ana-garcia"),
    ({"action": "move", "target": "ana-garcia", "value": "1"}, "move @ana-garcia 1"),
    ({"action": "close"}, "close"),
    ({"action": "open"}, "open"),
    ({"action": "question", "value": "2"}, "question 2"),
    ({"action": "question"}, "question"),
    ({"action": "stop"}, "stop"),
    ({"action": "announce", "text": "Back at 15:00 CET."}, "announce Back at 15:00 CET."),
    ({"action": "withdraw"}, "q-"),
    ({"action": "position"}, "q?"),
    ({"action": "point-of-order"}, "point of order"),
])
async def test_every_button_becomes_one_verb_line(
    client: httpx.AsyncClient, stack: Stack, body: dict[str, str], line: str
) -> None:
    await join(client, person="lene-wendland", lang="en")
    assert (await client.post("/api/floor", json=body)).status_code == 200
    assert stack.events[-1].text == line and stack.events[-1].extra["verb"] == body["action"]


async def test_the_announcement_reaches_the_three_language_audiences(client: httpx.AsyncClient, stack: Stack) -> None:
    await join(client, person="lene-wendland", lang="en")
    await client.post("/api/floor", json={"action": "announce", "text": "We resume at 15:00 CET."})
    for lang in ("en", "fr", "es"):
        announced = [m.text for m in stack.chat.history("web:x", lang) if "We resume at 15:00 CET." in m.text]
        assert len(announced) == 1, lang


async def test_unknown_actions_and_strangers_are_refused(client: httpx.AsyncClient, stack: Stack) -> None:
    assert (await client.post("/api/floor", json={"action": "next"})).status_code == 401
    await join(client, person="lene-wendland", lang="en")
    assert (await client.post("/api/floor", json={"action": "dance"})).status_code == 400
    assert (await client.post("/api/floor", json={"action": "request", "kind": "loud"})).status_code == 400
    assert (await client.post("/api/floor", json={"action": "move", "target": "x", "value": "up"})).status_code == 400
    assert (await client.post("/api/floor", json=["next"])).status_code == 400
    assert not stack.events


async def test_switching_language_and_leaving(client: httpx.AsyncClient) -> None:
    await join(client, person="kwame-mensah", lang="en")
    assert (await client.post("/api/identity", json={"lang": "es"})).json()["lang"] == "es"
    assert (await client.get("/api/state")).json()["lang"] == "es"
    assert (await client.post("/api/identity", json={"lang": "xx"})).status_code == 400
    await client.post("/api/leave")
    assert (await client.get("/api/state")).json()["me"] is None


async def test_a_dispatcher_failure_is_reported_not_raised(client: httpx.AsyncClient, stack: Stack) -> None:
    async def broken(event: object) -> None:
        raise RuntimeError("store down")

    stack.console.handler = broken
    await join(client, person="ana-garcia", lang="fr")
    response = await client.post("/api/floor", json={"action": "request"})
    assert response.status_code == 500
    assert response.json()["message"] == "Un problème est survenu\u202f; veuillez réessayer."


@pytest.mark.parametrize(("body", "verb", "kind"), [
    ({"action": "request"}, "request", "new"),
    ({"action": "request", "kind": "clarifying", "note": "on remedy"}, "request", "clarifying"),
    ({"action": "request", "kind": "reply"}, "request", "reply"),
    ({"action": "point-of-order"}, "request", "point-of-order"),
    ({"action": "withdraw"}, "withdraw", None),
    ({"action": "position"}, "position", None),
    ({"action": "next"}, "next", None),
    ({"action": "give", "target": "ana-garcia"}, "give", None),
    ({"action": "skip"}, "skip", None),
    ({"action": "remove", "target": "ana-garcia"}, "remove", None),
    ({"action": "move", "target": "ana-garcia", "value": "2"}, "move", None),
    ({"action": "close"}, "close", None),
    ({"action": "open"}, "open", None),
    ({"action": "question", "value": "2"}, "question", None),
    ({"action": "extend", "value": "2"}, "extend", None),
    ({"action": "stop"}, "stop", None),
    ({"action": "announce", "text": "Lunch until 15:00"}, "announce", None),
    ({"action": "repost", "value": "session-1/panel/1"}, "repost", None),
])
def test_the_verb_lines_are_understood_by_the_real_grammar(body: dict[str, str], verb: str, kind: str | None) -> None:
    from bot.adapters.web.buttons import button_command
    from bot.adapters.web.console import WebConsole
    from bot.domain.grammar import parse_floor

    _, line, extra = WebConsole._floor_intent(body)
    command = parse_floor(line)
    assert command is not None, line
    assert button_command(extra) == command, "the button builds the very command its line means"
    assert command.verb.value == verb
    if kind is not None:
        assert command.kind is not None and command.kind.value == kind
    if body.get("note"):
        assert command.note == body["note"]
    if verb in ("give", "remove", "move"):
        assert command.target is not None and command.target.handle == "ana-garcia"


def test_the_page_has_no_text_outside_the_catalogs() -> None:
    html = (STATIC_DIR / "console.html").read_text(encoding="utf-8")
    body = re.sub(r"<!--.*?-->", "", html, flags=re.S)
    body = re.sub(r"\{\{[^}]+\}\}", "", body)
    texts = [t.strip() for t in re.sub(r"<[^>]+>", "\n", body).splitlines()]
    assert {t for t in texts if t} <= {"--:--"}  # the countdown's empty face


async def test_the_chair_reposts_a_missed_cue_from_the_run_of_show(client: httpx.AsyncClient, stack: Stack) -> None:
    await join(client, person="lene-wendland", lang="en")
    cues = (await client.get("/api/state")).json()["run_of_show"]
    missed = [c["id"] for c in cues if c["state"] == "missed"]
    assert missed == ["session-1/reminder"], "the row carries the cue's id for its repost button"
    response = await client.post("/api/floor", json={"action": "repost", "value": missed[0]})
    assert response.status_code == 200
    assert stack.events[-1].text == "repost session-1/reminder"
    assert (await stack.bot.store.ledger.cue_states())["session-1/reminder"] is LedgerState.LATE
    after = {c["id"]: c["state"] for c in (await client.get("/api/state")).json()["run_of_show"]}
    assert after["session-1/reminder"] == "late"
    assert (await client.post("/api/floor", json={"action": "repost"})).status_code == 400  # needs the cue


async def test_the_chair_sees_floor_time_per_group_against_its_budget(client: httpx.AsyncClient, stack: Stack) -> None:
    guest = httpx.AsyncClient(transport=httpx.ASGITransport(app=stack.app), base_url="http://127.0.0.1")
    async with guest:
        await join(guest, person="ana-garcia", lang="es")
        await guest.post("/api/floor", json={"action": "request"})
        await join(client, person="lene-wendland", lang="fr")
        before = (await client.get("/api/state")).json()["floor"]["budgets"]
        assert before == [{"group": "civil-society", "group_name": "Société civile", "used_seconds": 0,
                           "budget_seconds": 300, "remaining_seconds": 300,
                           "text": "• Société civile\u00a0: temps utilisé 0:00, temps restant 5:00 sur 5:00"}]
        await client.post("/api/floor", json={"action": "give", "target": "ana-garcia"})
        stack.clock.advance(timedelta(seconds=100))
        await client.post("/api/floor", json={"action": "stop"})
        [after] = (await client.get("/api/state")).json()["floor"]["budgets"]
        assert (after["used_seconds"], after["remaining_seconds"]) == (100, 200)


async def test_a_guest_who_does_not_say_their_group_is_listed_as_not_stated(client: httpx.AsyncClient) -> None:
    await join(client, name="Kim", group="not-stated", lang="en")
    assert (await client.post("/api/floor", json={"action": "request"})).status_code == 200
    (row,) = (await client.get("/api/state")).json()["floor"]["queue"]
    assert (row["name"], row["group"], row["group_name"]) == ("Kim", "not-stated", "group not stated")

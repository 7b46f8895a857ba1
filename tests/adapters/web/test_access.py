"""The console facing the internet, over HTTP on the real runtime (bot.wiring): invitation links from the real
`floorbot invite`, signed sessions and revocations in the store, roles, guests, the Host/Origin/size/rate
guard, and Sign in with Slack against a loopback fake OpenID Connect provider."""

from __future__ import annotations

import asyncio
import csv
import json
from collections.abc import AsyncGenerator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from typer.testing import CliRunner

from bot.adapters.web.credentials import Invitation, Signer
from bot.cli.main import app as cli
from bot.config.settings import Settings
from bot.domain.authz import Role
from tests.adapters.web.conftest import KEY, START, Stack, build_stack, event_file
from tests.fakes.slack_openid import FakeSlackOpenId, start

PUBLIC = "https://floorbot.example.org"
ORIGIN = {"Origin": PUBLIC}
CALLBACK = f"{PUBLIC}/signin/slack/callback"


def signed_settings(database: Path, **more: object) -> Settings:
    return Settings(_env_file=None, floorbot_public_url=PUBLIC, floorbot_secret_key=KEY,  # type: ignore[arg-type]
                    floorbot_database_url=f"sqlite:///{database}", **more)


@pytest.fixture
async def signed(tmp_path: Path) -> AsyncGenerator[Stack, None]:
    database = tmp_path / "console.sqlite"
    built = await build_stack(database, event=event_file(tmp_path, guests=True),
                              settings=signed_settings(database))
    yield built
    await built.bot.close()


def browser_client(stack: Stack) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=stack.app), base_url=PUBLIC, headers=ORIGIN)


def invite(tmp_path: Path, *args: str) -> list[dict[str, str]]:
    """The real `floorbot invite`, writing its CSV; its rows."""
    out = tmp_path / "links.csv"
    result = CliRunner().invoke(cli, ["invite", str(tmp_path / "event.yaml"), "--expires", "2099-01-01",
                                      "--database", f"sqlite:///{tmp_path / 'console.sqlite'}", "--out", str(out),
                                      *args], env={"FLOORBOT_SECRET_KEY": KEY, "FLOORBOT_PUBLIC_URL": PUBLIC})
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))


def revoke(tmp_path: Path, person: str) -> None:
    result = CliRunner().invoke(cli, ["invite", str(tmp_path / "event.yaml"), "--revoke", person, "--database",
                                      f"sqlite:///{tmp_path / 'console.sqlite'}"], env={"FLOORBOT_SECRET_KEY": KEY})
    assert result.exit_code == 0, result.output


async def open_link(client: httpx.AsyncClient, link: str) -> httpx.Response:
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}" == PUBLIC and parts.path == "/signin"
    return await client.get(f"/signin?{parts.query}")


async def test_a_chairs_link_signs_in_and_gives_the_floor(signed: Stack, tmp_path: Path) -> None:
    rows = await asyncio.to_thread(invite, tmp_path, "--person", "lene-wendland", "--person", "ana-garcia")
    assert [(r["person"], r["role"]) for r in rows] == [("lene-wendland", "organizer"), ("ana-garcia", "attendee")]
    async with browser_client(signed) as lene, browser_client(signed) as ana:
        opened = await open_link(lene, rows[0]["link"])
        assert opened.status_code == 303 and opened.headers["location"] == "/"  # the token leaves the address bar
        cookie = opened.headers["set-cookie"].lower()
        assert "httponly" in cookie and "secure" in cookie and "samesite=lax" in cookie
        await open_link(ana, rows[1]["link"])
        assert (await ana.post("/api/floor", json={"action": "request"})).status_code == 200
        state = (await lene.get("/api/state")).json()
        assert state["me"]["role"] == "organizer" and state["powers"]["chair"] is True
        assert state["people"] == []  # no "sign in as" list on a signed console
        given = await lene.post("/api/floor", json={"action": "give", "target": "ana-garcia"})
        assert given.status_code == 200, given.text
        assert (await ana.get("/api/state")).json()["timer"]["name"] == "Ana García"
    audit = await signed.bot.store.audit.entries(target="console")
    assert [(e.actor, e.reason) for e in audit if e.verb == "console.signin"] == [
        ("web:lene-wendland", "access.signin.invitation"), ("web:ana-garcia", "access.signin.invitation")]


async def test_tampered_expired_and_revoked_links_are_refused(signed: Stack, tmp_path: Path) -> None:
    rows = await asyncio.to_thread(invite, tmp_path, "--person", "lene-wendland")
    link = rows[0]["link"]
    expired = Signer(KEY).invitation_token(
        Invitation("lene-wendland", Role.CHAIR, START - timedelta(days=2), START - timedelta(seconds=1)))
    forged = Signer("someone-elses-key").invitation_token(
        Invitation("lene-wendland", Role.ORGANIZER, START, START + timedelta(days=1)))
    async with browser_client(signed) as client:
        token = parse_qs(urlsplit(link).query)["token"][0]
        for bad in (token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1], forged, expired, "", "<script>"):
            refused = await client.get("/signin", params={"token": bad})
            assert refused.status_code == 401, bad
            assert "set-cookie" not in refused.headers and "<script>" not in refused.text
        assert "expired" in (await client.get("/signin", params={"token": expired})).text
        signed_in = await open_link(client, link)
        assert signed_in.status_code == 303
        assert (await client.get("/api/state")).status_code == 200
        await asyncio.to_thread(revoke, tmp_path, "lene-wendland")
        # The session is refused at once (the store is read on every call), and so is the link.
        assert (await client.get("/api/state")).status_code == 401
        assert (await client.post("/api/floor", json={"action": "close"})).status_code == 401
        again = await open_link(client, link)
        assert again.status_code == 401 and "withdrawn" in again.text
        # A new link, issued after the revocation, works.
        fresh = await asyncio.to_thread(invite, tmp_path, "--person", "lene-wendland")
        assert (await open_link(client, fresh[0]["link"])).status_code == 303
    refusals = [e.reason for e in await signed.bot.store.audit.entries(target="console") if not e.allowed]
    assert {"access.refused.tampered", "access.refused.expired", "access.refused.revoked"} <= set(refusals)


async def test_sign_in_as_a_chair_is_refused_on_a_signed_console(signed: Stack) -> None:
    async with browser_client(signed) as client:
        refused = await client.post("/api/join", json={"person": "lene-wendland", "lang": "en"})
        assert refused.status_code == 401 and refused.json()["error"] == "access.refused.sign_in_as"
        assert "set-cookie" not in refused.headers
        anonymous = await client.get("/api/state")
        assert anonymous.status_code == 401 and anonymous.json()["access"]["guests"] is True
        assert "floor" not in anonymous.json()


async def test_guests_and_attendees_are_refused_every_chair_verb(signed: Stack, tmp_path: Path) -> None:
    rows = await asyncio.to_thread(invite, tmp_path, "--person", "lene-wendland", "--role", "attendee")
    verbs = [{"action": "next"}, {"action": "close"}, {"action": "skip"}, {"action": "stop"},
             {"action": "give", "target": "ana-garcia"}, {"action": "announce", "text": "Session cancelled"},
             {"action": "extend", "value": "2"}, {"action": "question", "value": "1"}]
    async with browser_client(signed) as guest, browser_client(signed) as attendee:
        joined = await guest.post("/api/join", json={"name": "<img src=x onerror=alert(1)>", "group": "business",
                                                     "lang": "fr"})
        assert joined.status_code == 200 and joined.json()["role"] == "guest" and not joined.json()["verified"]
        await open_link(attendee, rows[0]["link"])  # the organizer herself, invited as an attendee
        for client in (guest, attendee):
            for body in verbs:
                response = await client.post("/api/floor", json=body)
                assert response.status_code == 403 and response.json()["error"] == "access.refused.role", body
            assert (await client.post("/api/message", json={"text": "/floor next"})).status_code == 403
            assert (await client.get("/api/state")).json()["powers"] == {"chair": False, "organizer": False}
        assert (await guest.post("/api/floor", json={"action": "request"})).status_code == 200
    assert signed.events[-1].user_id.startswith("web:guest:")
    assert all(e.command is None or e.command.verb.value == "request" for e in signed.events)
    chair_rows = await asyncio.to_thread(invite, tmp_path, "--person", "lene-wendland")
    async with browser_client(signed) as chair:
        await open_link(chair, chair_rows[0]["link"])
        queue = (await chair.get("/api/state")).json()["floor"]["queue"]
        assert queue[-1]["name"] == "<img src=x onerror=alert(1)>" and queue[-1]["unverified"] is True


async def test_no_guests_unless_the_schedule_allows_them(tmp_path: Path) -> None:
    database = tmp_path / "console.sqlite"
    stack = await build_stack(database, event=event_file(tmp_path, guests=False), settings=signed_settings(database))
    try:
        async with browser_client(stack) as client:
            refused = await client.post("/api/join", json={"name": "Anyone", "group": "other", "lang": "en"})
            assert refused.status_code == 403 and refused.json()["error"] == "access.refused.no_guests"
            assert (await client.get("/api/state")).json()["event"] is None
    finally:
        await stack.bot.close()


async def test_an_interpreter_reads_the_floor_and_acts_on_nothing(signed: Stack, tmp_path: Path) -> None:
    rows = await asyncio.to_thread(invite, tmp_path, "--person", "marc-dubois", "--role", "interpreter")
    async with browser_client(signed) as marc, browser_client(signed) as guest:
        await guest.post("/api/join", json={"name": "Kim", "group": "academia", "lang": "en"})
        await guest.post("/api/floor", json={"action": "request"})
        await open_link(marc, rows[0]["link"])
        state = (await marc.get("/api/state")).json()
        assert state["me"]["role"] == "interpreter" and state["floor"]["next_language"] == "en"
        assert state["powers"] == {"chair": False, "organizer": False}
        for path, body in (("/api/floor", {"action": "request"}), ("/api/message", {"text": "hello"}),
                           ("/api/floor", {"action": "next"})):
            refused = await marc.post(path, json=body)
            assert refused.status_code == 403 and refused.json()["error"] == "access.refused.read_only"
        assert (await marc.post("/api/identity", json={"lang": "es"})).status_code == 200


async def test_foreign_hosts_cross_origin_posts_bodies_and_bursts_are_refused(signed: Stack) -> None:
    async with browser_client(signed) as client:
        await client.post("/api/join", json={"name": "Kim", "group": "academia", "lang": "en"})
        rebound = await client.get("/api/state", headers={"Host": "attacker.example"})
        assert rebound.status_code == 421
        assert (await client.get("/healthz", headers={"Host": "10.0.0.7"})).status_code == 200  # probes by address
        for origin in ("https://attacker.example", "http://floorbot.example.org", "null"):
            cross = await client.post("/api/message", json={"text": "hi"}, headers={"Origin": origin})
            assert cross.status_code == 403 and cross.json()["error"] == "access.refused.origin", origin
        anonymous_origin = await client.post("/api/message", json={"text": "hi"}, headers={"Origin": ""})
        assert anonymous_origin.status_code == 403
        big = await client.post("/api/message", content=json.dumps({"text": "x" * 20_000}),
                                headers={"Content-Type": "application/json"})
        assert big.status_code == 413
        statuses = [(await client.post("/api/floor", json={"action": "position"})).status_code for _ in range(25)]
        assert statuses.count(429) >= 1 and statuses[0] == 200
        limited = await client.post("/api/floor", json={"action": "position"})
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        signed.clock.advance(timedelta(seconds=int(limited.headers["retry-after"])))
        assert (await client.post("/api/floor", json={"action": "position"})).status_code == 200


async def test_sessions_survive_a_restart_and_signing_out_ends_them(signed: Stack, tmp_path: Path) -> None:
    rows = await asyncio.to_thread(invite, tmp_path, "--person", "ana-garcia")
    async with browser_client(signed) as client:
        await open_link(client, rows[0]["link"])
        cookies = dict(client.cookies)
    await signed.bot.close()
    database = tmp_path / "console.sqlite"
    again = await build_stack(database, event=tmp_path / "event.yaml", settings=signed_settings(database))
    try:
        async with browser_client(again) as client:
            client.cookies.update(cookies)
            assert (await client.get("/api/state")).json()["me"]["name"] == "Ana García"
            assert (await client.post("/api/leave")).status_code == 200
            client.cookies.update(cookies)  # the old cookie, replayed after signing out
            assert (await client.get("/api/state")).status_code == 401
    finally:
        await again.bot.close()


async def test_with_slack_configured_the_state_needs_a_session(tmp_path: Path) -> None:
    from bot import wiring
    from bot.config.loader import load_schedule

    database = tmp_path / "console.sqlite"
    settings = Settings(_env_file=None, slack_bot_token="xoxb-test", slack_signing_secret="secret",  # type: ignore[arg-type]
                        floorbot_database_url=f"sqlite:///{database}")
    schedule = load_schedule(event_file(tmp_path, guests=False)).schedule
    assert schedule is not None
    bot = await wiring.build(schedule, settings, translator=None)
    try:
        assert bot.console is not None and bot.console.signin.access.signed  # the default once Slack is configured
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=bot.app(lifespan=False)),
                                     base_url="http://127.0.0.1") as client:
            assert (await client.get("/api/state")).status_code == 401
            assert (await client.get("/api/stream")).status_code == 401
            assert (await client.post("/api/join", json={"person": "lene-wendland", "lang": "en"},
                                      headers={"Origin": "http://127.0.0.1"})).status_code == 401
        # No FLOORBOT_SECRET_KEY: one was generated once and kept in the store.
        assert await bot.store.kv.get("console", "secret_key")
    finally:
        await bot.close()


@pytest.mark.parametrize(("user", "person", "role"), [
    ({"sub": "U0LENE", "name": "Lene W.", "email": "lene@example.org"}, "lene-wendland", "organizer"),
    ({"sub": "U0MARC", "name": "Marc", "email": "marc.dubois@example.org"}, "marc-dubois", "attendee"),
    ({"sub": "U0NEW", "name": "Someone New", "email": "new@example.org"}, None, "attendee"),
])
async def test_sign_in_with_slack_through_openid_connect(
    tmp_path: Path, user: dict[str, str], person: str | None, role: str
) -> None:
    fake = FakeSlackOpenId("1234.5678", "client-secret", CALLBACK, user=user)
    runner = await start(fake)
    database = tmp_path / "console.sqlite"
    settings = signed_settings(database, slack_client_id="1234.5678", slack_client_secret="client-secret",
                               slack_openid_url=f"{fake.base_url}/openid/connect",
                               slack_api_url=f"{fake.base_url}/api/")
    stack = await build_stack(database, event=event_file(tmp_path, guests=False), settings=settings)
    try:
        async with browser_client(stack) as browser, httpx.AsyncClient() as outside:
            to_slack = await browser.get("/signin/slack")
            assert to_slack.status_code == 303
            back = await outside.get(to_slack.headers["location"])  # the person approves at Slack
            assert back.status_code == 302
            callback = urlsplit(back.headers["location"])
            assert f"{callback.scheme}://{callback.netloc}{callback.path}" == CALLBACK
            forged = await browser.get("/signin/slack/callback?code=x&state=forged")
            assert forged.status_code == 401
            done = await browser.get(f"{callback.path}?{callback.query}")
            assert done.status_code == 303 and done.headers["location"] == "/"
            me = (await browser.get("/api/state")).json()["me"]
            assert (me["person"], me["role"]) == (person, role)
            replay = await browser.get(f"{callback.path}?{callback.query}")  # a code is good once
            assert replay.status_code == 401
        assert fake.calls == ["authorize", "token", "keys", "userinfo"]
    finally:
        await stack.bot.close()
        await runner.cleanup()


async def test_one_address_posting_in_a_burst_is_slowed_down(signed: Stack) -> None:
    # Each join is a new person (a new session): only the address's own bucket can stop them.
    async with browser_client(signed) as client:
        guest = {"group": "not-stated", "lang": "en"}
        statuses = [(await client.post("/api/join", json={"name": f"Guest {n}"} | guest)).status_code
                    for n in range(61)]
        assert statuses[:60] == [200] * 60 and statuses[60] == 429
        limited = await client.post("/api/join", json={"name": "Again", "group": "other", "lang": "en"})
        assert limited.status_code == 429 and limited.headers["retry-after"] == "1"
        assert limited.json()["error"] == "access.refused.rate"


def test_invite_refuses_what_it_cannot_sign(tmp_path: Path) -> None:
    event_file(tmp_path, guests=False)
    database = f"sqlite:///{tmp_path / 'links.sqlite'}"
    for args, says in ((["--person", "nobody"], "nobody is neither a person nor an interpreter"),
                       ([], "Name people with --person"),
                       (["--all", "--expires", "2001-01-01"], "is already past"),
                       (["--all", "--expires", "next week"], "--expires takes a date"),
                       (["--all", "--role", "king"], "use organizer, chair, interpreter or attendee")):
        result = CliRunner().invoke(cli, ["invite", str(tmp_path / "event.yaml"), "--database", database, *args],
                                    env={"FLOORBOT_SECRET_KEY": KEY})
        assert result.exit_code in (1, 2) and says in result.output, (args, result.output)
        assert KEY not in result.output


async def test_an_id_token_for_another_sign_in_is_refused(tmp_path: Path) -> None:
    fake = FakeSlackOpenId("1234.5678", "client-secret", CALLBACK, user={"sub": "U0LENE"}, forge_nonce=True)
    runner = await start(fake)
    database = tmp_path / "console.sqlite"
    settings = signed_settings(database, slack_client_id="1234.5678", slack_client_secret="client-secret",
                               slack_openid_url=f"{fake.base_url}/openid/connect",
                               slack_api_url=f"{fake.base_url}/api/")
    stack = await build_stack(database, event=event_file(tmp_path, guests=False), settings=settings)
    try:
        async with browser_client(stack) as browser, httpx.AsyncClient() as outside:
            back = await outside.get((await browser.get("/signin/slack")).headers["location"])
            callback = urlsplit(back.headers["location"])
            refused = await browser.get(f"{callback.path}?{callback.query}")
            assert refused.status_code == 401 and "set-cookie" not in refused.headers
            assert (await browser.get("/api/state")).status_code == 401
        assert "userinfo" not in fake.calls  # the id_token was refused first
    finally:
        await stack.bot.close()
        await runner.cleanup()

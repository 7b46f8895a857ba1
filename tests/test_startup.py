"""Start-up that survives its neighbours: the real slack_sdk and deepl clients against the loopback fakes.

Slack answering 500 to everything for a minute, then recovering: the bot starts, /healthz answers 200
"starting" (never 500) and then "ok" while /readyz answers 503 and then 200, and the posts held meanwhile go
out once Slack answers. A DeepL that
hangs: the bot is started and serving while the translation start-up waits in the background. Time is the
`Waits` port's virtual time: the retries' pauses pass on `advance`, never on the wall clock.
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from pydantic import SecretStr
from sqlalchemy import text

from bot.adapters.store.tables import cue_ledger
from bot.app.startup import Step, StepState, run_step
from bot.config.loader import load_schedule
from bot.config.model import Schedule
from bot.config.settings import Settings
from bot.testing.timing import VirtualWaits
from bot.wiring import Bot, build
from tests.adapters.slack.conftest import SECRET, TOKEN, add_people, event_body, signed
from tests.conftest import ROOT
from tests.fakes.deepl_server import FakeDeepL, running_fake_deepl
from tests.fakes.slack_api import FakeSlack, FakeSlackServer

EN, ES = "C0EN0000001", "C0ES0000001"  # the reference event's channels


def reference() -> Schedule:
    schedule = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml").schedule
    assert schedule is not None
    return schedule


async def health(bot: Bot) -> tuple[int, dict[str, Any]]:
    """/healthz's status code and body, checked against /readyz: 503 exactly while /healthz says starting."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=bot.app()), base_url="http://127.0.0.1") as http:
        answer = await http.get("/healthz")
        ready = await http.get("/readyz")
    body = answer.json()
    assert ready.status_code == (200 if body["status"] == "ok" else 503)
    assert ready.json()["status"] == body["status"]
    return answer.status_code, body


async def test_slack_down_for_a_minute_at_start_up_the_bot_starts_and_posts_when_it_recovers(tmp_path: Path) -> None:
    vt = VirtualWaits()
    async with FakeSlackServer(FakeSlack(clock=vt.now)) as fake:
        add_people(fake)
        fake.down = True
        settings = Settings(_env_file=None, slack_bot_token=TOKEN, slack_signing_secret=SECRET,  # type: ignore[call-arg]
                            slack_api_url=fake.base_url)
        # start_now: the day's first cue is due at once, so start-up has a post to make while Slack is down.
        bot = await build(reference(), settings, database_url=f"sqlite:///{tmp_path / 's.sqlite'}", start_now=True,
                          translator=None, waits=vt)
        await asyncio.wait_for(bot.start(), timeout=5)  # returns without Slack having answered anything
        try:
            for _ in range(6):  # retried after 1, 2, 4, 8, 16 and 30 s: a minute of 500s
                await vt.wait_for_sleepers(1)
                status, body = await health(bot)
                assert status == 200 and body["status"] == "starting"
                assert body["startup"]["slack"]["state"] == "retrying"
                assert "internal_error" in body["startup"]["slack"]["error"]
                assert body["startup"]["run_of_show"]["state"] == "starting"
                assert body["slack"]["waiting_for_slack"] is True and body["slack"]["failed"] == 0
                assert fake.posts() == [], "held, not spent on the outage"
                await vt.advance(vt.wake_times[0] - vt.now())
            await vt.wait_for_sleepers(1)
            async with asyncio.timeout(10):  # the run of show has its first post waiting in the outbox
                while not bot.slack.outbox.queued:  # store work in threads: turns of the loop, no wall time
                    await vt.settle(1)
            assert bot.leadership.leading and bot.keeping, "the lease is renewed while the first posts wait"
            assert vt.now() >= 60 and bot.steps["slack"].attempts == 7
            assert len(fake.of("auth.test", ok_only=False)) == 7 and not fake.of("auth.test")

            fake.down = False
            await vt.advance(vt.wake_times[0] - vt.now())
            await fake.wait_for(lambda f: bool(f.posts()))
            await asyncio.wait_for(bot.wait_started(), timeout=10)
            await asyncio.wait_for(bot.steps["slack"].done.wait(), timeout=10)
            status, body = await health(bot)
            assert status == 200 and body["status"] == "ok" and body["leader"] is True
            assert body["startup"]["slack"] == {"state": "ok", "attempts": 8, "error": None}
            assert body["startup"]["run_of_show"]["state"] == "ok"
            assert body["last_post"]["cue"] == "day/2022-03-07/reminder" and body["next_cue"] is not None
            assert body["slack"]["waiting_for_slack"] is False and body["slack"]["failed"] == 0
            assert bot.conductor.scheduler.running
            assert fake.posts(), "the first cue went out once Slack answered"
        finally:
            await bot.stop()


async def test_a_hanging_deepl_does_not_hold_up_start_up(tmp_path: Path) -> None:
    vt = VirtualWaits()
    with running_fake_deepl(FakeDeepL()) as deepl:
        deepl.hang(everything=True)
        settings = Settings(_env_file=None, deepl_auth_key=SecretStr(deepl.auth_key),  # type: ignore[call-arg]
                            deepl_server_url=deepl.url)
        bot = await build(reference(), settings, database_url=f"sqlite:///{tmp_path / 's.sqlite'}", start_now=True,
                          waits=vt)
        await asyncio.wait_for(bot.start(), timeout=5)
        try:
            await asyncio.wait_for(bot.wait_started(), timeout=10)
            assert await asyncio.to_thread(deepl.arrived.acquire, timeout=10), "DeepL was asked and hangs"
            status, body = await health(bot)
            assert status == 200 and body["status"] == "ok"
            assert body["startup"]["translation"]["state"] == "starting", "still waiting for DeepL"
            assert bot.conductor.scheduler.running
            transport = httpx.ASGITransport(app=bot.app())
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
                assert (await http.get("/")).status_code == 200, "the console serves meanwhile"

            deepl.unhang()
            await asyncio.wait_for(bot.steps["translation"].done.wait(), timeout=10)
            assert bot.steps["translation"].state is StepState.OK
        finally:
            await bot.stop()


async def test_a_step_is_retried_until_it_succeeds_and_a_final_error_ends_it() -> None:
    vt = VirtualWaits()
    outcomes: list[Exception | None] = [OSError("down"), OSError("down"), None]

    async def flaky() -> None:
        outcome = outcomes.pop(0)
        if outcome is not None:
            raise outcome

    step = Step("flaky")
    task = asyncio.create_task(run_step(step, flaky, vt))
    await vt.run_until_idle()
    await task
    assert step.state is StepState.OK and step.attempts == 3 and vt.slept == [1.0, 2.0]

    async def refused() -> None:
        raise PermissionError("key refused")

    final = Step("refused")
    await run_step(final, refused, vt, final=(PermissionError,))
    assert final.state is StepState.FAILED and final.attempts == 1 and "key refused" in (final.error or "")


async def test_healthz_never_answers_500_even_when_a_fact_cannot_be_read(tmp_path: Path) -> None:
    bot = await build(reference(), Settings(_env_file=None), database_url=f"sqlite:///{tmp_path / 's.sqlite'}",  # type: ignore[call-arg]
                      start_now=True, translator=None)
    # Before start: jobs pending in a scheduler that has not started have no next_run_time (APScheduler 3).
    bot.conductor.schedule_call("cue:probe", bot.wall.now(), _nothing)
    status, body = await health(bot)
    assert status == 200 and body["status"] == "starting" and body["next_cue"]["id"] == "probe"
    async with bot.store.db.begin() as connection:  # a store that cannot answer (the ledger is gone)
        await connection.execute(text(f"DROP TABLE {cue_ledger.name}"))
    try:
        status, body = await health(bot)  # says so, with a 503, not a 500
        assert status == 503 and body["status"] == "starting" and cue_ledger.name in body["error"]
    finally:
        await bot.store.close()


async def _nothing() -> None:
    return None


async def test_under_uvicorn_start_up_completes_and_slack_traffic_is_taken_while_slack_is_down(tmp_path: Path) -> None:
    """uvicorn's own start-up (the lifespan) with every Slack call failing: no "Application startup failed",
    /healthz answers over HTTP, a signed message is acknowledged; it is mirrored once Slack is back."""
    vt = VirtualWaits()
    async with FakeSlackServer(FakeSlack(clock=vt.now)) as fake:
        add_people(fake)
        fake.down = True
        settings = Settings(_env_file=None, slack_bot_token=TOKEN, slack_signing_secret=SECRET,  # type: ignore[call-arg]
                            slack_api_url=fake.base_url)
        bot = await build(reference(), settings, database_url=f"sqlite:///{tmp_path / 's.sqlite'}", start_now=True,
                          translator=None, waits=vt)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        sock.setblocking(False)
        server = uvicorn.Server(uvicorn.Config(bot.app(), log_level="warning", lifespan="on"))
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        try:
            async with httpx.AsyncClient(timeout=10) as http:
                answer = await http.get(f"{url}/healthz")  # waits in the socket's backlog until uvicorn serves
                assert answer.status_code == 200 and answer.json()["status"] == "starting"
                assert (await http.get(f"{url}/readyz")).status_code == 503
                assert server.started
                body = event_body({"type": "message", "user": "UANA", "channel": ES, "text": "Hola a todos",
                                   "ts": "1646643600.000001", "channel_type": "channel"}, "EvDown1")
                ack = await http.post(f"{url}/slack/events", content=body, headers=signed(body))
                assert ack.status_code == 200, ack.text

                fake.down = False
                await vt.wait_for_sleepers(1)
                await vt.advance(vt.wake_times[0] - vt.now())
                await fake.wait_for(lambda f: any(p.get("username") == "Ana García" for p in f.posts(EN)))
                await asyncio.wait_for(bot.wait_started(), timeout=10)
                answer = await http.get(f"{url}/healthz")
                assert answer.status_code == 200 and answer.json()["status"] == "ok"
                assert (await http.get(f"{url}/readyz")).status_code == 200
        finally:
            server.should_exit = True
            await serving
            sock.close()
        assert not serving.exception()

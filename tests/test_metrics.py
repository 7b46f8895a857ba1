"""/metrics in Prometheus' text format (parsed with prometheus_client's own parser) and /readyz's reasons,
on the real bot: against the fake Slack and DeepL, time on the `Waits` port's virtual clock."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from bot.adapters.slack.outbox import DeliveryFailed
from bot.adapters.store.engine import create_engine
from bot.app.floor import next_op, request_op
from bot.config.settings import Settings
from bot.domain.floor.state import Participant
from bot.testing.timing import VirtualWaits
from bot.wiring import Bot, build
from tests.adapters.slack.conftest import SECRET, TOKEN, add_people, event_body, signed
from tests.fakes.deepl_server import FakeDeepL, running_fake_deepl
from tests.fakes.slack_api import FakeSlack, FakeSlackServer
from tests.test_startup import EN, ES, reference

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def scrape(bot: Bot) -> Samples:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=bot.app()), base_url="http://127.0.0.1") as http:
        answer = await http.get("/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(answer.text) for s in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def ready(bot: Bot) -> tuple[int, dict[str, object]]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=bot.app()), base_url="http://127.0.0.1") as http:
        answer = await http.get("/readyz")
    return answer.status_code, answer.json()


async def test_metrics_parse_and_move_when_a_cue_is_posted(tmp_path: Path) -> None:
    bot = await build(reference(), Settings(_env_file=None), database_url=f"sqlite:///{tmp_path / 's.sqlite'}",  # type: ignore[call-arg]
                      start_now=True, translator=None, lead=False)
    try:
        before = await scrape(bot)
        total = len(bot.conductor.cues)
        assert value(before, "floorbot_cues", state="pending") == total
        assert value(before, "floorbot_cues", state="posted") == 0
        assert value(before, "floorbot_leader") == 0 and value(before, "floorbot_ready") == 0
        assert ("floorbot_info", (("version", "0.1.0"),)) in before
        first = next(iter(bot.conductor.cues.values()))
        assert await bot.runner.fire(first)
        after = await scrape(bot)
        assert value(after, "floorbot_cues", state="posted") == 1
        assert value(after, "floorbot_cues", state="pending") == total - 1

        ana = Participant("web:ana", "Ana", "civil-society", "es")
        now = bot.wall.now()
        for _ in range(2):  # asking twice: one change, one no-op
            await bot.runtime.floor.execute("open-discussion", request_op(ana), "web:ana", now)
        await bot.runtime.floor.execute("open-discussion", next_op(), "web:ana", now)  # not a chair
        floor = await scrape(bot)
        assert value(floor, "floorbot_floor_operations_total", verb="request", result="changed") == 1
        assert value(floor, "floorbot_floor_operations_total", verb="request", result="noop") == 1
        assert value(floor, "floorbot_floor_operations_total", verb="next", result="refused") == 1
        assert value(floor, "floorbot_floor_waiting", discussion="open-discussion") == 1
    finally:
        await bot.store.close()


async def test_slack_translation_floor_and_inbound_figures(tmp_path: Path) -> None:
    # The loop's own waits: the translation batcher's short window must pass (no sleep in the test itself).
    async with FakeSlackServer(FakeSlack()) as fake:
        add_people(fake)
        with running_fake_deepl(FakeDeepL()) as deepl:
            settings = Settings(_env_file=None, slack_bot_token=TOKEN, slack_signing_secret=SECRET,  # type: ignore[call-arg]
                                slack_api_url=fake.base_url, deepl_auth_key=SecretStr(deepl.auth_key),
                                deepl_server_url=deepl.url)
            bot = await build(reference(), settings, database_url=f"sqlite:///{tmp_path / 's.sqlite'}",
                              start_now=True)
            await bot.start()
            try:
                await asyncio.wait_for(bot.wait_started(), timeout=20)
                await fake.wait_for(lambda f: bool(f.posts()))
                transport = httpx.ASGITransport(app=bot.app())
                async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
                    for n, text in enumerate(("Hola a todos, gracias por la invitación", "/floor")):
                        body = event_body({"type": "message", "user": "UANA", "channel": ES, "text": text,
                                           "ts": f"1646643600.00000{n}", "channel_type": "channel"}, f"EvM{n}")
                        assert (await http.post("/slack/events", content=body, headers=signed(body))).status_code == 200
                await fake.wait_for(lambda f: any(p.get("username") == "Ana García" for p in f.posts(EN)))
                await bot.slack.intake.drain()
                samples = await scrape(bot)
            finally:
                await bot.stop()
    assert value(samples, "floorbot_leader") == 1 and value(samples, "floorbot_ready") == 1
    assert value(samples, "floorbot_inbound_events_total", source="slack") == 2
    assert value(samples, "floorbot_outbox_delivered_total") >= 2
    assert value(samples, "floorbot_outbox_queued") == 0
    assert value(samples, "floorbot_delivery_seconds_count", method="announce") >= 1
    assert value(samples, "floorbot_translation_requests_total", backend="deepl", target="en") >= 1
    assert value(samples, "floorbot_translation_characters_total", backend="deepl", target="en") >= len("Hola a todos")
    assert value(samples, "floorbot_translation_seconds_count", backend="deepl") >= 1
    assert "process_start_time_seconds" in {name for name, _ in samples}


async def test_readyz_says_why_when_deliveries_fail_for_over_a_minute(tmp_path: Path) -> None:
    vt = VirtualWaits()
    async with FakeSlackServer(FakeSlack(clock=vt.now)) as fake:
        add_people(fake)
        settings = Settings(_env_file=None, slack_bot_token=TOKEN, slack_signing_secret=SECRET,  # type: ignore[call-arg]
                            slack_api_url=fake.base_url)
        bot = await build(reference(), settings, database_url=f"sqlite:///{tmp_path / 's.sqlite'}", start_now=True,
                          translator=None, waits=vt)
        await bot.start()
        try:
            await asyncio.wait_for(bot.wait_started(), timeout=20)
            await asyncio.wait_for(bot.steps["slack"].done.wait(), timeout=20)
            await fake.wait_for(lambda f: bool(f.posts()))
            assert (await ready(bot))[0] == 200
            fake.fail("chat.postMessage", 200, times=100, error="channel_not_found")  # permanent: not retried
            for _ in range(2):
                with pytest.raises(DeliveryFailed):
                    await bot.chat.announce({"en": "a", "fr": "b", "es": "c"}, key=f"doomed:{vt.now()}")
                status, body = await ready(bot)
                assert status == 200, "a failure under a minute old is not yet a reason"
                await vt.advance(40)
            status, body = await ready(bot)
            assert status == 503 and body["status"] == "unready"
            assert any("deliveries failing for" in reason for reason in body["reasons"]), body  # type: ignore[attr-defined]
            fake.faults.clear()
            await bot.chat.announce({"en": "a", "fr": "b", "es": "c"}, key="back")
            assert (await ready(bot))[0] == 200, "one success and it is ready again"
            failures = await scrape(bot)
            assert value(failures, "floorbot_delivery_failures_total", method="announce") == 2
        finally:
            await _stop_while_time_passes(bot, vt)


async def _stop_while_time_passes(bot: Bot, vt: VirtualWaits) -> None:
    """Stopping delivers what the outbox still holds (here: the reports of the failures to the chairs), paced
    per channel on virtual time: time must pass for it, as it would on the day. Awaiting `stop` alone hung
    whenever those reports had used up the chairs' channel's burst."""
    stopping = asyncio.ensure_future(bot.stop())
    for _ in range(3000):
        await vt.advance(1)
        # The fake's replies are real I/O: give them a moment of the loop, not of virtual time.
        done, _ = await asyncio.wait({stopping}, timeout=0.01)
        if done:
            return stopping.result()
    raise AssertionError("the bot did not stop")


async def test_readyz_says_why_when_the_store_is_unreachable(tmp_path: Path) -> None:
    bot = await build(reference(), Settings(_env_file=None), database_url=f"sqlite:///{tmp_path / 's.sqlite'}",  # type: ignore[call-arg]
                      start_now=True, translator=None)
    store = bot.store.db
    try:
        bot.steps.clear()
        status, body = await ready(bot)
        assert status == 503 and body["status"] == "starting" and body["reasons"] == [
            "starting: the run of show has not started (see startup)"]
        # The database goes away (here: a PostgreSQL that refuses connections).
        bot.store.db = create_engine("postgresql+psycopg://postgres@127.0.0.1:9/gone")
        status, body = await ready(bot)
        assert status == 503
        assert any(reason.startswith("store unreachable: ") for reason in body["reasons"]), body  # type: ignore[attr-defined]
        await bot.store.db.dispose()
    finally:
        await store.dispose()

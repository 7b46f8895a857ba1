"""`/floor delay 10` through Slack (the real slack-bolt app against the fake Web API) on the whole bot
(`bot.wiring.build`): every remaining job of the conductor's APScheduler is re-timed by 10 minutes, /healthz
and the console say "running 10 min late", a non-chair's delay is refused (privately) and audited."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx

from bot.adapters.web.credentials import Invitation, Signer
from bot.app.ports.store import AuditRecord
from bot.config.settings import Settings
from bot.domain.authz import Role
from bot.i18n import catalog as i18n
from bot.wiring import build, open_store
from tests.adapters.slack.conftest import SECRET, TOKEN, add_people, command_body, make_schedule, serve, signed
from tests.fakes.slack_api import FakeSlackServer

KEY = "plan-changes-test-key-0123456789abcdef"


async def test_a_chair_delays_the_day_from_slack_and_a_non_chair_is_refused(tmp_path: Path) -> None:
    async with FakeSlackServer() as fake:
        add_people(fake)
        settings = Settings(_env_file=None, slack_bot_token=TOKEN, slack_signing_secret=SECRET,  # type: ignore[call-arg]
                            slack_api_url=fake.base_url, floorbot_secret_key=KEY)
        bot = await build(make_schedule(), settings, database_url=f"sqlite+aiosqlite:///{tmp_path / 's.sqlite'}",
                          start_now=True, translator=None)
        await bot.start()
        await bot.wait_started()
        try:
            started = bot.wall.now()
            before = {job_id: at for job_id, at in bot.conductor.pending()
                      if job_id.startswith("cue:") and at > started + timedelta(seconds=30)}
            assert len(before) >= 3, "the session's opening, last call and close are ahead"

            async with serve(bot.routes()) as url, httpx.AsyncClient(timeout=10) as http:
                async def slash(text: str, user: str, trigger: str) -> None:
                    body = command_body(text, user=user, channel="CEN", trigger=trigger)
                    answer = await http.post(f"{url}/slack/events", content=body,
                                             headers=signed(body, content_type="application/x-www-form-urlencoded"))
                    assert answer.status_code == 200

                await slash("delay 10", "UPEGGY", "trig-peggy")  # not a chair of anything: refused
                await fake.wait_for(lambda f: len(f.of("chat.postEphemeral")) >= 1)  # then the chair's
                await slash("delay 10", "ULENE", "trig-lene")
                await bot.slack.intake.drain()
                await fake.wait_for(lambda f: len(f.of("chat.postEphemeral")) >= 2)

                after = dict(bot.conductor.pending())
                assert {job_id: after[job_id] - at for job_id, at in before.items()} == {
                    job_id: timedelta(minutes=10) for job_id in before}

                health = (await http.get(f"{url}/healthz")).json()
                assert health["offset_minutes"] == 10
                assert health["next_cue"]["at"] == min(after[j] for j in after if j.startswith("cue:")).isoformat()

                # With Slack configured the console is signed: the chair comes in by her invitation link.
                now = bot.wall.now()
                token = Signer(KEY).invitation_token(Invitation("lene", Role.CHAIR, now, now + timedelta(days=1)))
                assert (await http.get(f"{url}/signin", params={"token": token})).status_code in (200, 303)
                state = (await http.get(f"{url}/api/state")).json()
                assert state["offset"] == {"minutes": 10, "text": "Running 10 min late"}
                moved = [c for c in state["run_of_show"] if c["planned"]]
                assert moved and all(c["state"] == "pending" for c in moved)
            await bot.slack.outbox.drain()
            moved = {cue_id: cue.at for cue_id, cue in bot.conductor.cues.items()}
        finally:
            await bot.stop()

        # A fresh process on the same store: the same agenda times for every cue.
        again = await build(make_schedule(), settings, database_url=f"sqlite+aiosqlite:///{tmp_path / 's.sqlite'}",
                            start_now=True, translator=None)
        await again.start()
        await again.wait_started()
        try:
            assert {cue_id: cue.at for cue_id, cue in again.conductor.cues.items()} == moved
            assert again.runtime.plan.offset_at(again.runtime.clock.now()) == timedelta(minutes=10)
        finally:
            await again.stop()

    replies = {r.args["user"]: r.args["text"] for r in fake.of("chat.postEphemeral")}
    assert replies["UPEGGY"] == i18n.render("floor.authz.unknown_person", "en")
    assert replies["ULENE"].startswith("Done. The day now runs 10 min late")
    entries = [e for e in await _audit(tmp_path) if e.verb == "delay"]
    assert [(e.actor, e.allowed, e.reason) for e in entries] == [
        ("UPEGGY", False, "floor.authz.unknown_person"), ("ULENE", True, "floor.authz.organizer")]


async def _audit(tmp_path: Path) -> list[AuditRecord]:
    store = await open_store(f"sqlite+aiosqlite:///{tmp_path / 's.sqlite'}")
    try:
        return await store.audit.entries()
    finally:
        await store.close()

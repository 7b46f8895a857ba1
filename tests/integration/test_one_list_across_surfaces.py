"""One person, one place in the list, whatever surface they use: a request typed in Slack and the same
person's request typed in Zoom's meeting chat give one entry. The live bot as `floorbot serve` builds it
(`bot.wiring.build`), Slack pointed at our fake Web API, Zoom webhooks signed as Zoom signs them."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from pathlib import Path

import httpx
from pydantic import SecretStr

from bot.config.loader import load_schedule
from bot.config.settings import Settings
from bot.domain.agenda.timeline import CueKind
from bot.wiring import build
from tests.adapters.slack.conftest import SECRET, TOKEN, event_body, serve, signed
from tests.conftest import ROOT
from tests.fakes.slack_api import FakeSlackServer

ES = "C0ES0000001"
ZOOM_SECRET = "zoom-webhook-secret-for-tests"


def zoom_signed(body: bytes) -> dict[str, str]:
    ts = str(int(time.time()))
    digest = hmac.new(ZOOM_SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"x-zm-request-timestamp": ts, "x-zm-signature": f"v0={digest}", "content-type": "application/json"}


async def test_slack_and_zoom_requests_of_one_person_make_one_entry(tmp_path: Path) -> None:
    schedule = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml").schedule
    assert schedule is not None
    async with FakeSlackServer() as fake:
        fake.add_user("UANA", "Ana García", email="ana@example.org", locale="es-LA")
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, slack_bot_token=TOKEN, slack_signing_secret=SECRET, slack_api_url=fake.base_url,
            zoom_webhook_secret_token=SecretStr(ZOOM_SECRET),
        )
        bot = await build(schedule, settings, database_url=f"sqlite:///{tmp_path / 'state.sqlite'}",
                      start_now=True)
        await bot.start()
        await bot.wait_started()
        try:
            floor_open = next(c for c in bot.conductor.cues.values()
                              if c.kind == CueKind.FLOOR_OPEN and c.item == "session-1")
            await bot.runtime.on_cue(floor_open, bot.runtime.clock.now())
            async with serve(bot.routes()) as url, httpx.AsyncClient(timeout=10) as http:
                body = event_body({"type": "message", "user": "UANA", "channel": ES, "text": "pido la palabra",
                                   "ts": "1646643600.000001", "channel_type": "channel"}, "EvAnaSlack")
                sent = await http.post(f"{url}/slack/events", content=body, headers=signed(body))
                assert sent.status_code == 200, sent.text
                await bot.slack.intake.drain()
                state = await bot.runtime.floor.state("session-1")
                assert [r.participant.name for r in state.pending] == ["Ana García"]

                zoom = json.dumps({"event": "meeting.chat_message_sent", "event_ts": 1646644000000, "payload": {
                    "object": {"id": "81234567890", "uuid": "inst==", "chat_message": {
                        "date_time": "2022-03-07T09:03:00Z", "sender_name": "Ana G.",
                        "sender_email": "Ana@Example.org", "message_id": "m-1", "message_content": "mano"}}}}).encode()
                answer = await http.post(f"{url}/zoom/webhook", content=zoom, headers=zoom_signed(zoom))
                assert answer.status_code == 200 and answer.json()["status"] == "ok"
                tampered = zoom.replace(b"mano", b"main")
                refused = await http.post(f"{url}/zoom/webhook", content=tampered, headers=zoom_signed(zoom))
                assert refused.status_code == 401
            state = await bot.runtime.floor.state("session-1")
            assert len(state.pending) == 1, "the same person asked twice, from two surfaces: one entry"
            assert state.pending[0].source.value == "slack"
            await bot.slack.outbox.drain()
            replies = [c.args["text"] for c in fake.of("chat.postEphemeral")] + \
                      [p["text"] for p in fake.posts("DUANA")]
            # Both answers reach her in Slack, in Spanish; the second says she is already on the list. Between
            # them, once, the group prompt (the programme does not list her and she never gave a group).
            assert len(replies) == 3, replies
            assert replies[1].startswith("Su solicitud de palabra figura en la lista, sin grupo"), replies
            assert replies[2].startswith("Su nombre ya figura en la lista de oradores"), replies
        finally:
            await bot.stop()

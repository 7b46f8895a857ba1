"""No token or signing secret ever reaches the logs, even at DEBUG (RELIABILITY 18)."""

from __future__ import annotations

import logging

import pytest

from bot.adapters.slack.outbox import DeliveryFailed
from bot.app.ports.chat import Post
from tests.adapters.slack.conftest import SECRET, TOKEN, SlackRig, command_body, signed


async def test_debug_logs_carry_no_secret(rig: SlackRig, caplog: pytest.LogCaptureFixture,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG)
    await rig.event({"type": "message", "user": "UANA", "channel": "CES", "text": "mano", "ts": "1.000100",
                     "channel_type": "channel"}, "EvCanary")
    body = command_body("lang fr", trigger="trig-canary")
    await rig.send(body, signed(body, content_type="application/x-www-form-urlencoded"))
    await rig.send(body, signed(body, secret="wrong"))  # a refused request is logged too
    rig.fake.fail("chat.postMessage", 500, times=10, channel="CEN")
    with pytest.raises(DeliveryFailed):
        await rig.slack.chat.post("en", Post("lost"))
    await rig.settle()
    captured = capsys.readouterr()
    everything = caplog.text + captured.out + captured.err
    assert "chat.postMessage" in caplog.text  # we did log at DEBUG
    for secret in (TOKEN, SECRET, TOKEN[5:]):
        assert secret not in everything

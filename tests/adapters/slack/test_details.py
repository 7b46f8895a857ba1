"""Slack details an attendee or an operator meets: every raised-hand emoji requests the floor and removing it
withdraws; a signed but malformed body is a 400 and one log line, never a traceback; no bolt warning at start."""

from __future__ import annotations

import logging

import pytest

from bot.adapters.slack.runtime import build_slack
from bot.config.settings import Settings
from bot.domain.grammar import Verb
from bot.testing.memory import MemoryKeyValues, MemorySeenEvents
from bot.testing.timing import VirtualWaits
from tests.adapters.slack.conftest import SECRET, TOKEN, SlackRig, make_schedule, signed


def reaction(kind: str, name: str, user: str = "UANA") -> dict[str, object]:
    return {"type": kind, "user": user, "reaction": name, "event_ts": "1700000100.000200",
            "item": {"type": "message", "channel": "CEN", "ts": "1700000000.000001"}}


@pytest.mark.parametrize("emoji", ["raised_hand", "hand", "raising_hand", "woman-raising-hand",
                                   "man-raising-hand", "raised_back_of_hand", "raised_back_of_hand::skin-tone-4"])
async def test_every_raised_hand_requests_the_floor(rig: SlackRig, emoji: str) -> None:
    await rig.event(reaction("reaction_added", emoji), f"EvR-{emoji}")
    await rig.settle()
    (event,) = rig.inbox.events
    assert event.command is not None and event.command.verb is Verb.REQUEST


async def test_removing_the_hand_withdraws_and_other_emoji_do_nothing(rig: SlackRig) -> None:
    await rig.event(reaction("reaction_removed", "raising_hand"), "EvRemoved")
    await rig.event(reaction("reaction_added", "thumbsup"), "EvThumbs")
    await rig.event(reaction("reaction_removed", "thumbsup"), "EvThumbsGone")
    await rig.settle()
    (event,) = rig.inbox.events
    assert event.command is not None and event.command.verb is Verb.WITHDRAW
    assert event.user_id == "UANA"


@pytest.mark.parametrize(("body", "content_type"), [
    ("{not json", "application/json"),
    ("[1, 2]", "application/json"),
    ("payload=%7Bnot+json", "application/x-www-form-urlencoded"),
])
async def test_a_signed_malformed_body_is_a_400_and_a_log_line(rig: SlackRig, caplog: pytest.LogCaptureFixture,
                                                                body: str, content_type: str) -> None:
    caplog.set_level(logging.WARNING)
    answer = await rig.send(body, signed(body, content_type=content_type))
    assert answer.status_code == 400
    lines = [r for r in caplog.records if "malformed Slack request" in r.getMessage()]
    assert len(lines) == 1 and lines[0].exc_info is None, "one line, no traceback"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_no_bolt_warning_when_the_token_is_in_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    caplog.set_level(logging.DEBUG)
    settings = Settings(_env_file=None, slack_bot_token=TOKEN, slack_signing_secret=SECRET)  # type: ignore[call-arg]
    build_slack(settings, make_schedule(), inbox=MemorySeenEvents(), kv=MemoryKeyValues(), waits=VirtualWaits())
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("slack_bolt")]
    assert not [m for m in messages if "will be unused" in m or "will be ignored" in m], messages

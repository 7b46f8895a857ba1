"""Private replies with buttons on the Slack ChatPort (the group prompt): an ephemeral message with a section and
an actions block where the request was made, escaped; a long text keeps its buttons under its last part; where no
ephemeral is possible (no channel, a DM, the user not in the channel) a direct message carries the same buttons."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError

from bot.app.ports.chat import Button, MessageRef
from tests.adapters.slack.conftest import SlackRig

CHOICES = [Button("group", "Civil society", "group civil-society"), Button("group", "<b>Business</b>",
                                                                           "group business")]


async def test_an_ephemeral_reply_carries_the_buttons(rig: SlackRig) -> None:
    await rig.slack.chat.reply_private("UANA", "Which group?", context=MessageRef("slack", "CEN", "1.0"),
                                       actions=CHOICES)
    await rig.settle()
    (shown,) = rig.fake.ephemerals
    assert (shown["channel"], shown["user"], shown["text"]) == ("CEN", "UANA", "Which group?")
    section, actions = shown["blocks"]
    assert section["text"]["text"] == "Which group?"
    assert [(b["action_id"], b["text"]["text"], b["value"]) for b in actions["elements"]] == [
        ("group#0", "Civil society", "group civil-society"), ("group#1", "‹b›Business‹/b›", "group business")]
    assert actions["elements"][1]["text"]["type"] == "plain_text", "a label is never markup"


async def test_a_long_reply_keeps_its_buttons_under_its_last_part(rig: SlackRig) -> None:
    text = "\n\n".join(f"Paragraph {i}: " + "word " * 150 for i in range(60))
    await rig.slack.chat.reply_private("UANA", text, context=MessageRef("slack", "CEN", "1.0"), actions=CHOICES)
    await rig.settle()
    parts = rig.fake.ephemerals
    assert len(parts) >= 2
    assert [any(b["type"] == "actions" for b in p["blocks"]) for p in parts] == [False] * (len(parts) - 1) + [True]


async def test_without_a_channel_the_buttons_come_by_direct_message(rig: SlackRig) -> None:
    await rig.slack.chat.reply_private("UANA", "Which group?", actions=CHOICES)
    rig.fake.fail("chat.postEphemeral", 200, error="user_not_in_channel")
    await rig.slack.chat.reply_private("UANA", "Which group, again?", context=MessageRef("slack", "CFR", "1.0"),
                                       actions=CHOICES)
    await rig.settle()
    dms = rig.fake.posts("DUANA")
    assert [p["text"] for p in dms] == ["Which group?", "Which group, again?"]
    assert all([b["value"] for b in p["blocks"][-1]["elements"]] == ["group civil-society", "group business"]
               for p in dms)
    assert rig.fake.ephemerals == []


async def test_slack_refuses_two_buttons_with_one_action_id(rig: SlackRig) -> None:
    """The fake checks Block Kit as Slack does: what the bot sends must pass it (button_id makes ids unique)."""
    with pytest.raises(SlackApiError) as refused:
        await rig.slack.client.api_call("chat.postEphemeral", json={
            "channel": "CEN", "user": "UANA", "text": "x", "blocks": [{"type": "actions", "elements": [
                {"type": "button", "action_id": "group", "text": {"type": "plain_text", "text": "A"}, "value": "a"},
                {"type": "button", "action_id": "group", "text": {"type": "plain_text", "text": "B"}, "value": "b"}]}]})
    assert refused.value.response["error"] == "invalid_blocks"

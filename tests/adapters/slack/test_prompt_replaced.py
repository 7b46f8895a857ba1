"""The group prompt's answer and its response_url, through the real slack-bolt app and the whole bot: when Slack
refuses the response_url (it expired: 404 "Expired url"), the answer comes as a new private message, as before,
and the refusal is logged at INFO; the fake's response_url refuses what Slack refuses (not JSON, no text, bad
blocks, a URL it never gave)."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest

from bot.adapters.slack.responses import PromptAnswers
from bot.app.ports.chat import MessageRef
from tests.adapters.slack.conftest import serve
from tests.adapters.slack.test_groups_for_everyone import EN, Slack, line_of, privately, started
from tests.fakes.slack_api import FakeSlackServer


async def test_an_expired_response_url_falls_back_to_a_new_private_reply(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async with FakeSlackServer() as fake:
        fake.add_user("UEVE", "Eve Novak", email="ueve@example.org", locale="en-GB")
        bot = await started(tmp_path, fake)
        try:
            async with serve(bot.routes()) as url, httpx.AsyncClient(timeout=10) as http:
                slack = Slack(fake, http, url)
                await slack.say("hand", "UEVE", EN)
                await slack.until(lambda f: len(privately(f, "UEVE")) == 2)
                _, prompt = privately(fake, "UEVE")
                fake.expired.add("trig-late")  # pressed long after it was shown
                press = fake.block_actions("UEVE", prompt, "group", "group civil-society", trigger="trig-late")
                with caplog.at_level(logging.DEBUG):  # a run at DEBUG: the URL answers the user, never logged
                    await slack.press(press)
                    await slack.until(lambda f: len(privately(f, "UEVE")) == 3)
                sent = [r for r in caplog.records if r.name.startswith(("slack_sdk", "bot.adapters.slack.responses"))]
                assert sent and not any(press["response_url"] in r.getMessage() for r in sent)
                await slack.until(lambda f: "Civil society" in line_of(f, "Eve"))
                (tried,) = fake.responses["trig-late"]
                assert tried["replace_original"] is True
                confirmed = privately(fake, "UEVE")[-1]
                assert confirmed["channel"] == EN and "Civil society" in confirmed["text"]
                assert "stakeholder group" in prompt["text"], "Slack refused: the prompt is as it was"
                refusals = [r for r in caplog.records if r.name == "bot.adapters.slack.responses"]
                assert [r.levelno for r in refusals] == [logging.INFO] and "404" in refusals[0].getMessage()
            await bot.slack.intake.drain()
            await bot.slack.outbox.drain()
        finally:
            await bot.stop()


async def test_the_response_url_refuses_what_slack_refuses() -> None:
    async with FakeSlackServer() as fake, httpx.AsyncClient() as http:
        fake.ephemerals.append({"channel": EN, "user": "UEVE", "text": "Which group?", "blocks": [],
                                "message_ts": "1.000001"})
        payload = fake.block_actions("UEVE", {"channel": EN, "message_ts": "1.000001", "blocks": [
            {"type": "actions", "elements": [{"type": "button", "action_id": "group#0", "value": "group x",
                                              "text": {"type": "plain_text", "text": "X"}}]}]},
            "group", "group x", trigger="trig-1")
        url = payload["response_url"]
        assert url.startswith("http://127.0.0.1:")
        answers = [
            await http.post(url, content="text=hi", headers={"Content-Type": "application/x-www-form-urlencoded"}),
            await http.post(url, json={"replace_original": True}),
            await http.post(url, json={"text": "hi", "replace_original": "yes"}),
            await http.post(url, json={"text": "hi", "blocks": [{"text": "no type"}]}),
            await http.post(url.replace("trig-1", "trig-never"), json={"text": "hi"}),
        ]
        assert [(a.status_code, a.text) for a in answers] == [
            (400, "invalid_payload"), (400, "no_text"), (400, "invalid_payload"), (400, "invalid_blocks"),
            (404, "invalid_token")]
        assert fake.ephemerals[0]["text"] == "Which group?", "nothing refused replaced anything"
        ok = await http.post(url, json={"text": "Noted.", "replace_original": True})
        assert (ok.status_code, ok.text) == (200, "ok") and fake.ephemerals[0]["text"] == "Noted."


async def test_an_unreachable_or_unknown_prompt_is_not_replaced(caplog: pytest.LogCaptureFixture) -> None:
    async with FakeSlackServer() as fake:
        gone = fake.base_url.removesuffix("/api/") + "/actions/trig-gone"
    prompts = PromptAnswers()
    prompt = MessageRef("slack", EN, "1.000001")
    assert not await prompts.replace(prompt, "Noted."), "nothing was pressed there"
    assert not await prompts.replace(None, "Noted.")
    prompts.note(prompt, gone)  # the fake is down now: the connection is refused
    with caplog.at_level(logging.INFO, logger="bot.adapters.slack.responses"):
        assert not await prompts.replace(prompt, "Noted.")
    assert any(r.levelno == logging.INFO and "could not replace" in r.getMessage() for r in caplog.records)
    prompts.note(prompt, gone)
    assert not await prompts.replace(prompt, "word " * 2000), "a long answer is posted, not squeezed into one"

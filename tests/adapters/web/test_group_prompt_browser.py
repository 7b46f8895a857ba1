"""The group prompt on the console, in headless Chromium: someone signed in with Slack whom the schedule does not
list requests the floor, gets the prompt privately with one button per stakeholder group (and "I prefer not to
say"), presses "Civil society": the chair's list says Civil society for that request and the prompt's buttons
are gone, so it cannot be answered twice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.adapters.web.credentials import Credential, Signer
from bot.adapters.web.sessions import COOKIE
from bot.config.model import NOT_STATED
from bot.domain.authz import Role
from tests.adapters.web.conftest import CHROMIUM, KEY, START, LiveServer, invitation_link

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium (/usr/bin/chromium) is not installed"),
]

if CHROMIUM.exists():
    from playwright.sync_api import Browser, expect


def slack_session(server: LiveServer) -> dict[str, str]:
    """The cookie Sign in with Slack leaves for a Slack user the schedule does not list (as slack_signin.py
    makes it: group "not stated", no person); the OpenID flow itself is tested in test_access*.py."""
    who = Credential("sid-ana", "web:slack:U0ANA", "Ana Reyes", "en", NOT_STATED, Role.ATTENDEE, START,
                     START + timedelta(days=2), None, True, "slack")
    return {"name": COOKIE, "value": Signer(KEY).session_cookie(who), "url": server.url}


def test_the_group_prompt_is_answered_on_the_console(browser: Browser, signed_server: LiveServer) -> None:
    server = signed_server
    chair = browser.new_context(locale="en-GB").new_page()
    context = browser.new_context(locale="en-GB")
    context.add_cookies([slack_session(server)])  # type: ignore[list-item]
    ana = context.new_page()
    errors: list[str] = []
    for page in (chair, ana):
        page.on("pageerror", lambda e: errors.append(str(e)))
    chair.goto(invitation_link(server, "lene-wendland", Role.ORGANIZER))
    chair.click("#tab-chair")
    ana.goto(server.url)
    expect(ana.locator("#whoami-name")).to_contain_text("Ana Reyes")

    ana.click("#btn-request")
    prompt = ana.locator("li.msg.private", has_text="stakeholder group")
    expect(prompt).to_be_visible()
    buttons = prompt.locator(".msg-actions button")
    expect(buttons).to_have_text(["States", "United Nations", "International organizations",
                                  "National human rights institutions", "Civil society", "Business", "Investors",
                                  "Academia", "Other", "I prefer not to say"])
    row = chair.locator("table.speakers tbody tr", has_text="Ana Reyes")
    expect(row).to_contain_text("group not stated")

    buttons.filter(has_text="Civil society").click()
    expect(row).to_contain_text("Civil society")
    expect(prompt.locator(".msg-actions button")).to_have_count(0)  # answered: it cannot be pressed again
    expect(ana.locator("li.msg.private", has_text="Civil society")).to_be_visible()  # the confirmation
    assert errors == []

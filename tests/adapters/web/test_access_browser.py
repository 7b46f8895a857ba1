"""A signed console in headless Chromium: an invitation link signs the chair in, a guest joins unverified and
cannot chair, script in a guest's name stays text, an interpreter gets the read-only view, a bad link says why."""

from __future__ import annotations

import pytest

from bot.domain.authz import Role
from tests.adapters.web.conftest import CHROMIUM, LiveServer, invitation_link

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium (/usr/bin/chromium) is not installed"),
]

if CHROMIUM.exists():
    from playwright.sync_api import Browser, expect

HOSTILE = "<img src=x onerror=window.pwned=1>"


def test_links_guests_and_interpreters_in_the_browser(browser: Browser, signed_server: LiveServer) -> None:
    server = signed_server
    chair_page = browser.new_context(locale="en-GB").new_page()
    guest_page = browser.new_context(locale="fr-FR").new_page()
    interpreter_page = browser.new_context(locale="en-GB").new_page()
    errors: list[str] = []
    for page in (chair_page, guest_page, interpreter_page):
        page.on("pageerror", lambda e: errors.append(str(e)))

    chair_page.goto(invitation_link(server, "lene-wendland", Role.ORGANIZER))
    assert chair_page.url == server.url + "/"  # the token is gone from the address bar
    expect(chair_page.locator("#tab-chair")).to_be_visible()
    expect(chair_page.locator("#whoami-name")).to_have_text("Signed in as Lene Wendland · Organizer")

    guest_page.goto(server.url)
    expect(guest_page.locator("#join-invited")).to_be_visible()
    expect(guest_page.locator("#join-person-field")).to_be_hidden()  # no "sign in as" on a signed console
    guest_page.fill("#join-name", HOSTILE)
    assert guest_page.input_value("#join-group") == ""  # no group preselected
    guest_page.click("#join-form button[type=submit]")
    expect(guest_page.locator("#problem")).to_contain_text("group")  # refused: a group is an explicit choice
    guest_page.select_option("#join-group", "civil-society")
    guest_page.select_option("#join-lang", "fr")  # the form is redrawn in French...
    expect(guest_page.locator("#join-group option:checked")).to_have_text("Société civile")  # ...keeping the group
    guest_page.click("#join-form button[type=submit]")
    expect(guest_page.locator("#tabs")).to_be_visible()
    expect(guest_page.locator("#tab-chair")).to_be_hidden()
    guest_page.click("#btn-request")
    expect(guest_page.locator("#place-text")).to_contain_text("1")
    status = guest_page.evaluate("fetch('/api/floor', {method: 'POST', headers: {'Content-Type': 'application/json'},"
                                 " body: JSON.stringify({action: 'next'})}).then((r) => r.status)")
    assert status == 403

    chair_page.click("#tab-chair")
    row = chair_page.locator("#speakers tr").first
    expect(row).to_contain_text(HOSTILE)  # shown as text, never as markup
    expect(row.locator(".flag.unverified")).to_have_text("unverified")
    expect(row).to_contain_text("Civil society")
    assert chair_page.evaluate("window.pwned === undefined") and guest_page.evaluate("window.pwned === undefined")

    interpreter_page.goto(invitation_link(server, "marc-dubois", Role.INTERPRETER))
    expect(interpreter_page.locator("#interpreters-view")).to_be_visible()
    expect(interpreter_page.locator("#interp-next-lang")).to_have_text("français")  # his language: French
    expect(interpreter_page.locator("#interp-queue li")).to_have_count(1)
    expect(interpreter_page.locator("#composer")).to_be_hidden()
    expect(interpreter_page.locator("#btn-request")).to_be_hidden()
    expect(interpreter_page.locator("#tab-chair")).to_be_hidden()

    bad = interpreter_page.goto(invitation_link(server, "lene-wendland", Role.ORGANIZER)[:-3] + "xyz")
    assert bad is not None and bad.status == 401
    expect(interpreter_page.locator("#refusal")).to_contain_text("valid")
    assert errors == []


"""The interpreters' view in headless Chromium on a signed console: an interpreter sees the next speaker and
their floor language, presses "Slower, please", and the chair's page lists the signal with its time."""

from __future__ import annotations

import re

import pytest

from bot.app.ports.chat import InboundEvent, InboundKind
from bot.domain.authz import Role
from bot.domain.floor.state import RequestKind
from bot.domain.grammar import Command, Verb
from tests.adapters.web.conftest import CHROMIUM, START, LiveServer, invitation_link
from tests.adapters.web.test_browser import seconds

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium (/usr/bin/chromium) is not installed"),
]

if CHROMIUM.exists():
    from playwright.sync_api import Browser, expect


def test_an_interpreter_sees_the_next_language_and_signals_the_chair(browser: Browser,
                                                                    signed_server: LiveServer) -> None:
    server = signed_server
    chair = browser.new_context(locale="en-GB").new_page()
    booth = browser.new_context(locale="en-GB").new_page()
    errors: list[str] = []
    for page in (chair, booth):
        page.on("pageerror", lambda e: errors.append(str(e)))
    chair.goto(invitation_link(server, "lene-wendland", Role.ORGANIZER))
    booth.goto(invitation_link(server, "marc-dubois", Role.INTERPRETER))
    expect(booth.locator("#booths")).to_be_visible()
    # Marc reads the console in his own language, French.
    expect(booth.locator("#booth-next-name")).to_have_text("Pas encore connue")

    # Ana asks for the floor (from any surface): she is next, and she speaks Spanish.
    ask = InboundEvent(source="web", event_id="web:ana-asks", kind=InboundKind.COMMAND, user_id="web:ana-garcia",
                       at=START, text="/floor", language="es", command=Command(Verb.REQUEST, RequestKind.NEW))
    server.call(lambda: server.stack.bot.runtime.handle(ask))
    expect(booth.locator("#booth-next-name")).to_have_text("Ana García (Société civile)")
    expect(booth.locator("#booth-next-meta")).to_have_text("Langue d'intervention\u00a0: espagnol · Débat ouvert")
    expect(booth.locator("#booth-alert")).to_be_hidden()  # nobody speaks: no change of language to warn of

    booth.click("#signal-slower")
    expect(booth.locator("#signal-status")).to_have_text("Transmis à la présidence.")
    booth.click("#signal-slower")  # at once again: the chair has it already
    expect(booth.locator("#signal-status")).to_contain_text("a déjà reçu ce signal")

    chair.click("#tab-chair")
    signals = chair.locator("#chair-signals li")
    expect(signals).to_have_count(1)
    expect(signals.first).to_contain_text("Marc Dubois: Slower, please")
    expect(chair.locator("#chair-signals-none")).to_be_hidden()
    # The chair watches the booths too: the same next speaker.
    chair.click("#tab-conversation")
    expect(chair.locator("#booth-next-name")).to_have_text("Ana García (Civil society)")

    # The chair gives Ana the floor: the booths see her speak, with the time she has left counting down.
    chair.click("#tab-chair")
    chair.click("[data-chair=next]")
    expect(booth.locator("#booth-now-name")).to_have_text("Ana García (Société civile)")
    expect(booth.locator("#booth-countdown")).to_have_text(re.compile(r"^[0-3]:\d\d$"))
    assert 150 <= seconds(booth.locator("#booth-countdown").inner_text()) <= 180
    expect(booth.locator("#booth-next-name")).to_have_text("Pas encore connue")
    assert errors == []

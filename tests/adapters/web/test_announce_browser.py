"""The announcement form in headless Chromium: one field per audience; with no translator configured the
prefill says so, and each audience reads the field written for it."""

from __future__ import annotations

import pytest

from tests.adapters.web.conftest import CHROMIUM, LiveServer
from tests.adapters.web.test_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium (/usr/bin/chromium) is not installed"),
]

if CHROMIUM.exists():
    from playwright.sync_api import Browser, expect


def test_each_audience_reads_its_own_field(browser: Browser, live_server: LiveServer) -> None:
    chair_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    reader_context = browser.new_context(viewport={"width": 360, "height": 800}, locale="fr-FR")
    lene, marc = chair_context.new_page(), reader_context.new_page()
    errors: list[str] = []
    for page in (lene, marc):
        page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(lene, live_server.url, "lene-wendland", "en")
    sign_in(marc, live_server.url, "marc-dubois", "fr")
    lene.click("#tab-chair")
    expect(lene.locator("#announce-text-fr")).to_be_visible()
    lene.fill("#announce-text-en", "We resume at 15:00.")
    lene.click("#announce-translate")
    expect(lene.locator("#announce-done")).to_contain_text("No translator is configured")
    assert lene.input_value("#announce-text-fr") == ""  # nothing invented
    lene.fill("#announce-text-fr", "Reprise des travaux à 15\u00a0h\u00a000.")
    lene.click("#announce-form button[type=submit]")
    expect(lene.locator("#announce-done")).to_have_text("Sent.")
    expect(lene.locator("#announce-text-en")).to_have_value("")
    expect(marc.locator("#log")).to_contain_text("Reprise des travaux à 15\u00a0h\u00a000.")
    expect(marc.locator("#log")).not_to_contain_text("We resume at 15:00.")
    assert errors == []
    chair_context.close()
    reader_context.close()

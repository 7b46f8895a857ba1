"""The console's timing card in headless Chromium on the real runtime: the chair delays the rest of the day by
7 minutes; the chair's view and the run of show say "Running 7 min late", and a moved cue shows its plan time
beside its new one (a second chair's page follows without reloading)."""

from __future__ import annotations

import pytest

from tests.adapters.web.conftest import CHROMIUM
from tests.adapters.web.test_runtime_browser import RuntimeServer, runtime_server, sign_in  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium (/usr/bin/chromium) is not installed"),
]

if CHROMIUM.exists():
    from playwright.sync_api import Browser, expect


def test_the_chair_delays_the_day_and_the_run_of_show_shows_the_offset(
    browser: Browser, runtime_server: RuntimeServer,  # noqa: F811
) -> None:
    server = runtime_server
    lene_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    isabel_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    lene, isabel = lene_context.new_page(), isabel_context.new_page()
    errors: list[str] = []
    for page in (lene, isabel):
        page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(lene, server.url, "lene-wendland", "en")
    sign_in(isabel, server.url, "isabel-ebert", "fr")  # an organizer: she sees the run of show too
    isabel.click("#tab-run")
    expect(isabel.locator("#run-offset")).to_have_text("Dans les temps")

    lene.click("#tab-chair")
    expect(lene.locator("#chair-plan-offset")).to_have_text("On time")
    lene.fill("#plan-minutes", "7")
    lene.get_by_role("button", name="Delay the rest of the day").click()
    expect(lene.locator("#chair-plan-offset")).to_have_text("Running 7 min late")
    expect(lene.locator("#chair-plan-offset")).to_be_visible()

    lene.click("#tab-run")
    expect(lene.locator("#run-offset")).to_have_text("Running 7 min late")
    close_row = lene.locator("#run tr", has_text="12:07").filter(has_text="Session closes")
    expect(close_row.first.locator("td.planned")).to_contain_text("12:00")
    expect(isabel.locator("#run-offset")).to_have_text("7 min de retard")
    assert not errors, errors
    lene_context.close()
    isabel_context.close()

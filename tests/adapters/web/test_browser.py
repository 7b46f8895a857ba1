"""The console in headless Chromium against a real server on the real runtime (bot.wiring): an attendee
requests the floor, the chair gives it, both pages follow, the countdown runs on the server's clock;
screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from tests.adapters.web.conftest import CHROMIUM, LiveServer
from tests.conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium (/usr/bin/chromium) is not installed"),
]

if CHROMIUM.exists():
    from playwright.sync_api import Browser, Page, expect


def seconds(countdown: str) -> int:
    match = re.fullmatch(r"(\+?)(\d+):(\d\d)", countdown.strip())
    assert match, countdown
    value = int(match.group(2)) * 60 + int(match.group(3))
    return -value if match.group(1) else value


def sign_in(page: Page, url: str, person: str, lang: str) -> None:
    page.goto(url)
    page.select_option("#join-lang", lang)
    page.select_option("#join-person", person)
    page.click("#join-form button[type=submit]")
    expect(page.locator("#tabs")).to_be_visible()


def advance_and_shot_dir() -> Path:
    """test-artifacts/, created if needed (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # the sticky band belongs at the top of a full-page picture
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_request_give_countdown_and_translation_marks(browser: Browser, live_server: LiveServer) -> None:
    attendee = browser.new_context(viewport={"width": 360, "height": 800}, locale="es-ES")
    chair = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    ana, lene = attendee.new_page(), chair.new_page()
    errors: list[str] = []
    for page in (ana, lene):
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # The join page comes in the browser's language.
    ana.goto(live_server.url)
    expect(ana.locator("#join-title")).to_have_text("Unirse a la consulta")
    expect(ana.locator("#join")).to_be_visible()
    shot(ana, "console-join-phone-es.png")
    sign_in(ana, live_server.url, "ana-garcia", "es")
    sign_in(lene, live_server.url, "lene-wendland", "en")
    expect(ana.locator("#tab-chair")).to_be_hidden()  # the server gives Ana no chair powers

    # The attendee requests the floor with a note; her place shows in Spanish.
    ana.fill("#request-note", "sobre la debida diligencia")
    ana.click("#btn-request")
    expect(ana.locator("#place-text")).to_have_text("Su turno en la lista es el 1.º.")
    expect(ana.locator("#notice")).to_have_text("Su turno es el siguiente. Prepárese para intervenir.")
    expect(ana.locator("#log")).to_contain_text("Su nombre figura en la lista de oradores; su turno es el 1.º")

    # The chair sees her in the list, with the floor language for the interpreters, and gives her the floor.
    lene.click("#tab-chair")
    row = lene.locator("#speakers tr").first
    expect(row).to_contain_text("Ana García")
    expect(row).to_contain_text("Civil society")
    expect(row).to_contain_text("sobre la debida diligencia")
    expect(lene.locator("#interpreters-lang")).to_have_text("Spanish")
    shot(lene, "console-chair-desktop-en.png")
    lene.get_by_role("button", name="Give the floor to Ana García").click()

    # Both pages follow: Ana has the floor, the list is empty, and both countdowns show her time.
    expect(ana.locator("#notice")).to_have_text("Tiene usted la palabra.")
    expect(ana.locator("#place-text")).to_have_text("Usted no figura en la lista de oradores.")
    expect(lene.locator("#chair-speaker-name")).to_have_text("Ana García")
    expect(lene.locator("#speakers-empty")).to_be_visible()
    expect(ana.locator("#speaker-name")).to_have_text("Ana García")
    before = seconds(ana.locator("#countdown").inner_text())
    assert 170 <= before <= 180

    # Drive the server's clock: the pages refetch and count down from the server's time, not their own.
    live_server.advance(timedelta(seconds=100))
    expect(ana.locator("#countdown")).to_have_text(re.compile(r"^1:[0-2]\d$"))
    after = seconds(ana.locator("#countdown").inner_text())
    assert after < before - 90
    # The chair's page refetches on its own: wait for it rather than read it at once (it may lag a moment).
    expect(lene.locator("#chair-countdown")).to_have_text(re.compile(r"^1:[0-2]\d$"))
    assert seconds(lene.locator("#chair-countdown").inner_text()) <= after + 1
    live_server.advance(timedelta(seconds=60))
    expect(ana.locator("#countdown").locator("xpath=..")).to_have_class(re.compile(r"\bwarn\b"))
    shot(ana, "console-attendee-phone-es.png")

    # A message typed by Ana reaches the chair mirrored, marked untranslated, with the original on demand.
    lene.click("#tab-conversation")
    ana.fill("#message", "¿Quién supervisa los algoritmos de moderación?")
    ana.press("#message", "Enter")
    mirrored = lene.locator("#log li").filter(has_text="¿Quién supervisa")
    expect(mirrored).to_contain_text("Untranslated")
    mirrored.get_by_role("button", name="Show original").click()
    expect(mirrored.locator(".original")).to_contain_text("Original (Spanish)")

    # The chair posts a guiding question: everyone reads it in their language, with a ✋ button.
    lene.click("#tab-chair")
    lene.fill("#question-number", "1")
    lene.get_by_role("button", name="Post guiding question").click()
    expect(ana.locator("#log")).to_contain_text("combinación inteligente de medidas")
    expect(lene.locator("#log")).to_contain_text("smart mix of measures")
    shot(lene, "console-chair-after-en.png")

    # The organizer's run of show, with the ledger states.
    lene.click("#tab-run")
    expect(lene.locator("#run tr:not(.day)")).to_have_count(len(live_server.stack.bot.conductor.cues))
    expect(lene.locator("#run tr.day")).to_have_text(["Monday 7 March 2022"])
    expect(lene.locator("#run")).to_contain_text("Posted late")
    expect(lene.locator("#run")).to_contain_text("Missed")
    shot(lene, "console-run-of-show-en.png")
    # The chair posts the skipped reminder from its row: it is posted late, and its button goes.
    lene.get_by_role("button", name="Post now").click()
    expect(lene.get_by_role("button", name="Post now")).to_have_count(0)
    expect(lene.locator("#run")).not_to_contain_text("Missed")

    # The page switches language live.
    ana.select_option("#lang-select", "fr")
    expect(ana.locator("#btn-request")).to_have_text("Demander la parole")
    expect(ana.locator("html")).to_have_attribute("lang", "fr")
    assert not errors, errors
    attendee.close()
    chair.close()


def test_keyboard_only_attendee_can_join_and_request(browser: Browser, live_server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url)
    expect(page.locator("#join")).to_be_visible()
    page.focus("#join-person")
    page.keyboard.press("Tab")  # the free-name field
    page.keyboard.type("Awa Diop")
    page.keyboard.press("Tab")
    page.select_option("#join-group", "civil-society")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Rejoindre"
    expect(page.locator("#whoami-name")).to_have_text("Session ouverte\u00a0: Awa Diop")
    page.focus("#btn-request")
    page.keyboard.press("Enter")
    expect(page.locator("#place-text")).to_have_text("Vous êtes en 1re position sur la liste.")
    # No horizontal scrolling at phone width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # Every control has an accessible name.
    unnamed = page.evaluate("""() => [...document.querySelectorAll('button, input, select, textarea')]
        .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                        && !el.textContent.trim())
        .map((el) => el.id || el.outerHTML.slice(0, 60))""")
    assert unnamed == []
    context.close()


def test_the_chair_view_fits_a_phone(browser: Browser, live_server: LiveServer) -> None:
    import httpx

    for person, lang, body in (("marc-dubois", "fr", {"action": "point-of-order"}),
                               ("ana-garcia", "es", {"action": "request", "note": "sobre reparación"}),
                               ("kwame-mensah", "en", {"action": "request"})):
        with httpx.Client(base_url=live_server.url) as client:
            client.post("/api/join", json={"person": person, "lang": lang})
            assert client.post("/api/floor", json=body).status_code == 200
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    page = context.new_page()
    sign_in(page, live_server.url, "lene-wendland", "fr")
    page.click("#tab-chair")
    rows = page.locator("#speakers tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Motion d'ordre")  # points of order first
    expect(page.locator("#interpreters-lang")).to_have_text("français")
    page.get_by_role("button", name="Faire monter Kwame Mensah").click()
    expect(rows.nth(1)).to_contain_text("Kwame Mensah")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "console-chair-phone-fr.png")
    context.close()

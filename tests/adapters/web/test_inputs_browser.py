"""The written-input page in headless Chromium against a real server on the real runtime: a file sent
before the deadline gets its receipt, a renamed executable is refused, and after the deadline the page says
when it was — all in the submitter's language; and the chair's live view of floor time per group."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.adapters.web.conftest import CHROMIUM, LiveServer
from tests.adapters.web.test_browser import shot, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium (/usr/bin/chromium) is not installed"),
]

if CHROMIUM.exists():
    from playwright.sync_api import Browser, expect

AFTER = datetime(2022, 3, 27, 10, 1, tzinfo=UTC)  # 12:01 CEST, a minute past the deadline


def test_send_an_input_get_a_receipt_then_the_deadline_passes(browser: Browser, live_server: LiveServer,
                                                              tmp_path: Path) -> None:
    page = browser.new_context(viewport={"width": 1024, "height": 900}, locale="es-ES").new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, live_server.url, "ana-garcia", "es")
    page.goto(live_server.url + "/inputs")
    expect(page.locator("h1")).to_have_text("Enviar una contribución escrita")
    expect(page.locator("#input-group")).to_have_value("civil-society")  # her group, preselected

    renamed = tmp_path / "aporte.pdf"
    renamed.write_bytes(b"MZ\x90\x00\x03" + b"\x00" * 200)
    page.fill("#input-title", "Reparación efectiva")
    page.set_input_files("#input-file", str(renamed))
    page.click("#input-send")
    expect(page.locator("#inputs-result")).to_have_text(
        "No se acepta este tipo de archivo: envíe un archivo pdf, docx, odt, txt (se comprueba el contenido, "
        "no el nombre).")

    real = tmp_path / "aporte-real.pdf"
    real.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n")
    page.set_input_files("#input-file", str(real))
    page.click("#input-send")
    expect(page.locator("#inputs-result")).to_contain_text("Gracias. Su contribución escrita “Reparación efectiva”")
    expect(page.locator("#inputs-result")).to_contain_text("Su número de referencia es WI-")
    shot(page, "inputs-receipt-es.png")
    [record] = live_server.call(lambda: live_server.stack.bot.store.inputs.all())
    assert record.title == "Reparación efectiva" and record.format == "pdf"

    async def past_deadline() -> None:
        live_server.stack.clock.set(AFTER)

    live_server.call(past_deadline)
    page.goto(live_server.url + "/inputs")
    expect(page.locator("#inputs-closed")).to_have_text(
        "Las contribuciones escritas se aceptaban hasta el domingo 27 de marzo de 2022 a las 12:00 (CET).")
    expect(page.locator("#inputs-form")).to_have_count(0)
    assert errors == []


def test_the_chair_sees_each_groups_floor_time_and_what_its_budget_leaves(browser: Browser,
                                                                        live_server: LiveServer) -> None:
    import httpx

    with httpx.Client(base_url=live_server.url) as client:
        client.post("/api/join", json={"person": "ana-garcia", "lang": "es"})
        assert client.post("/api/floor", json={"action": "request"}).status_code == 200
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
    sign_in(page, live_server.url, "lene-wendland", "en")
    page.click("#tab-chair")
    budgets = page.locator("#chair-budgets li")
    expect(budgets).to_have_text(["Civil society: 0:00 used, 5:00 left of 5:00"])
    page.get_by_role("button", name="Give the floor to Ana García").click()
    expect(page.locator("#chair-speaker-name")).to_have_text("Ana García")  # the server gave it: time runs
    live_server.advance(timedelta(minutes=2))
    page.locator("[data-chair=stop]").click()
    expect(budgets).to_have_text(["Civil society: 2:00 used, 3:00 left of 5:00"])
    expect(page.locator("#chair-budgets-none")).to_be_hidden()

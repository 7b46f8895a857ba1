"""Written inputs through the console's API on the real bot (bot.wiring): the deadline on the agenda clock
across a DST switch, files checked by content, the receipt in the submitter's language, nothing lost."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bot.cli.inputs import run_inputs
from bot.cli.report import run_report
from tests.adapters.web.conftest import EVENT, Stack

# console_event.yaml: until 12:00 on 27 March 2022, the day Zurich moves to CEST (UTC+2): 10:00 UTC.
LAST_MINUTE = datetime(2022, 3, 27, 10, 0, tzinfo=UTC)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120


async def sign_in(client: httpx.AsyncClient, person: str, lang: str) -> None:
    response = await client.post("/api/join", json={"person": person, "lang": lang})
    assert response.status_code == 200, response.text


def form(**fields: str) -> dict[str, str]:
    return {"title": "Remedy in the tech sector", "organization": "Red de Derechos", "group": "civil-society",
            "language": "es", "text": ""} | fields


async def test_an_input_before_the_deadline_gets_a_receipt_and_is_kept(client: httpx.AsyncClient,
                                                                      stack: Stack) -> None:
    stack.clock.set(LAST_MINUTE + timedelta(seconds=59))  # 12:00:59 CEST: still the deadline's minute
    await sign_in(client, "ana-garcia", "es")
    response = await client.post("/api/inputs", data=form(), files={"file": ("aporte.pdf", PDF, "application/pdf")})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["reference"].startswith("WI-") and body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["receipt"] == (f"Gracias. Su contribución escrita “Remedy in the tech sector” se recibió el "
                               f"domingo 27 de marzo de 2022 a las 12:00 (CET). Su número de referencia es "
                               f"{body['reference']}.")
    [record] = await stack.bot.store.inputs.all()
    assert (record.reference, record.submitter, record.format, record.size) == (body["reference"], "ana-garcia",
                                                                              "pdf", len(PDF))
    assert await stack.bot.store.inputs.content(record) == PDF


async def test_after_the_deadline_the_refusal_says_when_it_was(client: httpx.AsyncClient, stack: Stack) -> None:
    # 11:00 UTC would still be before 12:00 on a clock that forgot the switch to summer time.
    stack.clock.set(LAST_MINUTE + timedelta(minutes=1))
    await sign_in(client, "marc-dubois", "fr")
    response = await client.post("/api/inputs", data=form(text="Notre contribution."))
    assert response.status_code == 403
    assert response.json()["message"] == ("Les contributions écrites étaient acceptées jusqu'au dimanche 27 mars "
                                          "2022 à 12\u00a0h\u00a000 (CET)\u202f; le délai est écoulé.")
    assert await stack.bot.store.inputs.all() == []
    page = await client.get("/inputs")
    assert page.status_code == 200 and 'id="inputs-closed"' in page.text and "inputs-form" not in page.text


async def test_bad_input_is_refused_clearly_and_nothing_is_kept(client: httpx.AsyncClient, stack: Stack) -> None:
    stack.clock.set(LAST_MINUTE - timedelta(days=3))
    anonymous = await client.post("/api/inputs", data=form(text="x"))
    assert anonymous.status_code == 401 and anonymous.json()["error"] == "inputs.refused.not_signed_in"
    await sign_in(client, "kwame-mensah", "en")
    cases = [
        ({"files": {"file": ("input.pdf", EXE, "application/pdf")}}, 415, "inputs.refused.format"),
        ({"files": {"file": ("big.txt", b"a" * 2600, "text/plain")}}, 413, "inputs.refused.size"),
        ({"data": form(group="lobbyists", text="x")}, 400, "inputs.refused.group"),
        ({"data": form(title="  ", text="x")}, 400, "inputs.refused.title"),
        ({"data": form()}, 400, "inputs.refused.empty"),
    ]
    for extra, status, key in cases:
        response = await client.post("/api/inputs", **({"data": form()} | extra))  # type: ignore[arg-type]
        assert (response.status_code, response.json()["error"]) == (status, key), response.text
    renamed = await client.post("/api/inputs", data=form(), files={"file": ("input.pdf", EXE, "application/pdf")})
    assert renamed.json()["message"] == ("This kind of file is not accepted: send pdf, docx, odt, txt (the "
                                         "content is checked, not the name).")
    big = await client.post("/api/inputs?lang=fr", data=form(), files={"file": ("big.txt", b"a" * 2600, "x")})
    assert big.json()["message"] == ("Le fichier est trop volumineux (2,6\u202fko)\u00a0: la taille maximale "
                                     "acceptée est de 2\u202fko.")
    assert await stack.bot.store.inputs.all() == []
    assert not stack.bot.store.inputs.folder.exists() or list(stack.bot.store.inputs.folder.iterdir()) == []


async def test_a_plain_text_file_and_typed_text_are_both_accepted(client: httpx.AsyncClient, stack: Stack) -> None:
    stack.clock.set(LAST_MINUTE - timedelta(days=1))
    await sign_in(client, "kwame-mensah", "en")
    typed = await client.post("/api/inputs", data=form(text="Our input, typed in the form.", language="en"))
    stack.clock.advance(timedelta(seconds=5))
    sent = await client.post("/api/inputs", data=form(), files={"file": ("notes.txt", "Déjà vu".encode(), "x/y")})
    assert typed.status_code == sent.status_code == 200
    records = await stack.bot.store.inputs.all()
    assert [(r.format, r.text) for r in records] == [(None, "Our input, typed in the form."), ("txt", "")]
    assert typed.json()["receipt"].startswith("Thank you: your written input")


async def test_organizers_export_the_inputs_with_their_files_and_the_report_counts_them(
    client: httpx.AsyncClient, stack: Stack, tmp_path: Path
) -> None:
    stack.clock.set(LAST_MINUTE - timedelta(days=2))
    await sign_in(client, "ana-garcia", "es")
    first = (await client.post("/api/inputs", data=form(), files={"file": ("Aporte final.pdf", PDF, "x")})).json()
    stack.clock.advance(timedelta(minutes=1))
    await client.post("/api/inputs", data=form(title="Second", text="Texto.", group="business"))
    database = f"sqlite:///{tmp_path / 'console.sqlite'}"
    out, err = io.StringIO(), io.StringIO()
    code = await asyncio.to_thread(run_inputs, EVENT, tmp_path / "export", database, out, err)
    assert code == 0, err.getvalue()
    rows = list(csv.DictReader(io.StringIO((tmp_path / "export" / "inputs.csv").read_text(encoding="utf-8"))))
    assert [(r["title"], r["group"], r["format"]) for r in rows] == [
        ("Remedy in the tech sector", "civil-society", "pdf"), ("Second", "business", "")]
    exported = tmp_path / "export" / rows[0]["file"]
    assert exported.name == f"{first['reference']}-Aporte_final.pdf" and exported.read_bytes() == PDF
    assert rows[0]["sha256"] == hashlib.sha256(exported.read_bytes()).hexdigest()

    code = await asyncio.to_thread(run_report, tmp_path / "report", EVENT, "en", database, out, err)
    assert code == 0, err.getvalue()
    page = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    assert "Written inputs received: 2." in page and "| Civil society | 1 |" in page and "| Spanish | 2 |" in page
    assert (tmp_path / "report" / "inputs.csv").exists()


async def test_with_guests_allowed_anyone_with_the_page_may_send(stack: Stack) -> None:
    from starlette.applications import Starlette

    from bot.adapters.web.inputs import InputsPage
    from bot.app.inputs import InputsDesk

    schedule = stack.bot.schedule
    rules = schedule.event.written_inputs
    assert rules is not None
    open_to_guests = schedule.model_copy(update={"event": schedule.event.model_copy(
        update={"written_inputs": rules.model_copy(update={"guests": True})})})
    page = InputsPage(stack.console, InputsDesk(open_to_guests, stack.bot.store.inputs, stack.clock))
    app = Starlette(routes=page.routes())
    stack.clock.set(LAST_MINUTE - timedelta(days=1))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as guest:
        shown = (await guest.get("/inputs", headers={"Accept-Language": "fr"})).text
        assert 'id="inputs-form"' in shown and 'id="input-name"' in shown
        nameless = await guest.post("/api/inputs", data=form(text="x"))
        assert (nameless.status_code, nameless.json()["error"]) == (400, "inputs.refused.name")
        sent = await guest.post("/api/inputs", data=form(text="Contribution d'une personne invitée.", name="Léa",
                                                         language="fr"), headers={"Accept-Language": "fr"})
        assert sent.status_code == 200, sent.text
        assert sent.json()["receipt"].startswith("Merci. Votre contribution écrite «\u00a0Remedy")
    [record] = await stack.bot.store.inputs.all()
    assert record.submitter == "guest:Léa"

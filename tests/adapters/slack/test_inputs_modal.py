"""`/floor input` on real slack-bolt against the fake Slack: the modal opens in the person's language, a
submission gets its receipt (the modal updated), and after the deadline the refusal shows on the form."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from bot.adapters.slack.inputs_modal import file_hosts, shared_input_file
from bot.app.clock import SimulatedClock
from bot.app.inputs import InputsDesk
from bot.config.model import Schedule
from bot.wiring import open_store
from tests.adapters.slack.conftest import SCHEDULE, command_body, signed, slack_rig

FORM = "application/x-www-form-urlencoded"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


def with_inputs() -> Schedule:
    data = json.loads(json.dumps(SCHEDULE))
    data["event"]["written_inputs"] = {"deadline": "2022-03-27", "until": "12:00"}
    return Schedule.model_validate(data)


def submission(view: dict[str, object], **values: str) -> str:
    state = {block: {block: ({"type": "static_select", "selected_option": {"value": v}}
                             if block in ("group", "language") else {"type": "plain_text_input", "value": v})}
             for block, v in values.items()}
    payload = {"type": "view_submission", "team": {"id": "T0FAKE"}, "user": {"id": "UANA"},
               "api_app_id": "A0FLOOR", "trigger_id": "trig-v1",
               "view": {"id": "VMODAL", "type": "modal", "callback_id": view["callback_id"],
                        "private_metadata": view["private_metadata"], "state": {"values": state}}}
    return urlencode({"payload": json.dumps(payload)})


async def test_the_modal_gives_a_receipt_and_refuses_after_the_deadline(tmp_path: Path) -> None:
    schedule = with_inputs()
    store = await open_store(f"sqlite:///{tmp_path / 'floorbot.sqlite'}")
    clock = SimulatedClock(datetime(2022, 3, 20, 9, 0, tzinfo=UTC))
    try:
        async with slack_rig(schedule) as rig:
            rig.slack.intake.inputs = InputsDesk(schedule, store.inputs, clock)
            body = command_body("contribución", user="UANA", channel="CES")
            assert (await rig.send(body, signed(body, content_type=FORM))).status_code == 200
            await rig.settle()
            [opened] = rig.fake.of("views.open")
            view = opened.args["view"]
            view = json.loads(view) if isinstance(view, str) else view
            assert (view["callback_id"], view["private_metadata"]) == ("floor-input", "es")
            assert view["blocks"][0]["text"]["text"] == ("Las contribuciones escritas se aceptan hasta el domingo "
                                                         "27 de marzo de 2022 a las 12:00 (CET).")
            assert rig.inbox.events == []  # a form to fill, not a floor command

            fields = {"title": "Reparación", "organization": "Red", "group": "civil-society", "language": "es",
                      "text": "Los recursos deben ser accesibles."}
            body = submission(view, **fields)
            answer = await rig.send(body, signed(body, content_type=FORM))
            assert answer.status_code == 200, answer.text
            receipt = answer.json()
            assert receipt["response_action"] == "update"
            [record] = await store.inputs.all()
            assert record.submitter == "slack:UANA" and record.text == "Los recursos deben ser accesibles."
            assert f"Su número de referencia es {record.reference}." in receipt["view"]["blocks"][0]["text"]["text"]

            assert "compártalo en un mensaje directo a Floorbot" in receipt["view"]["blocks"][0]["text"]["text"]

            # The file, shared in the bot's DM with the reference: checked by content, attached, confirmed.
            async def share(name: str, content: bytes, event_id: str, text: str = record.reference) -> None:
                url = rig.fake.file_url(name, content)
                await rig.event({"type": "message", "subtype": "file_share", "channel": "DUANA",
                                 "channel_type": "im", "user": "UANA", "text": f"aquí va {text}",
                                 "ts": f"1647770000.00000{len(event_id)}",
                                 "files": [{"id": "F1", "name": name, "url_private_download": url}]}, event_id)
                await rig.settle()

            await share("programa.pdf", b"MZ\x90\x00" + b"\x00" * 64, "EvFileExe")
            await share("aporte.pdf", PDF, "EvFilePdf")
            await share("aporte.pdf", PDF, "EvFileOther", text="WI-00000000")
            said = [c.args["text"] for c in rig.fake.of("chat.postMessage") if c.args["channel"] == "DUANA"]
            assert said == [
                "No se acepta este tipo de archivo: envíe un archivo pdf, docx, odt, txt (se comprueba el "
                "contenido, no el nombre).",
                f"El archivo “aporte.pdf” se ha adjuntado a su contribución escrita {record.reference}.",
                "Ninguna de sus contribuciones escritas tiene la referencia WI-00000000.",
            ]
            [attached] = await store.inputs.all()
            assert (attached.format, attached.filename) == ("pdf", "aporte.pdf")
            assert await store.inputs.content(attached) == PDF
            assert rig.inbox.events == []

            clock.set(datetime(2022, 3, 27, 10, 1, tzinfo=UTC))
            body = submission(view, **fields)
            late = (await rig.send(body, signed(body, content_type=FORM))).json()
            assert late == {"response_action": "errors", "errors": {"title": (
                "Las contribuciones escritas se aceptaban hasta el domingo 27 de marzo de 2022 a las 12:00 (CET); "
                "el plazo ha vencido.")}}
            assert len(await store.inputs.all()) == 1
    finally:
        await store.close()


def test_a_shared_file_elsewhere_than_slack_never_gets_the_bot_token() -> None:
    """Only Slack's file host (and the API's own host) is fetched with the bot token: a URL pointing anywhere
    else in an event, however it got there, is not treated as an input's file."""
    hosts = file_hosts("https://slack.com/api/")
    event = {"type": "message", "channel_type": "im", "user": "UANA", "text": "WI-12345678",
             "files": [{"id": "F1", "name": "a.pdf", "url_private_download": "https://files.slack.com/files-pri/T1/a.pdf"}]}
    shared = shared_input_file(event, hosts)
    assert shared is not None and shared.reference == "WI-12345678"
    for elsewhere in ("https://attacker.example/a.pdf", "http://169.254.169.254/latest", "https://files.slack.com.evil.io/a"):
        event["files"] = [{"id": "F1", "name": "a.pdf", "url_private_download": elsewhere}]
        assert shared_input_file(event, hosts) is None, elsewhere

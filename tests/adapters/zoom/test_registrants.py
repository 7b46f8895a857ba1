"""Registrants from Zoom (the fake's real endpoints, through the real client) into the people directory,
where a later Slack or console sighting with the same e-mail finds its group and language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bot.adapters.zoom.client import ZoomClient
from bot.adapters.zoom.provision import Provisioner
from bot.adapters.zoom.registrants import read_from_zoom
from bot.app.people import NAMESPACE, People
from bot.app.ports.chat import InboundEvent, InboundKind
from bot.app.registrants import Registrant, import_registrants
from bot.config.model import NOT_STATED, Schedule
from bot.testing.memory import MemoryKeyValues
from tests.adapters.zoom.test_provision import load
from tests.fakes.zoom_api import FakeZoom

GROUP = "Stakeholder group / Groupe de parties prenantes / Grupo de partes interesadas"
LANGUAGE = "Language for taking the floor / Langue de prise de parole / Idioma para hacer uso de la palabra"
NOW = datetime(2022, 3, 1, tzinfo=UTC)
HERE = Path(__file__).parent


async def provisioned(fake_zoom: FakeZoom, client: ZoomClient) -> tuple[MemoryKeyValues, list[int]]:
    store = MemoryKeyValues()
    await Provisioner(load(), store, client).run()
    return store, sorted(fake_zoom.meetings)


async def read_again(schedule: Schedule, store: MemoryKeyValues, client: ZoomClient) -> list[Registrant]:
    read, _ = await read_from_zoom(schedule, store, client)
    return read.registrants


async def test_imported_registrants_are_known_when_they_sign_in(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    store, [first, second] = await provisioned(fake_zoom, make_client())
    fake_zoom.register(first, "Ana.Lopez@example.org", "Ana", "López",
                       answers={GROUP: "Civil society / Société civile / Sociedad civil", LANGUAGE: "Español"})
    fake_zoom.register(second, "ana.lopez@example.org", "Ana", "López",
                       answers={GROUP: "I prefer not to say / Je préfère ne pas le préciser / Prefiero no indicarlo"})
    fake_zoom.register(first, "jules@example.org", "Jules", "Martin", answers={GROUP: "Société civile"})
    fake_zoom.register(first, "pending@example.org", "Pat", status="pending", answers={GROUP: "Business"})
    schedule = load()
    read, meetings = await read_from_zoom(schedule, store, make_client())
    assert meetings == 2 and read.unknown == []
    summary = await import_registrants(schedule, store, read.registrants, NOW)
    # Ana registered twice: once, with the group she stated; the pending registrant is not coming.
    assert (summary.imported, summary.updated, summary.not_stated) == (2, 0, 0)
    assert await store.get(NAMESPACE, "email:pending@example.org") is None
    assert fake_zoom.api_requests("GET", r"/registrants$")[0].query["status"] == "approved"

    people = People(schedule, store)  # a later start of the bot
    await people.restore()
    slack = InboundEvent("slack", "e1", InboundKind.MESSAGE, "U0ANA", NOW, "hand", display_name="ana",
                         email="ANA.LOPEZ@example.org")
    ana = await people.sighting(slack, NOW)
    assert (ana.person, ana.group, ana.language) == ("email:ana.lopez@example.org", "civil-society", "es")
    assert people.reply_language(ana.person) == "es"
    console = InboundEvent("web", "e2", InboundKind.MESSAGE, "web:guest-3", NOW, "main", email="jules@example.org")
    jules = await people.sighting(console, NOW)
    assert (jules.group, jules.name) == ("civil-society", "Jules Martin")

    again = await import_registrants(schedule, store, await read_again(schedule, store, make_client()), NOW)
    assert (again.imported, again.updated) == (0, 0)


async def test_an_import_while_the_bot_runs_reaches_the_next_sighting(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    store, [first, _] = await provisioned(fake_zoom, make_client())
    schedule = load()
    people = People(schedule, store)  # the running bot, started before the import
    await people.restore()
    fake_zoom.register(first, "ines@example.org", "Inès", "Duval",
                       answers={GROUP: "Business", LANGUAGE: "Français"})
    read, _ = await read_from_zoom(schedule, store, make_client())
    await import_registrants(schedule, store, read.registrants, NOW)
    slack = InboundEvent("slack", "e1", InboundKind.MESSAGE, "U0INES", NOW, "hand", display_name="ines",
                         email="ines@example.org", language="en")  # her Slack is in English
    ines = await people.sighting(slack, NOW)
    assert ines.group == "business"
    assert people.reply_language(ines.person) == "fr", "the language she registered with, not Slack's locale"


async def test_every_page_is_read_and_unknown_answers_are_not_stated(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    store, [first, _] = await provisioned(fake_zoom, make_client())
    for number in range(305):  # Zoom's largest page is 300
        fake_zoom.register(first, f"p{number}@example.org", f"P{number}", answers={GROUP: "Academia"})
    fake_zoom.register(first, "x@example.org", "X", answers={GROUP: "Journalists", LANGUAGE: "Klingon"})
    schedule = load()
    read, _ = await read_from_zoom(schedule, store, make_client())
    assert len(read.registrants) == 306
    assert len(fake_zoom.api_requests("GET", rf"/meetings/{first}/registrants$")) == 2
    assert [(u.email, u.answer) for u in read.unknown] == [("x@example.org", "Journalists"),
                                                           ("x@example.org", "Klingon")]
    summary = await import_registrants(schedule, store, read.registrants, NOW)
    assert (summary.imported, summary.not_stated) == (306, 1)
    stored = await store.get(NAMESPACE, "email:x@example.org")
    assert stored["group"] == NOT_STATED and "language" not in stored


async def test_a_changed_answer_updates_and_schedule_people_stay_the_schedules(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    store, [first, _] = await provisioned(fake_zoom, make_client())
    schedule = load()
    fake_zoom.register(first, "chair.one@example.org", "Chair", "One", answers={GROUP: "Business"})
    fake_zoom.register(first, "bo@example.org", "Bo", answers={GROUP: "Business", LANGUAGE: "English"})
    first_run = await import_registrants(schedule, store, await read_again(schedule, store, make_client()), NOW)
    assert (first_run.imported, first_run.listed) == (1, 1)
    assert await store.get(NAMESPACE, "chair-one") is None  # the schedule says Chair One is UN
    fake_zoom.registrants[first][-1]["custom_questions"] = [{"title": GROUP, "value": "Investors"}]
    second = await import_registrants(schedule, store, await read_again(schedule, store, make_client()), NOW)
    assert (second.imported, second.updated) == (0, 1)
    assert (await store.get(NAMESPACE, "email:bo@example.org"))["group"] == "investors"

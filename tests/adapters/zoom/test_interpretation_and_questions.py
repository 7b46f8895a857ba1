"""Provisioning turns interpretation on for every event that declares interpretation languages, and asks
registrants their stakeholder group and floor language, idempotently, against the fake Zoom's wire."""

from __future__ import annotations

from collections.abc import Callable

from typer.testing import CliRunner

from bot.adapters.zoom.client import ZoomClient
from bot.adapters.zoom.errors import ZoomError
from bot.adapters.zoom.meeting_plan import plan_meetings
from bot.adapters.zoom.provision import NS_MEETING, Provisioner
from bot.adapters.zoom.registration_questions import group_question, language_question, match_answer
from bot.cli.main import app
from bot.config.loader import load_schedule
from bot.config.model import NOT_STATED
from bot.testing.memory import MemoryKeyValues
from tests.adapters.zoom.test_provision import load
from tests.conftest import ROOT
from tests.fakes.zoom_api import FakeZoom

NO_INTERPRETERS = {
    "    interpreters:\n      - {email: Interp.FR@example.org, languages: [en, fr]}\n"
    "      - {email: interp.es@example.org, languages: [en, es]}\n": "",
}
GROUP_TITLE = "Stakeholder group / Groupe de parties prenantes / Grupo de partes interesadas"


def reference():  # type: ignore[no-untyped-def]
    result = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml")
    assert result.ok and result.schedule
    return result.schedule


def test_the_reference_event_gets_interpretation_without_interpreters() -> None:
    schedule = reference()
    assert schedule.event.interpretation and not schedule.all_interpreters()
    for plan in plan_meetings(schedule):
        interpretation = plan.body()["settings"]["language_interpretation"]
        assert interpretation == {"enable": True, "interpreters": []}
        assert plan.fields()["interpretation"] == "enabled"


def test_no_interpretation_languages_and_no_interpreters_leave_it_off() -> None:
    schedule = load({"  interpretation: [en, fr, es]\n": "", **NO_INTERPRETERS})
    [first, _] = plan_meetings(schedule)
    assert first.body()["settings"]["language_interpretation"]["enable"] is False


async def test_a_meeting_created_without_interpretation_is_updated_to_have_it(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    store = MemoryKeyValues()
    await Provisioner(load({"  interpretation: [en, fr, es]\n": "", **NO_INTERPRETERS}), store, make_client()).run()
    assert all(not m["settings"]["language_interpretation"]["enable"] for m in fake_zoom.meetings.values())
    with_languages = load(NO_INTERPRETERS)
    preview = await Provisioner(with_languages, store, make_client()).run(dry_run=True)
    assert [(c.field, c.current, c.wanted) for c in preview[0].changes] == [("interpretation", "disabled", "enabled")]
    outcomes = await Provisioner(with_languages, store, make_client()).run()
    assert [o.action for o in outcomes] == ["update", "update"]
    assert all(m["settings"]["language_interpretation"]["enable"] for m in fake_zoom.meetings.values())
    again = await Provisioner(with_languages, store, make_client()).run()
    assert [o.action for o in again] == ["unchanged", "unchanged"]


async def test_registration_asks_group_and_language_in_every_event_language(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    outcomes = await Provisioner(load(), MemoryKeyValues(), make_client()).run()
    assert all("registration_questions" in [c.field for c in o.changes] for o in outcomes)
    for meeting_id in fake_zoom.meetings:
        group, language = fake_zoom.questions[meeting_id]["custom_questions"]
        assert group["title"] == GROUP_TITLE
        assert group["type"] == "single" and group["required"] is True
        assert "Civil society / Société civile / Sociedad civil" in group["answers"]
        assert "United Nations" in group["answers"]  # the schedule's own name for the group
        assert group["answers"][-1] == "I prefer not to say / Je préfère ne pas le préciser / Prefiero no indicarlo"
        assert language["answers"] == ["English", "Français", "Español"] and language["required"] is True
        assert language["title"].startswith("Language for taking the floor / Langue de prise de parole / ")
        # Zoom's standard fields were sent back as they were
        assert fake_zoom.questions[meeting_id]["questions"] == [{"field_name": "last_name", "required": True}]


async def test_questions_are_patched_once_keep_the_organizers_own_and_never_duplicate(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    store = MemoryKeyValues()
    await Provisioner(load(), store, make_client()).run()
    first_id = min(fake_zoom.meetings)
    own = {"title": "Organization", "type": "short", "required": False}
    fake_zoom.questions[first_id]["custom_questions"].insert(0, own)
    before = len(fake_zoom.api_requests("PATCH", "questions$"))
    outcomes = await Provisioner(load(), store, make_client()).run()
    assert [o.action for o in outcomes] == ["unchanged", "unchanged"]
    assert len(fake_zoom.api_requests("PATCH", "questions$")) == before
    # A new group in the schedule: the whole list is sent again, ours replaced, the organizer's kept.
    changed = load({"  un: {name: United Nations}\n": "  un: {name: United Nations}\n  media: {name: Media}\n"})
    outcomes = await Provisioner(changed, store, make_client()).run()
    assert [o.action for o in outcomes] == ["update", "update"]
    titles = [q["title"] for q in fake_zoom.questions[first_id]["custom_questions"]]
    assert titles == ["Organization", GROUP_TITLE, titles[2]] and len(set(titles)) == 3
    assert "Media" in fake_zoom.questions[first_id]["custom_questions"][1]["answers"]


async def test_webinars_get_zooms_webinar_question_type(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    await Provisioner(load({"kind: meeting": "kind: webinar"}), MemoryKeyValues(), make_client()).run()
    assert fake_zoom.webinars and not fake_zoom.meetings
    for webinar_id in fake_zoom.webinars:
        assert {q["type"] for q in fake_zoom.questions[webinar_id]["custom_questions"]} == {"single_radio"}
    assert fake_zoom.api_requests("PATCH", r"^/v2/webinars/\d+/registrants/questions$")


async def test_without_registration_no_question_is_asked(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    await Provisioner(load({"required: true": "required: false"}), MemoryKeyValues(), make_client()).run()
    assert fake_zoom.api_requests(path="questions") == [] and fake_zoom.questions == {}


async def test_zoom_refusing_the_questions_is_a_clear_error(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    store = MemoryKeyValues()
    fake_zoom.fail_next(400, {"code": 300, "message": "Validation Failed."}, method="PATCH", path="questions$")
    try:
        await Provisioner(load(), store, make_client()).run()
    except ZoomError as error:
        assert error.status == 400 and error.code == 300 and "Validation Failed." in str(error)
    else:
        raise AssertionError("expected Zoom's refusal")
    # The meeting itself was remembered: the next run asks again rather than creating a second meeting.
    assert await store.get(NS_MEETING, "zoom-test/session-1")
    await Provisioner(load(), store, make_client()).run()
    assert len(fake_zoom.meetings) == 2
    assert all(len(q["custom_questions"]) == 2 for q in fake_zoom.questions.values())


def test_answers_map_back_in_any_language() -> None:
    schedule = load()
    group, language = group_question(schedule), language_question(schedule)
    assert match_answer(group, "Civil society / Société civile / Sociedad civil") == "civil-society"
    assert match_answer(group, "  sociedad   CIVIL ") == "civil-society"
    assert match_answer(group, "Je préfère ne pas le préciser") == NOT_STATED
    assert match_answer(group, "Journalists") is None and match_answer(group, "") is None
    assert match_answer(language, "Français") == "fr" and match_answer(language, "Klingon") is None


def test_provision_says_interpretation_is_on_and_who_assigns_interpreters() -> None:
    result = CliRunner().invoke(app, ["provision", str(ROOT / "schedules" / "ungp-tech-2022.yaml"), "--dry-run"],
                                env={"COLUMNS": "250", "ZOOM_ACCOUNT_ID": "", "ZOOM_CLIENT_ID": "",
                                     "ZOOM_CLIENT_SECRET": "", "FLOORBOT_DATABASE_URL": "sqlite://"})
    assert result.exit_code == 0, result.output
    assert "Language interpretation is enabled (en, fr, es)" in result.output
    assert "the host assigns them in the meeting" in result.output
    assert "interpretation" in result.output and "enabled" in result.output
    assert "registration_questions" in result.output


async def test_a_dry_run_turning_registration_on_shows_the_questions_to_come(
    fake_zoom: FakeZoom, make_client: Callable[..., ZoomClient]
) -> None:
    store = MemoryKeyValues()
    await Provisioner(load({"required: true": "required: false"}), store, make_client()).run()
    preview = await Provisioner(load(), store, make_client()).run(dry_run=True)
    fields = [c.field for c in preview[0].changes]
    assert fields == ["approval_type", "registration_questions"]
    assert preview[0].changes[1].wanted.startswith(GROUP_TITLE + " | Language for taking the floor")
    assert fake_zoom.api_requests(path="questions") == [] and fake_zoom.questions == {}
    await Provisioner(load(), store, make_client()).run()
    assert all(len(q["custom_questions"]) == 2 for q in fake_zoom.questions.values())

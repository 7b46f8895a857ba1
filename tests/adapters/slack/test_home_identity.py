"""App Home rendering (zones, DST, places) and the Slack directory (cache TTL, e-mail matching)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.channels import classify_slack_error
from bot.adapters.slack.home import AppHome, GroupPicker, home_view
from bot.adapters.slack.identity import SlackDirectory, language_of_locale
from bot.adapters.slack.outbox import Outbox
from bot.adapters.slack.stores import LanguageChoices, NoHomeFacts
from bot.config.model import Schedule
from bot.testing.memory import MemoryKeyValues
from bot.testing.timing import VirtualWaits
from tests.adapters.slack.conftest import SCHEDULE, TOKEN, add_people, make_schedule
from tests.fakes.slack_api import FakeSlackServer


def texts(view: dict[str, object]) -> str:
    return json.dumps(view, ensure_ascii=False)


def schedule_on(day: str) -> Schedule:
    data = json.loads(json.dumps(SCHEDULE))
    data["days"][0]["date"] = day
    return Schedule.model_validate(data)


def test_home_in_the_readers_zone_across_dst() -> None:
    # 14 March 2022: New York is already on summer time, Zurich not yet: 5 hours apart, not 6.
    view = texts(home_view(schedule_on("2022-03-14"), "en", user_tz="America/New_York", place=3))
    assert "You are *3rd* on the list of speakers." in view
    assert "10:00–12:00 CET · Session 1: the State duty to protect" in view
    assert "Your time: 05:00–07:00 (America/New_York)" in view
    # 7 March: 6 hours apart.
    view = texts(home_view(schedule_on("2022-03-07"), "en", user_tz="America/New_York", place=None))
    assert "Your time: 04:00–06:00 (America/New_York)" in view
    assert "You are not on the list of speakers" in view
    assert "*Monday 7 March 2022*" in view


def test_home_without_a_second_zone_when_it_is_the_same_or_unknown() -> None:
    for tz in ("Europe/Zurich", "Europe/Paris", None, "Not/AZone"):
        view = texts(home_view(make_schedule(), "fr", user_tz=tz, place=1))
        assert "Votre heure" not in view
        assert "10\u00a0h\u00a000–12\u00a0h\u00a000 CET · Séance 1 : l'obligation de protéger" in view
        assert "Vous êtes en *1re* position sur la liste des orateurs." in view


def test_home_escapes_schedule_text() -> None:
    data = json.loads(json.dumps(SCHEDULE))
    data["days"][0]["items"][0]["title"] = {"en": "<!channel> <https://evil.example|bank>"}
    view = texts(home_view(Schedule.model_validate(data), "en", user_tz=None, place=None))
    assert "<!channel>" not in view and "&lt;!channel&gt;" in view


def test_language_of_locale() -> None:
    assert language_of_locale("fr-FR", ["en", "fr", "es"]) == "fr"
    assert language_of_locale("es-LA", ["en", "fr", "es"]) == "es"
    assert language_of_locale("de-DE", ["en", "fr", "es"]) is None
    assert language_of_locale("fr-CA", ["en", "es"]) is None
    assert language_of_locale(None, ["en"]) is None


async def test_directory_caches_with_a_ttl_and_matches_people() -> None:
    time = VirtualWaits()
    async with FakeSlackServer() as fake:
        add_people(fake)
        directory = SlackDirectory(AsyncWebClient(token=TOKEN, base_url=fake.base_url), make_schedule(),
                                   waits=time, ttl=600)
        assert await directory.resolve_people() == 1  # Peggy: e-mail in the schedule, no Slack id
        assert [c.args["email"] for c in fake.of("users.lookupByEmail")] == ["peggy@ohchr.example"]
        assert await directory.person_key("UPEGGY") == "peggy"
        assert await directory.person_key("ULENE") == "lene"  # by the Slack id in the schedule
        assert await directory.person_key("UANA") is None  # an attendee
        ana = await directory.user("UANA")
        assert ana is not None and (ana.name, ana.tz, ana.locale) == ("Ana García", "America/Bogota", "es-LA")
        await directory.user("UANA")
        assert len([c for c in fake.of("users.info") if c.args["user"] == "UANA"]) == 1  # cached
        await time.advance(601)
        await directory.user("UANA")
        assert len([c for c in fake.of("users.info") if c.args["user"] == "UANA"]) == 2  # expired, asked again
        assert await directory.user("UNOBODY") is None


async def test_warm_caches_the_workspace_page_by_page() -> None:
    async with FakeSlackServer() as fake:
        for n in range(450):
            fake.add_user(f"U{n:04d}", f"Person {n}")
        directory = SlackDirectory(AsyncWebClient(token=TOKEN, base_url=fake.base_url), make_schedule(),
                                   waits=VirtualWaits())
        assert await directory.warm() == 450
        assert len(fake.of("users.list")) == 3
        person = await directory.user("U0449")
        assert person is not None and person.name == "Person 449"
        assert fake.of("users.info") == []


class Places(NoHomeFacts):
    def __init__(self, places: dict[str, int]) -> None:
        self.places = places
        self.asked: list[tuple[str, str | None]] = []

    async def place_of(self, user_id: str, email: str | None) -> int | None:
        self.asked.append((user_id, email))
        return self.places.get(user_id)


async def test_app_home_asks_for_the_place_and_publishes_it() -> None:
    time = VirtualWaits(instant=True)
    async with FakeSlackServer() as fake:
        add_people(fake)
        client = AsyncWebClient(token=TOKEN, base_url=fake.base_url)
        schedule = make_schedule()
        places = Places({"UANA": 2})
        home = AppHome(client, Outbox(classify_slack_error, waits=time), schedule,
                       SlackDirectory(client, schedule, waits=time),
                       LanguageChoices(MemoryKeyValues(), lambda: datetime(2022, 3, 7, tzinfo=UTC)), places)
        await home.publish("UANA")
        (call,) = fake.of("views.publish")
        assert "Su turno en la lista de oradores es el *2.º*." in texts(call.args["view"])
        assert places.asked == [("UANA", "ana@example.org")]


CHOICES = [("group states", "États"), ("group civil-society", "Société civile"),
           ("group not-stated", "Je préfère ne pas le préciser")]


def _accessories(view: dict[str, object]) -> list[dict[str, object]]:
    return [b["accessory"] for b in view["blocks"] if isinstance(b, dict) and "accessory" in b]  # type: ignore[attr-defined]


def test_the_home_picker_offers_the_groups_with_the_current_one_chosen() -> None:
    view = home_view(make_schedule(), "fr", user_tz=None, place=None,
                     group=GroupPicker("not-stated", False, CHOICES))
    (menu,) = _accessories(view)
    assert menu["type"] == "static_select" and menu["action_id"] == "group"
    assert [o["text"]["text"] for o in menu["options"]] == [label for _, label in CHOICES]  # type: ignore[index]
    assert menu["initial_option"]["value"] == "group not-stated"  # type: ignore[index]
    assert "Votre groupe de parties prenantes" in texts(view)


def test_no_initial_option_for_a_group_not_offered_and_none_shown_without_choices() -> None:
    (menu,) = _accessories(home_view(make_schedule(), "en", user_tz=None, place=None,
                                     group=GroupPicker("retired-group", False, CHOICES)))
    assert "initial_option" not in menu, "Slack refuses an initial option that is not among the options"
    bare = home_view(make_schedule(), "en", user_tz=None, place=None, group=GroupPicker("states", False, ()))
    assert _accessories(bare) == []


def test_the_programmes_group_is_shown_not_offered() -> None:
    view = home_view(make_schedule(), "es", user_tz=None, place=None, group=GroupPicker("un", True, CHOICES))
    assert _accessories(view) == []
    assert "Su grupo de partes interesadas: Naciones Unidas (según el programa)" in texts(view)

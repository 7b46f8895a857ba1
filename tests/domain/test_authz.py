from __future__ import annotations

import pytest

from bot.config.model import Schedule
from bot.domain.authz import authorize, chairs_of, person_for, platform_ids, web_id
from bot.domain.grammar import CHAIR_VERBS, Verb
from bot.i18n import catalog as i18n

SCHEDULE = Schedule.model_validate(
    {
        "event": {"id": "t", "title": "T", "timezone": "Europe/Zurich", "languages": ["en", "fr", "es"],
                  "organizers": ["org"]},
        "people": {
            "lene": {"name": "Lene Wendland", "group": "un", "slack": "U0LENE"},
            "peggy": {"name": "Peggy Hicks", "group": "un", "slack": "U0PEGGY"},
            "org": {"name": "Olga Organizer", "group": "un", "slack": "U0ORG"},
            "ana": {"name": "Ana Attendee", "group": "civil-society", "slack": "U0ANA"},
            "nos": {"name": "No Slack", "group": "business"},
        },
        "days": [{"date": "2022-03-07", "items": [
            {"id": "session-1", "kind": "session", "start": "10:00", "end": "12:00", "chair": "lene"},
            {"id": "opening", "kind": "opening", "start": "10:00", "end": "10:15", "within": "session-1",
             "chairs": ["peggy"]},
            {"id": "session-2", "kind": "session", "start": "15:00", "end": "17:00", "chair": "peggy"},
        ]}],
    }
)  # fmt: skip
S1, OPENING, S2 = (SCHEDULE.item(i) for i in ("session-1", "opening", "session-2"))


def test_platform_ids_are_the_slack_id_and_the_web_form() -> None:
    assert platform_ids("lene", SCHEDULE.people["lene"]) == {"U0LENE", "web:lene"}
    assert platform_ids("nos", SCHEDULE.people["nos"]) == {"web:nos"}
    assert person_for("U0LENE", SCHEDULE) == "lene"
    assert person_for(web_id("nos"), SCHEDULE) == "nos"
    assert person_for("", SCHEDULE) is None and person_for("U0NOBODY", SCHEDULE) is None


@pytest.mark.parametrize("verb", sorted(CHAIR_VERBS))
def test_chair_verbs_are_for_the_sessions_chair_and_organizers(verb: Verb) -> None:
    assert authorize("U0LENE", verb, S1, SCHEDULE).allowed
    assert authorize("web:lene", verb, S1, SCHEDULE).reason_key == "floor.authz.chair"
    assert authorize("U0ORG", verb, S2, SCHEDULE).reason_key == "floor.authz.organizer"
    assert authorize("U0ORG", verb, None, SCHEDULE).allowed
    refused = authorize("U0ANA", verb, S1, SCHEDULE)
    assert not refused.allowed and refused.reason_key == "floor.authz.not_chair"
    # The chair of one session has no powers in another.
    assert authorize("U0LENE", verb, S2, SCHEDULE).reason_key == "floor.authz.not_chair"
    assert authorize("U0LENE", verb, None, SCHEDULE).reason_key == "floor.authz.no_session"


def test_never_by_display_name() -> None:
    for actor in ["Lene Wendland", "lene", "@lene", "U0lene", "zoom:U0LENE", "web:Lene Wendland"]:
        decision = authorize(actor, Verb.NEXT, S1, SCHEDULE)
        assert not decision.allowed and decision.reason_key == "floor.authz.unknown_person", actor


def test_nested_item_inherits_the_sessions_chair() -> None:
    assert chairs_of(OPENING, SCHEDULE) == ["peggy", "lene"]
    assert authorize("U0LENE", "next", OPENING, SCHEDULE).allowed
    assert authorize("U0PEGGY", "next", OPENING, SCHEDULE).allowed
    assert not authorize("U0PEGGY", "next", S1, SCHEDULE).allowed


def test_attendee_verbs_are_for_anyone_and_unknown_verbs_refused() -> None:
    for verb in (Verb.REQUEST, Verb.WITHDRAW, Verb.POSITION, Verb.LANG):
        assert authorize("U0STRANGER", verb, S1, SCHEDULE) == authorize("U0ANA", verb, None, SCHEDULE)
        assert authorize("U0STRANGER", verb, S1, SCHEDULE).allowed
    assert authorize("U0LENE", "dance", S1, SCHEDULE).reason_key == "floor.authz.unknown_verb"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_reason_is_written_in_every_language(lang: str) -> None:
    keys = {authorize(a, v, item, SCHEDULE).reason_key
            for a in ["U0LENE", "U0ANA", "nobody"] for v in ["next", "request", "x"] for item in [S1, None]}
    keys.add(authorize("U0ORG", "next", S1, SCHEDULE).reason_key)
    assert len(keys) == 7
    for key in keys:
        assert i18n.render(key, lang).strip()

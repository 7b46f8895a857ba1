"""Identity: one person, one key, whatever surface they use."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config.model import Person
from bot.domain.identity import IdentityResolver

PEOPLE = {
    "lene-wendland": Person(name="Lene Wendland", group="un", slack="U0LENE", email="Lene.Wendland@UN.org"),
    "ana-perez": Person(name="Ana Pérez", group="civil-society", email="ana@example.org"),
}


def test_zoom_by_email_and_slack_by_id_give_the_schedule_person() -> None:
    resolver = IdentityResolver(PEOPLE)
    from_zoom = resolver.resolve("zoom", "zoom-user-1", "lene.wendland@un.org", "Lene W.")
    from_slack = resolver.resolve("slack", "U0LENE")
    assert from_zoom == from_slack == "lene-wendland"


def test_zoom_and_slack_by_email_for_someone_not_in_the_schedule() -> None:
    resolver = IdentityResolver(PEOPLE)
    from_zoom = resolver.resolve("zoom", "z-42", "Jo@Example.COM")
    from_slack = resolver.resolve("slack", "U999", " jo@example.com ")
    assert from_zoom == from_slack == "email:jo@example.com"


def test_slack_email_lookup_matches_schedule_person_case_insensitively() -> None:
    resolver = IdentityResolver(PEOPLE)
    assert resolver.resolve("slack", "U777", "ANA@example.org") == "ana-perez"
    # The Slack id is now linked: seen again without the email, same person.
    assert resolver.resolve("slack", "U777") == "ana-perez"


def test_unknown_person_without_email_gets_a_platform_key() -> None:
    resolver = IdentityResolver(PEOPLE)
    assert resolver.resolve("zoom", "z-1") == "zoom:z-1"
    assert resolver.resolve("slack", "U1") == "slack:U1"


def test_learning_an_email_later_links_identities() -> None:
    resolver = IdentityResolver(PEOPLE)
    early_zoom = resolver.resolve("zoom", "z-7", None, "Kim")
    early_slack = resolver.resolve("slack", "U7")
    assert early_zoom != early_slack
    resolver.resolve("zoom", "z-7", "kim@example.net")
    resolver.resolve("slack", "U7", "KIM@example.net")
    assert resolver.resolve("zoom", "z-7") == resolver.resolve("slack", "U7") == "email:kim@example.net"
    # Keys handed out before the link map to the current one.
    assert resolver.canonical(early_zoom) == resolver.canonical(early_slack) == "email:kim@example.net"
    assert resolver.display_name(early_zoom) == "Kim"


def test_learning_a_schedule_email_upgrades_to_the_person_id() -> None:
    resolver = IdentityResolver(PEOPLE)
    key = resolver.resolve("zoom", "z-9")
    resolver.resolve("zoom", "z-9", "ana@example.org")
    assert resolver.canonical(key) == "ana-perez"


def test_web_console_person_ids() -> None:
    resolver = IdentityResolver(PEOPLE)
    assert resolver.resolve("web", "web:ana-perez") == "ana-perez"
    assert resolver.resolve("zoom", "z-3", "ana@example.org") == "ana-perez"


def test_canonical_of_unknown_key_is_itself() -> None:
    assert IdentityResolver(PEOPLE).canonical("zoom:never-seen") == "zoom:never-seen"


def test_a_sighting_needs_something() -> None:
    with pytest.raises(ValueError):
        IdentityResolver(PEOPLE).resolve("zoom", None, None)
    with pytest.raises(ValueError):
        IdentityResolver(PEOPLE).resolve("zoom", None, "not-an-email")


sources = st.sampled_from(["zoom", "slack", "web"])
ids = st.text(alphabet="abc123", min_size=1, max_size=4)
emails = st.none() | st.sampled_from(["a@x.org", "A@X.org", "b@y.org", "ana@example.org"])


@given(st.lists(st.tuples(sources, ids, emails), min_size=1, max_size=12))
def test_every_handle_of_a_group_resolves_alike(sightings: list[tuple[str, str, str | None]]) -> None:
    resolver = IdentityResolver(PEOPLE)
    keys = [resolver.resolve(source, uid, email) for source, uid, email in sightings]
    for (source, uid, email), key in zip(sightings, keys, strict=True):
        # Resolving again after all links were learned agrees with canonical() of the earlier answer.
        assert resolver.resolve(source, uid, email) == resolver.canonical(key)

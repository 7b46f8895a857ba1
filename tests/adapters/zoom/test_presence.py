"""Presence: who is in the room, per device stint, robust to redeliveries and out-of-order events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.zoom.presence import Presence, PresenceRegistry
from bot.domain.identity import IdentityResolver

T0 = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_join_then_leave() -> None:
    room = Presence("1")
    assert room.joined("ana", "Ana", "dev-1", at(0))
    assert room.present() == {"ana"}
    assert room.left("ana", "Ana", "dev-1", at(30))
    assert room.present() == frozenset()
    [stint] = room.stints("ana")
    assert (stint.joined, stint.left) == (at(0), at(30))


def test_two_devices_keep_a_person_present_until_both_leave() -> None:
    room = Presence("1")
    room.joined("ana", "Ana", "laptop", at(0))
    room.joined("ana", "Ana (phone)", "phone", at(5))
    room.left("ana", "Ana", "laptop", at(10))
    assert "ana" in room.present()
    room.left("ana", "Ana", "phone", at(20))
    assert "ana" not in room.present()


def test_redelivered_and_out_of_order_events() -> None:
    room = Presence("1")
    assert room.joined("ana", "Ana", "s", at(0))
    assert not room.joined("ana", "Ana", "s", at(0))  # the same join again
    room.left("ana", "Ana", "s", at(10))
    assert not room.left("ana", "Ana", "s", at(10))
    assert not room.joined("ana", "Ana", "s", at(0))  # a late redelivery of the first join
    assert "ana" not in room.present()
    # A leave that arrives before its join.
    assert room.left("bo", "Bo", "b", at(12))
    assert "bo" not in room.present()
    assert room.joined("bo", "Bo", "b", at(11))
    assert "bo" not in room.present()
    assert [(s.joined, s.left) for s in room.stints("bo")] == [(at(11), at(12))]


def test_rejoin_on_the_same_session_keeps_history() -> None:
    room = Presence("1")
    room.joined("ana", "Ana", "s", at(0))
    room.left("ana", "Ana", "s", at(10))
    room.joined("ana", "Ana", "s", at(15))
    assert "ana" in room.present()
    assert [(s.joined, s.left) for s in room.stints("ana")] == [(at(0), at(10)), (at(15), None)]


def test_meeting_end_closes_everyone_and_start_resets_stale_stints() -> None:
    room = Presence("1")
    room.joined("ana", "Ana", "s", at(0))
    room.ended(at(120))
    assert room.present() == frozenset()
    assert room.stints("ana")[0].left == at(120)
    room.joined("bo", "Bo", "b", at(130))
    room.started(at(140))  # a new instance: Bo's stint from before is closed
    assert room.present() == frozenset()


def test_registry_reports_canonical_keys_after_identities_merge() -> None:
    identity = IdentityResolver()
    registry = PresenceRegistry(identity.canonical)
    early = identity.resolve("zoom", "z-1", None, "Kim")
    registry.room("111").joined(early, "Kim", "s1", at(0))
    identity.resolve("zoom", "z-1", "kim@example.org")
    assert registry.present() == {"email:kim@example.org"}
    assert "email:kim@example.org" in registry.present(["111"])
    assert "email:kim@example.org" not in registry.present(["222"])


def test_present_or_none_until_zoom_reports() -> None:
    registry = PresenceRegistry()
    assert registry.present_or_none() is None and registry.present_or_none(["111"]) is None
    registry.room("111").joined("ana", "Ana", "s", at(0))
    assert registry.present_or_none(["111"]) == {"ana"}
    assert registry.present_or_none(["222"]) is None
    assert registry.present_or_none() == {"ana"}


def test_present_named_is_unique_or_nothing() -> None:
    room = Presence("1")
    room.joined("a", "Sam", "1", at(0))
    assert room.present_named(" sam ") == "a"
    room.joined("b", "Sam", "2", at(1))
    assert room.present_named("Sam") is None


events = st.lists(
    st.tuples(st.sampled_from(["join", "leave"]), st.sampled_from(["s1", "s2"]), st.integers(0, 60)),
    max_size=20,
)


@given(events)
def test_replaying_events_changes_nothing(sequence: list[tuple[str, str, int]]) -> None:
    room = Presence("1")
    for kind, session, minute in sequence:
        (room.joined if kind == "join" else room.left)("p", "P", session, at(minute))
    before = (room.present(), room.stints())
    for kind, session, minute in sequence:
        (room.joined if kind == "join" else room.left)("p", "P", session, at(minute))
    assert (room.present(), room.stints()) == before

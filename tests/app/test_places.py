"""The one sequencer: places taken at the edge keep a channel's order through every stage."""

from __future__ import annotations

import asyncio

from bot.app.places import Places


async def _passes(places_order: list[str], name: str, turn: asyncio.Future[None] | asyncio.Task[None]) -> None:
    await turn
    places_order.append(name)


async def test_a_later_place_waits_for_the_earlier_ones_at_a_stage() -> None:
    places = Places()
    first, second = places.take("slack", "C1"), places.take("slack", "C1")
    order: list[str] = []
    waiting = asyncio.create_task(_passes(order, "second", asyncio.ensure_future(second.turn("fr"))))
    await asyncio.sleep(0)
    assert order == [] and not waiting.done()
    first.release("fr")
    await waiting
    assert order == ["second"]


async def test_stages_and_channels_are_independent() -> None:
    places = Places()
    first, second = places.take("slack", "C1"), places.take("slack", "C1")
    other = places.take("slack", "C2")
    first.release("en")
    await second.turn("en")  # "en" is passed; "fr" is not, and needs not be for "en"
    await other.turn("fr")  # another channel's order
    await first.turn("fr")  # the first place never waits


async def test_a_dropped_event_gives_its_place_up_and_order_is_transitive() -> None:
    places = Places()
    dropped, middle, last = (places.take("web", "") for _ in range(3))
    order: list[str] = []
    tail = asyncio.create_task(_passes(order, "last", asyncio.ensure_future(last.turn("es"))))
    middle.release_all()  # e.g. a command: done, but the dropped one before it still holds "es"
    await asyncio.sleep(0)
    assert not tail.done()
    dropped.release_all()  # e.g. a duplicate delivery
    await tail
    assert order == ["last"]
    last.release_all()
    late = places.take("web", "")
    await late.turn("es")  # everything before it is settled


async def test_a_hung_event_holds_the_next_only_for_a_bounded_wait() -> None:
    places = Places()
    places.take("slack", "C1")  # never released: a lookup that hangs
    stuck = places.take("slack", "C1")
    await stuck.turn("fr", wait=0)  # returns: order is worth a short wait, not a stuck channel


async def test_an_event_that_reached_the_dispatcher_is_waited_for_past_the_edge_bound() -> None:
    places = Places()
    slow, next_one = places.take("slack", "C1"), places.take("slack", "C1")
    slow.arrive()  # e.g. its translation is slow: it has its own deadline, so order is kept
    waiting = asyncio.create_task(next_one.turn("fr", wait=0))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert not waiting.done()
    slow.release("fr")
    await waiting

"""The list of speakers at any length: 10, 100, 1,000, 5,000 waiting, on the real bot (`bot.wiring.build`).

    python bench/floor_sweep.py                      # SQLite, balanced order (the schedule's)
    python bench/floor_sweep.py --sizes 10,100,1000 --order first-time-first --reps 20

For each length, on the runtime's own list (session 1's open discussion of the reference event): the order
(`queue`), one person's `position` (the last listed: the longest walk), the console's `/api/state` as a chair
sees it (HTTP through the console's routes, run of show included), and `request`, `next` and `withdraw`
through the FloorService (lock, apply, snapshot, report rows, audit, commit), beside a bare insert + commit
on the same engine as the baseline. The order and the position are measured on a fresh copy of the state
each time (a new list version), so no memo hides their cost. Goals at 1,000 waiting: order <= 5 ms, console
state <= 50 ms, a floor operation <= 10 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from starlette.applications import Starlette

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from floor import Bare, machine  # noqa: E402

from bot.app.clock import SimulatedClock  # noqa: E402
from bot.app.floor import FloorOp, next_op, request_op, withdraw_op  # noqa: E402
from bot.app.timers import SimulatedTimers  # noqa: E402
from bot.config.loader import load_schedule  # noqa: E402
from bot.config.settings import Settings  # noqa: E402
from bot.domain.floor import rules  # noqa: E402
from bot.domain.floor.events import Outcome  # noqa: E402
from bot.domain.floor.policy import FloorPolicy, OrderPolicy  # noqa: E402
from bot.domain.floor.state import FloorState, Participant, RequestKind, Surface  # noqa: E402
from bot.wiring import Bot, build  # noqa: E402

DISCUSSION = datetime(2022, 3, 7, 10, 52, tzinfo=ZoneInfo("Europe/Zurich"))
LANGS = ("en", "fr", "es")
PAGES, PAGES_UP_TO = 200, 1000  # 200 pages refreshed after one change, measured up to 1,000 waiting
GOALS = {"queue": 5.0, "position": 5.0, "console state": 50.0, "request": 10.0, "next": 10.0, "withdraw": 10.0}


def attendees(n: int, groups: list[str], start: int = 0) -> list[Participant]:
    return [Participant(f"bench-{i:05d}", f"Attendee {i}", groups[i % len(groups)], LANGS[i % 3])
            for i in range(start, start + n)]


def fill_op(people: list[Participant]) -> FloorOp:
    """Many requests in one operation (to set a length up quickly; not measured): one in 20 a reply."""
    def apply(state: FloorState, now: datetime, policy: FloorPolicy) -> Outcome:
        pending = list(state.pending)
        seq = state.seq
        for i, p in enumerate(people):
            kind = RequestKind.REPLY if i % 20 == 0 else RequestKind.NEW
            outcome = rules.request(replace(state, pending=(), seq=seq), p, kind, now + timedelta(milliseconds=i),
                                    policy, source=Surface.WEB)
            pending += outcome.state.pending
            seq = outcome.state.seq
        return Outcome(replace(state, pending=tuple(pending), seq=seq, version=state.version + 1),
                       noop_reason=None)

    return FloorOp("request", apply)


def ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def sample(reps: int, step: Callable[[int], Awaitable[object]]) -> list[float]:
    out = []
    for i in range(reps):
        t = time.perf_counter()
        await step(i)
        out.append(time.perf_counter() - t)
    return out


async def measure(bot: Bot, size: int, reps: int, policy: FloorPolicy) -> dict[str, float]:
    runtime, discussion = bot.runtime, "session-1"
    floor = runtime.floor
    groups = sorted(bot.schedule.group_names())
    state = await floor.state(discussion)
    if len(state.pending) < size:
        people = attendees(size - len(state.pending), groups, start=len(state.pending))
        await floor.execute(discussion, fill_op(people), "system:bench", DISCUSSION)
    state = await floor.state(discussion)
    assert len(state.pending) == size, len(state.pending)
    now = runtime.clock.now()
    last = rules.queue(state, policy)[-1].person
    results: dict[str, float] = {}

    async def order(i: int) -> None:
        rules.queue(replace(state, version=state.version + i + 1), policy)

    async def position(i: int) -> None:
        rules.position(replace(state, version=state.version + i + 1), last, now, policy, runtime.present())

    results["queue"] = ms(await sample(reps, order))
    results["position"] = ms(await sample(reps, position))
    app = Starlette(routes=bot.routes())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as chair, \
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as attendee:
        await chair.post("/api/join", json={"person": "lene-wendland", "lang": "fr"})
        await attendee.post("/api/join", json={"name": "Awa Diop", "group": "civil-society", "lang": "es"})

        async def console(_: int) -> None:
            response = await chair.get("/api/state")
            assert len(response.json()["floor"]["queue"]) == size

        results["console state"] = ms(await sample(max(3, reps // 4), console))
        if size <= PAGES_UP_TO:
            # Every open page fetches the state after a change: one change, then PAGES attendees' fetches at once
            # (a chair's page also carries the run of show: "console state" above is that one).
            async def pages(i: int) -> None:
                who = attendees(1, groups, start=300_000 + size * 100 + i)[0]
                await floor.execute(discussion, request_op(who), f"web:{who.person}", DISCUSSION)
                await asyncio.gather(*(attendee.get("/api/state") for _ in range(PAGES)))
                await floor.execute(discussion, withdraw_op(who.person), f"web:{who.person}", DISCUSSION)

            results[f"{PAGES} pages after a change"] = ms(await sample(3, pages))
    extra = attendees(reps, groups, start=100_000)
    at = DISCUSSION + timedelta(hours=1)

    async def changes(op: FloorOp, actor: str) -> None:
        outcome = await floor.execute(discussion, op, actor, at)
        assert outcome.changed, outcome.refusal or outcome.noop_reason

    results["request"] = ms(await sample(reps, lambda i: changes(request_op(extra[i]), f"web:{extra[i].person}")))
    results["withdraw"] = ms(await sample(reps, lambda i: changes(withdraw_op(extra[i].person),
                                                                  f"web:{extra[i].person}")))
    # `next` takes one off the list: top it up first, so the list is back at `size` afterwards.
    await floor.execute(discussion, fill_op(attendees(reps, groups, start=200_000 + size)), "system:bench", at)
    results["next"] = ms(await sample(reps, lambda i: changes(next_op(), "web:lene-wendland")))
    bare = Bare(bot.db)
    results["bare insert + commit"] = ms(await sample(reps, bare.step))
    return results


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100,1000,5000")
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--order", choices=[o.value for o in OrderPolicy], default=None,
                        help="override the schedule's order policy")
    args = parser.parse_args()
    return await sweep([int(s) for s in args.sizes.split(",")], args.reps, args.order)


async def sweep(sizes: list[int], reps: int, order: str | None) -> int:
    """The sweep (also `python bench/floor.py --sweep 10,100,1000,5000`)."""
    loaded = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml")
    assert loaded.schedule is not None
    schedule = loaded.schedule
    if order:
        schedule = schedule.model_copy(update={"floor": schedule.floor.model_copy(update={"order": order})})
    print(f"machine: {machine()}")
    print(f"order policy: {schedule.floor.order}; median of {reps} runs (console: {max(3, reps // 4)})\n")
    rows: list[tuple[int, dict[str, float]]] = []
    with tempfile.TemporaryDirectory(prefix="floorbot-sweep-") as folder:
        bot = await build(schedule, Settings(_env_file=None), clock=SimulatedClock(DISCUSSION), translator=None,
                          database_url=f"sqlite:///{Path(folder) / 'sweep.sqlite'}", timers=SimulatedTimers())
        try:
            await bot.runtime.restore()
            await bot.runtime.on_cue(bot.conductor.cues["session-1/floor"], DISCUSSION)
            await Bare(bot.db).prepare()
            for size in sizes:
                rows.append((size, await measure(bot, size, reps, bot.runtime.policy)))
        finally:
            await bot.db.dispose()
    names = list(dict.fromkeys(name for _, result in rows for name in result))
    print("| waiting | " + " | ".join(f"{n} ms" for n in names) + " |")
    print("|---:|" + "---:|" * len(names))
    for size, result in rows:
        print(f"| {size:,} | " + " | ".join(f"{result[n]:.2f}" if n in result else "-" for n in names) + " |")
    print()
    for size, result in rows:
        if size == 1000:
            for name, goal in GOALS.items():
                verdict = "within" if result[name] <= goal else "OVER"
                print(f"1,000 waiting: {name} {result[name]:.2f} ms - {verdict} the {goal:g} ms goal")
            pages = result[f"{PAGES} pages after a change"]
            print(f"1,000 waiting: {PAGES} pages after one change {pages:.0f} ms - "
                  f"{'within' if pages <= 1000 else 'OVER'} the 1 s goal")
            op = max(result["request"], result["next"], result["withdraw"])
            print(f"1,000 waiting: slowest floor operation / bare commit {op / result['bare insert + commit']:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

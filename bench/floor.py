"""Floor service throughput and latency against the database's own cost of a bare insert-and-commit.

    python bench/floor.py                      # 10,000 operations on SQLite and on PostgreSQL
    python bench/floor.py --ops 2000 --only sqlite
    python bench/floor.py --sweep 10,100,1000,5000   # lists of any length: see bench/floor_sweep.py

Both workloads run in the same process, on the same engine (same pragmas, same pool), one operation at a
time, so the comparison isolates what the floor adds: the lock, the snapshot read and write, the report
rows and the audit entry, on top of the one durable commit both pay. PostgreSQL comes from
FLOORBOT_BENCH_POSTGRES_URL, else FLOORBOT_TEST_POSTGRES_URL, else the local default; each run uses a
fresh schema and drops it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import secrets
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, Table, Text, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.adapters.store.engine import create_engine  # noqa: E402
from bot.app.floor import (  # noqa: E402
    SYSTEM_ACTOR,
    FloorOp,
    FloorService,
    allow_everyone,
    close_op,
    extend_op,
    next_op,
    open_op,
    request_op,
    skip_op,
    stop_op,
    tick_op,
    withdraw_op,
)
from bot.domain.floor.state import Participant, RequestKind  # noqa: E402
from bot.wiring import Store, open_store  # noqa: E402

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
GROUPS = ("states", "business", "civil-society", "un", "academia", "national-human-rights-institutions")
LANGS = ("en", "fr", "es")

_bare_metadata = MetaData()
bare_inserts = Table(
    "bench_bare_inserts",
    _bare_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("payload", Text, nullable=False),
)


@dataclass(frozen=True)
class Result:
    backend: str
    workload: str
    ops: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.ops / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


async def timed(steps: range, step: Callable[[int], Awaitable[object]]) -> tuple[float, list[float]]:
    latencies: list[float] = []
    started = time.perf_counter()
    for i in steps:
        t = time.perf_counter()
        await step(i)
        latencies.append(time.perf_counter() - t)
    return time.perf_counter() - started, latencies


class Bare:
    """One small durable row per transaction: the database's own cost of a commit."""

    # A payload the size of an audit entry's details.
    PAYLOAD = '{"result":"changed","authz":"floor.authz.anyone","events":["FloorRequested"],"version":12}'

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def prepare(self) -> None:
        async with self.engine.begin() as connection:
            await connection.run_sync(_bare_metadata.create_all)

    async def step(self, _: int) -> None:
        async with self.engine.begin() as connection:
            await connection.execute(insert(bare_inserts).values(payload=self.PAYLOAD))


PEOPLE = 80  # who takes part from the floor; the lists then hold about 25 requests, 55 at most


def mixed_operations(ops: int, discussions: int, seed: int) -> list[tuple[str, FloorOp, str]]:
    """An open discussion's traffic: requests (one in twenty a point of order), the chair's next / skip /
    extend / stop, withdrawals, timer ticks, the odd close and reopen, spread over several discussions.
    Requests twice, withdrawals of someone not listed, "next" on an empty list happen as in real life:
    they are no-ops, still audited."""
    rng = random.Random(seed)
    people = [Participant(f"p{i:03d}", f"Person {i}", GROUPS[i % len(GROUPS)], LANGS[i % 3]) for i in range(PEOPLE)]
    kinds = [RequestKind.NEW] * 8 + [RequestKind.REPLY, RequestKind.CLARIFYING]
    choices: list[tuple[float, Callable[[], tuple[FloorOp, str]]]] = [
        (0.36, lambda: (request_op(p := rng.choice(people), rng.choice(kinds)), f"U{p.person}")),
        (0.02, lambda: (request_op(p := rng.choice(people), RequestKind.POINT_OF_ORDER), f"U{p.person}")),
        (0.08, lambda: (withdraw_op(rng.choice(people).person), "U-someone")),
        (0.20, lambda: (next_op(), "U-chair")),
        (0.144, lambda: (tick_op(), SYSTEM_ACTOR)),
        (0.04, lambda: (extend_op(timedelta(minutes=1)), "U-chair")),
        (0.04, lambda: (skip_op(), "U-chair")),
        (0.04, lambda: (stop_op(), "U-chair")),
        (0.003, lambda: (close_op(), "U-chair")),
        (0.027, lambda: (open_op(), "U-chair")),
    ]
    weights = [w for w, _ in choices]
    makers = [m for _, m in choices]
    out = []
    for _ in range(ops):
        op, actor = rng.choices(makers, weights)[0]()
        out.append((f"session-{rng.randrange(discussions) + 1}", op, actor))
    return out


class Floor:
    """The mixed plan through FloorService, continuing where the previous round stopped."""

    def __init__(self, store: Store, ops: int, discussions: int) -> None:
        self.service = FloorService(store.floor, authorize=allow_everyone)
        self.plan = mixed_operations(ops, discussions, seed=2022)
        self.t0 = datetime(2022, 3, 7, 9, 0, tzinfo=UTC)
        self.results: Counter[str] = Counter()

    async def step(self, i: int) -> None:
        discussion, op, actor = self.plan[i]
        outcome = await self.service.execute(discussion, op, actor, self.t0 + timedelta(seconds=i))
        self.results["changed" if outcome.changed else "refused" if outcome.refused else "no-op"] += 1


async def run_backend(name: str, url: str, ops: int, discussions: int, rounds: int) -> list[Result]:
    """Bare and floor alternate in rounds, so a busy moment on the machine hits both alike."""
    store = await open_store(url)  # the store as the bot opens it (bot.wiring), migrated
    engine = store.db
    bare_s, floor_s = 0.0, 0.0
    bare_l: list[float] = []
    floor_l: list[float] = []
    try:
        bare = Bare(engine)
        await bare.prepare()
        # Warm up connections and statement caches so neither side pays first-use costs.
        await timed(range(50), bare.step)
        await timed(range(50), Floor(store, 50, discussions).step)
        floor = Floor(store, ops, discussions)
        per_round = -(-ops // rounds)
        for start in range(0, ops, per_round):
            steps = range(start, min(ops, start + per_round))
            seconds, latencies = await timed(steps, bare.step)
            bare_s, bare_l = bare_s + seconds, bare_l + latencies
            seconds, latencies = await timed(steps, floor.step)
            floor_s, floor_l = floor_s + seconds, floor_l + latencies
        sizes = await snapshot_sizes(engine)
    finally:
        await store.close()
    print(f"{name}: outcomes {dict(floor.results)}; snapshot bytes at the end, per discussion: {sizes}")
    return [
        Result(name, "bare insert + commit", ops, bare_s, bare_l),
        Result(name, "floor operation", ops, floor_s, floor_l),
    ]


async def snapshot_sizes(engine: AsyncEngine) -> list[int]:
    async with engine.connect() as connection:
        rows = await connection.execute(text("SELECT snapshot FROM floor_lists ORDER BY discussion_id"))
        return [len(row.snapshot or "") for row in rows]


async def with_postgres_schema(url: str, body: Callable[[str], Awaitable[list[Result]]]) -> list[Result]:
    schema = f"floorbot_bench_{secrets.token_hex(4)}"
    admin = create_engine(url)
    try:
        async with admin.begin() as connection:
            await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        return await body(scoped.render_as_string(hide_password=False))
    finally:
        async with admin.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await admin.dispose()


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()}"


def table(results: list[Result]) -> str:
    lines = [
        f"| {'backend':<10} | {'workload':<21} | {'ops':>6} | {'ops/s':>8} | {'p50 ms':>7} | {'p99 ms':>7} |",
        f"|{'-' * 12}|{'-' * 23}|{'-' * 8}:|{'-' * 9}:|{'-' * 8}:|{'-' * 8}:|",
    ]
    for r in results:
        lines.append(
            f"| {r.backend:<10} | {r.workload:<21} | {r.ops:>6} | {r.per_second:>8.0f} | "
            f"{r.percentile(0.50):>7.2f} | {r.percentile(0.99):>7.2f} |"
        )
    lines.append("")
    for name in dict.fromkeys(r.backend for r in results):
        base, fl = (r for r in results if r.backend == name)
        ratio = (fl.seconds / fl.ops) / (base.seconds / base.ops)
        p50 = fl.percentile(0.5) / base.percentile(0.5)
        verdict = "within" if ratio <= 2 else "OVER"
        lines.append(f"{name}: floor/bare time per operation {ratio:.2f}x (p50 {p50:.2f}x) - {verdict} the 2x goal")
    return "\n".join(lines)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ops", type=int, default=10_000)
    parser.add_argument("--discussions", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=10, help="bare and floor alternate in this many rounds")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument(
        "--sqlite-dir", type=Path, default=None, help="where the SQLite file goes (default: a temp dir)"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("FLOORBOT_BENCH_POSTGRES_URL")
        or os.environ.get("FLOORBOT_TEST_POSTGRES_URL")
        or DEFAULT_POSTGRES,
    )
    parser.add_argument("--sweep", metavar="SIZES", help="instead: the list-length sweep on the real bot, e.g. "
                        "10,100,1000,5000 (bench/floor_sweep.py)")
    args = parser.parse_args()
    if args.sweep:
        from floor_sweep import sweep

        return await sweep([int(s) for s in args.sweep.split(",")], reps=20, order=None)
    print(f"machine: {machine()}")
    print(f"{args.ops} operations per workload, one at a time, {args.discussions} discussions\n")
    results: list[Result] = []
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory(dir=args.sqlite_dir, prefix="floorbot-bench-") as folder:
            url = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
            results += await run_backend("sqlite", url, args.ops, args.discussions, args.rounds)
    if args.only in (None, "postgresql"):
        try:
            results += await with_postgres_schema(
                args.postgres, lambda url: run_backend("postgresql", url, args.ops, args.discussions, args.rounds)
            )
        except OSError as error:
            print(f"PostgreSQL skipped: {error}\n")
        except Exception as error:  # the database being down is a result to print, not a crash
            if "connect" not in str(error).lower():
                raise
            print(f"PostgreSQL skipped (unreachable): {str(error).splitlines()[0]}\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

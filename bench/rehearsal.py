"""Benchmark the run of show.

1. An instant rehearsal of the reference event with an N-attendee scenario (requests and chat messages per
   discussion scale with N: 40 and 60 at 500): wall time and peak memory, beside the same rehearsal with no
   attendees (cues only) as the baseline, in the same run.
2. Lateness of cues on the live conductor (APScheduler on the wall clock) at --speed 60 over a window of the
   agenda: when each cue reached the chat compared with its scheduled wall time, p50/p99 — beside bare
   APScheduler jobs that do nothing, at the same times, as the baseline.

    python bench/rehearsal.py [--attendees 500] [--speed 60] [--window-minutes 120]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from apscheduler.schedulers.asyncio import AsyncIOScheduler  # noqa: E402
from apscheduler.triggers.date import DateTrigger  # noqa: E402

from bot.app.ports.chat import AudienceKind, Button, MessageRef  # noqa: E402
from bot.app.run_of_show import Conductor  # noqa: E402
from bot.config.loader import load_schedule  # noqa: E402
from bot.config.model import Schedule  # noqa: E402
from bot.config.settings import Settings  # noqa: E402
from bot.domain.agenda.timeline import plan  # noqa: E402
from bot.domain.agenda.timemap import TimeMap  # noqa: E402
from bot.rehearsal.recording import RecordingChat  # noqa: E402
from bot.rehearsal.run import rehearse  # noqa: E402
from bot.rehearsal.scenario import Generate, ScenarioFile, build_scenario  # noqa: E402
from bot.wiring import build  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# The generator's defaults (40 requests and 60 chat messages per discussion) describe about 500 attendees; the
# traffic grows with the audience, so --attendees 5000 asks ten times as much of the list and the chat.
REFERENCE_ATTENDEES = 500


def scaled(attendees: int) -> Generate:
    factor = attendees / REFERENCE_ATTENDEES
    return Generate(attendees=attendees, seed=7, requests_per_discussion=max(1, round(40 * factor)),
                    messages_per_discussion=max(1, round(60 * factor)))


async def instant(schedule: Schedule, attendees: int, folder: Path) -> tuple[float, float, int, int]:
    scenario = None
    if attendees:
        scenario = build_scenario(ScenarioFile(generate=scaled(attendees)), schedule)
    db = folder / f"instant-{attendees}.sqlite"
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    result = await rehearse(schedule, scenario=scenario, database_url=f"sqlite:///{db}")
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak / 2**20, len(result.chat.lines), len(result.report.all_interventions)


class TimedChat(RecordingChat):
    """Records when each cue's announcement reached the chat."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals: dict[str, datetime] = {}

    async def announce(self, texts: Mapping[str, str], *, audience: AudienceKind = AudienceKind.PARTICIPANTS,
                       key: str | None = None, actions: tuple[Button, ...] = ()) -> list[MessageRef]:  # type: ignore[override]
        refs = await super().announce(texts, audience=audience, key=key, actions=actions)
        if key:
            self.arrivals[key.removeprefix("cue:")] = datetime.now(UTC)
        return refs


async def live_lateness(schedule: Schedule, speed: float, window: timedelta, folder: Path) -> dict[str, list[float]]:
    cues = plan(schedule)
    first = cues[0].at.astimezone(UTC)
    chosen = [c for c in cues if c.at.astimezone(UTC) - first <= window]
    lead = timedelta(seconds=1)
    timemap = TimeMap(cues[0].at, datetime.now(UTC) + lead, speed)
    zone = ZoneInfo(schedule.event.timezone)

    # Baseline: bare APScheduler jobs at the same wall times, doing nothing but noting the time.
    bare: dict[str, datetime] = {}
    scheduler = AsyncIOScheduler(timezone=zone)

    async def note(cue_id: str) -> None:
        bare[cue_id] = datetime.now(UTC)

    for cue in chosen:
        scheduler.add_job(note, DateTrigger(run_date=timemap.to_wall(cue.at)), args=[cue.id], id=f"bare:{cue.id}",
                          misfire_grace_time=120)
    scheduler.start()

    # Floorbot: the bot as bot.wiring builds it, the conductor with the real ledger (SQLite), the cues' floor
    # effects and rendering of three languages; only the chosen window of cues is scheduled.
    chat = TimedChat()
    bot = await build(schedule, Settings.model_construct(), database_url=f"sqlite:///{folder / 'live.sqlite'}",
                      timemap=timemap, surface=chat, translator=None, lead=False, owner="bench")
    conductor = Conductor(bot.runner, chosen, timemap=timemap, zone=zone)
    await conductor.start()
    deadline = timemap.to_wall(chosen[-1].at) + timedelta(seconds=5)
    # A benchmark of the wall clock waits on the wall clock: until the last cue is due, plus a margin.
    await asyncio.sleep(max(0.0, (deadline - datetime.now(UTC)).total_seconds()))
    conductor.shutdown()
    scheduler.shutdown(wait=False)
    await bot.close()

    def lateness(arrivals: dict[str, datetime]) -> list[float]:
        return [(arrivals[c.id] - timemap.to_wall(c.at)).total_seconds() * 1000 for c in chosen if c.id in arrivals]

    return {"floorbot": lateness(chat.arrivals), "bare": lateness(bare), "count": [float(len(chosen))]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--attendees", type=int, default=500)
    parser.add_argument("--speed", type=float, default=60.0)
    parser.add_argument("--window-minutes", type=int, default=120,
                        help="agenda minutes of cues in the live run (0: skip it)")
    args = parser.parse_args()
    result = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml")
    if result.schedule is None:
        raise SystemExit("the reference schedule does not load")
    schedule = result.schedule
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        base = asyncio.run(instant(schedule, 0, folder))
        load = asyncio.run(instant(schedule, args.attendees, folder))
        live = (asyncio.run(live_lateness(schedule, args.speed, timedelta(minutes=args.window_minutes), folder))
                if args.window_minutes > 0 else None)
    print("Instant rehearsal of the reference event (two days)")
    print(f"{'run':<28}{'wall s':>10}{'peak MiB':>10}{'messages':>10}{'interventions':>15}")
    print(f"{'cues only (baseline)':<28}{base[0]:>10.2f}{base[1]:>10.1f}{base[2]:>10}{base[3]:>15}")
    print(f"{f'{args.attendees} attendees':<28}{load[0]:>10.2f}{load[1]:>10.1f}{load[2]:>10}{load[3]:>15}")
    spec = scaled(args.attendees)
    print(f"(per discussion: {spec.requests_per_discussion} requests, {spec.messages_per_discussion} chat messages)")
    if live is None:  # --window-minutes 0: the instant rehearsal only
        return
    print()
    print(f"Cue lateness on the live conductor at --speed {args.speed:g} "
          f"({int(live['count'][0])} cues in {args.window_minutes} agenda minutes), milliseconds")
    print(f"{'run':<28}{'p50':>10}{'p99':>10}{'max':>10}{'mean':>10}")
    for name in ("bare", "floorbot"):
        values = live[name]
        label = "bare APScheduler (baseline)" if name == "bare" else "floorbot (claim+render+post)"
        print(f"{label:<28}{percentile(values, 0.5):>10.1f}{percentile(values, 0.99):>10.1f}"
              f"{max(values):>10.1f}{statistics.fmean(values):>10.1f}")


if __name__ == "__main__":
    main()

"""`floorbot serve`: the live bot — HTTP server, scheduler, chat — built by bot.wiring from the settings.

Slack when its credentials are set, with the web console beside it as the chairs' dashboard; otherwise the
web console alone (the embedded default). Zoom webhooks when their secret is set. One leader per event
(a lease in the store) posts the cues; the others stand by.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from bot.i18n import catalog as i18n
from bot.wiring import build


def run_serve(
    file: Path, *, start_now: bool, start_at: datetime | None, speed: float, scenario: Path | None = None,
    rehearsal_out: Path | None = None,
) -> int:
    """Load, assemble and serve until interrupted. With `scenario`, simulated attendees join in (a
    rehearsal on the console at `speed`), on a store of its own."""
    import sys

    import uvicorn

    from bot.config.loader import load_schedule
    from bot.config.needs import surface_problems
    from bot.config.settings import load_settings

    result = load_schedule(file)
    for problem in result.problems:
        print(problem.format(), file=sys.stderr)
    if not result.ok or result.schedule is None:
        return 1
    settings = load_settings()
    from bot.adapters.web.access import AccessRefused, decide_access

    try:
        decide_access(settings)  # before anything starts: an unsafe console is one clear line, not a traceback
    except AccessRefused as refused:
        print(i18n.render(refused.key, "en", **refused.values), file=sys.stderr)
        return 1
    schedule = result.schedule
    # What the configured surfaces need of the schedule, as `floorbot check` words it: refused before starting.
    missing = surface_problems(schedule, result.source, settings, str(file))
    for problem in missing:
        print(problem.format(), file=sys.stderr)
    if missing:
        return 1
    database_url = None
    if scenario is not None or rehearsal_out is not None:
        out = rehearsal_out or Path("rehearsal-out")
        out.mkdir(parents=True, exist_ok=True)
        for stale in out.glob("rehearsal.sqlite*"):
            stale.unlink()
        database_url = f"sqlite:///{out / 'rehearsal.sqlite'}"

    async def main() -> None:
        bot = await build(schedule, settings, start_now=start_now, start_at=start_at, speed=speed,
                          database_url=database_url, schedule_path=file)
        if scenario is not None:
            from bot.rehearsal.live import attach_scenario

            attach_scenario(bot, scenario)
        # log_config=None: uvicorn's own lines go through the handler every command configures (bot/cli/logs.py).
        config = uvicorn.Config(bot.app(), host=settings.floorbot_host, port=settings.floorbot_port,
                                log_config=None)
        url = f"http://{settings.floorbot_host}:{settings.floorbot_port}/"
        print(i18n.render("runtime.listening", "en", url=url), file=sys.stderr)
        await uvicorn.Server(config).serve()

    asyncio.run(main())
    return 0


__all__ = ["run_serve"]

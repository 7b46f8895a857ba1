"""Two `floorbot serve` processes on one store (SQLite and PostgreSQL): kill -9 the leader and the standby
leads within 10 s (the lease lives 6 s, the standby tries every 2 s: about 6 to 8 s)."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

import httpx

from tests.conftest import ROOT
from tests.processes import Served, free_port, until

FAILOVER_BOUND = 10.0


async def test_the_standby_leads_within_ten_seconds_of_the_leaders_kill9(db_url: str) -> None:
    def instance(name: str) -> Served:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "FLOORBOT_DATABASE_URL": db_url, "FLOORBOT_HOST": "127.0.0.1",
               "FLOORBOT_PORT": str(free_port()), "FLOORBOT_INSTANCE": name}
        for unset in ("SLACK_BOT_TOKEN", "DEEPL_AUTH_KEY", "LIBRETRANSLATE_URL", "ZOOM_WEBHOOK_SECRET_TOKEN"):
            env.pop(unset, None)
        return Served(env, int(env["FLOORBOT_PORT"]), datetime.now(UTC).isoformat())

    leader, standby = instance("instance-a"), instance("instance-b")
    async with httpx.AsyncClient(timeout=10) as http:

        async def leads(served: Served) -> bool:
            return bool((await served.health(http)).get("leader"))

        await leader.start()
        try:
            await until(lambda: leads(leader), "the first instance leading")
            await standby.start()
            try:
                await until(lambda: _ready(http, standby), "the standby standing by")
                assert not await leads(standby)
                await leader.kill()
                killed = time.monotonic()
                await until(lambda: leads(standby), "the standby leading", every=0.1)
                took = time.monotonic() - killed
                assert took <= FAILOVER_BOUND, f"took over {took:.1f} s after the kill"
            finally:
                await standby.stop()
        finally:
            await leader.stop()


async def _ready(http: httpx.AsyncClient, served: Served) -> bool:
    return (await http.get(f"{served.url}/readyz")).status_code == 200

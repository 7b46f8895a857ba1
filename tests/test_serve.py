"""The live bot as `floorbot serve` assembles it with nothing configured: the web console, `/healthz`."""

from __future__ import annotations

from pathlib import Path

import httpx

from bot.config.loader import load_schedule
from bot.config.settings import Settings
from bot.wiring import build
from tests.conftest import ROOT


async def test_healthz_reports_leadership_cues_translation_and_the_next_cue(tmp_path: Path) -> None:
    schedule = load_schedule(ROOT / "schedules" / "ungp-tech-2022.yaml").schedule
    assert schedule is not None
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    bot = await build(schedule, settings, database_url=f"sqlite:///{tmp_path / 's.sqlite'}", start_now=True,
                      schedule_path=ROOT / "schedules" / "ungp-tech-2022.yaml")
    await bot.start()
    await bot.wait_started()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=bot.app()), base_url="http://127.0.0.1") as http:
            health = (await http.get("/healthz")).json()
            page = await http.get("/")
        assert health["status"] == "ok" and health["leader"] is True
        assert health["event"] == "ungp-tech-2022" and health["cues"]["total"] == 94
        assert health["translation"].startswith("no machine translation")
        assert health["next_cue"]["id"] and health["slack"] is None
        assert health["last_post"] is None or health["last_post"]["cue"] == "day/2022-03-07/reminder"
        assert page.status_code == 200 and "<html" in page.text
        assert (await http_status(bot, "/zoom/webhook")) == 401, "no Zoom secret: every webhook refused"
    finally:
        await bot.stop()


async def http_status(bot, path: str) -> int:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=bot.app()), base_url="http://127.0.0.1") as http:
        return (await http.post(path, content=b"{}", headers={"content-type": "application/json"})).status_code

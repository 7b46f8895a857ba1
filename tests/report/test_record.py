"""The report is the record: the reference event rehearsed with its scenario, read back from the store the
way `floorbot report` reads it, and the programme's turns as they ran."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.cli.report import run_report
from bot.config.loader import load_schedule
from bot.config.model import Schedule
from bot.domain.agenda.recovery import LedgerState
from bot.domain.agenda.timeline import CueKind, plan
from bot.rehearsal.run import RehearsalResult, rehearse
from bot.rehearsal.scenario import load_scenario
from bot.report.as_run import programme_turns
from bot.report.model import Kind
from bot.report.render import to_csv
from tests.conftest import ROOT

REFERENCE = ROOT / "schedules" / "ungp-tech-2022.yaml"
SCENARIO = ROOT / "schedules" / "scenarios" / "ungp-tech-2022.yaml"


@pytest.fixture(scope="module")
def schedule() -> Schedule:
    result = load_schedule(REFERENCE)
    assert result.ok and result.schedule is not None
    return result.schedule


@pytest.fixture(scope="module")
def rehearsed(schedule: Schedule, tmp_path_factory: pytest.TempPathFactory) -> tuple[RehearsalResult, Path]:
    db = tmp_path_factory.mktemp("record") / "floorbot.sqlite"
    scenario = load_scenario(SCENARIO, schedule)
    result = asyncio.run(rehearse(schedule, scenario=scenario, database_url=f"sqlite:///{db}",
                                  schedule_path=str(REFERENCE)))
    return result, db


def _report(db: Path, out: Path, lang: str = "en") -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run_report(out, None, lang, f"sqlite:///{db}", stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def test_the_record_has_every_panel_turn_opening_speaker_and_floor_intervention(
    rehearsed: tuple[RehearsalResult, Path], tmp_path: Path
) -> None:
    result, db = rehearsed
    code, _, err = _report(db, tmp_path)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO((tmp_path / "interventions.csv").read_text(encoding="utf-8"))))
    kinds = Counter(r["kind"] for r in rows)
    floor = len(result.report.all_interventions)
    assert kinds["panel"] == 24 and kinds["opening"] == 2 and floor > 30
    assert len(rows) == 24 + 2 + floor
    assert {r["person"] for r in rows if r["kind"] == "opening"} == {"peggy-hicks", "taeho-lee"}
    first = rows[0]
    assert (first["date"], first["session_number"], first["chair"]) == ("2022-03-07", "1", "Lene Wendland")
    assert all(r["group"] and r["language"] and r["actual_start"] for r in rows)
    assert sum(1 for r in rows if r["planned_start"]) == 26  # only the programme is planned

    # Event totals per group add up to the sum of all rows, in the JSON and in the Markdown's own figures.
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    by_group: Counter[str] = Counter()
    for r in rows:
        by_group[r["group"]] += int(r["duration_seconds"])
    assert {g: v["seconds"] for g, v in data["totals"]["by_group"].items()} == dict(by_group)
    assert data["totals"]["seconds"] == sum(by_group.values())
    assert sum(s["totals"]["seconds"] for s in data["sessions"]) == data["totals"]["seconds"]
    assert data["totals"]["by_kind"]["panel"]["turns"] == 24


def test_the_same_report_from_the_rehearsal_and_from_its_store(
    rehearsed: tuple[RehearsalResult, Path], tmp_path: Path
) -> None:
    result, db = rehearsed
    assert _report(db, tmp_path)[0] == 0
    zone = result.cues[0].at.tzinfo
    assert zone is not None
    assert (tmp_path / "interventions.csv").read_text(encoding="utf-8") == to_csv(result.report, zone)


def test_the_report_reads_the_store_and_writes_only_into_out(
    rehearsed: tuple[RehearsalResult, Path], tmp_path: Path
) -> None:
    _, db = rehearsed
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in db.parent.iterdir()}
    code, out, _ = _report(db, tmp_path / "fr", "fr")
    assert code == 0 and "report.html" in out
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in db.parent.iterdir()} == before
    page = (tmp_path / "fr" / "report.md").read_text(encoding="utf-8")
    assert page.startswith("# Compte rendu de la consultation") and "Exposé de panéliste" in page
    html = (tmp_path / "fr" / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 5  # the event and each of its four sessions


def test_report_in_an_empty_folder_exits_1_with_one_line_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FLOORBOT_DATABASE_URL", raising=False)
    result = CliRunner().invoke(app, ["report"])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and "Nothing has run here" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_store_that_is_not_floorbots_is_one_clear_line(tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).close()
    code, _, err = _report(other, tmp_path / "out")
    assert code == 1 and len(err.strip().splitlines()) == 1 and not (tmp_path / "out").exists()


def test_panel_turns_as_they_ran(schedule: Schedule) -> None:
    cues = plan(schedule)
    session = [c for c in cues if c.item == "session-1" and c.kind in (CueKind.PANEL_TURN, CueKind.FLOOR_OPEN)]
    opening = next(c for c in cues if c.kind is CueKind.OPENING)
    states = {c.id: LedgerState.POSTED for c in [opening, *session]}
    posted = {c.id: c.at for c in [opening, *session]}
    # The chair ended the second panel turn three minutes early: the third was posted then.
    third = session[2]
    posted[third.id] = third.at - timedelta(minutes=3)
    # The fourth cue was missed (the bot was down), the fifth posted late after the restart.
    states[session[3].id] = LedgerState.MISSED
    del posted[session[3].id]
    states[session[4].id] = LedgerState.LATE
    posted[session[4].id] = session[4].at + timedelta(minutes=2)
    turns = programme_turns(schedule, cues, states, posted)
    assert [t.kind for t in turns] == [Kind.OPENING] * 2 + [Kind.PANEL] * 5
    lengths = [t.length for t in turns]
    assert lengths[:2] == [timedelta(minutes=7, seconds=30)] * 2
    # The third runs its planned time (the next cue says nothing), the missed one counts as planned, the last
    # (posted late, at 10:45) is cut short by the floor opening at 10:50.
    assert lengths[2:] == [timedelta(minutes=7), timedelta(minutes=4), timedelta(minutes=7), timedelta(minutes=7),
                           timedelta(minutes=5)]
    assert turns[5].actual_start is None and turns[5].planned_start == session[3].at
    # Turns still ahead are not in the record.
    assert programme_turns(schedule, cues, {}, {}) == []


def test_a_store_from_before_written_inputs_still_gives_its_report(
    rehearsed: tuple[RehearsalResult, Path], tmp_path: Path
) -> None:
    import shutil
    import sqlite3

    _, db = rehearsed
    old = tmp_path / "old.sqlite"
    shutil.copy(db, old)
    connection = sqlite3.connect(old)
    connection.execute("DROP TABLE written_inputs")
    connection.execute("UPDATE alembic_version SET version_num = '0001'")
    connection.commit()
    connection.close()
    code, _, err = _report(old, tmp_path / "out")
    assert code == 0, err
    assert "Written inputs received: 0." in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")


def test_a_shifted_and_compressed_run_reads_back_on_the_agenda_clock(schedule: Schedule) -> None:
    from datetime import UTC, datetime

    from bot.domain.agenda.timemap import TimeMap

    cues = plan(schedule)
    # `rehearse --speed 10` on the console: the agenda starts at a wall time of its own, ten times faster.
    timemap = TimeMap(cues[0].at, datetime(2026, 12, 1, 20, 0, tzinfo=UTC), 10.0)
    ran = [c for c in cues if c.kind in (CueKind.OPENING, CueKind.PANEL_TURN, CueKind.FLOOR_OPEN)]
    states = {c.id: LedgerState.POSTED for c in ran}
    posted = {c.id: timemap.to_wall(c.at) for c in ran}
    turns = programme_turns(schedule, cues, states, posted, TimeMap.from_json(timemap.to_json()))
    assert len(turns) == 26
    assert [(t.actual_start, t.length) for t in turns] == [(t.planned_start, t.planned_length) for t in turns]

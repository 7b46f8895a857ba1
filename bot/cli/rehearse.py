"""`floorbot rehearse`: the command's body (the CLI wrapper only parses options)."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.rule import Rule
from rich.text import Text

from bot.config.model import Schedule, text_in
from bot.i18n import catalog as i18n
from bot.rehearsal.run import RehearsalResult, rehearse
from bot.rehearsal.scenario import ScenarioError, load_scenario
from bot.rehearsal.transcript import dump_json
from bot.report.render import write_report


def _load(file: Path, err: TextIO) -> Schedule | None:
    from bot.config.loader import load_schedule

    result = load_schedule(file)
    for problem in result.problems:
        print(problem.format(), file=err)
    return result.schedule if result.ok else None


def group_namer(schedule: Schedule, lang: str):  # type: ignore[no-untyped-def]
    names = schedule.group_names()

    def name(group: str) -> str:
        return text_in(names[group], lang) if group in names else group

    return name


def print_transcript(result: RehearsalResult, schedule: Schedule, console: Console) -> None:
    zone = ZoneInfo(schedule.event.timezone)
    for lang in schedule.event.languages:
        console.print(Rule(i18n.render("rehearsal.transcript_heading", lang,
                                       language=i18n.render(f"common.language_name.{lang}", lang))))
        day = None
        for line in result.chat.for_language(lang):
            local = line.at.astimezone(zone)
            if local.date() != day:
                day = local.date()
                console.print(Text(f"— {day.isoformat()} —", style="bold"))
            stamp = Text(f"{local:%H:%M:%S} ", style="dim")
            who = Text(f"{line.author}: ", style="bold cyan") if line.author else Text("")
            console.print(stamp + who + Text(line.text))
    counts = result.report.cue_counts
    console.print(Rule())
    console.print(i18n.render("rehearsal.summary", "en", cues=len(result.cues), posted=counts.get("posted", 0),
                              late=counts.get("late", 0), missed=counts.get("missed", 0),
                              interventions=len(result.report.all_interventions), steps=result.steps))


def write_outputs(result: RehearsalResult, schedule: Schedule, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    zone = ZoneInfo(schedule.event.timezone)
    languages = [str(lang) for lang in schedule.event.languages]
    headings = {lang: i18n.render("rehearsal.transcript_heading", lang,
                                  language=i18n.render(f"common.language_name.{lang}", lang)) for lang in languages}
    title = text_in(schedule.event.title, languages[0])
    markdown = f"# {title}\n\n" + result.chat.to_markdown(languages, zone, headings)
    (out / "transcript.md").write_text(markdown, encoding="utf-8")
    (out / "transcript.json").write_text(dump_json(result.chat), encoding="utf-8")
    written = [out / "transcript.md", out / "transcript.json"]
    written += write_report(result.report, out, languages[0], zone, group_namer(schedule, languages[0]))
    return written


def run_rehearsal(
    file: Path, scenario_file: Path | None, out: Path | None, stdout: TextIO, stderr: TextIO,
    *, color: bool | None = None,
) -> int:
    schedule = _load(file, stderr)
    if schedule is None:
        return 1
    scenario = None
    if scenario_file is not None:
        try:
            scenario = load_scenario(scenario_file, schedule)
        except ScenarioError as error:
            print(str(error), file=stderr)
            return 1
    with tempfile.TemporaryDirectory(prefix="floorbot-rehearsal-") as scratch:
        # A rehearsal never touches the live store: its own SQLite file (kept in --out for `floorbot report`).
        db_path = (out / "rehearsal.sqlite") if out is not None else Path(scratch) / "rehearsal.sqlite"
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            for stale in out.glob("rehearsal.sqlite*"):
                stale.unlink()
        result = asyncio.run(rehearse(schedule, scenario=scenario, database_url=f"sqlite:///{db_path}",
                                      schedule_path=str(file.resolve())))
    console = Console(file=stdout, force_terminal=color, soft_wrap=True, width=120 if color is None else None)
    print_transcript(result, schedule, console)
    if out is not None:
        for path in write_outputs(result, schedule, out):
            console.print(i18n.render("rehearsal.wrote", "en", path=str(path)))
    return 0

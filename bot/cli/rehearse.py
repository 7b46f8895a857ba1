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

from bot.app.clock import LoopWaits
from bot.app.ports.translation import LANGS, TranslatorAuthError
from bot.app.translation.service import ChatTranslator
from bot.config.model import Schedule, text_in
from bot.config.settings import Settings
from bot.i18n import catalog as i18n
from bot.i18n import formats
from bot.rehearsal.billing import chat_characters, read_quota
from bot.rehearsal.run import RehearsalResult, rehearse
from bot.rehearsal.scenario import Scenario, ScenarioError, load_scenario
from bot.rehearsal.transcript import dump_json
from bot.report.render import write_report


def chat_translator_configured(settings: Settings) -> bool:
    return settings.deepl_auth_key is not None or bool(settings.libretranslate_url)


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
    booths = i18n.render("rehearsal.booths_heading", languages[0])
    markdown = f"# {title}\n\n" + result.chat.to_markdown(languages, zone, headings, booths)
    (out / "transcript.md").write_text(markdown, encoding="utf-8")
    (out / "transcript.json").write_text(dump_json(result.chat), encoding="utf-8")
    written = [out / "transcript.md", out / "transcript.json"]
    written += write_report(result.report, out, languages[0], zone, group_namer(schedule, languages[0]))
    return written


async def billing_lines(translator: ChatTranslator, scenario: Scenario | None, schedule: Schedule, *,
                        translated: bool) -> list[str]:
    """What the event's chat would bill (from the scenario's volume, else the sessions'), what this rehearsal
    billed when it translated, and the account's remaining quota beside it."""
    estimate = chat_characters(scenario, schedule)
    lines = [formats.message("rehearsal.billing.estimate", "en", characters=estimate)]
    backend = translator.translator.name
    if translated:
        lines.append(formats.message("rehearsal.billing.billed", "en", backend=backend,
                                     characters=translator.billed_characters))
    if not translator.machine:
        return [*lines, formats.message("rehearsal.billing.no_translator", "en")]
    quota = await read_quota(translator.translator)
    usage = quota.usage
    if quota.error is not None:
        lines.append(formats.message("rehearsal.billing.quota_unknown", "en", backend=backend, error=quota.error))
    elif usage is None or usage.remaining is None:
        lines.append(formats.message("rehearsal.billing.quota_unlimited", "en", backend=backend))
    else:
        lines.append(formats.message("rehearsal.billing.quota", "en", backend=backend, remaining=usage.remaining,
                                     limit=usage.characters_limit))
        if estimate > usage.remaining:
            lines.append(formats.message("rehearsal.billing.short", "en"))
    return lines


async def _rehearse_and_bill(schedule: Schedule, scenario: Scenario | None, database_url: str, schedule_path: Path,
                             translator: ChatTranslator, *, translate: bool) -> tuple[RehearsalResult, list[str]]:
    try:
        if translate:
            await translator.start(event_languages=[lang for lang in LANGS if lang in schedule.event.languages])
        result = await rehearse(schedule, scenario=scenario, database_url=database_url,
                                translator=translator if translate else None, schedule_path=str(schedule_path))
        return result, await billing_lines(translator, scenario, schedule, translated=translate)
    finally:
        await translator.aclose()


def run_rehearsal(
    file: Path, scenario_file: Path | None, out: Path | None, stdout: TextIO, stderr: TextIO,
    *, color: bool | None = None, translate: bool = False, settings: Settings | None = None,
) -> int:
    """`translate`: the scenario's chat goes through the configured translator (glossary included), so the
    transcript shows each reader's version; every rehearsal prints what the chat would bill."""
    schedule = _load(file, stderr)
    if schedule is None:
        return 1
    settings = settings or Settings()
    if translate and not chat_translator_configured(settings):
        print(i18n.render("rehearsal.translate.no_backend", "en"), file=stderr)
        return 2
    scenario = None
    if scenario_file is not None:
        try:
            scenario = load_scenario(scenario_file, schedule)
        except ScenarioError as error:
            print(str(error), file=stderr)
            return 1
    from bot.wiring import chat_translator

    path = file.resolve()
    translator = chat_translator(settings, schedule, path, LoopWaits())  # the glossary: the field's and the event's
    with tempfile.TemporaryDirectory(prefix="floorbot-rehearsal-") as scratch:
        # A rehearsal never touches the live store: its own SQLite file (kept in --out for `floorbot report`).
        db_path = (out / "rehearsal.sqlite") if out is not None else Path(scratch) / "rehearsal.sqlite"
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            for stale in out.glob("rehearsal.sqlite*"):
                stale.unlink()
        try:
            result, billing = asyncio.run(_rehearse_and_bill(schedule, scenario, f"sqlite:///{db_path}", path,
                                                             translator, translate=translate))
        except TranslatorAuthError as refused:
            print(i18n.render("rehearsal.translate.refused", "en", error=str(refused)), file=stderr)
            return 1
    console = Console(file=stdout, force_terminal=color, soft_wrap=True, width=120 if color is None else None)
    print_transcript(result, schedule, console)
    for line in billing:
        console.print(line)
    if out is not None:
        for path in write_outputs(result, schedule, out):
            console.print(i18n.render("rehearsal.wrote", "en", path=str(path)))
    return 0

"""The `floorbot` command. Exit status: 0 success, 1 wrong input or refused action, 2 usage error."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="floorbot",
    help="Runs the live side of virtual multi-stakeholder consultations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: no "<bool>" beside --help
    context_settings={"max_content_width": 120},
)

# The argument and the option most commands share, said once.
ScheduleFile = Annotated[Path, typer.Argument(help="the schedule file")]
DatabaseUrl = Annotated[str | None, typer.Option("--database", help="SQLAlchemy URL (default FLOORBOT_DATABASE_URL)")]


def main() -> None:
    app()


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        print(f"floorbot {version('floorbot')}")
        raise typer.Exit(0)


@app.callback()
def _every_command(
    ctx: typer.Context,
    _: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                    help="print the version and exit")] = False,
) -> None:
    """Runs the live side of virtual multi-stakeholder consultations."""
    from bot.cli.logs import configure_logging

    # The live bot tells the operator what it does; the other commands speak only when something is wrong.
    configure_logging("INFO" if ctx.invoked_subcommand in ("serve", "check") else "WARNING")


# Each area registers its commands here, in the order of the day's work (the help lists them in this
# order); the command bodies live in their own modules.


# -- before the day: the schedule and the pre-flight (bodies in bot/cli/schedule.py, bot/cli/check.py) -------------


def _zone_option(value: str | None) -> str | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if value is not None:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise typer.BadParameter(
                f"unknown time zone {value!r}; use an IANA name such as America/New_York"
            ) from None
    return value


@app.command()
def validate(files: Annotated[list[Path], typer.Argument(help="schedule files to check")]) -> None:
    """Check schedule files and print every problem as FILE:LINE:COL: message."""
    from bot.cli.schedule import validate_files

    raise typer.Exit(validate_files(files, sys.stdout))


@app.command("plan")
def plan_command(
    file: ScheduleFile,
    tz: Annotated[
        str | None, typer.Option("--tz", callback=_zone_option, help="also show times in this zone")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the cues as JSON")] = False,
) -> None:
    """The run of show: every cue the bot will post, when."""
    from bot.cli.schedule import show_plan

    raise typer.Exit(show_plan(file, tz, as_json, sys.stdout, sys.stderr))


@app.command("check")
def check_command(file: ScheduleFile) -> None:
    """Pre-flight: the schedule, Slack (token, scopes, channels), Zoom, translation quota, the database."""
    from bot.cli.check import check_command as run_check
    from bot.config.settings import load_settings

    raise typer.Exit(run_check(file, load_settings(), sys.stdout))


# -- rehearsal, Zoom, the live bot and the report (bot/cli/rehearse.py, provision.py, registrants.py, report.py,
# bot/serve.py) -----------------------------------------------------------------------------------------


@app.command("rehearse")
def rehearse_command(
    file: ScheduleFile,
    instant: Annotated[bool, typer.Option("--instant", help="jump from cue to cue; finishes in seconds")] = False,
    speed: Annotated[
        float | None, typer.Option("--speed", min=0.01, help="run X times faster than real time, console open")
    ] = None,
    scenario: Annotated[
        Path | None, typer.Option("--scenario", help="simulated attendees (see docs/rehearsal.md)")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="write transcript and report here")] = None,
    translate: Annotated[
        bool, typer.Option("--translate", help="send the chat through the configured translator (glossary included)")
    ] = False,
) -> None:
    """The whole event on a simulated clock through the local chat; prints the transcript and what its chat
    would bill in machine translation beside the account's remaining quota."""
    if instant and speed is not None:
        raise typer.BadParameter("choose --instant or --speed, not both")
    if speed is not None:
        from bot.serve import run_serve

        raise typer.Exit(run_serve(file, start_now=True, start_at=None, speed=speed, scenario=scenario,
                                   rehearsal_out=out))
    from bot.cli.rehearse import run_rehearsal

    raise typer.Exit(run_rehearsal(file, scenario, out, sys.stdout, sys.stderr, translate=translate))


@app.command()
def provision(
    file: ScheduleFile,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="show what would change; create or update nothing")
    ] = False,
) -> None:
    """Create or update the event's Zoom meetings, idempotently."""
    from bot.cli.provision import run
    from bot.config.settings import load_settings

    raise typer.Exit(run(file, dry_run=dry_run, settings=load_settings()))


@app.command("registrants")
def registrants_command(
    file: ScheduleFile,
    csv_path: Annotated[
        Path | None, typer.Option("--csv", help="Zoom's registrants export, instead of asking Zoom's API")
    ] = None,
    database: DatabaseUrl = None,
) -> None:
    """Import the registrants (name, e-mail, stakeholder group, language) into the people directory."""
    from bot.cli.registrants import run_registrants
    from bot.config.settings import load_settings

    raise typer.Exit(run_registrants(file, csv_path, database, load_settings(), sys.stdout, sys.stderr))


# -- console access (body in bot/cli/invite.py) --------------------------------------------------


@app.command("invite")
def invite_command(
    file: ScheduleFile,
    person: Annotated[
        list[str] | None, typer.Option("--person", help="a person id (or an interpreter's e-mail); repeatable")
    ] = None,
    everyone: Annotated[bool, typer.Option("--all", help="everyone of the schedule, and its interpreters")] = False,
    role: Annotated[
        str | None,
        typer.Option("--role", help="organizer, chair, interpreter or attendee (default: the schedule's)"),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="where the links point (default FLOORBOT_PUBLIC_URL)")
    ] = None,
    expires: Annotated[
        str | None, typer.Option("--expires", help="a date or ISO time (default: the day after the event)")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="write a CSV for a mail merge instead of printing")] = None,
    revoke: Annotated[
        str | None, typer.Option("--revoke", help="withdraw every link and session of this person")
    ] = None,
    database: DatabaseUrl = None,
) -> None:
    """Signed sign-in links for the web console, one per person (or revoke a person's links)."""
    from bot.cli.invite import run_invite
    from bot.config.settings import load_settings

    if role is not None and role not in ("organizer", "chair", "interpreter", "attendee"):
        raise typer.BadParameter("use organizer, chair, interpreter or attendee", param_hint="--role")
    raise typer.Exit(run_invite(file, load_settings(), people=person or [], everyone=everyone, role=role,
                                base_url=base_url, expires=expires, out_path=out, revoke=revoke,
                                database=database, stdout=sys.stdout, stderr=sys.stderr))


def _iso_option(value: str | None) -> str | None:
    if value is not None:
        from datetime import datetime

        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise typer.BadParameter(f"{value!r} is not an ISO 8601 time, e.g. 2026-12-01T09:00+01:00") from None
        if parsed.tzinfo is None:
            raise typer.BadParameter("give the offset too, e.g. 2026-12-01T09:00+01:00")
    return value


@app.command()
def serve(
    file: ScheduleFile,
    start_now: Annotated[bool, typer.Option("--start-now", help="shift the agenda so it starts now")] = False,
    start_at: Annotated[
        str | None, typer.Option("--start-at", callback=_iso_option, help="shift the agenda to start at this time")
    ] = None,
    speed: Annotated[float, typer.Option("--speed", min=0.01, help="run the agenda X times faster")] = 1.0,
) -> None:
    """The live bot: HTTP server, scheduler, chat (Slack if configured, else the local web console)."""
    from datetime import datetime

    from bot.serve import run_serve

    if start_now and start_at:
        raise typer.BadParameter("choose --start-now or --start-at, not both")
    at = datetime.fromisoformat(start_at) if start_at else None
    raise typer.Exit(run_serve(file, start_now=start_now, start_at=at, speed=speed))


@app.command()
def inputs(
    file: ScheduleFile,
    out: Annotated[Path | None, typer.Option("--out", help="write inputs.csv and the files here")] = None,
    database: DatabaseUrl = None,
) -> None:
    """The written inputs received: listed, or exported with their files."""
    from bot.cli.inputs import run_inputs

    raise typer.Exit(run_inputs(file, out, database, sys.stdout, sys.stderr))


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", help="where to write the report (Markdown, HTML, CSV, JSON)")] = Path(
        "report"
    ),
    schedule_file: Annotated[
        Path | None, typer.Option("--schedule", help="the schedule file (default: the one the store last served)")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="language of the report: en, fr or es")] = "en",
    database: DatabaseUrl = None,
) -> None:
    """Interventions and statistics of what has run."""
    from bot.cli.report import run_report

    if lang not in ("en", "fr", "es"):
        raise typer.BadParameter("use en, fr or es", param_hint="--lang")
    raise typer.Exit(run_report(out, schedule_file, lang, database, sys.stdout, sys.stderr))


# -- tools (bodies in bot/cli/prefill.py, bot/cli/schedule.py, bot/cli/db.py) --------------------------------------


@app.command("translate")
def translate_command(
    file: ScheduleFile,
    out: Annotated[
        Path | None, typer.Option("--out", help="where to write the reviewed copy (default FILE.translated.yaml)")
    ] = None,
) -> None:
    """Fill missing fr/es titles, summaries and questions by machine translation, into a copy for review."""
    import asyncio

    from bot.cli.prefill import run_prefill_command

    raise typer.Exit(asyncio.run(run_prefill_command(file, out, sys.stdout, sys.stderr)))


@app.command()
def schema() -> None:
    """Print the JSON Schema of schedule files."""
    from bot.cli.schedule import print_schema

    raise typer.Exit(print_schema(sys.stdout))


@app.command()
def ics(
    file: ScheduleFile,
    out: Annotated[Path | None, typer.Option("--out", help="write to this file instead of stdout")] = None,
    lang: Annotated[str, typer.Option("--lang", help="language of titles and descriptions: en, fr or es")] = "en",
) -> None:
    """The agenda as iCalendar."""
    from bot.cli.schedule import export_ics

    if lang not in ("en", "fr", "es"):
        raise typer.BadParameter("use en, fr or es", param_hint="--lang")
    raise typer.Exit(export_ics(file, out, lang, sys.stdout, sys.stderr))


db = typer.Typer(help="The database's schema: upgrade it, or show where it is.", no_args_is_help=True)
app.add_typer(db, name="db")


@db.command("upgrade")
def db_upgrade(
    database: DatabaseUrl = None,
) -> None:
    """Create the schema or bring it to this version's (what `serve` also does at start)."""
    from bot.cli.db import upgrade

    raise typer.Exit(upgrade(database, sys.stdout, sys.stderr))


@db.command("current")
def db_current(
    database: DatabaseUrl = None,
) -> None:
    """The schema's revision and this version's; exit 1 if they differ or there is no database. Creates nothing."""
    from bot.cli.db import current

    raise typer.Exit(current(database, sys.stdout, sys.stderr))

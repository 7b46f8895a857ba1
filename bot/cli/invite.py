"""`floorbot invite`: one signed sign-in link per person (printed, or a CSV for a mail merge), and `--revoke`.

The links are signed with FLOORBOT_SECRET_KEY (else the key the store keeps, as `floorbot serve` uses);
revocations go to the store, where every running console reads them on each request.
"""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TextIO
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from bot.adapters.web.credentials import Invitation, Signer, person_subject, secret_key
from bot.adapters.web.directory import directory
from bot.adapters.web.sessions import AUDIT_TARGET
from bot.app.clock import SystemClock
from bot.app.ports.store import AuditRecord
from bot.config.loader import load_schedule
from bot.config.model import Schedule
from bot.config.settings import Settings
from bot.domain.authz import Role
from bot.i18n import catalog as i18n
from bot.wiring import open_store

COLUMNS = ("person", "name", "email", "role", "expires", "link")
DEFAULT_REHEARSAL = timedelta(days=7)


class InviteError(Exception):
    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def expiry(value: str | None, schedule: Schedule, now: datetime) -> datetime:
    """`--expires`: a date means the end of that day on the event's clock. By default the end of the day after
    the event, or a week from now for an event already past (a rehearsal of an old programme)."""
    zone = ZoneInfo(schedule.event.timezone)
    if value is None:
        last = max(day.date for day in schedule.days)
        return max(datetime.combine(last + timedelta(days=2), time(0), zone), now + DEFAULT_REHEARSAL)
    try:
        at = datetime.combine(date.fromisoformat(value) + timedelta(days=1), time(0), zone)
    except ValueError:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise InviteError("access.cli.bad_date", value=value) from None
        at = parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    if at <= now:
        raise InviteError("access.cli.expired", value=value)
    return at


def sign_in_link(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/signin?{urlencode({'token': token})}"


async def invite(schedule: Schedule, settings: Settings, *, people: Sequence[str], everyone: bool,
                 role: Role | None, base_url: str | None, expires: str | None, revoke: str | None,
                 database: str | None, out: TextIO, err: TextIO) -> int:
    members = directory(schedule)
    now = SystemClock().now()
    store = await open_store(database or settings.floorbot_database_url)
    try:
        configured = settings.floorbot_secret_key.get_secret_value() if settings.floorbot_secret_key else None
        key, generated = await secret_key(configured, store.kv, now)
        if generated:
            print(i18n.render("access.start.weak_key", "en"), file=err)
        if revoke is not None:
            if revoke not in members:
                raise InviteError("access.cli.unknown_person", person=revoke)
            await store.revocations.revoke(person_subject(revoke), now)
            await store.audit.append(AuditRecord(now, "cli", "console.revoke", AUDIT_TARGET, True,
                                                 "access.cli.revoked", {"person": revoke}))
            print(i18n.render("access.cli.revoked", "en", person=revoke), file=err)
            return 0
        chosen = list(members) if everyone else list(dict.fromkeys(people))
        if not chosen:
            raise InviteError("access.cli.nobody")
        unknown = next((p for p in chosen if p not in members), None)
        if unknown is not None:
            raise InviteError("access.cli.unknown_person", person=unknown)
        until = expiry(expires, schedule, now)
        base = base_url or settings.floorbot_public_url or f"http://{settings.floorbot_host}:{settings.floorbot_port}"
        signer = Signer(key)
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for person in chosen:
            member = members[person]
            granted = role or member.role
            token = signer.invitation_token(Invitation(person, granted, now, until))
            writer.writerow((person, member.name, member.email or "", granted.value, until.isoformat(),
                             sign_in_link(base, token)))
        return 0
    finally:
        await store.close()


def run_invite(file: Path, settings: Settings, *, people: Sequence[str], everyone: bool, role: str | None,
               base_url: str | None, expires: str | None, out_path: Path | None, revoke: str | None,
               database: str | None, stdout: TextIO, stderr: TextIO) -> int:
    loaded = load_schedule(file)
    for problem in loaded.problems:
        print(problem.format(), file=stderr)
    if not loaded.ok or loaded.schedule is None:
        return 1
    try:
        if out_path is None:
            return asyncio.run(invite(loaded.schedule, settings, people=people, everyone=everyone,
                                      role=Role(role) if role else None, base_url=base_url, expires=expires,
                                      revoke=revoke, database=database, out=stdout, err=stderr))
        with out_path.open("w", encoding="utf-8", newline="") as handle:
            status = asyncio.run(invite(loaded.schedule, settings, people=people, everyone=everyone,
                                        role=Role(role) if role else None, base_url=base_url, expires=expires,
                                        revoke=revoke, database=database, out=handle, err=stderr))
        if status == 0 and revoke is None:
            rows = len(out_path.read_text(encoding="utf-8").splitlines()) - 1
            print(i18n.render("access.cli.written", "en", count=rows, path=str(out_path)), file=stderr)
        return status
    except InviteError as error:
        print(i18n.render(error.key, "en", **error.values), file=stderr)
        return 1

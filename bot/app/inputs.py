"""Written inputs to the consultation: who may send one, until when, in which formats, and the receipt.

The deadline is judged on the agenda clock the run of show follows (bot/domain/inputs.py), so a rehearsal
on a shifted or compressed clock behaves as the day would. Files are checked by their content, never by
their name: a renamed executable is refused. Refusals are `InputRefused(key, values)`; the surface says
them in the submitter's language.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

import filetype

from bot.app.clock import Clock
from bot.app.ports.inputs import InputRecord, InputStore
from bot.config.model import Schedule, WrittenInputs
from bot.domain.inputs import closes_at, is_open

MAX_TEXT = 100_000  # characters typed in the form (a file carries anything longer)
MAX_LINE = 300  # a title or an organization


class InputRefused(Exception):
    """A submission refused, with the catalog key of its reason (status: the HTTP answer that fits)."""

    def __init__(self, key: str, status: int = 400, **values: object) -> None:
        super().__init__(key)
        self.key, self.status, self.values = key, status, values


@dataclass(frozen=True)
class Submission:
    submitter: str  # the signed-in person's key, or "guest:<name>"
    title: str
    organization: str
    group: str
    language: str
    text: str = ""
    filename: str | None = None
    content: bytes | None = None


def detect_format(content: bytes) -> str | None:
    """What the bytes are (pdf, docx, odt, exe, zip, ...), or "txt" for UTF-8 text; None when unknown."""
    kind = filetype.guess(content)
    if kind is not None:
        return str(kind.extension)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "txt" if "\x00" not in text else None


def _file_format(content: bytes, rules: WrittenInputs) -> str:
    if len(content) > rules.max_size:
        raise InputRefused("inputs.refused.size", 413, size=len(content), max=int(rules.max_size))
    found = detect_format(content)
    allowed = [f.value for f in rules.formats]
    if found is None or found not in allowed:
        raise InputRefused("inputs.refused.format", 415, formats=", ".join(allowed))
    return found


@dataclass
class InputsDesk:
    schedule: Schedule
    store: InputStore
    clock: Clock  # the agenda clock

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.schedule.event.timezone)

    @property
    def rules(self) -> WrittenInputs | None:
        return self.schedule.event.written_inputs

    def closing(self) -> datetime | None:
        rules = self.rules
        if rules is None:
            return None
        return closes_at(rules.deadline, rules.until, ZoneInfo(self.schedule.event.timezone))

    def check_open(self) -> WrittenInputs:
        rules, closing = self.rules, self.closing()
        if rules is None or closing is None:
            raise InputRefused("inputs.refused.not_accepting", 404)
        if not is_open(self.clock.now(), closing):
            raise InputRefused("inputs.refused.closed", 403, deadline=rules.deadline, until=rules.until)
        return rules

    def _check(self, s: Submission, rules: WrittenInputs) -> str | None:
        if not s.title.strip() or len(s.title) > MAX_LINE or len(s.organization) > MAX_LINE:
            raise InputRefused("inputs.refused.title", max=MAX_LINE)
        if s.group not in self.schedule.group_names():
            raise InputRefused("inputs.refused.group")
        if s.language not in self.schedule.event.languages:
            raise InputRefused("inputs.refused.language")
        if len(s.text) > MAX_TEXT:
            raise InputRefused("inputs.refused.text_too_long", max=MAX_TEXT)
        if not s.content:
            if not s.text.strip():
                raise InputRefused("inputs.refused.empty")
            return None
        return _file_format(s.content, rules)

    async def submit(self, s: Submission) -> InputRecord:
        """Check everything first, then keep it: once this returns, the input survives a crash."""
        rules = self.check_open()
        found = self._check(s, rules)
        content = s.content if found else None
        record = InputRecord(
            reference=f"WI-{secrets.token_hex(4).upper()}", received_at=self.clock.now(),
            submitter=s.submitter, title=s.title.strip(), organization=s.organization.strip(), group=s.group,
            language=s.language, text=s.text, filename=(s.filename or "")[:MAX_LINE] or None if content else None,
            format=found, size=len(content or b""), sha256=hashlib.sha256(content).hexdigest() if content else None,
        )
        await self.store.add(record, content)
        return record

    async def attach(self, reference: str, submitter: str, filename: str, content: bytes) -> InputRecord:
        """A file sent later for one's own input (Slack: shared in the bot's DM with the reference)."""
        rules = self.check_open()
        record = await self.store.get(reference)
        if record is None or record.submitter != submitter:
            raise InputRefused("inputs.refused.unknown_reference", 404, reference=reference)
        found = _file_format(content, rules)
        attached = replace(record, filename=filename[:MAX_LINE] or None, format=found, size=len(content),
                           sha256=hashlib.sha256(content).hexdigest())
        await self.store.attach(attached, content)
        return attached

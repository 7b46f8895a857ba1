"""Written inputs from the console: the `/inputs` page and `POST /api/inputs` (multipart: title,
organization, group, language, text and/or one file), answered in the submitter's language.

Who may submit is the console's signed-in person (`WebConsole.identity`), or anyone when the schedule's
`written_inputs.guests` allows it. The use case (bot/app/inputs.py) checks and keeps the input; this module
only reads the form, bounds what it reads, and says the outcome.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.adapters.web.console import WebConsole
from bot.adapters.web.signin import best_language
from bot.app.inputs import InputRefused, InputsDesk, Submission
from bot.config.model import Schedule
from bot.domain.inputs import closes_at
from bot.i18n import catalog as i18n
from bot.i18n import formats

log = logging.getLogger(__name__)

FORM_OVERHEAD = 256 * 1024  # the form's text fields and multipart framing, beyond the file itself
_ENV = Environment(loader=PackageLoader("bot.adapters.web", "templates"), autoescape=select_autoescape(["j2"]))


def deadline_values(desk: InputsDesk, lang: str) -> dict[str, str]:
    """{date, time, zone} of the deadline, on the event's clock, as the reader reads dates."""
    rules = desk.rules
    if rules is None:
        return {}
    zone = ZoneInfo(desk.schedule.event.timezone)
    last = closes_at(rules.deadline, rules.until, zone) - timedelta(minutes=1)
    return {"date": formats.long_date(rules.deadline, lang), "time": formats.clock(last.astimezone(zone), lang),
            "zone": desk.schedule.event.timezone_label or desk.schedule.event.timezone}


MULTIPART_ROOM = 64 * 1024  # the form's other fields and the multipart framing around the file


def upload_limits(schedule: Schedule) -> dict[str, int]:
    """The request-size limit of the upload route: the schedule's largest file and the form around it."""
    rules = schedule.event.written_inputs
    return {"/api/inputs": int(rules.max_size) + MULTIPART_ROOM} if rules is not None else {}


class InputsPage:
    def __init__(self, console: WebConsole, desk: InputsDesk) -> None:
        self.console = console
        self.desk = desk

    def routes(self) -> list[BaseRoute]:
        return [Route("/inputs", self.page, methods=["GET"]), Route("/api/inputs", self.submit, methods=["POST"])]

    async def _lang(self, request: Request) -> str:
        asked = request.query_params.get("lang")
        if asked in i18n.LANGUAGES:
            return asked
        who = await self.console.identity(request)
        return who.lang if who else best_language(request.headers.get("accept-language"))

    def _say(self, key: str, lang: str, **values: object) -> str:
        return i18n.render(key, lang, **(deadline_values(self.desk, lang) | values))

    async def page(self, request: Request) -> Response:
        lang = await self._lang(request)
        rules = self.desk.rules
        if rules is None:
            return HTMLResponse(self._say("inputs.refused.not_accepting", lang), status_code=404)
        s = self.desk.schedule
        groups = [(gid, i18n_text(name, lang)) for gid, name in s.group_names().items()]
        languages = [(str(code), i18n.render(f"common.language_name.{code}", lang)) for code in s.event.languages]
        who = await self.console.identity(request)
        try:
            self.desk.check_open()
            state = "open" if who is not None or rules.guests else "sign_in"
        except InputRefused:
            state = "closed"
        body = _ENV.get_template("inputs.html.j2").render(
            lang=lang, t=lambda key, **v: self._say(f"inputs.{key}", lang, **v), state=state, groups=groups,
            guest=who is None,
            languages=languages, group=who.group if who else "", formats=", ".join(f.value for f in rules.formats),
            max=formats.file_size(int(rules.max_size), lang),
        )
        return HTMLResponse(body, headers={
            "Content-Security-Policy": "default-src 'self'; style-src 'self'; script-src 'self'; "
                                       "connect-src 'self'; frame-ancestors 'none'; form-action 'self'",
            "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
        })

    def _refused(self, refusal: InputRefused, lang: str) -> JSONResponse:
        values: dict[str, Any] = {k: v for k, v in refusal.values.items() if not isinstance(v, (datetime, time))}
        sizes = ("size", "max") if refusal.key == "inputs.refused.size" else ()
        for name in sizes:
            values[name] = formats.file_size(int(values[name]), lang)
        if "max" in values and not sizes:
            values["max"] = formats.number(int(values["max"]), lang)
        return JSONResponse({"error": refusal.key, "message": self._say(refusal.key, lang, **values)},
                            status_code=refusal.status)

    async def submit(self, request: Request) -> Response:
        lang = await self._lang(request)
        try:
            rules = self.desk.check_open()
            who = await self.console.identity(request)
            if who is None and not rules.guests:
                raise InputRefused("inputs.refused.not_signed_in", 401)
            declared = int(request.headers.get("content-length") or 0)
            if declared > rules.max_size + FORM_OVERHEAD:
                raise InputRefused("inputs.refused.size", 413, size=declared, max=int(rules.max_size))
            submission = await self._read(request, rules.max_size, who)
            record = await self.desk.submit(submission)
        except InputRefused as refusal:
            return self._refused(refusal, lang)
        zone = ZoneInfo(self.desk.schedule.event.timezone)
        at = record.received_at.astimezone(zone)
        receipt = i18n.render("inputs.receipt", lang, title=record.title, reference=record.reference,
                              date=formats.long_date(at.date(), lang), time=formats.clock(at, lang),
                              zone=self.desk.schedule.event.timezone_label or self.desk.schedule.event.timezone)
        log.info("written input %s received (%s bytes)", record.reference, record.size)
        return JSONResponse({"reference": record.reference, "received_at": record.received_at.isoformat(),
                             "sha256": record.sha256, "receipt": receipt})

    async def _read(self, request: Request, max_size: int, who: Any) -> Submission:
        try:
            form = await request.form(max_files=1, max_fields=20)
        except Exception:  # noqa: BLE001 - the multipart parser raises several kinds for a malformed body
            raise InputRefused("inputs.refused.bad_request") from None
        try:
            upload = form.get("file")
            content = None
            filename = None
            if isinstance(upload, UploadFile) and upload.filename:
                content = await upload.read(max_size + 1)
                filename = upload.filename
                if len(content) > max_size:  # the parser spooled all of it, so its size is known
                    raise InputRefused("inputs.refused.size", 413, size=upload.size or len(content), max=max_size)

            def field(name: str) -> str:
                value = form.get(name)
                return value if isinstance(value, str) else ""

            if who is None and not field("name").strip():
                raise InputRefused("inputs.refused.name")
            submitter = (await self.console.model.person_key(who.user_id)) if who else f"guest:{field('name')[:80]}"
            return Submission(submitter, field("title"), field("organization"), field("group"), field("language"),
                              field("text"), filename, content)
        finally:
            await form.close()


def i18n_text(text: object, lang: str) -> str:
    if isinstance(text, dict):
        return str(text.get(lang) or text.get("en") or next(iter(text.values()), ""))
    return str(text)

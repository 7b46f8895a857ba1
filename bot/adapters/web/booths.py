"""The console's interpreters' view: the booths' state in `/api/state`, and `POST /api/signal`.

Interpreters (and the chairs and organizers, who watch what the booths see) get `booths`: the current speaker
with the end of their turn (the page counts down like the chair's timer), the next one, both with their floor
language, and the alert when the language changes. The chairs and organizers get `signals`: the booths' recent
signals, newest first. A signal is sent by an interpreter, a chair or an organizer only (attendees and guests
get 403 with the reason), within the person's rate like every other POST; the same signal twice within 20 s is
refused as a repeat (429).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.adapters.web.views import Powers
from bot.app.booth_signals import BoothSignal, Sent
from bot.app.booths import BoothSpeaker, BoothView
from bot.config.model import text_in
from bot.domain import authz
from bot.i18n import catalog as i18n

if TYPE_CHECKING:
    from bot.adapters.web.console import WebConsole
    from bot.adapters.web.credentials import Credential

SIGNAL_ROLES = frozenset({authz.Role.INTERPRETER, authz.Role.CHAIR, authz.Role.ORGANIZER})
_REFUSED = {Sent.REPEATED: ("interpreters.signal.repeated", 429), Sent.INVALID: ("interpreters.signal.invalid", 400)}


def _language(code: str, lang: str) -> str:
    key = f"common.language_name.{code}"
    return i18n.render(key, lang) if i18n.has(key) else code


def speaker_json(speaker: BoothSpeaker | None, lang: str) -> dict[str, Any] | None:
    if speaker is None:
        return None
    turn = i18n.render(f"console.booths.turn_{speaker.turn}", lang, index=speaker.index or 0, of=speaker.of or 0)
    affiliation = text_in(speaker.affiliation, lang) if speaker.affiliation else ""
    return {"name": speaker.name, "affiliation": affiliation, "language": speaker.language,
            "language_text": i18n.render("console.booths.language", lang,
                                         language=_language(speaker.language, lang)),
            "turn": speaker.turn, "turn_text": turn,
            "ends_at": speaker.ends_at.isoformat() if speaker.ends_at else None}


def booths_json(view: BoothView, lang: str) -> dict[str, Any]:
    alert = None
    if view.language_change and view.next is not None:
        alert = i18n.render("console.booths.alert", lang, language=_language(view.next.language, lang))
    return {"current": speaker_json(view.current, lang), "next": speaker_json(view.next, lang), "alert": alert}


def signal_json(signal: BoothSignal, lang: str) -> dict[str, Any]:
    said = signal.text if signal.kind == "text" else i18n.render(f"interpreters.signal.{signal.kind}", lang)
    booth = i18n.render("console.booths.booth", lang, booth=signal.booth.upper()) if signal.booth else None
    return {"at": signal.at.isoformat(), "name": signal.name, "kind": signal.kind, "text": said, "booth": booth}


def sees_booths(who: Credential | None, powers: Powers) -> bool:
    return who is not None and (who.role is authz.Role.INTERPRETER or powers.chair or powers.organizer)


class BoothsApi:
    """The state's booths part, and the signal route, over the console (its sessions, rate and problems)."""

    def __init__(self, console: WebConsole) -> None:
        self.console = console

    def routes(self) -> list[BaseRoute]:
        return [Route("/api/signal", self.signal, methods=["POST"])]

    async def state(self, who: Credential | None, powers: Powers, lang: str) -> dict[str, Any]:
        model = self.console.model
        part: dict[str, Any] = {"booths": None, "signals": None}
        if sees_booths(who, powers):
            part["booths"] = booths_json(await model.booths(), lang)
        if powers.chair or powers.organizer:
            part["signals"] = [signal_json(s, lang) for s in await model.signals()]
        return part

    async def signal(self, request: Request) -> Response:
        from bot.adapters.web.console import BadRequest

        console = self.console
        try:
            who = await console.acting(request)
            lang = console.language(request, who)
            if who.role not in SIGNAL_ROLES:
                await console.sessions.audit(who.user_id, "signal", False, "interpreters.signal.refused",
                                             role=who.role.value)
                raise BadRequest("interpreters.signal.refused", 403)
            body = await console.json_body(request)
            kind, text = str(body.get("signal") or ""), str(body.get("text") or "")
            booth = console.model.booth_of(who.person) if who.role is authz.Role.INTERPRETER else None
            result = await console.model.send_signal(who.person or who.user_id, who.name, kind, text, booth=booth)
            if result in _REFUSED:
                key, status = _REFUSED[result]
                raise BadRequest(key, status)
        except BadRequest as problem:
            return console.problem(problem, console.language(request, await console.identity(request)))
        return JSONResponse({"ok": True, "message": i18n.render("console.booths.sent", lang)})
